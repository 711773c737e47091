"""The search report in the Wagtail admin: top queries, queries without results,
click-through and a chart of the last days, as a Wagtail report whose rows (the top
queries) download as CSV or XLSX."""

from django.utils.translation import gettext_lazy as _

from search import reports
from site_config.admin_reports import (
    OldCsvLinkMixin,
    SelectorFilterSet,
    SelectorReportView,
    language_filter,
)

DAYS = 30


def _bar(n: int, day: dict, peak: int) -> dict:
    """One day of the chart, in SVG units (100 high, 10 wide per day)."""
    height = round(day["searches"] / peak * 100)
    zero = round(day["zero"] / peak * 100)
    return day | {
        "x": n * 10,
        "y": 100 - height,
        "height": height,
        "zero_y": 100 - zero,
        "zero_height": zero,
    }


def _percent(value) -> str:
    return f"{value * 100:.0f}%"


class SearchFilters(SelectorFilterSet):
    language = language_filter()


class SearchReportView(OldCsvLinkMixin, SelectorReportView):
    results_template_name = "search/admin/report_results.html"
    page_title = _("Search terms")
    header_icon = "search"
    index_url_name = "search_report"
    index_results_url_name = "search_report_results"
    filterset_class = SearchFilters
    export_filename = "search-terms"
    list_export = ["query", "language", "searches", "zero", "clicks", "ctr"]
    # The headings the CSV had before it was Wagtail's (spreadsheets are built on them).
    export_headings = {
        "query": "query",
        "language": "language",
        "searches": "searches",
        "zero": "without results",
        "clicks": "clicked",
        "ctr": "click-through",
    }
    custom_field_preprocess = {
        "ctr": {SelectorReportView.FORMAT_CSV: _percent, SelectorReportView.FORMAT_XLSX: _percent}
    }
    no_results_message = _("No searches yet.")

    @property
    def language(self) -> str | None:
        return self.filter_values["language"] or None

    def get_queryset(self):
        return reports.top_queries(days=DAYS, language=self.language, limit=1000)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.is_export:
            return context
        daily = reports.daily(days=DAYS, language=self.language)
        peak = max((d["searches"] for d in daily), default=0) or 1
        context.update(
            totals=reports.totals(days=DAYS, language=self.language),
            zero=reports.zero_result_queries(days=DAYS, language=self.language),
            chart=[_bar(n, d, peak) for n, d in enumerate(daily)],
            days=DAYS,
        )
        return context
