from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from forum import permissions
from forum.models import Board


class BoardViewSet(SnippetViewSet):
    model = Board
    icon = "group"
    menu_label = _("Forum boards")
    list_display = ["name", "slug", "topic", "sort_order"]
    ordering = ["sort_order", "name"]


register_snippet(BoardViewSet)


class PromotedFromForum(LogFormatter):
    """A page's history entry for ``forum.reply_promote_to_kb``: words for the message (which
    Wagtail shows as text) and the link back to the thread as the comment (shown as given)."""

    label = _("Promoted from the community")

    def format_message(self, log_entry):
        return _("Question promoted from the community thread “%(title)s”") % {
            "title": log_entry.data.get("thread_title", "")
        }

    def format_comment(self, log_entry):
        url = log_entry.data.get("url", "")
        if not url.startswith("/") or url.startswith("//"):  # only ever a path on this site
            return ""
        return format_html('<a href="{}">{}</a>', url, _("Open the community thread"))


@hooks.register("register_log_actions")
def register_forum_log_actions(actions):
    actions.register_action("forum.promote")(PromotedFromForum)


class _TeamMenuItem(MenuItem):
    def __init__(self, label, url_name, check, **kwargs):
        self._url_name = url_name
        self._check = check
        super().__init__(label, "", **kwargs)

    @property
    def url(self):
        return reverse(self._url_name)

    @url.setter
    def url(self, value):
        pass

    def is_shown(self, request):
        return self._check(request.user)


@hooks.register("register_admin_menu_item")
def moderation_menu_item():
    return _TeamMenuItem(
        _("Forum moderation"),
        "forum:moderation",
        permissions.can_moderate,
        icon_name="warning",
        order=900,
    )


@hooks.register("register_admin_menu_item")
def support_queue_menu_item():
    return _TeamMenuItem(
        _("Forum support queue"),
        "forum:staff_queue",
        permissions.can_view_staff_queue,
        icon_name="help",
        order=901,
    )
