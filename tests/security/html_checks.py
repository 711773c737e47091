"""What in an HTML page could run script or take the page elsewhere, read as a browser reads
it (html5lib builds the same tree browsers do, after every mutation and repair).

A page is compared with a *baseline*: the same page built with harmless text in place of the
payloads. Anything the page has that the baseline has not was brought by a payload. Pages of
the Wagtail admin carry scripts of their own, so "no <script> at all" would not do; an event
handler or a ``javascript:`` URL is never in a baseline of ours, so there the comparison is
the same as forbidding them outright.
"""

import re
from collections import Counter
from dataclasses import dataclass

try:  # html5lib parses as browsers do; bleach ships (vendors) it.
    import html5lib
except ImportError:  # pragma: no cover - depends on the installed bleach
    from bleach._vendor import html5lib

# Elements that load or embed another document, or change where the page's links go.
EMBEDDING_ELEMENTS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data"})
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")

_XLINK = "{http://www.w3.org/1999/xlink}"
# Browsers drop leading/trailing C0 controls and spaces from a URL and tabs/newlines anywhere in
# it; removing every control character and all whitespace is stricter still.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")


@dataclass(frozen=True)
class Danger:
    """One thing that could run script: ``key`` is what the comparison with the baseline
    counts; ``where`` (the id of the nearest element that has one) helps find it."""

    key: tuple
    where: str

    def __str__(self) -> str:
        return f"{' '.join(str(part) for part in self.key)} (inside #{self.where})"


def _local(name: str) -> str:
    if name.startswith(_XLINK):
        return "xlink:" + name[len(_XLINK) :]
    return name.rpartition("}")[2].lower()


def _dangerous_url(value: str) -> bool:
    return _URL_NOISE.sub("", value).lower().startswith(DANGEROUS_SCHEMES)


def parse(html: str):
    """The page's tree (``xml.etree`` elements, HTML elements without a namespace)."""
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


def text_of(document, tag: str) -> list[str]:
    """The text of every ``tag`` element, as a reader sees it."""
    return [" ".join("".join(e.itertext()).split()) for e in document.iter(tag)]


def dangers(document) -> list[Danger]:
    """Every script, event handler, script URL, ``srcdoc``, embedding element and meta
    refresh of a parsed page, in document order."""
    found: list[Danger] = []

    def visit(element, where: str) -> None:
        tag = element.tag
        if not isinstance(tag, str):  # comments
            return
        tag = _local(tag)
        attrs = {_local(name): value for name, value in element.attrib.items()}
        where = attrs.get("id") or where
        if tag == "script":
            found.append(Danger(("<script>", attrs.get("type", ""), attrs.get("src", "")), where))
        if tag in EMBEDDING_ELEMENTS:
            found.append(Danger((f"<{tag}>",), where))
        if tag == "meta" and attrs.get("http-equiv", "").strip().lower() == "refresh":
            found.append(Danger(("<meta http-equiv=refresh>",), where))
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(Danger((f"<{tag} {name}>", "event handler"), where))
            elif name == "srcdoc":
                found.append(Danger((f"<{tag} srcdoc>",), where))
            elif name in URL_ATTRIBUTES and _dangerous_url(value):
                found.append(Danger((f"<{tag} {name}={value!r}>", "script URL"), where))
        for child in element:
            visit(child, where)

    visit(document, "document")
    return found


def baseline_of(document) -> Counter:
    """The dangers a parsed page has without any payload, counted (for ``new_dangers``)."""
    return Counter(d.key for d in dangers(document))


def new_dangers(document, baseline: Counter) -> list[Danger]:
    """What a parsed page has beyond its baseline. A kind of danger that occurs more often than in
    the baseline (a second inline script where the baseline has one) is reported with every
    occurrence, since which of them is the new one cannot be told."""
    page = dangers(document)
    extra = Counter(d.key for d in page) - baseline
    return [d for d in page if d.key in extra]
