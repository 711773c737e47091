"""E-mail addresses in support: whose account proved one, and whether one confirmed a
request before. Whether two addresses are the same is ``site_config.addresses.same``."""

from site_config.addresses import same

__all__ = ["confirmed_before", "same", "verified_accounts"]


def verified_accounts(address: str):
    """The ``EmailAddress`` rows that proved ``address``, oldest first."""
    from allauth.account.models import EmailAddress

    found = (
        EmailAddress.objects.filter(email__iexact=address, verified=True)
        .select_related("user")
        .order_by("pk")
    )
    return [row for row in found if same(row.email, address)]


def confirmed_before(address: str) -> bool:
    """Whether this address confirmed a request before (proved it reads its mail)."""
    from support.models import Request

    emails = Request.objects.filter(email__iexact=address, confirmed_at__isnull=False).values_list(
        "email", flat=True
    )[:50]
    return any(same(email, address) for email in emails)
