"""The search report in the Wagtail admin: top queries, queries without results,
click-through, a chart of the last days, and a CSV export."""

import csv

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from search import reports

DAYS = 30


def _bar(n: int, day: dict, peak: int) -> dict:
    """One day of the chart, in SVG units (100 high, 10 wide per day)."""
    height = round(day["searches"] / peak * 100)
    zero = round(day["zero"] / peak * 100)
    return day | {"x": n * 10, "y": 100 - height, "height": height, "zero_y": 100 - zero,
                  "zero_height": zero}  # fmt: skip


class SearchReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "search/admin/report.html"
    page_title = _("Search terms")
    header_icon = "search"

    def get_breadcrumbs_items(self):
        return [{"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        self.language = request.GET.get("language") or None
        if request.GET.get("format") == "csv":
            return self.as_csv()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        daily = reports.daily(days=DAYS, language=self.language)
        peak = max((d["searches"] for d in daily), default=0) or 1
        context.update(
            language=self.language or "",
            totals=reports.totals(days=DAYS, language=self.language),
            top=reports.top_queries(days=DAYS, language=self.language),
            zero=reports.zero_result_queries(days=DAYS, language=self.language),
            chart=[_bar(n, d, peak) for n, d in enumerate(daily)],
            days=DAYS,
        )
        return context

    def as_csv(self):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="search-terms.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["query", "language", "searches", "without results", "clicked", "click-through"]
        )
        for row in reports.top_queries(days=DAYS, language=self.language, limit=1000):
            writer.writerow(
                [row["query"], row["language"], row["searches"], row["zero"], row["clicks"],
                 f"{row['ctr'] * 100:.0f}%"]
            )  # fmt: skip
        return response
