"""The support report (Reports → Support requests): figures from ``support.report``, with
bars for requests per day, and the requests it counts as CSV."""

import csv
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from support import permissions, report, services

PERIODS = {"7": _("Last 7 days"), "30": _("Last 30 days"), "90": _("Last 90 days")}


def _hours(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 3600:.1f}"


class ReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "support/admin/report.html"
    page_title = _("Support requests")
    header_icon = "mail"

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
        if request.GET.get("format") == "csv":
            return self.as_csv()
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

    def as_csv(self):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="support-requests.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["reference", "confirmed", "language", "topic", "status", "assigned to",
             "first answer", "first answer due", "first answer (hours)", "promise kept",
             "solved", "rating", "recommend (0-10)"]
        )  # fmt: skip
        for row in self.report.rows:
            kept = row["promise_kept"]
            writer.writerow(
                [row["reference"], row["confirmed_at"].isoformat(), row["language"],
                 row["topic__title"] or "", row["status"], row["assignee__email"] or "",
                 row["first_response_at"].isoformat() if row["first_response_at"] else "",
                 row["first_response_due"].isoformat(),
                 "" if row["first_answer_hours"] is None else row["first_answer_hours"],
                 "" if kept is None else ("yes" if kept else "no"),
                 row["solved_at"].isoformat() if row["solved_at"] else "",
                 row["rating"], "" if row["recommend"] is None else row["recommend"]]
            )  # fmt: skip
        return response
