"""Watching threads and boards, reading notifications, unsubscribing from an e-mail."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from forum.models import Board, Notification, Subscription, Thread
from forum.tokens import unsubscribe_token_data, unsubscribe_token_is_valid

# The token is made by ``forum.tasks`` and read here, from ``forum.tokens`` below both;
# the unsubscribe page checks it through the services.
__all__ = [
    "notifications_mark_read",
    "subscription_set",
    "unsubscribe_token_is_valid",
    "unsubscribe_with_token",
]


@transaction.atomic
def subscription_set(*, user, on: bool, thread: Thread | None = None, board: Board | None = None):
    """Start or stop watching a thread or a board. The caller checks
    ``permissions.can_subscribe``."""
    target = {"thread": thread} if thread is not None else {"board": board}
    if on:
        try:
            with transaction.atomic():
                Subscription.objects.get_or_create(user=user, **target)
        except IntegrityError:  # a double click raced us to it
            pass
    else:
        Subscription.objects.filter(user=user, **target).delete()


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark the member's notifications read (all, or those with ``ids``)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def unsubscribe_with_token(token: str) -> Subscription | None:
    """Delete the subscription the token names and return it (so the page can say what was
    stopped); None when it was already gone. A token that is not ours raises ValueError."""
    data = unsubscribe_token_data(token)
    subscription = (
        Subscription.objects.select_related("thread", "board")
        .filter(pk=data.get("s"), user_id=data.get("u"))
        .first()
    )
    if subscription is not None:
        subscription.delete()
    return subscription
