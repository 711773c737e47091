"""Editor reports in the Wagtail admin (registered in wagtail_hooks.py)."""

import csv

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from kb import reports
from kb.models import ArticleFeedback


def _percent(value) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


class HelpfulnessReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "kb/admin/helpfulness.html"
    page_title = _("Article helpfulness")
    header_icon = "pick"

    def get_breadcrumbs_items(self):
        return [{"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        language = request.GET.get("language") or None
        self.rows = reports.helpfulness(language=language)
        if request.GET.get("format") == "csv":
            return self.as_csv()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            rows=self.rows,
            language=self.request.GET.get("language", ""),
            reasons=ArticleFeedback.Reason.choices,
        )
        return context

    def as_csv(self):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="article-helpfulness.csv"'
        writer = csv.writer(response)
        reason_labels = [str(label) for _value, label in ArticleFeedback.Reason.choices]
        writer.writerow(
            ["page id", "title", "language", "votes", "helpful", "helpful share",
             "last 30 days", "previous 30 days", "after last fix", "comments", *reason_labels]
        )  # fmt: skip
        for row in self.rows:
            writer.writerow(
                [row.page_id, row.title, row.language, row.votes, row.yes, _percent(row.ratio),
                 _percent(row.recent_ratio), _percent(row.previous_ratio),
                 _percent(row.after_ratio), row.comments,
                 *[row.reasons[v] for v in ArticleFeedback.Reason.values]]
            )  # fmt: skip
        return response


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
