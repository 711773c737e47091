"""Numbers from a URL or a form, read one way everywhere: ASCII digits only (Python's
``int`` also takes "²"-free Unicode digits such as "٣", and ``str.isdigit`` says yes to "²",
which ``int`` then refuses), and no larger than a database key can be (a 20-digit id
overflows SQLite and PostgreSQL). A bad one is "no such thing": a 404 or a form error."""

import re

# The largest key a 64-bit signed integer column holds (BigAutoField, SQLite's INTEGER).
MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """The positive integer ``value`` spells in ASCII digits, or None."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def parse_int(value, *, default: int, low: int, high: int) -> int:
    """A number from a query string clamped to ``low``..``high``; ``default`` for anything
    that is not ASCII digits (a page number, a start time)."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return default
    return max(low, min(int(value), high))


class IdConverter:
    """``<id:pk>`` in a URL: like ``<int:pk>``, but a number no key can have is no match (a
    404 in the end), never an overflow in the database. "No match" lets the resolver try
    later patterns: where a library's route with ``<int:...>`` sits behind ours (Wagtail's
    password forms, which we rate-limit), urls.py shadows it."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the resolver reads it as "this pattern does not match"
        return number

    def to_url(self, value) -> str:
        return str(int(value))
