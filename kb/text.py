import html as html_module
import re

from django.utils.html import strip_tags

_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|div|blockquote)>|<br\s*/?>", re.IGNORECASE)


def html_to_text(html) -> str:
    """Readable plain text of rich text, as a reader sees it: block ends become spaces, so
    sentences and paragraphs never run together ("Motor.Du musst"), and character
    references are the characters they stand for ("don&#x27;t" is "don't"). Plain text:
    a template escapes it once, as it escapes any text."""
    source = str(getattr(html, "source", html) or "")
    text = strip_tags(_BLOCK_END.sub(lambda m: m.group(0) + " ", source))
    return " ".join(html_module.unescape(text).split())
