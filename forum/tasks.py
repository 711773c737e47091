"""Background work for the forum: e-mail and on-site notifications for one event.

Tasks take ids and fetch again, so a post hidden or held before the task runs is never
sent; the ``notify_once`` constraint means a retried task never notifies anyone twice."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from forum.models import Notification, Post, Subscription
from forum.models.profiles import public_name
from forum.tokens import unsubscribe_token

logger = logging.getLogger(__name__)
Kind = Notification.Kind


def _recipients(post: Post, kind: str, actor_id: int | None) -> dict[int, Subscription | None]:
    """Member id → the subscription that brought them (for its unsubscribe link)."""
    thread = post.thread
    if kind == Kind.APPROVED:
        return {post.author_id: None}
    if kind == Kind.NEW_THREAD:
        subs = Subscription.objects.filter(board_id=thread.board_id)
    else:
        subs = Subscription.objects.filter(thread=thread)
    # Only watchers: each e-mail then carries the unsubscribe link of what brought it.
    # An answer's author watches the thread from the moment they answer, unless they
    # chose to stop.
    recipients: dict[int, Subscription | None] = {s.user_id: s for s in subs}
    for skip in {actor_id, post.author_id if kind in (Kind.REPLY, Kind.NEW_THREAD) else None}:
        recipients.pop(skip, None)
    return recipients


@task()
def notify(post_id: int, kind: str, actor_id: int | None = None) -> int:
    """Tell everyone watching about one event, on the site and by e-mail. Returns how many
    e-mails went out."""
    post = (
        Post.objects.select_related("thread", "thread__board", "author__forum_profile")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not post.is_visible or not post.thread.is_visible:
        return 0
    profile = getattr(post.author, "forum_profile", None)
    if profile is not None and profile.is_banned:
        return 0
    recipients = _recipients(post, kind, actor_id)
    users = (
        get_user_model()
        .objects.filter(pk__in=recipients, is_active=True)
        .select_related("forum_profile")
    )
    # One post, one notification and one e-mail per member: someone already told about
    # this post (a staff answer, marked official a minute later) gets the notification
    # they have turned into the newer event, unread again, and no second e-mail.
    told: dict[int, set[str]] = {}
    for user_id, told_kind in Notification.objects.filter(
        post=post, user_id__in=recipients
    ).values_list("user_id", "kind"):
        told.setdefault(user_id, set()).add(told_kind)
    sent = 0
    for user in users:
        if kind in told.get(user.pk, ()):
            continue  # notified by an earlier run of this task
        if user.pk in told:
            if kind in (Kind.OFFICIAL, Kind.SOLUTION):
                Notification.objects.filter(user=user, post=post, kind=Kind.REPLY).update(
                    kind=kind, read_at=None
                )
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user, kind=kind, thread=post.thread, post=post
                )
        except IntegrityError:  # notified by a run of this task at the same moment
            continue
        if user.email and _send(notification, user, recipients[user.pk]):
            sent += 1
    return sent


def _send(notification: Notification, user, subscription: Subscription | None) -> bool:
    post, thread = notification.post, notification.thread
    language = getattr(getattr(user, "forum_profile", None), "language", settings.LANGUAGE_CODE)
    with translation.override(language):
        unsubscribe_url = ""
        if subscription is not None:
            unsubscribe_url = settings.BASE_URL + reverse(
                "forum:unsubscribe", kwargs={"token": unsubscribe_token(subscription)}
            )
        context = {
            "notification": notification,
            "kind": notification.kind,
            "thread": thread,
            "post": post,
            "author_name": public_name(post.author),
            "url": settings.BASE_URL + post.get_absolute_url(),
            "unsubscribe_url": unsubscribe_url,
            "watching_board": bool(subscription and subscription.board_id),
            "notifications_url": settings.BASE_URL + reverse("forum:notifications"),
            "language": language,
        }
        subject = " ".join(
            render_to_string("forum/email/notification_subject.txt", context).split()
        )
        text = render_to_string("forum/email/notification.txt", context)
        html = render_to_string("forum/email/notification.html", context)
    headers = {}
    if unsubscribe_url:
        # One-click unsubscribe (RFC 8058): mail clients show their own button.
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(subject, text, None, [user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        logger.exception("forum notification %s could not be e-mailed", notification.pk)
        return False
    return True
