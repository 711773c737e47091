"""The support report (Reports → Support requests): figures from ``support.report``, with
bars for requests per day, and the requests it counts as a spreadsheet (CSV or XLSX,
through Wagtail's ``SpreadsheetExportMixin``, as Wagtail's own reports export)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.models import Site

from support import permissions, report, services

PERIODS = {"7": _("Last 7 days"), "30": _("Last 30 days"), "90": _("Last 90 days")}


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _iso(value) -> str:
    return value.isoformat() if value else ""


class ReportView(SpreadsheetExportMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "support/admin/report.html"
    page_title = _("Support requests")
    header_icon = "mail"
    # One row per request; the headings are the columns' names (kept as they were, for
    # the spreadsheets people already built on them).
    list_export = [
        "reference",
        "confirmed",
        "language",
        "topic",
        "status",
        "assigned to",
        "first answer",
        "first answer due",
        "first answer (hours)",
        "promise kept",
        "solved",
        "rating",
        "recommend (0-10)",
    ]
    export_filename = "support-requests"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # ``?export=csv`` or ``xlsx`` (Wagtail's); links saved before said ``?format=csv``.
        self.export_format = request.GET.get("export")
        if self.export_format is None and request.GET.get("format") == self.FORMAT_CSV:
            self.export_format = self.FORMAT_CSV
        self.is_export = self.export_format in self.FORMATS

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_see_support_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [{"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        zone = services.hours_for(Site.find_for_request(request)).clock().zone
        period = request.GET.get("period", "30")
        period = period if period in PERIODS else "30"
        self.language = request.GET.get("language", "")
        if self.language not in dict(settings.LANGUAGES):
            self.language = ""
        topic = request.GET.get("topic", "")
        self.topic = int(topic) if topic.isdigit() and len(topic) < 10 else None
        end = timezone.now().astimezone(zone).date()
        self.period = period
        self.report = report.build(
            start=end - timedelta(days=int(period) - 1),
            end=end,
            zone=zone,
            language=self.language,
            topic=self.topic,
        )
        if self.is_export:
            return self.as_spreadsheet(self.export_rows(), self.export_format)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from kb.models import TopicPage

        context = super().get_context_data(**kwargs)
        found = self.report
        tallest = found.busiest_day or 1
        context.update(
            report=found,
            bars=[
                {"day": day, "count": count, "height": round(100 * count / tallest)}
                for day, count in found.per_day
            ],
            periods=PERIODS,
            period=self.period,
            language=self.language,
            languages=settings.LANGUAGES,
            topic=self.topic,
            topics=TopicPage.objects.live().order_by("title").values_list("pk", "title")[:200],
        )
        return context

    def export_rows(self) -> list[dict]:
        return [
            {
                "reference": row["reference"],
                "confirmed": row["confirmed_at"].isoformat(),
                "language": row["language"],
                "topic": row["topic__title"] or "",
                "status": row["status"],
                "assigned to": row["assignee__email"] or "",
                "first answer": _iso(row["first_response_at"]),
                "first answer due": row["first_response_due"].isoformat(),
                "first answer (hours)": row["first_answer_hours"],
                "promise kept": _yes_no(row["promise_kept"]),
                "solved": _iso(row["solved_at"]),
                "rating": row["rating"],
                "recommend (0-10)": row["recommend"],
            }
            for row in self.report.rows
        ]
