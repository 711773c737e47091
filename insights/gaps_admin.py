"""What to write next: the content-gap report (Reports → What to write next), a Wagtail
report over ``insights.gaps``, with its filters (language, kind of gap, period) and
Wagtail's spreadsheet export (``?export=csv`` or ``xlsx``) of the same rows.

One list with a language column, not a table per language: ranked across languages it shows
where most customers are failed, and it exports as one sheet; the language filter gives one
language's writing list.

Who sees it: editors and moderators, the people who can write what it asks for (admin
access, which every admin URL requires, and permission to add, edit or publish pages, as
Wagtail's own page reports ask)."""

import django_filters
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.permission_policies.pages import PagePermissionPolicy

from insights import gaps
from site_config.admin_reports import (
    SelectorFilterSet,
    SelectorReportView,
    language_filter,
    report_urls,
)

PAGE_PERMISSIONS = ["add", "change", "publish"]
page_permissions = PagePermissionPolicy()

PERIOD_LABELS = {7: _("Last 7 days"), 30: _("Last 30 days"), 90: _("Last 90 days")}


def can_see_gaps(user) -> bool:
    """Editors and moderators: whoever may add, edit or publish pages."""
    return page_permissions.user_has_any_permission(user, PAGE_PERMISSIONS)


class GapFilters(SelectorFilterSet):
    defaults = {"days": "30"}

    language = language_filter()
    kind = django_filters.ChoiceFilter(
        label=_("Kind of gap"),
        choices=gaps.Kind.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    days = django_filters.ChoiceFilter(
        label=_("Period"),
        choices=[(str(days), PERIOD_LABELS[days]) for days in gaps.PERIODS],
        empty_label=None,
        widget=forms.RadioSelect,
    )


class WhatColumn(TitleColumn):
    """The thing to act on, linked, with its kind and the closest article under it."""

    cell_template_name = "insights/gaps_what_cell.html"


class ActionColumn(Column):
    cell_template_name = "insights/gaps_action_cell.html"


class GapsReportView(SelectorReportView):
    page_title = _("What to write next")
    header_icon = "edit"
    index_url_name = "insights_gaps"
    index_results_url_name = "insights_gaps_results"
    template_name = "insights/gaps.html"
    results_template_name = "insights/gaps_results.html"
    table_classname = "listing gaps"
    filterset_class = GapFilters
    permission_policy = page_permissions
    any_permission_required = PAGE_PERMISSIONS
    columns = [
        NumberColumn("affected", label=_("Customers"), classname="gaps-affected"),
        WhatColumn("what", label=_("What"), get_url=lambda gap: gap.what_url),
        Column("why", label=_("Why"), classname="gaps-why"),
        Column("language_name", label=_("Language"), classname="gaps-language"),
        ActionColumn("action", label=_("Action"), classname="gaps-action"),
    ]
    export_filename = "what-to-write-next"
    list_export = [
        "affected",
        "what",
        "why",
        "language",
        "kind_label",
        "action_label",
        "action_url",
        "what_url",
        "closest",
        "closest_url",
    ]
    export_headings = {
        "affected": _("Customers"),
        "what": _("What"),
        "why": _("Why"),
        "language": _("Language"),
        "kind_label": _("Kind of gap"),
        "action_label": _("Action"),
        "action_url": _("Action link"),
        "what_url": _("Link"),
        "closest": _("Closest article"),
        "closest_url": _("Closest article link"),
    }

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)

        def absolute(url):
            return request.build_absolute_uri(url) if url else ""

        links = {self.FORMAT_CSV: absolute, self.FORMAT_XLSX: absolute}
        links_in = ("action_url", "what_url", "closest_url")
        self.custom_field_preprocess = dict.fromkeys(links_in, links)

    @property
    def days(self) -> int:
        return gaps.period_days(self.filter_values.get("days"))

    def get_queryset(self):
        values = self.filter_values
        return gaps.gaps(language=values["language"], kind=values["kind"], days=self.days)

    @property
    def no_results_message(self):
        return _("Nothing to write for these filters: no customer met a gap in this period.")


class GapsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_gaps(request.user)


@hooks.register("register_admin_urls")
def register_gaps_urls():
    return report_urls("reports/what-to-write/", GapsReportView, "insights_gaps")


@hooks.register("register_reports_menu_item")
def gaps_menu_item():
    return GapsMenuItem(
        _("What to write next"), reverse("insights_gaps"), icon_name="edit", order=90
    )
