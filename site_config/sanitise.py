"""Every allow-list of HTML the site keeps from text it did not write, in one module.

Four outputs, four policies, and one of them the base of another:

- ``post_html``: a forum post (Markdown's HTML, which may carry the member's raw HTML).
  What ``POST_TAGS`` and ``_post_attribute`` do not allow is *escaped*, not removed (a
  member who writes ``<script>`` sees that text, as written). Links get ``LINK_REL``
  whatever the member asked for; images are kept only from this site's media and from the
  hosts the shop trusts (``FORUM_IMAGE_HOSTS``), so a post cannot track its readers.
- ``post_html_subset``: a post's HTML cut down to what another place holds (an answer
  promoted to an article's rich text): the post's lists narrowed, never widened or retyped.
- ``text_only``: no markup at all (a comment on an article).
- ``marks_only``: only ``<mark>`` (a search engine's highlighted text).

This is the only module that uses bleach, and only through its own hooks (an attribute
filter, linkify callbacks, an html5lib filter), never by editing its output afterwards.
bleach is deprecated upstream: a replacement changes this module only.

A bleach ``Cleaner`` keeps parser state while it works and is not thread-safe (its
docstring: "Create a separate cleaner per thread!"); gunicorn runs threads, so each policy
keeps one cleaner per thread.
"""

import threading
from collections.abc import Callable, Mapping
from functools import partial
from urllib.parse import urlsplit

import bleach
from bleach.html5lib_shim import Filter
from bleach.linkifier import LinkifyFilter
from django.conf import settings

POST_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "b",
        "i",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "img",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "del",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
MARK_TAGS = frozenset({"mark"})
_CELL_ALIGN = frozenset({"left", "right", "center"})


def _image_allowed(src: str) -> bool:
    src = src.strip()
    if src.startswith(settings.MEDIA_URL) and not src.startswith("//"):
        return True
    # Browsers read a backslash as "/" in an http(s) URL: "https://evil\@trusted/x.png" loads
    # from "evil", where urlsplit sees the host "trusted". Read the address as a browser does.
    parts = urlsplit(src.replace("\\", "/"))
    return parts.scheme == "https" and parts.hostname in settings.FORUM_IMAGE_HOSTS


def _post_attribute(tag: str, name: str, value: str) -> bool:
    """The attributes a post may keep (bleach's attribute filter)."""
    if tag == "a":
        # rel is ours to set (_set_link_rel), never the member's.
        return name in {"href", "title"}
    if tag == "img":
        if name == "src":
            return _image_allowed(value)
        return name in {"alt", "title"}
    if tag in {"th", "td"}:
        return name == "align" and value in _CELL_ALIGN
    return False


def _set_link_rel(attrs, new=False):
    """Every link of a post, written or made from a bare address (a linkify callback)."""
    if (None, "href") in attrs:
        attrs[(None, "rel")] = LINK_REL
    return attrs


class _DropImagesWithoutSource(Filter):
    """An image whose address the attribute filter refused is dropped whole: what is left
    (its alt text in a broken-image frame) would only say that something was taken out."""

    def __iter__(self):
        for token in super().__iter__():
            if (
                token["type"] == "EmptyTag"
                and token["name"] == "img"
                and (None, "src") not in token["data"]
            ):
                continue
            yield token


class _Policy:
    """A bleach ``Cleaner`` made from ``options``, one per thread."""

    def __init__(self, **options):
        self._options = options
        self._local = threading.local()

    def clean(self, html: str) -> str:
        cleaner = getattr(self._local, "cleaner", None)
        if cleaner is None:
            cleaner = self._local.cleaner = bleach.Cleaner(**self._options)
        return cleaner.clean(html)


_POST = _Policy(
    tags=POST_TAGS,
    attributes=_post_attribute,
    protocols=PROTOCOLS,
    strip=False,
    strip_comments=True,
    filters=[
        partial(LinkifyFilter, callbacks=[_set_link_rel], skip_tags={"pre", "code"}),
        _DropImagesWithoutSource,
    ],
)
_TEXT = _Policy(tags=frozenset(), attributes={}, protocols=PROTOCOLS, strip=True)
_MARKS = _Policy(tags=MARK_TAGS, attributes={}, protocols=PROTOCOLS, strip=False)


def post_html(html: str) -> str:
    """``html`` (a post's rendered Markdown) as a post may show it."""
    return _POST.clean(html)


def post_html_subset(
    *, tags: frozenset[str], attributes: Mapping[str, frozenset[str]]
) -> Callable[[str], str]:
    """A cleaner for a post's HTML that keeps only ``tags`` and ``attributes`` of what a post
    may hold, and drops the rest of the markup with its text kept. Made once per place (at
    import), as it builds a policy."""
    kept_tags = POST_TAGS & tags

    def attribute(tag: str, name: str, value: str) -> bool:
        return name in attributes.get(tag, ()) and _post_attribute(tag, name, value)

    return _Policy(
        tags=kept_tags, attributes=attribute, protocols=PROTOCOLS, strip=True, strip_comments=True
    ).clean


def text_only(text: str) -> str:
    """``text`` with all markup removed (the text inside kept), as plain text, not HTML: a
    template escapes it once, as it escapes any text."""
    text = _TEXT.clean(text)
    # bleach escapes &, < and > in what remains.
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def marks_only(fragment: str) -> str:
    """HTML with nothing but ``<mark>`` left as markup: text already escaped stays escaped,
    anything else is escaped now."""
    return _MARKS.clean(fragment)
