"""Members write Markdown; readers get HTML that cannot run script.

Markdown may carry raw HTML, so its output is untrusted: bleach keeps an allow-list of
tags and attributes and *escapes* everything else (a member who writes ``<script>`` sees
that text, as written). Links get ``rel="nofollow ugc noopener"``; images are kept only from
hosts the shop trusts (``FORUM_IMAGE_HOSTS``), so a post cannot track its readers.

Rendering is bounded for any text (``MAX_CHARS`` are parsed, the forms take no more): Python-
Markdown looks for the end of a link or of raw HTML from every ``[`` and ``<``, which grows
with the square of a text made of them (8,000 ``[`` took 8.5 s). From the
``MARKUP_BUDGET``-th of either on, the post is shown as plain text (``_split_at_budget``);
a nesting deeper than Python allows renders the post as plain paragraphs (``_plain``).
"""

import html
import re
from functools import partial
from urllib.parse import urlsplit

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from django.conf import settings
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "a",
     "img", "h3", "h4", "h5", "h6", "hr", "del", "table", "thead", "tbody", "tr", "th", "td"}
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
_MAX_QUOTE_LINES = 12
# The longest post a member may send (the forms refuse more; render parses no more).
MAX_CHARS = 20_000
# Link and raw-HTML openers parsed as such per post: a post needs a few dozen at most.
MARKUP_BUDGET = 200
_OPENER = re.compile(r"[\[<]")


class _DemoteHeadings(Treeprocessor):
    """A post sits under the thread's own headings: ``# Title`` becomes an h3."""

    def run(self, root):
        for element in root.iter():
            if re.fullmatch(r"h[1-6]", element.tag):
                element.tag = f"h{min(6, int(element.tag[1]) + 2)}"


class _PostExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 5)


def _image_allowed(src: str) -> bool:
    src = src.strip()
    if src.startswith(settings.MEDIA_URL) and not src.startswith("//"):
        return True
    # Browsers read a backslash as "/" in an http(s) URL: "https://evil\@trusted/x.png" loads
    # from "evil", where urlsplit sees the host "trusted". Read the address as a browser does.
    parts = urlsplit(src.replace("\\", "/"))
    return parts.scheme == "https" and parts.hostname in settings.FORUM_IMAGE_HOSTS


def _attribute_allowed(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        # rel is ours to set (below), never the member's.
        return name in {"href", "title"}
    if tag == "img":
        if name == "src":
            return _image_allowed(value)
        return name in {"alt", "title"}
    if tag in {"th", "td"}:
        return name == "align" and value in {"left", "right", "center"}
    return False


def _set_link_rel(attrs, new=False):
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_attribute_allowed,
    protocols=ALLOWED_PROTOCOLS,
    strip=False,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_link_rel], skip_tags={"pre", "code"})],
)

# bleach writes every attribute value in double quotes (a quote inside is &quot;), so this
# reads whole attributes and is not fooled by a ">" inside alt text.
_IMG = re.compile(r'<img((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*/?>')


def _split_at_budget(source: str) -> tuple[str, str]:
    """``source`` cut before its ``MARKUP_BUDGET``-th ``[`` or ``<``: the head is parsed as
    Markdown, the rest shown as plain text. What Markdown then does grows with the length of
    the text, not with its square (an escaped ``\\[`` costs it as much as a ``[``: every
    inline match rebuilds the paragraph). Openers in code count too: telling code apart
    is Markdown's work, and any cheaper guess at it can be fooled (an unclosed fence)."""
    seen = {"[": 0, "<": 0}
    for match in _OPENER.finditer(source):
        seen[match.group(0)] += 1
        if seen[match.group(0)] >= MARKUP_BUDGET:
            return source[: match.start()], source[match.start() :]
    return source, ""


def _plain(source: str) -> str:
    """The text as paragraphs and line breaks, nothing parsed: for a post Markdown cannot
    take (a nesting deeper than Python's recursion allows)."""
    paragraphs = re.split(r"\n\s*\n", source.strip())
    return "".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in p.splitlines()) + "</p>"
        for p in paragraphs
        if p.strip()
    )


def render(source: str) -> str:
    """Sanitised HTML for a post's Markdown source."""
    head, rest = _split_at_budget(source[:MAX_CHARS])
    rest += source[MAX_CHARS:]
    try:
        rendered = markdown.markdown(
            head,
            extensions=["fenced_code", "tables", "sane_lists", "nl2br", _PostExtension()],
            output_format="html",
        )
    except RecursionError:
        head, rest, rendered = "", source, ""
    rendered += _plain(rest)
    cleaned = _cleaner.clean(rendered)
    # An image from a host we do not trust loses its source; drop what is left of it.
    return _IMG.sub(lambda m: m.group(0) if ' src="' in m.group(1) else "", cleaned)


def link_count(source: str) -> int:
    """How many links a post would show (Markdown links, bare addresses, raw anchors)."""
    return len(re.findall(r'<a [^>]*href="', render(source)))


def quote(author_name: str, source: str) -> str:
    """Markdown that quotes a post, as the reply box is pre-filled with it."""
    lines = source.strip().splitlines()[:_MAX_QUOTE_LINES]
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in lines)
    return f"> **{author_name}:**\n>\n{quoted}\n\n"
