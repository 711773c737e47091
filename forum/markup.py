"""Members write Markdown; readers get HTML that cannot run script.

Markdown may carry raw HTML, so its output is untrusted: ``site_config.sanitise.post_html``
keeps the allow-list of a post (escaping everything else, so a member who writes
``<script>`` sees that text, as written), sets ``rel="nofollow ugc noopener"`` on links and
keeps images only from hosts the shop trusts (``FORUM_IMAGE_HOSTS``).

Rendering is bounded for any text (``MAX_CHARS`` are parsed, the forms take no more): Python-
Markdown looks for the end of a link or of raw HTML from every ``[`` and ``<``, which grows
with the square of a text made of them (8,000 ``[`` took 8.5 s). From the
``MARKUP_BUDGET``-th of either on, the post is shown as plain text (``_split_at_budget``);
a nesting deeper than Python allows renders the post as plain paragraphs (``_plain``).
"""

import html
import re
from html.parser import HTMLParser

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from site_config import sanitise

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
    return sanitise.post_html(rendered)


class _Links(HTMLParser):
    """Counts the links of rendered HTML, read by a parser as a browser reads tags."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a" and any(name == "href" for name, _ in attrs):
            self.count += 1


def link_count(source: str) -> int:
    """How many links a post would show (Markdown links, bare addresses, raw anchors)."""
    links = _Links()
    links.feed(render(source))
    links.close()
    return links.count


def quote(author_name: str, source: str) -> str:
    """Markdown that quotes a post, as the reply box is pre-filled with it."""
    lines = source.strip().splitlines()[:_MAX_QUOTE_LINES]
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in lines)
    return f"> **{author_name}:**\n>\n{quoted}\n\n"
