import re

from django.utils.html import strip_tags

_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|div|blockquote)>|<br\s*/?>", re.IGNORECASE)


def html_to_text(html) -> str:
    """Readable plain text of rich text: block ends become spaces, so sentences and
    paragraphs never run together ("Motor.Du musst")."""
    source = str(getattr(html, "source", html) or "")
    return " ".join(strip_tags(_BLOCK_END.sub(lambda m: m.group(0) + " ", source)).split())
