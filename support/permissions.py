"""Who may do what with support requests: the one place the views ask."""

from django.utils.crypto import constant_time_compare


def can_read_with_secret(request_obj, secret: str) -> bool:
    """Whoever has the link from the e-mails reads and answers that one request."""
    return bool(secret) and constant_time_compare(request_obj.secret, secret)


def can_list_own_requests(user) -> bool:
    return user.is_authenticated
