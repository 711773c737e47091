"""Slugs in ASCII from text in any language, one way for the whole site: a thread's URL
and an FAQ question's or a policy section's anchor (``İade süresi`` → ``iade-suresi``)."""

from anyascii import anyascii
from django.utils.text import slugify

# An anchor is stored in 60 characters (FaqItemBlock's anchor, KbPromotion.anchor).
MAX_LENGTH = 60


def ascii_slug(text: str, *, default: str) -> str:
    """``text`` as lowercase ASCII words joined by "-", at most ``MAX_LENGTH`` characters;
    ``default`` when nothing of it is left (``???``)."""
    return slugify(anyascii(text))[:MAX_LENGTH].strip("-") or default
