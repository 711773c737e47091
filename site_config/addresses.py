"""When two e-mail addresses are the same person's: one rule for the whole site (support
requests, invitations).

A-Z match in any case, everything else exactly as written. Neither ``str.lower()`` nor
``casefold()`` nor the database's ``iexact``: "İ".lower() is two characters, "ß"
casefolds to "ss", and PostgreSQL's ``upper()`` folds "ı" to "I", so ``ılker@`` would
match ``ilker@``, someone else's address. The database's ``iexact`` may narrow a search;
``same`` decides."""

import string

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def same(one: str, other: str) -> bool:
    return one.strip().translate(_ASCII_LOWER) == other.strip().translate(_ASCII_LOWER)
