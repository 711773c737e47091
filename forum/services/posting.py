"""Asking, replying and editing: with the limits that keep spam out."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forum import markup, permissions
from forum.models import (
    Board,
    ModerationLog,
    Notification,
    Post,
    PostRevision,
    Subscription,
    Thread,
)
from forum.models.threads import Visibility
from forum.services._common import (
    changed,
    lock_thread,
    log,
    notify,
    recount_thread,
    set_visibility,
)
from site_config import ratelimit


class PostingLimited(Exception):
    """Too many posts in a short time; the message says when to try again."""


class DuplicatePost(Exception):
    """The same text from the same member moments ago (a double click, the back button, a
    request sent twice at once): not stored again. ``post`` is the one already stored."""

    def __init__(self, post: Post):
        super().__init__(post.pk)
        self.post = post


# How long the same text from the same member counts as the same post sent again.
DUPLICATE_WINDOW = timedelta(minutes=10)


def _one_at_a_time(author) -> None:
    """Serialise one member's posting: a second request with the same text, sent at the same
    moment, waits here for the first to commit, then finds it (a row lock on PostgreSQL;
    SQLite's write transactions are serialised already, see settings). FOR NO KEY UPDATE:
    a row that refers to the member (a vote, a "me too") still takes its key-share lock
    meanwhile, or this would deadlock with the other services' thread locks."""
    get_user_model().objects.select_for_update(no_key=True).only("pk").get(pk=author.pk)


def _recent_same(author, body: str, **where) -> Post | None:
    since = timezone.now() - DUPLICATE_WINDOW
    return (
        Post.objects.filter(author=author, body=body, created_at__gte=since, **where)
        .select_related("thread")
        .order_by("-pk")
        .first()
    )


def _check_rate(author, *, editing: bool = False) -> None:
    if permissions.is_team(author):
        return
    if editing:
        # Fixing a typo right after posting is normal; a flood of edits is not.
        scope, limits = "forum-edit", settings.FORUM_EDIT_LIMITS
    else:
        new = permissions.is_new_member(author)
        scope = "forum-post"
        limits = settings.FORUM_NEW_MEMBER_POST_LIMITS if new else settings.FORUM_POST_LIMITS
    for count, period in limits:
        if not ratelimit.hit(f"{scope}-{period}", str(author.pk), limit=count, period=period):
            minutes = max(1, period // 60)
            raise PostingLimited(
                ngettext(
                    "You are posting faster than we allow. Please wait a minute and try again.",
                    "You are posting faster than we allow. Please wait %(minutes)d minutes "
                    "and try again.",
                    minutes,
                )
                % {"minutes": minutes}
            )


def _check_links(author, body: str, *, new_member: bool) -> None:
    if not new_member:
        return
    allowed = settings.FORUM_NEW_MEMBER_MAX_LINKS
    if markup.link_count(body) > allowed:
        raise ValidationError(
            {
                "body": ngettext(
                    "New members may post at most %(count)d link. Please remove the others; "
                    "you can add them once you have posted a little longer.",
                    "New members may post at most %(count)d links. Please remove the others; "
                    "you can add them once you have posted a little longer.",
                    allowed,
                )
                % {"count": allowed}
            }
        )


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) < 10:
        raise ValidationError({"title": _("Say in a few words what the question is about.")})
    return title


@transaction.atomic
def thread_create(*, board: Board, author, title: str, body: str, language: str, tags=()) -> Thread:
    """Ask a question. The caller checks ``permissions.can_post``; limits are checked here.
    A new member's question waits for a moderator (it is saved, and only they see it)."""
    title = _clean_title(title)
    new_member = permissions.is_new_member(author)
    _check_links(author, body, new_member=new_member)
    _one_at_a_time(author)
    if same := _recent_same(author, body, is_question=True, thread__title=title):
        raise DuplicatePost(same)
    _check_rate(author)
    visibility = Visibility.HELD if new_member else Visibility.VISIBLE
    thread = Thread.objects.create(
        board=board, language=language, title=title, author=author, visibility=visibility
    )
    if tags:
        thread.tags.set([t for t in tags if t][:5])
    question = Post.objects.create(
        thread=thread,
        author=author,
        is_question=True,
        body=body,
        body_html=markup.render(body),
        visibility=visibility,
    )
    # The asker hears about answers without having to ask for it.
    Subscription.objects.get_or_create(user=author, thread=thread)
    recount_thread(thread)
    if visibility == Visibility.VISIBLE:
        changed(thread.pk)
        notify(question.pk, Notification.Kind.NEW_THREAD, author.pk)
    return thread


@transaction.atomic
def reply_create(*, thread: Thread, author, body: str) -> Post:
    """Answer a thread. The caller checks ``permissions.can_reply``; limits are checked here."""
    new_member = permissions.is_new_member(author)
    _check_links(author, body, new_member=new_member)
    _one_at_a_time(author)
    if same := _recent_same(author, body, thread=thread, is_question=False):
        raise DuplicatePost(same)
    _check_rate(author)
    thread = lock_thread(thread.pk)
    visibility = Visibility.HELD if new_member else Visibility.VISIBLE
    post = Post.objects.create(
        thread=thread,
        author=author,
        body=body,
        body_html=markup.render(body),
        visibility=visibility,
    )
    Subscription.objects.get_or_create(user=author, thread=thread)
    if visibility == Visibility.VISIBLE:
        recount_thread(thread)
        changed(thread.pk)
        notify(post.pk, Notification.Kind.REPLY, author.pk)
    return post


@transaction.atomic
def post_edit(*, post: Post, by, body: str, title: str | None = None, reason: str = "") -> Post:
    """Change a post's text (and the thread's title when it is the question), keeping the
    earlier version. The caller checks ``permissions.can_edit_post``; an edit by someone
    other than the author is a moderation action and is logged with its reason."""
    thread = lock_thread(post.thread_id)
    post = Post.objects.select_for_update().get(pk=post.pk)
    new_title = _clean_title(title) if (post.is_question and title is not None) else None
    by_author = by.pk == post.author_id
    new_member = by_author and permissions.is_new_member(by)
    if by_author:
        _check_links(by, body, new_member=new_member)
        _check_rate(by, editing=True)
    if body == post.body and (new_title is None or new_title == thread.title):
        return post
    PostRevision.objects.create(
        post=post,
        title=thread.title if post.is_question else "",
        body=post.body,
        edited_by=by,
        reason=reason,
    )
    post.body = body
    post.body_html = markup.render(body)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    if new_title is not None and new_title != thread.title:
        thread.title = new_title
        thread.save(update_fields=["title"])
    if not by_author:
        log(ModerationLog.Action.EDIT, actor=by, thread=thread, post=post, reason=reason)
    elif new_member and post.visibility == Visibility.VISIBLE:
        # An approved post edited by a new member is looked at again: otherwise approval
        # of a harmless first version would let any text through.
        set_visibility(post, Visibility.HELD)
    changed(thread.pk)
    return post
