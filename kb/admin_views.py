"""Editor reports in the Wagtail admin (registered in wagtail_hooks.py)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from kb import reports
from kb.models import ArticleFeedback
from site_config.admin_reports import (
    OldCsvLinkMixin,
    SelectorFilterSet,
    SelectorReportView,
    language_filter,
)


def _percent(value) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


class HelpfulnessFilters(SelectorFilterSet):
    language = language_filter()


class HelpfulnessReportView(OldCsvLinkMixin, SelectorReportView):
    """Articles with votes, least helpful first; the same rows as a spreadsheet."""

    results_template_name = "kb/admin/helpfulness_results.html"
    page_title = _("Article helpfulness")
    header_icon = "pick"
    index_url_name = "kb_helpfulness"
    index_results_url_name = "kb_helpfulness_results"
    filterset_class = HelpfulnessFilters
    export_filename = "article-helpfulness"
    _ratios = ("ratio", "recent_ratio", "previous_ratio", "after_ratio")
    list_export = [
        "page_id",
        "title",
        "language",
        "votes",
        "yes",
        *_ratios,
        "comments",
        *[f"reasons.{value}" for value in ArticleFeedback.Reason.values],
    ]
    # The headings the CSV had before it was Wagtail's (spreadsheets are built on them).
    export_headings = {
        "page_id": "page id",
        "title": "title",
        "language": "language",
        "votes": "votes",
        "yes": "helpful",
        "ratio": "helpful share",
        "recent_ratio": "last 30 days",
        "previous_ratio": "previous 30 days",
        "after_ratio": "after last fix",
        "comments": "comments",
        **{f"reasons.{value}": label for value, label in ArticleFeedback.Reason.choices},
    }
    custom_field_preprocess = {
        field: {SelectorReportView.FORMAT_CSV: _percent, SelectorReportView.FORMAT_XLSX: _percent}
        for field in _ratios
    }
    no_results_message = _("No votes yet.")

    def get_queryset(self):
        return reports.helpfulness(language=self.filter_values["language"] or None)


class ArticleFeedbackDetailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "kb/admin/feedback_detail.html"
    header_icon = "pick"

    def get_page_title(self):
        return _("Feedback: %(title)s") % {"title": self.page.title}

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("kb_helpfulness"), "label": _("Article helpfulness")},
            {"url": "", "label": self.page.title},
        ]

    def get(self, request, page_id, *args, **kwargs):
        self.page = get_object_or_404(Page, pk=page_id)
        rows = reports.helpfulness(page_ids=[page_id])
        self.row = rows[0] if rows else None
        self.comments = (
            ArticleFeedback.objects.filter(page=self.page, helpful=False)
            .exclude(reason="", comment="")
            .order_by("-updated_at")[:200]
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(page=self.page, row=self.row, comments=self.comments)
        return context


class ReviewOverdueView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "kb/admin/review_overdue.html"
    page_title = _("Articles due for review")
    header_icon = "time"

    def get_breadcrumbs_items(self):
        return [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pages"] = reports.review_overdue()
        return context


class TranslationStatusView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "kb/admin/translation_status.html"
    page_title = _("Translations to update")
    header_icon = "globe"

    def get_breadcrumbs_items(self):
        return [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stale"] = reports.stale_translations()
        context["untranslated"] = reports.untranslated()
        context["in_progress"] = reports.translations_in_progress()
        return context
