"""Template helpers for the forum. Permission questions go to ``forum.permissions``:
``{% forum_can "edit_post" post as may_edit %}`` asks ``can_edit_post(user, post)``.

The knowledge base's pages show the forum through two of these (``forum_official_answers``
on the home, ``forum_board_url`` on a topic): the forum is above the knowledge base (its
boards belong to kb topics, its answers are promoted into FAQ pages), so kb's code never
imports the forum and its templates ask it here instead."""

from django import template
from django.conf import settings
from django.utils.translation import get_language

from forum import permissions, selectors
from forum.models.profiles import public_name

register = template.Library()


@register.simple_tag(takes_context=True)
def forum_can(context, action: str, obj=None) -> bool:
    check = getattr(permissions, f"can_{action}", None)
    if check is None:
        raise template.TemplateSyntaxError(f"forum.permissions has no can_{action}")
    user = context["request"].user
    return check(user, obj) if obj is not None else check(user)


@register.simple_tag(takes_context=True)
def forum_unread(context) -> int:
    request = context.get("request")
    return selectors.unread_count(request.user) if request else 0


@register.simple_tag
def forum_official_answers(limit: int = 3) -> list:
    """The newest official answers in the language the page is served in."""
    return list(selectors.official_answers(get_language())[:limit])


@register.simple_tag
def forum_board_url(topic) -> str:
    """The community board of a knowledge base topic; "" when it has none."""
    return selectors.board_url_for_topic(topic)


@register.filter
def board_name(board) -> str:
    return board.localized_name() if board else ""


@register.filter
def display_name(user) -> str:
    return public_name(user)


@register.filter
def duration(value) -> str:
    """A timedelta as "3 h 5 min" / "2 d 4 h" for the staff queue."""
    if value is None:
        return "–"
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def absolute(path: str) -> str:
    """The public address of a path (canonical links, e-mails)."""
    return settings.BASE_URL + path
