"""Snippets with the matching words marked, for backends that do not highlight themselves.

The text is escaped first and only ``<mark>`` is added, so a post containing ``<script>``
comes back as text. A word is marked when its lemma is one the query searched for, so
``iadeler`` is marked for the query ``iade``, and ``süre`` for ``sure``."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search import analysis
from site_config import sanitise

SNIPPET_WORDS = 32
# A snippet is looked for in the first part of a long text only: enough to find the
# matches that matter, bounded in cost per hit.
SCAN_CHARS = 4000
_TOKEN = re.compile(r"\w+", re.UNICODE)


def _matches(word: str, language: str, terms: set[str]) -> bool:
    lemma_term, plain = analysis.forms(word, language)
    return lemma_term in terms or plain in terms


def mark(text: str, terms: set[str], language: str) -> SafeString:
    """All of ``text``, escaped, with matching words marked."""
    out, last = [], 0
    for match in _TOKEN.finditer(text):
        out.append(escape(text[last : match.start()]))
        word = match.group(0)
        out.append(
            f"<mark>{escape(word)}</mark>" if _matches(word, language, terms) else escape(word)
        )
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def snippet(text: str, terms: set[str], language: str) -> SafeString:
    """The window of about ``SNIPPET_WORDS`` words with the most matches, marked."""
    text = text[:SCAN_CHARS]
    tokens = list(_TOKEN.finditer(text))
    if not tokens:
        return mark_safe("")
    hits = [i for i, t in enumerate(tokens) if _matches(t.group(0), language, terms)]
    # Slide over the matches once (two pointers), not every match against every other.
    best_start, best_count, right = 0, -1, 0
    for left, start in enumerate(hits or [0]):
        begin = max(0, start - 6)
        right = max(right, left)
        while right < len(hits) and hits[right] < begin + SNIPPET_WORDS:
            right += 1
        count = right - left
        if count > best_count:
            best_start, best_count = begin, count
    end = min(len(tokens), best_start + SNIPPET_WORDS)
    start_char = tokens[best_start].start() if best_start else 0
    end_char = tokens[end - 1].end() if end < len(tokens) else len(text)
    prefix = "… " if start_char else ""
    suffix = " …" if end_char < len(text) else ""
    return mark_safe(prefix + mark(text[start_char:end_char], terms, language) + suffix)  # noqa: S308


def only_marks(fragment: str) -> str:
    """An engine's highlighted HTML with nothing but ``<mark>`` left as markup: text the
    engine escaped stays escaped, anything it did not is escaped now."""
    return sanitise.marks_only(fragment)
