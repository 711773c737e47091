"""Forum Markdown: what members write is rendered, what could run script never is.

The bulk of this module runs every payload of ``tests/data/xss_payloads.txt`` through
``render`` and parses the result the way a browser would, looking for anything that could
execute or navigate to script. The rest pins down intended behaviour: escaping (not
stripping) of disallowed HTML, link ``rel``, image hosts, heading demotion, link counting and
quoting.
"""

import re
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from forum.markup import link_count, quote, render
from site_config.sanitise import LINK_REL

try:  # html5lib parses as browsers do; bleach ships (vendors) it.
    import html5lib
except ImportError:  # pragma: no cover - depends on the installed bleach
    try:
        from bleach._vendor import html5lib
    except ImportError:
        html5lib = None

PAYLOADS_FILE = Path(__file__).resolve().parent.parent / "data" / "xss_payloads.txt"
MIN_PAYLOADS = 150

FORBIDDEN_ELEMENTS = frozenset(
    {
        "script",
        "iframe",
        "object",
        "embed",
        "style",
        "link",
        "meta",
        "base",
        "form",
        "svg",
        "math",
        "input",
        "button",
        "textarea",
        "select",
        "frame",
        "frameset",
        "applet",
        "template",
        "noscript",
        "video",
        "audio",
        "source",
        "details",
        "marquee",
        "body",
        "html",
    }
)
FORBIDDEN_ATTRIBUTES = frozenset({"style", "srcdoc", "formaction", "action", "xlink:href"})
URL_ATTRIBUTES = frozenset({"href", "src"})
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")

_XLINK_NS = "http://www.w3.org/1999/xlink"
# Browsers drop leading/trailing C0 controls and spaces from a URL and tabs/newlines anywhere in
# it; removing every control character and all whitespace is stricter still.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")
_ESCAPE = re.compile(r"\\(\\|n|t|r|0|x[0-9a-fA-F]{2})")
_ESCAPES = {"\\": "\\", "n": "\n", "t": "\t", "r": "\r", "0": "\0"}


def _unescape(line: str) -> str:
    """Decode the corpus escapes (``\\n``, ``\\t``, ``\\r``, ``\\0``, ``\\xHH``, ``\\\\``)."""

    def replace(match: re.Match) -> str:
        code = match.group(1)
        return chr(int(code[1:], 16)) if code[0] == "x" else _ESCAPES[code]

    return _ESCAPE.sub(replace, line)


