from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from support import admin_privacy, admin_report, admin_tools, admin_views, permissions
from support.models import SavedReply


@hooks.register("register_admin_urls")
def register_support_urls():
    return [
        path("support/", admin_views.InboxView.as_view(), name="support_inbox"),
        path("support/<int:pk>/", admin_views.RequestView.as_view(), name="support_request"),
        path("reports/support/", admin_report.ReportView.as_view(), name="support_report"),
        path(
            "support/<int:pk>/files/<int:file_pk>/",
            admin_views.attachment,
            name="support_attachment",
        ),
    ]


class InboxMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.is_support_agent(request.user)


@hooks.register("register_admin_menu_item")
def support_inbox_menu_item():
    return InboxMenuItem(_("Support inbox"), reverse("support_inbox"), icon_name="mail", order=850)


@hooks.register("register_admin_urls")
def register_privacy_urls():
    return [
        path("support/privacy/", admin_privacy.PersonalDataView.as_view(), name="support_privacy"),
        path(
            "support/privacy/export/",
            admin_privacy.ExportView.as_view(),
            name="support_privacy_export",
        ),
        path(
            "support/privacy/erase/",
            admin_privacy.EraseView.as_view(),
            name="support_privacy_erase",
        ),
    ]


class PrivacyMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_manage_personal_data(request.user)


@hooks.register("register_admin_menu_item")
def support_privacy_menu_item():
    return PrivacyMenuItem(
        _("Personal data"), reverse("support_privacy"), icon_name="user", order=851
    )


@hooks.register("register_admin_urls")
def register_request_tool_urls():
    return [
        path(
            "support/<int:pk>/saved-reply/",
            admin_tools.SavedReplyTextView.as_view(),
            name="support_saved_reply",
        ),
        path("support/<int:pk>/merge/", admin_tools.MergeView.as_view(), name="support_merge"),
        path(
            "support/<int:pk>/forum-thread/",
            admin_tools.ForumThreadView.as_view(),
            name="support_forum_thread",
        ),
        path(
            "support/<int:pk>/faq-draft/",
            admin_tools.FaqDraftView.as_view(),
            name="support_faq_draft",
        ),
    ]


class SavedReplyViewSet(SnippetViewSet):
    """Snippets → Saved replies: the "Support staff" group keeps them (migration 0004)."""

    model = SavedReply
    icon = "comment"
    menu_label = _("Saved replies")
    list_display = ["title", "article"]
    search_fields = ["title", "body"]


register_snippet(SavedReplyViewSet)


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_see_support_report(request.user)


@hooks.register("register_reports_menu_item")
def support_report_menu_item():
    return ReportMenuItem(
        _("Support requests"), reverse("support_report"), icon_name="mail", order=300
    )
