"""What moderators do. Every action writes the audit log (who, what, when, why). The
caller checks ``permissions.can_moderate`` (or ``can_report`` / ``can_ban``)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum.models import (
    Board,
    MeToo,
    ModerationLog,
    Notification,
    Post,
    Profile,
    Report,
    Subscription,
    Thread,
)
from forum.models.threads import Visibility
from forum.services._common import changed, lock_thread, log, notify, recount_thread, set_visibility

Action = ModerationLog.Action


def _resolve_reports(post: Post, by) -> None:
    Report.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by
    )


@transaction.atomic
def post_approve(*, post: Post, by, reason: str = "") -> Post:
    """Let a held post through; its notifications go out now."""
    if post.visibility != Visibility.HELD:
        return post
    thread = set_visibility(post, Visibility.VISIBLE)
    log(Action.APPROVE, actor=by, thread=thread, post=post, reason=reason)
    kind = Notification.Kind.NEW_THREAD if post.is_question else Notification.Kind.REPLY
    notify(post.pk, kind, post.author_id)
    notify(post.pk, Notification.Kind.APPROVED, by.pk)  # the author: it is public now
    return post


@transaction.atomic
def post_reject(*, post: Post, by, reason: str = "") -> Post:
    """Keep a held post out: hidden, stored, never sent or indexed."""
    thread = set_visibility(post, Visibility.HIDDEN)
    _resolve_reports(post, by)
    log(Action.REJECT, actor=by, thread=thread, post=post, reason=reason)
    return post


@transaction.atomic
def post_hide(*, post: Post, by, reason: str) -> Post:
    """Hide a post (a question hides its thread). Stored, visible to moderators only."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, for the log.")})
    thread = set_visibility(post, Visibility.HIDDEN)
    _resolve_reports(post, by)
    log(Action.HIDE, actor=by, thread=thread, post=post, reason=reason)
    return post


@transaction.atomic
def post_restore(*, post: Post, by, reason: str = "") -> Post:
    thread = set_visibility(post, Visibility.VISIBLE)
    log(Action.RESTORE, actor=by, thread=thread, post=post, reason=reason)
    return post


@transaction.atomic
def post_report(*, post: Post, reporter, reason: str, note: str = "") -> Report:
    """Flag a post for moderators; reporting the same post again updates the report. The
    caller checks ``permissions.can_report``."""
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    report, _created = Report.objects.update_or_create(
        post=post,
        reporter=reporter,
        defaults={"reason": reason, "note": note.strip(), "resolved_at": None, "resolved_by": None},
    )
    return report


@transaction.atomic
def report_dismiss(*, report: Report, by, reason: str = "") -> Report:
    """Close a report without acting on the post."""
    report.resolved_at = timezone.now()
    report.resolved_by = by
    report.save(update_fields=["resolved_at", "resolved_by"])
    log(
        Action.DISMISS,
        actor=by,
        thread=report.post.thread,
        post=report.post,
        reason=reason,
        report_id=report.pk,
    )
    return report


def _thread_flag(thread: Thread, *, by, field: str, value: bool, actions, reason: str):
    """Set a yes/no state of a thread (locked, pinned) once, logged as ``actions`` (on, off)."""
    thread = lock_thread(thread.pk)
    if getattr(thread, field) == value:
        return thread, False
    setattr(thread, field, value)
    thread.save(update_fields=[field])
    log(actions[0] if value else actions[1], actor=by, thread=thread, reason=reason)
    return thread, True


@transaction.atomic
def thread_lock(*, thread: Thread, by, locked: bool, reason: str = "") -> Thread:
    thread, did = _thread_flag(
        thread,
        by=by,
        field="is_locked",
        value=locked,
        actions=(Action.LOCK, Action.UNLOCK),
        reason=reason,
    )
    if did:
        changed(thread.pk)  # a locked thread is shown as such in search
    return thread


@transaction.atomic
def thread_pin(*, thread: Thread, by, pinned: bool, reason: str = "") -> Thread:
    thread, _did = _thread_flag(
        thread,
        by=by,
        field="is_pinned",
        value=pinned,
        actions=(Action.PIN, Action.UNPIN),
        reason=reason,
    )
    return thread