def load_payloads() -> list[tuple[int, str]]:
    """(line number, payload) for every payload line of the corpus."""
    payloads = []
    with PAYLOADS_FILE.open(encoding="utf-8") as corpus:
        for number, line in enumerate(corpus, start=1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            payloads.append((number, _unescape(line)))
    return payloads


PAYLOADS = load_payloads()


# The checker ------------------------------------------------------------------------------


class _StartTags(HTMLParser):
    """Every start tag as a tokenizer sees it, with no tree building: a ``<body onload>`` in
    the middle of a page still counts, although a fragment parser would drop it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag.lower(), [(name.lower(), value or "") for name, value in attrs]))

    handle_startendtag = handle_starttag


def _tokenized_elements(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    parser = _StartTags()
    parser.feed(html)
    parser.close()
    return parser.elements


def _attribute_name(name) -> str:
    """html5lib spells namespaced attributes ``{namespace}local`` (or as a tuple)."""
    if isinstance(name, tuple):
        namespace, local = name
    elif name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
    else:
        namespace, local = None, name
    if namespace == _XLINK_NS:
        return f"xlink:{local}".lower()
    return local.lower()


def _tree_elements(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every element of the DOM a browser builds when the HTML is set inside a ``<div>``."""
    if html5lib is None:  # pragma: no cover - html5lib comes with bleach
        return []
    fragment = html5lib.parseFragment(html, container="div", treebuilder="etree")
    elements = []
    for element in fragment.iter():
        if not isinstance(element.tag, str):  # comments
            continue
        tag = element.tag.rpartition("}")[2].lower()
        attrs = [(_attribute_name(name), value) for name, value in element.attrib.items()]
        elements.append((tag, attrs))
    return elements[1:]  # the first is the fragment's own container


def _dangerous_url(value: str) -> bool:
    return _URL_NOISE.sub("", value).lower().startswith(DANGEROUS_SCHEMES)


def find_dangers(html: str) -> list[str]:
    """What in ``html`` could run script: an empty list means nothing was found.

    The HTML is read twice, by a tokenizer (every start tag, wherever it is) and by a
    browser-grade tree builder (the DOM as it would really be, after any mutation).
    """
    dangers = []
    for tag, attrs in _tokenized_elements(html) + _tree_elements(html):
        if tag in FORBIDDEN_ELEMENTS:
            dangers.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                dangers.append(f"<{tag} {name}> event handler")
            if name in FORBIDDEN_ATTRIBUTES:
                dangers.append(f"<{tag} {name}> attribute")
            if name in URL_ATTRIBUTES and _dangerous_url(value):
                dangers.append(f"<{tag} {name}={value!r}> dangerous URL")
    return dangers


# The checker can fail ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html, expected",
    [
        ("<p>hi</p><script>alert(1)</script>", "<script> element"),
        ("<img src=x onerror=alert(1)>", "<img onerror> event handler"),
        ('<a href=" JaVa&#x09;ScRiPt&colon;alert(1)">x</a>', "dangerous URL"),
        ('<a href="\x01data:text/html,x">x</a>', "dangerous URL"),
        ('<p style="x:expression(alert(1))">x</p>', "<p style> attribute"),
        ("<svg><a xlink:href=javascript:alert(1)>x</a></svg>", "<a xlink:href> attribute"),
        ("<p>x</p><body onload=alert(1)>", "<body> element"),
        # Only the tree builder sees this <img>: in <xmp> the title's quote is plain text.
        ('<xmp><p title="</xmp><img src=x onerror=alert(1)>">', "<img onerror>"),
    ],
)
def test_the_checker_reports_dangerous_html(html, expected):
    dangers = find_dangers(html)

    assert any(expected in danger for danger in dangers), dangers


def test_the_checker_passes_harmless_html():
    html = (
        '<p>Hi <a href="https://example.com/?q=javascript:x" rel="nofollow ugc noopener">'
        'link</a> &lt;script&gt;alert(1)&lt;/script&gt; <img src="/media/a.png" alt="a"></p>'
    )

    assert find_dangers(html) == []


# Every payload ------------------------------------------------------------------------------


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= MIN_PAYLOADS


@pytest.fixture(params=["no-image-hosts", "trusted-image-hosts"])
def image_hosts(request, settings):
    """Each payload runs twice: with no trusted image host (the default, every outside image
    is dropped) and trusting the payloads' own hosts, so that images keep their ``src`` and
    whatever else a payload tried to give them is what gets checked."""
    if request.param == "no-image-hosts":
        settings.FORUM_IMAGE_HOSTS = []
    else:
        settings.FORUM_IMAGE_HOSTS = ["images.example.com", "evil.example"]
    return settings.FORUM_IMAGE_HOSTS


@pytest.mark.parametrize(
    "payload", [payload for _, payload in PAYLOADS], ids=[f"line{n}" for n, _ in PAYLOADS]
)
def test_no_payload_survives_render(payload, image_hosts):
    html = render(payload)

    assert find_dangers(html) == [], html


# Intended behaviour --------------------------------------------------------------------------


def test_script_is_shown_as_written_text():
    html = render("<script>alert(1)</script>")

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html


def test_markdown_link_gets_rel():
    html = render("[docs](https://example.com/docs)")

    assert f'<a href="https://example.com/docs" rel="{LINK_REL}">docs</a>' in html


def test_bare_url_is_linkified_with_rel():
    html = render("See https://example.com/help for more.")

    assert f'<a href="https://example.com/help" rel="{LINK_REL}">' in html


def test_raw_anchor_gets_rel_even_if_it_asks_for_another():
    html = render('<a href="https://example.com" rel="opener">x</a>')

    assert f'rel="{LINK_REL}"' in html
    assert "opener" not in html.replace(LINK_REL, "")


def test_image_from_an_untrusted_host_is_removed(settings):
    settings.FORUM_IMAGE_HOSTS = ["images.example.com"]

    html = render("Look: ![cat](https://tracker.example.net/cat.png)")

    assert "<img" not in html
    assert "tracker.example.net" not in html


