from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from kb import admin_views


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "reports/helpfulness/",
            admin_views.HelpfulnessReportView.as_view(),
            name="kb_helpfulness",
        ),
        path(
            "reports/helpfulness/<int:page_id>/",
            admin_views.ArticleFeedbackDetailView.as_view(),
            name="kb_feedback_detail",
        ),
        path("reports/review-due/", admin_views.ReviewOverdueView.as_view(), name="kb_review_due"),
        path(
            "reports/translations/",
            admin_views.TranslationStatusView.as_view(),
            name="kb_translation_status",
        ),
    ]


@hooks.register("register_reports_menu_item")
def helpfulness_menu_item():
    return MenuItem(
        _("Article helpfulness"), reverse("kb_helpfulness"), icon_name="pick", order=100
    )


@hooks.register("register_reports_menu_item")
def review_menu_item():
    return MenuItem(
        _("Articles due for review"), reverse("kb_review_due"), icon_name="time", order=110
    )


@hooks.register("register_reports_menu_item")
def translations_menu_item():
    return MenuItem(
        _("Translations to update"),
        reverse("kb_translation_status"),
        icon_name="globe",
        order=120,
    )
