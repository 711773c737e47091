"""Slugs in ASCII from text in any language, one way for the whole site: a thread's URL
and an FAQ question's or a policy section's anchor (``İade süresi`` → ``iade-suresi``)."""

from anyascii import anyascii
from django.utils.text import slugify

# An anchor is stored in 60 characters (FaqItemBlock's anchor, KbPromotion.anchor).
MAX_LENGTH = 60


def ascii_slug(text: str, *, default: str, max_length: int | None = MAX_LENGTH) -> str:
    """``text`` as lowercase ASCII words joined by "-", at most ``max_length`` characters
    (None: all of it); ``default`` when nothing of it is left (``???``)."""
    return slugify(anyascii(text))[:max_length].strip("-") or default