def test_https_image_from_a_trusted_host_is_kept(settings):
    settings.FORUM_IMAGE_HOSTS = ["images.example.com"]

    html = render("![cat](https://images.example.com/cat.png)")

    assert '<img alt="cat" src="https://images.example.com/cat.png">' in html


def test_plain_http_image_from_a_trusted_host_is_removed(settings):
    settings.FORUM_IMAGE_HOSTS = ["images.example.com"]

    html = render("![cat](http://images.example.com/cat.png)")

    assert "<img" not in html


@pytest.mark.parametrize(
    "source",
    [
        "![x](https://evil.example\\@images.example.com/x.png)",
        '<img src="https://evil.example\\@images.example.com/x.png">',
    ],
)
def test_image_host_is_read_as_a_browser_reads_it(settings, source):
    # A browser reads the backslash as "/": the image would load from evil.example.
    settings.FORUM_IMAGE_HOSTS = ["images.example.com"]

    assert "<img" not in render(source)


def test_untrusted_image_is_removed_whatever_quotes_its_other_attributes_hold(settings):
    # bleach writes a value holding a double quote in single quotes.
    settings.FORUM_IMAGE_HOSTS = []

    html = render('<img src="https://tracker.example.net/a.png" alt="a > b" title=\'say "hi"\'>')

    assert "<img" not in html


def test_image_from_this_sites_media_is_kept(settings):
    settings.FORUM_IMAGE_HOSTS = []

    html = render(f"![shot]({settings.MEDIA_URL}forum/shot.png)")

    assert f'src="{settings.MEDIA_URL}forum/shot.png"' in html


def test_headings_are_demoted_by_two_levels():
    assert "<h3>Title</h3>" in render("# Title")
    assert "<h4>Sub</h4>" in render("## Sub")
    assert "<h6>Deep</h6>" in render("###### Deep")


def test_code_keeps_html_as_escaped_text():
    fenced = render("```\n<b>bold</b>\n```")
    inline = render("Use `<b>` for bold.")

    assert "<pre><code>&lt;b&gt;bold&lt;/b&gt;" in fenced
    assert "<code>&lt;b&gt;</code>" in inline
    assert "<b>" not in fenced + inline


def test_urls_in_code_are_not_linkified():
    html = render("```\ncurl https://example.com/api\n```")

    assert "<a " not in html


@pytest.mark.parametrize(
    "source, expected",
    [
        ("No links here.", 0),
        ("[one](https://example.com/1)", 1),
        ("See https://example.com/help", 1),
        ('<a href="https://example.com/raw">raw</a>', 1),
        (
            "[one](https://example.com/1), https://example.com/2 and "
            '<a href="https://example.com/3">three</a>',
            3,
        ),
    ],
)
def test_link_count(source, expected):
    assert link_count(source) == expected


def test_quote_is_markdown_quote_lines():
    quoted = quote("Ayşe", "line one\nline two")

    assert quoted == "> **Ayşe:**\n>\n> line one\n> line two\n\n"


def test_quote_renders_as_a_blockquote_with_both_lines():
    html = render(quote("Ayşe", "line one\nline two"))

    blockquote = re.search(r"<blockquote>(.*)</blockquote>", html, re.S)
    assert blockquote is not None, html
    assert "<strong>Ayşe:</strong>" in blockquote.group(1)
    assert "line one" in blockquote.group(1)
    assert "line two" in blockquote.group(1)


def test_turkish_and_german_text_passes_through_unchanged():
    text = "İstanbul'da ılık bir gün; Straße über Grüße."

    assert render(text) == f"<p>{text}</p>"


# --- bounded cost ----------------------------------------------------------------------------

# Texts made to be expensive: link and image openers, raw HTML openers (each used to make
# Python-Markdown scan the rest of the paragraph: quadratic), nestings deeper than Python's
# recursion allows, and the busiest inline syntax.
HOSTILE_UNITS = [
    "[",
    "![",
    "[a",
    "[](",
    "[a](",
    "![a](",
    "<x ",
    "<a href=x>",
    "[`",
    "- [",
    "> [",
    "1. ",
    "> ",
    "*a",
    "**a",
    "***a",
    "_a_ ",
    "&",
    "&#91;",
    "`a`",
    "a  \n",
    "a\n",
    "\\[",
    # code fences and spans, closed or not
    "`",
    "``[",
    "```\n[",
    "~~~\n<x ",
    "\\`[",
]


