"""Solutions, official answers, votes and "me too" (promotion to the knowledge base is in
``promotion``).

Concurrency: each service first takes the row lock of the thread (or post) it changes, so
two staff marking official at once, or twenty members voting at once, are serialised by the
database and the counts are recounted from rows, never incremented blindly."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forum.models import MeToo, ModerationLog, Notification, Post, Thread, Vote
from forum.models.threads import Visibility
from forum.services._common import changed, lock_thread, log, notify


def _visible_reply(reply: Post, thread: Thread) -> None:
    if reply.is_question or reply.thread_id != thread.pk or reply.visibility != Visibility.VISIBLE:
        raise ValidationError(_("Only a visible reply in this thread can be chosen."))


@transaction.atomic
def reply_accept(*, reply: Post, by) -> Thread:
    """Mark the reply that solved the question (replacing any earlier choice). The caller
    checks ``permissions.can_accept``."""
    thread = lock_thread(reply.thread_id)
    _visible_reply(reply, thread)
    if thread.solution_id == reply.pk:
        return thread
    thread.solution = reply
    thread.save(update_fields=["solution"])
    changed(thread.pk)
    notify(reply.pk, Notification.Kind.SOLUTION, by.pk)
    return thread


@transaction.atomic
def thread_unaccept(*, thread: Thread, by) -> Thread:
    """Take back the solution mark. The caller checks ``permissions.can_accept``."""
    thread = lock_thread(thread.pk)
    if thread.solution_id:
        thread.solution = None
        thread.save(update_fields=["solution"])
        changed(thread.pk)
    return thread


@transaction.atomic
def reply_mark_official(*, reply: Post, by) -> Thread:
    """Make the reply the thread's one official answer (replacing any other). The caller
    checks ``permissions.can_mark_official``."""
    thread = lock_thread(reply.thread_id)
    _visible_reply(reply, thread)
    if thread.official_answer_id == reply.pk:
        return thread
    previous = thread.official_answer_id
    thread.official_answer = reply
    thread.save(update_fields=["official_answer"])
    log(ModerationLog.Action.OFFICIAL, actor=by, thread=thread, post=reply, replaced=previous)
    changed(thread.pk)
    notify(reply.pk, Notification.Kind.OFFICIAL, by.pk)
    return thread


@transaction.atomic
def reply_unmark_official(*, thread: Thread, by) -> Thread:
    """Remove the official mark. The caller checks ``permissions.can_mark_official``."""
    thread = lock_thread(thread.pk)
    if thread.official_answer_id:
        post_id = thread.official_answer_id
        thread.official_answer = None
        thread.save(update_fields=["official_answer"])
        log(ModerationLog.Action.UNOFFICIAL, actor=by, thread=thread, post_id=post_id)
        changed(thread.pk)
    return thread


@transaction.atomic
def reply_vote(*, reply: Post, user, value: int) -> Post:
    """Record, change (``value`` 1 or -1) or withdraw (0) the member's vote on a reply. The
    caller checks ``permissions.can_vote``."""
    if value not in (Vote.HELPFUL, Vote.UNHELPFUL, 0):
        raise ValidationError(_("Unknown vote."))
    post = Post.objects.select_for_update().get(pk=reply.pk)
    if value == 0:
        Vote.objects.filter(post=post, user=user).delete()
    else:
        Vote.objects.update_or_create(post=post, user=user, defaults={"value": value})
    post.helpful_count = post.votes.filter(value=Vote.HELPFUL).count()
    post.unhelpful_count = post.votes.filter(value=Vote.UNHELPFUL).count()
    post.save(update_fields=["helpful_count", "unhelpful_count"])
    return post


@transaction.atomic
def thread_me_too(*, thread: Thread, user, on: bool) -> Thread:
    """Say (or take back) "I have this problem too". The caller checks
    ``permissions.can_me_too``."""
    thread = lock_thread(thread.pk)
    if on:
        MeToo.objects.get_or_create(thread=thread, user=user)
    else:
        MeToo.objects.filter(thread=thread, user=user).delete()
    thread.me_too_count = thread.me_toos.count()
    thread.save(update_fields=["me_too_count"])
    return thread
