"""The signed token of an e-mail's unsubscribe link. Made by the notification task
(``forum.tasks``) and read by the unsubscribe service (``forum.services``): it sits below
both, so neither imports the other for it."""

from django.core import signing

_UNSUBSCRIBE_SALT = "forum.unsubscribe"


def unsubscribe_token(subscription) -> str:
    """A token for the e-mail's unsubscribe link: works without signing in, only for this
    one subscription, and cannot be guessed."""
    return signing.dumps(
        {"s": subscription.pk, "u": subscription.user_id}, salt=_UNSUBSCRIBE_SALT, compress=True
    )


def unsubscribe_token_data(token: str) -> dict:
    """What the token names (``{"s": subscription id, "u": user id}``); ValueError for a
    token that is not ours."""
    try:
        return signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise ValueError("not an unsubscribe token") from exc


def unsubscribe_token_is_valid(token: str) -> bool:
    try:
        unsubscribe_token_data(token)
    except ValueError:
        return False
    return True