def _realistic_post(size: int) -> str:
    """A long post as members write them: prose with some emphasis, links, code and lists."""
    para = (
        "My parcel was returned to the warehouse after two failed delivery attempts, and the "
        "tracking page still says **in transit**. I asked the courier, who told me to contact "
        "the shop. See [the returns policy](https://example.com/returns) and the `ORDER-12345` "
        "number below.\n\n- first item\n- second item with *emphasis*\n\n"
    )
    return (para * (size // len(para) + 1))[:size]


def _seconds(text: str, runs: int = 3) -> float:
    import time

    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        render(text)
        best = min(best, time.perf_counter() - start)
    return best


def test_no_text_of_the_longest_size_costs_much_more_than_a_real_post():
    """Ratios, measured in the same run (the machine is shared): the worst text of the
    longest size a post may have renders within 50 times a real post of that size: about 15
    alone on a quiet machine, the rest is room for a busy one (before the bound, 20,000
    ``[`` took over 1,000 times as long as the real post)."""
    from forum.markup import MAX_CHARS

    reference = _seconds(_realistic_post(MAX_CHARS))
    ratios = {
        unit: _seconds((unit * MAX_CHARS)[:MAX_CHARS], runs=2) / reference for unit in HOSTILE_UNITS
    }
    worst = max(ratios, key=ratios.get)
    assert ratios[worst] < 50, f"{worst!r}: {ratios[worst]:.1f}x a real post; {ratios}"


@pytest.mark.parametrize(
    "prefix, unit",
    [
        ("", "["),
        ("", "!["),
        ("", "[]("),
        ("", "[a]("),
        ("", "<x "),
        ("", "[`"),
        # an unclosed fence, backtick runs
        ("```\n", "["),
        ("`" * 200, "["),
        ("[" * 200, "`"),
    ],
)
def test_link_and_html_openers_cost_in_proportion_to_their_number(prefix, unit):
    """Four times the text costs about four times the time, not sixteen (quadratic before):
    best of five runs each, and room for a busy machine."""
    small, large = (_seconds(prefix + (unit * n)[:n], runs=5) for n in (5_000, 20_000))
    assert large / small < 8, (
        f"{prefix[:5] + unit!r}: {small * 1000:.0f} ms, then {large * 1000:.0f} ms"
    )


def test_a_post_past_the_opener_budget_keeps_its_text_and_its_first_links():
    from forum.markup import MARKUP_BUDGET

    links = "".join(f"[link {n}](https://example.com/{n}) " for n in range(MARKUP_BUDGET + 5))
    html = render(links)
    # Parsed as links up to the budget; the rest shown as written (addresses still linked).
    assert len(re.findall(r">link \d+</a>", html)) == MARKUP_BUDGET - 1
    assert "[link 204](" in html
    code = "```\n" + "<b>\n" * 300 + "```\n"
    assert "&lt;b&gt;" in render(code)  # code past the budget: still shown, as text


def test_a_nesting_deeper_than_python_allows_is_shown_as_text():
    html = render("1. " * 3000)
    assert html.startswith("<p>1. 1. 1.")
    assert render("- " * 10 + "item").count("<li>") >= 1  # a normal nesting is still a list


def test_posts_rendered_at_once_in_several_threads_each_come_out_whole():
    """gunicorn serves requests from several threads; bleach's cleaner keeps parser state
    while it works, so one shared by threads mixed posts up (or raised)."""
    posts = [f"Post {n}: [link](https://example.com/{n}) and **bold {n}** " * 40 for n in range(4)]
    alone = [render(post) for post in posts]
    wrong = []

    def render_often(n):
        for _ in range(10):
            try:
                if render(posts[n]) != alone[n]:
                    wrong.append(n)
            except Exception as error:  # noqa: BLE001 - a mixed-up parser raises anything
                wrong.append(repr(error))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can
    try:
        threads = [threading.Thread(target=render_often, args=(n,)) for n in range(len(posts))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)

    assert wrong == []