@transaction.atomic
def thread_move(*, thread: Thread, board: Board, by, reason: str = "") -> Thread:
    thread = lock_thread(thread.pk)
    if thread.board_id != board.pk:
        old = thread.board_id
        thread.board = board
        thread.save(update_fields=["board"])
        log(Action.MOVE, actor=by, thread=thread, reason=reason, from_board=old, to_board=board.pk)
        changed(thread.pk)
    return thread


@transaction.atomic
def thread_merge(*, source: Thread, target: Thread, by, reason: str = "") -> Thread:
    """Fold a duplicate into another thread: its posts (the question becomes a reply), votes,
    "me too"s and watchers move over, each member counted once; its address redirects."""
    if source.pk == target.pk:
        raise ValidationError({"target": _("A thread cannot be merged into itself.")})
    # Lock both rows in id order, so two merges in opposite directions cannot deadlock.
    locked = {
        t.pk: t
        for t in Thread.objects.select_for_update()
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }  # noqa: E501
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id:
        raise ValidationError({"target": _("Merged threads cannot be merged again.")})
    if not target.is_visible:
        raise ValidationError({"target": _("Merge into a visible thread only.")})

    Post.objects.filter(thread=source).update(thread=target, is_question=False)
    for model in (MeToo, Subscription):
        taken = set(model.objects.filter(thread=target).values_list("user_id", flat=True))
        model.objects.filter(thread=source, user_id__in=taken).delete()
        model.objects.filter(thread=source).update(thread=target)
    # The target's asker does not have "the same problem too" with their own question.
    MeToo.objects.filter(thread=target, user_id=target.author_id).delete()
    # The duplicate's asker has the same problem.
    if source.author_id != target.author_id:
        try:
            with transaction.atomic():
                MeToo.objects.get_or_create(thread=target, user_id=source.author_id)
        except IntegrityError:
            pass
    Notification.objects.filter(thread=source).update(thread=target)
    target.tags.add(*source.tags.all())
    carried_official = None
    if source.official_answer_id and not target.official_answer_id:
        # The team's answer still answers the merged question: it stays official.
        target.official_answer_id = carried_official = source.official_answer_id
        target.save(update_fields=["official_answer"])
    source.merged_into = target
    source.solution = None
    source.official_answer = None
    source.save(update_fields=["merged_into", "solution", "official_answer"])
    recount_thread(source)
    recount_thread(target)
    log(
        Action.MERGE,
        actor=by,
        thread=target,
        reason=reason,
        source=source.pk,
        title=source.title,
        official_carried_over=carried_official,
    )
    changed(source.pk)
    changed(target.pk)
    return target


@transaction.atomic
def user_ban(*, user, by, reason: str, hide_posts: bool = False) -> Profile:
    """Stop a member posting. Their held posts are rejected; with ``hide_posts`` their
    visible posts are hidden too. The caller checks ``permissions.can_ban``."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, for the log.")})
    profile, _created = Profile.objects.select_for_update().get_or_create(
        user=user, defaults={"display_name": f"Member {user.pk}"}
    )
    profile.banned_at = timezone.now()
    profile.banned_reason = reason
    profile.save(update_fields=["banned_at", "banned_reason", "updated_at"])
    statuses = [Visibility.HELD, Visibility.VISIBLE] if hide_posts else [Visibility.HELD]
    hidden = []
    for post in Post.objects.filter(author=user, visibility__in=statuses).order_by("pk"):
        set_visibility(post, Visibility.HIDDEN)
        hidden.append(post.pk)
    log(Action.BAN, actor=by, target_user=user, reason=reason, hidden_posts=hidden)
    _member_threads_changed(user)
    return profile


@transaction.atomic
def user_unban(*, user, by, reason: str = "") -> Profile:
    """Let a banned member post again; a member who is not banned is refused (nothing is
    logged). The caller checks ``permissions.can_ban``."""
    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is None or profile.banned_at is None:
        raise ValidationError(_("This member is not banned."), code="not_banned")
    profile.banned_at = None
    profile.banned_reason = ""
    profile.save(update_fields=["banned_at", "banned_reason", "updated_at"])
    log(Action.UNBAN, actor=by, target_user=user, reason=reason)
    _member_threads_changed(user)
    return profile


def _member_threads_changed(user) -> None:
    """A ban or unban changes what of the member's is searchable: tell search."""
    for thread_id in (
        Thread.objects.filter(posts__author=user).values_list("pk", flat=True).distinct()
    ):
        changed(thread_id)
