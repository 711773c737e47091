"""References a person can read out on the phone: ``HC-7KQ4-9M2P``. Random, not sequential
(nothing to learn from two of them), from letters and digits that cannot be mistaken for
each other when spoken or written (no 0/O, 1/I/L, U/V)."""

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
PREFIX = "HC"


def new_reference() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{chars[:4]}-{chars[4:]}"


def normalise(typed: str) -> str:
    """What a customer or agent typed, read the way it was meant (case, spaces, O for 0)."""
    cleaned = "".join(c for c in typed.upper() if c.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX) :]
    return f"{PREFIX}-{cleaned[:4]}-{cleaned[4:8]}" if len(cleaned) == 8 else ""
