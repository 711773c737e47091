"""Who may do what with support requests: the one place the views ask."""

from django.utils.crypto import constant_time_compare

from forum import permissions as forum_permissions


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
    """Reply, note, assign, change the status: any agent, on any confirmed request that
    still has a customer (not anonymised)."""
    return (
        is_support_agent(user)
        and request_obj.confirmed_at is not None
        and request_obj.anonymised_at is None
    )


# A customer's personal data (``support.privacy``). Erasing cannot be undone, so it takes
# Django's "delete support request" permission as well: superusers have it, no group is
# given it by default; a shop grants it to whoever answers data protection requests.
ERASE = "support.delete_request"


def can_manage_personal_data(user) -> bool:
    """Find a customer's requests by address and export them: any agent (they read those
    requests in the inbox anyway)."""
    return is_support_agent(user)


def can_erase_personal_data(user) -> bool:
    """Erase a customer's requests now: an agent who also holds ``support.delete_request``."""
    return is_support_agent(user) and user.has_perm(ERASE)


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


# The request page's tools (``support.admin_tools``).


def can_edit_saved_replies(user) -> bool:
    """Snippets → Saved replies: the "Support staff" group (migration 0004)."""
    return is_support_agent(user) and user.has_perm("support.change_savedreply")


def can_merge(user, source, into) -> bool:
    """Merge one request into another: an agent who may work on both."""
    return can_work_on(user, source) and can_work_on(user, into)


def can_follow_merge(request_obj) -> bool:
    """Whoever reads a merged request by its link is sent on to the request it was merged
    into when both came from the same address; another customer's stays closed to them."""
    from support import addresses

    into = request_obj.merged_into
    return into is not None and addresses.same(into.email, request_obj.email)


def can_start_forum_thread(user, request_obj) -> bool:
    """Ask a request's question in the forum as oneself: an agent who may post there (an
    active account with a confirmed address, not banned)."""
    return can_work_on(user, request_obj) and forum_permissions.can_post(user)


def can_draft_faq(user, request_obj) -> bool:
    """Draft an FAQ question from the team's answer: an agent who may also promote forum
    answers to the knowledge base (``forum.give_official_answers``)."""
    return can_work_on(user, request_obj) and forum_permissions.is_support_staff(user)


def can_see_support_report(user) -> bool:
    """The support report: the team, and whoever reads the site's reports as a superuser."""
    return is_support_agent(user)


def can_open_attachments(user) -> bool:
    """A request's files in the team's inbox (the customer opens theirs by the link)."""
    return is_support_agent(user)
