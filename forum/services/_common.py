"""What the services share: recounting a thread, logging, and after-commit events."""

from django.db import transaction
from django.db.models import Count, Max, Min, Q

from forum import signals, tasks
from forum.models import ModerationLog, Post, Thread
from forum.models.threads import Visibility


def recount_thread(thread: Thread) -> Thread:
    """Counts and dates from the posts themselves, so they never drift. The caller holds the
    thread's row lock."""
    stats = Post.objects.filter(thread=thread, visibility=Visibility.VISIBLE).aggregate(
        replies=Count("pk", filter=Q(is_question=False)),
        last=Max("created_at"),
        first_reply=Min("created_at", filter=Q(is_question=False) & ~Q(author=thread.author_id)),
    )
    thread.reply_count = stats["replies"]
    thread.last_activity_at = stats["last"] or thread.created_at
    thread.first_reply_at = stats["first_reply"]
    thread.me_too_count = thread.me_toos.count()
    thread.save(update_fields=["reply_count", "last_activity_at", "first_reply_at", "me_too_count"])
    return thread


def lock_thread(thread_id: int) -> Thread:
    return Thread.objects.select_for_update().get(pk=thread_id)


def log(action, *, actor, thread=None, post=None, target_user=None, reason="", **details):
    return ModerationLog.objects.create(
        action=action,
        actor=actor,
        thread=thread,
        post=post,
        target_user=target_user,
        reason=reason,
        details=details,
    )


def changed(thread_id: int) -> None:
    """Tell search (and anyone listening) once the change is committed."""
    transaction.on_commit(
        lambda: signals.thread_changed.send(sender=Thread, thread_id=thread_id), robust=True
    )


def notify(post_id: int, kind: str, actor_id: int | None) -> None:
    transaction.on_commit(
        lambda: tasks.notify.enqueue(post_id=post_id, kind=kind, actor_id=actor_id), robust=True
    )


def set_visibility(post: Post, visibility: str) -> Thread:
    """Show, hold or hide a post (a question takes its thread along); a post that stops
    being visible loses its solution or official mark. Recounts the thread."""
    thread = lock_thread(post.thread_id)
    post.visibility = visibility
    post.save(update_fields=["visibility"])
    if post.is_question:
        thread.visibility = visibility
        thread.save(update_fields=["visibility"])
    fields = []
    if visibility != Visibility.VISIBLE and thread.solution_id == post.pk:
        thread.solution = None
        fields.append("solution")
    if visibility != Visibility.VISIBLE and thread.official_answer_id == post.pk:
        thread.official_answer = None
        fields.append("official_answer")
    if fields:
        thread.save(update_fields=fields)
    recount_thread(thread)
    changed(thread.pk)
    return thread
