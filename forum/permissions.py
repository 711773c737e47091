"""Who may do what in the forum: the one place that decides.

Every ``can_*`` function takes the acting user (possibly anonymous) and the object, and
returns a bool; views, templates (through ``forum_tags``) and services ask here and nowhere
else. Roles are Django permissions, granted to the groups ``Forum moderators``
(``forum.moderate_forum``) and ``Support staff`` (``forum.give_official_answers``);
superusers have both. ``has_perm`` caches per user object, so asking often costs one query.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from forum.models.threads import Visibility

MODERATE = "forum.moderate_forum"
OFFICIAL = "forum.give_official_answers"


def _active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_moderator(user) -> bool:
    return _active(user) and user.has_perm(MODERATE)


def is_support_staff(user) -> bool:
    return _active(user) and user.has_perm(OFFICIAL)


def is_team(user) -> bool:
    """Support staff or moderators: the shop's people. The one rule; ``team_q`` is the same
    rule as a query, for lists (tests hold the two to each other)."""
    return is_moderator(user) or is_support_staff(user)


def team_q(prefix: str = "") -> Q:
    """``is_team`` as a filter on users (``prefix``: the path to the user, as "user__"):
    active accounts with either permission, through a group or their own, and superusers
    (``has_perm`` grants them everything)."""
    codenames = [MODERATE.split(".")[1], OFFICIAL.split(".")[1]]
    return Q(**{f"{prefix}is_active": True}) & (
        Q(**{f"{prefix}is_superuser": True})
        | Q(**{f"{prefix}groups__permissions__codename__in": codenames})
        | Q(**{f"{prefix}user_permissions__codename__in": codenames})
    )


def is_banned(user) -> bool:
    if not user.is_authenticated:
        return False
    profile = getattr(user, "forum_profile", None)
    return bool(profile and profile.banned_at)


def has_confirmed_email(user) -> bool:
    """The user has at least one e-mail address they proved they own."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_forum_confirmed_email", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._forum_confirmed_email = cached
    return cached


def is_new_member(user) -> bool:
    """Whose posts wait for a moderator. A member is established, and posts straight out,
    when their account is at least FORUM_NEW_MEMBER_DAYS old and either has at least
    FORUM_NEW_MEMBER_POSTS visible posts or is at least FORUM_ESTABLISHED_DAYS old (a
    customer of years who asks for the first time is not a stranger); and a moderator has
    neither hidden or rejected a post of theirs (still hidden) nor lifted a ban on them in
    the last FORUM_NEW_MEMBER_MODERATION_DAYS. The team is never new."""
    if is_team(user):
        return False
    now = timezone.now()
    age = now - user.date_joined
    if age < timedelta(days=settings.FORUM_NEW_MEMBER_DAYS):
        return True
    from forum.models import ModerationLog, Post

    since = now - timedelta(days=settings.FORUM_NEW_MEMBER_MODERATION_DAYS)
    Action = ModerationLog.Action
    hidden = Q(
        action__in=[Action.HIDE, Action.REJECT],
        post__author=user,
        post__visibility=Visibility.HIDDEN,
    )
    unbanned = Q(action=Action.UNBAN, target_user=user)
    if ModerationLog.objects.filter(hidden | unbanned, created_at__gte=since).exists():
        return True
    if age >= timedelta(days=settings.FORUM_ESTABLISHED_DAYS):
        return False
    visible = Post.objects.filter(author=user, visibility=Visibility.VISIBLE)
    return visible.count() < settings.FORUM_NEW_MEMBER_POSTS


def can_post(user) -> bool:
    """Ask a question or reply at all: signed in, active, e-mail confirmed, not banned."""
    return _active(user) and has_confirmed_email(user) and not is_banned(user)


def can_view_thread(user, thread) -> bool:
    if thread.visibility == Visibility.VISIBLE:
        return True
    if is_moderator(user):
        return True
    return thread.visibility == Visibility.HELD and _active(user) and thread.author_id == user.pk


def can_view_post(user, post) -> bool:
    if post.visibility == Visibility.VISIBLE:
        return True
    if is_moderator(user):
        return True
    return post.visibility == Visibility.HELD and _active(user) and post.author_id == user.pk


def can_reply(user, thread) -> bool:
    if not can_post(user) or thread.visibility != Visibility.VISIBLE or thread.merged_into_id:
        return False
    return not thread.is_locked or is_moderator(user)


def can_edit_post(user, post) -> bool:
    """Authors edit their own posts while they can be seen; moderators edit any (with a
    reason, kept in the log)."""
    if is_moderator(user):
        return True
    if not can_post(user) or post.author_id != user.pk:
        return False
    return post.visibility != Visibility.HIDDEN and not post.thread.is_locked


def can_view_history(user, post) -> bool:
    """Earlier versions of a post are for the shop's team."""
    return is_team(user)


def can_accept(user, thread) -> bool:
    """The asker, support staff or moderators choose the reply that solved it."""
    if not _active(user) or is_banned(user) or thread.visibility != Visibility.VISIBLE:
        return False
    return thread.author_id == user.pk or is_team(user)


def can_mark_official(user, post=None) -> bool:
    if not is_support_staff(user):
        return False
    return post is None or (not post.is_question and post.visibility == Visibility.VISIBLE)


def can_promote(user, post) -> bool:
    """Support staff turn the official answer into a knowledge base draft."""
    return is_support_staff(user) and post.thread.official_answer_id == post.pk


def can_vote(user, post) -> bool:
    if not can_post(user) or post.is_question or post.visibility != Visibility.VISIBLE:
        return False
    return post.author_id != user.pk


def can_me_too(user, thread) -> bool:
    return (
        can_post(user) and thread.visibility == Visibility.VISIBLE and thread.author_id != user.pk
    )


def can_subscribe(user) -> bool:
    return _active(user)


def can_report(user, post) -> bool:
    if not _active(user) or is_banned(user) or post.author_id == user.pk:
        return False
    return post.visibility == Visibility.VISIBLE


def can_view_staff_queue(user) -> bool:
    return is_team(user)


def can_moderate(user) -> bool:
    """Hide, restore, approve, lock, pin, move, merge, read reports and the audit log."""
    return is_moderator(user)


def can_ban(user, target) -> bool:
    if not is_moderator(user) or target.pk == user.pk:
        return False
    # The team is managed by the shop, not banned from the forum.
    return not (target.is_superuser or is_team(target))


def can_edit_profile(user, profile) -> bool:
    """Members edit their own profile only; a banned member's public name stays as it was
    (it is shown beside their posts, and a ban stops them putting words on the forum)."""
    return _active(user) and not is_banned(user) and profile.user_id == user.pk
