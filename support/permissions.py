"""Who may do what with support requests: the one place the views ask."""

from django.utils.crypto import constant_time_compare


def can_read_with_secret(request_obj, secret: str) -> bool:
    """Whoever has the link from the e-mails reads and answers that one request."""
    return bool(secret) and constant_time_compare(request_obj.secret, secret)


def can_list_own_requests(user) -> bool:
    return user.is_authenticated


HANDLE = "support.handle_requests"


def is_support_agent(user) -> bool:
    """The team's inbox: support staff (the permission, through the group or their own)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(HANDLE))


def can_work_on(user, request_obj) -> bool:
    """Reply, note, assign, change the status: any agent, on any confirmed request."""
    return is_support_agent(user) and request_obj.confirmed_at is not None


def agents_q():
    """``is_support_agent`` as a filter on users (whom a request can be assigned to)."""
    from django.db.models import Q

    app_label, codename = HANDLE.split(".")
    perm = {"content_type__app_label": app_label, "codename": codename}
    return Q(is_active=True) & (
        Q(is_superuser=True)
        | Q(**{f"groups__permissions__{k}": v for k, v in perm.items()})
        | Q(**{f"user_permissions__{k}": v for k, v in perm.items()})
    )
