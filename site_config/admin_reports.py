"""What the editors' reports in the Wagtail admin share (kb's article helpfulness, search's
search terms, insights' what to write next): they are Wagtail ``ReportView``s, with Wagtail's
filters in the header and its spreadsheet export (``?export=csv`` or ``xlsx``), over rows
that a selector computes as a list, not a queryset.

So the filters are a form whose values the view hands to the selector as arguments
(``SelectorFilterSet.values``), and ``SelectorReportView`` does not filter the rows again.
"""

import django_filters
from django import forms
from django.conf import settings
from django.shortcuts import redirect
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.reports import ReportView
from wagtail.models import Locale


def report_urls(route: str, view, name: str) -> list:
    """A Wagtail report's two admin URLs: the page at ``route`` and the results its filters
    reload (``<name>_results``, which Wagtail's report views look up)."""
    return [
        path(route, view.as_view(), name=name),
        path(f"{route}results/", view.as_view(results_only=True), name=f"{name}_results"),
    ]


def language_filter() -> django_filters.ChoiceFilter:
    """One of the site's languages, or all of them (``""``)."""
    return django_filters.ChoiceFilter(
        label=_("Language"),
        choices=settings.LANGUAGES,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )


class SelectorFilterSet(django_filters.FilterSet):
    """A report's filters as a form. ``defaults`` gives a value to a filter the request
    leaves out (a period of 30 days, say), so its radio button shows as chosen and Wagtail
    does not list it among the active filters."""

    defaults: dict[str, str] = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if self.defaults:
            data = data.copy() if data is not None else {}
            for name, value in self.defaults.items():
                if not data.get(name):
                    data[name] = value
        # django-filter builds its filters from a queryset's model; these filter no queryset
        # (see the module docstring), so they get an empty one of any model.
        super().__init__(data, Locale.objects.none(), request=request, prefix=prefix)
        for name, value in self.defaults.items():
            self.form.fields[name].initial = value

    @cached_property
    def values(self) -> dict[str, str]:
        """Each filter's chosen value; its default (or ``""``) where the request gave none
        or one that is not a choice."""
        valid = self.form.is_valid()
        return {
            name: (self.form.cleaned_data.get(name) if valid else "") or self.defaults.get(name, "")
            for name in self.filters
        }


class SelectorReportView(ReportView):
    """A Wagtail report whose ``get_queryset`` returns the selector's rows for
    ``self.filter_values``."""

    @cached_property
    def filter_values(self) -> dict[str, str]:
        return self.filters.values if self.filters else {}

    def filter_queryset(self, queryset):
        return queryset  # the selector was given the filters


class OldCsvLinkMixin:
    """``?format=csv``, the export link before the report used Wagtail's export, goes to
    ``?export=csv`` with the same filters (saved links and bookmarks keep working)."""

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv" and "export" not in request.GET:
            params = request.GET.copy()
            del params["format"]
            params["export"] = "csv"
            return redirect(f"{request.path}?{params.urlencode()}")
        return super().get(request, *args, **kwargs)
