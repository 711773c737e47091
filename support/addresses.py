"""When two e-mail addresses are the same customer's: the one rule every part of support
uses (linking a request to an account, e-mail in, merging, export and erasure).

A-Z match in any case, everything else exactly as written. Neither ``str.lower()`` nor
``casefold()`` nor the database's ``iexact``: "İ".lower() is two characters, "ß"
casefolds to "ss", and PostgreSQL's ``upper()`` folds "ı" to "I", so ``ılker@`` would
match ``ilker@``, someone else's address. The database's ``iexact`` may narrow a search;
``same`` decides."""

import string

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def same(one: str, other: str) -> bool:
    return one.strip().translate(_ASCII_LOWER) == other.strip().translate(_ASCII_LOWER)


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
