"""Every place where text a member or a searcher wrote comes back gets the whole XSS corpus
(``tests/data/xss_payloads.txt``), and the page is read as a browser reads it (html5lib).

``tests/forum/test_markup.py`` runs each payload through the Markdown renderer alone; here
the payloads go through the real pages, e-mails and JSON: templates, truncation, JSON-LD,
highlighting, the admin. A page passes when it has nothing that could run script beyond what
the same page has with harmless text (``html_checks``).

To stay fast, payloads are batched where a field allows it: a thread title holds as many
payloads as fit in its 150 characters (each page still shows one title), a query as many as
fit in a search box, and every other text (post bodies, display names, report notes,
feedback comments) is one object per payload, created in bulk and shown many to a page.
Text is stored as the columns can hold it (``stored``). Counts per place are printed at the
end of the run and written to ``test-artifacts/xss_summary.json``.
"""

import json
import re
import string
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from forum import markup
from forum.models import Board, Post, Profile, Report, Subscription, Thread
from kb.models import ArticleFeedback
from kb.services import clean_comment
from search.documents import page_source, thread_source
from search.tasks import update_source
from site_config.text import without_control_characters
from tests.factories import (
    FaqPageFactory,
    TopicPageFactory,
    UserFactory,
    faq_items,
    in_group,
)
from tests.security.html_checks import Danger, baseline_of, new_dangers, parse, text_of
from tests.security.tally import record

TITLE_MAX = Thread._meta.get_field("title").max_length
NAME_MAX = Profile._meta.get_field("display_name").max_length
NOTE_MAX = Report._meta.get_field("note").max_length
# One marker word per group of threads: the suggestions and a search for it list the group.
GROUP_SIZE = 8
CALM_MARKER = "xqzcalm"
HARMLESS = "Where is my parcel"
# A word only the German help center uses, misspelt: the search corrects it ("did you mean").
MISSPELT_GERMAN_WORD = "Rucksendunk"

pytestmark = pytest.mark.django_db


def stored(payload: str, limit: int | None = None) -> str:
    """The payload as a text column holds it: PostgreSQL refuses NUL in text (and Django's
    form fields refuse it before that), so NUL becomes U+FFFD, which is what a browser's
    parser makes of it anyway; cut to the field's length."""
    text = payload.replace("\0", "\ufffd")
    return text[:limit] if limit else text


def as_parsed(text: str) -> str:
    """What an HTML parser reads back from ``text`` written escaped into a page: NUL becomes
    U+FFFD, line breaks become \\n."""
    return text.replace("\0", "\ufffd").replace("\r\n", "\n").replace("\r", "\n")


def marker(group: int) -> str:
    """A made-up word that only the threads of one group have in their titles."""
    letters = string.ascii_lowercase
    return f"xqz{letters[group // 26]}{letters[group % 26]}"


def pack(texts: list[str], limit: int) -> list[list[int]]:
    """Indexes of ``texts`` packed greedily into groups whose texts, joined by spaces, fit in
    ``limit`` characters (a longer text is a group of its own, cut later)."""
    groups: list[list[int]] = []
    size = 0
    for index, text in enumerate(texts):
        if groups and size + 1 + len(text) <= limit:
            groups[-1].append(index)
            size += 1 + len(text)
        else:
            groups.append([index])
            size = len(text)
    return groups


# The world, built once for the module ------------------------------------------------------


@pytest.fixture(scope="module")
def _world_ids(django_db_setup, django_db_blocker, xss_payloads):
    """The corpus in every place, built once for the module."""
    from tests.conftest import built_once_for_the_module

    with built_once_for_the_module(
        django_db_blocker, lambda: _build_world([payload for _line, payload in xss_payloads])
    ) as ids:
        yield ids


def _build_world(payloads: list[str]) -> dict:
    from kb.models import HelpCenterPage

    board = Board.objects.create(name="Security", slug="security")
    long_ago = timezone.now() - timedelta(days=400)
    User = get_user_model()
    authors = User.objects.bulk_create(
        User(username=f"xss{n}", email=f"xss{n}@example.com", date_joined=long_ago)
        for n in range(len(payloads))
    )
    Profile.objects.bulk_create(
        Profile(user=user, display_name=stored(payload, NAME_MAX))
        for user, payload in zip(authors, payloads, strict=True)
    )

    # Each title: a group marker, then as many payloads as fit.
    titles = [stored(p) for p in payloads]
    packs = pack(titles, TITLE_MAX - len(marker(0)) - 1)
    threads = Thread.objects.bulk_create(
        Thread(
            board=board,
            language="en",
            title=f"{marker(k // GROUP_SIZE)} {' '.join(titles[i] for i in indexes)}"[:TITLE_MAX],
            author=authors[indexes[0]],
            reply_count=len(indexes),
        )
        for k, indexes in enumerate(packs)
    )
    # The question is the pack's first payload; every payload of the pack is also a reply,
    # by the member whose display name it is.
    questions, replies = [], []
    for thread, indexes in zip(threads, packs, strict=True):
        first = indexes[0]
        questions.append(_post(thread, authors[first], payloads[first], is_question=True))
        replies += [_post(thread, authors[i], payloads[i]) for i in indexes]
    Post.objects.bulk_create(questions)
    replies = Post.objects.bulk_create(replies)
    reply_of_payload = {}
    by_thread: dict[int, list[Post]] = {}
    for post in replies:
        by_thread.setdefault(post.thread_id, []).append(post)
    for thread, indexes in zip(threads, packs, strict=True):
        for index, post in zip(indexes, by_thread[thread.pk], strict=True):
            reply_of_payload[index] = post.pk
        # The first answer is the solution: the thread page quotes it, truncated.
        thread.solution_id = by_thread[thread.pk][0].pk
    Thread.objects.bulk_update(threads, ["solution"])

    # A thread made the same way with harmless text: every page's baseline.
    calm = UserFactory(profile=HARMLESS)
    calm_thread = Thread.objects.create(
        board=board, language="en", title=f"{CALM_MARKER} {HARMLESS}", author=calm, reply_count=1
    )
    Post.objects.create(**_fields(calm_thread, calm, HARMLESS, is_question=True))
    calm_reply = Post.objects.create(**_fields(calm_thread, calm, HARMLESS))
    calm_thread.solution = calm_reply
    calm_thread.save(update_fields=["solution"])

    for thread in [*threads, calm_thread]:
        update_source.call(thread_source(thread.pk))

    # Someone watches every thread (reply e-mails); someone reports every reply.
    watcher = UserFactory(profile="Watcher")
    Subscription.objects.bulk_create(Subscription(user=watcher, thread=t) for t in threads)
    reporter = UserFactory(profile="Reporter")
    Report.objects.bulk_create(
        Report(
            post_id=reply_of_payload[n],
            reporter=reporter,
            reason=Report.Reason.OTHER,
            note=stored(payload).strip()[:NOTE_MAX],  # as forum.services.post_report keeps it
        )
        for n, payload in enumerate(payloads)
    )

    # Articles whose readers leave comments (the admin lists 200 comments an article).
    home = HelpCenterPage.objects.get(depth=2, locale__language_code="en")
    topic = TopicPageFactory(parent=home, title="Delivery", slug="delivery")
    half = (len(payloads) + 1) // 2
    articles = [
        FaqPageFactory(parent=topic, title=f"Delivery questions {n}", slug=f"delivery-{n}")
        for n in (1, 2)
    ]
    ArticleFeedback.objects.bulk_create(
        ArticleFeedback(
            page=articles[n // half],
            helpful=False,
            reason="other",
            comment=clean_comment(stored(payload)),
            session_key=f"xss-{n}",
        )
        for n, payload in enumerate(payloads)
    )
    calm_article = FaqPageFactory(parent=topic, title="Delivery basics", slug="delivery-basics")
    ArticleFeedback.objects.create(
        page=calm_article, helpful=False, reason="other", comment=HARMLESS, session_key="calm"
    )

    # The German help center has one article: a misspelt German word is corrected to it.
    german_home = HelpCenterPage.objects.get(depth=2, locale__language_code="de")
    german_topic = TopicPageFactory(parent=german_home, title="Rücksendung", slug="ruecksendung")
    german = FaqPageFactory(
        parent=german_topic,
        title="Rücksendung",
        slug="fragen",
        intro="Rücksendung.",
        items=faq_items(("Rücksendung?", "Rücksendung.")),
    )
    update_source.call(page_source(german.pk))

    return {
        "packs": packs,
        "threads": [t.pk for t in threads],
        "calm_thread": calm_thread.pk,
        "authors": [a.pk for a in authors],
        "calm_author": calm.pk,
        "replies": [reply_of_payload[n] for n in range(len(payloads))],
        "calm_reply": calm_reply.pk,
        "watcher": watcher.pk,
        "articles": [a.pk for a in articles],
        "calm_article": calm_article.pk,
    }


def _fields(thread, author, text: str, *, is_question: bool = False) -> dict:
    body = stored(text)
    return {
        "thread": thread,
        "author": author,
        "is_question": is_question,
        "body": body,
        "body_html": markup.render(body),
    }


def _post(thread, author, text: str, *, is_question: bool = False) -> Post:
    return Post(**_fields(thread, author, text, is_question=is_question))


@pytest.fixture
def world(_world_ids, db):
    return _world_ids


# Checking and counting ---------------------------------------------------------------------


class Place:
    """One place where user text comes back: pages are checked against its baseline, and
    what each payload did is counted for the summary."""

    def __init__(self, name: str, baseline_html: str, payload_count: int, note: str = ""):
        self.name = name
        self.baseline = baseline_of(parse(baseline_html))
        self.payload_count = payload_count
        self.note = note
        self.failures: list[str] = []
        self.failed_payloads: set[int] = set()

    def check(self, html: str, payloads: list[int], label: str):
        """Parse the page, note anything it has beyond the baseline; return the tree."""
        document = parse(html)
        found: list[Danger] = new_dangers(document, self.baseline)
        if found:
            self.failed_payloads.update(payloads)
            self.failures.append(f"{label}: " + "; ".join(map(str, found)))
        return document

    def finish(self) -> None:
        blocked = self.payload_count - len(self.failed_payloads)
        record(self.name, tried=self.payload_count, blocked=blocked, note=self.note)
        assert not self.failures, "\n".join(self.failures[:20])


def _get(client, path: str, data=None, **extra):
    response = client.get(path, data, **extra)
    assert response.status_code == 200, (path, data, response.status_code)
    return response.content.decode()


# The checker can fail ----------------------------------------------------------------------

_CALM_PAGE = (
    '<!DOCTYPE html><html><head><script src="/static/js/site.js" defer></script></head>'
    '<body><main id="main"><p>{}</p></main></body></html>'
)


@pytest.mark.parametrize(
    "injected, expected",
    [
        ("<script>alert(1)</script>", "<script>"),
        ("<img src=x onerror=alert(1)>", "<img onerror>"),
        ('<a href=" JaVa&#x09;ScRiPt&colon;alert(1)">x</a>', "script URL"),
        ('<form><button formaction="vbscript:x">x</button></form>', "script URL"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "script URL"),
        ("<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>", "script URL"),
        ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "srcdoc"),
        ("<object data=x></object>", "<object>"),
        ("<embed src=x>", "<embed>"),
        ("<base href=//evil.example/>", "<base>"),
        ('<meta http-equiv="refresh" content="0;url=//evil.example">', "meta http-equiv"),
        ("</p></main><body onload=alert(1)>", "<body onload>"),
    ],
)
def test_the_checker_reports_what_a_payload_adds_to_a_page(injected, expected):
    baseline = baseline_of(parse(_CALM_PAGE.format(HARMLESS)))

    found = new_dangers(parse(_CALM_PAGE.format(injected)), baseline)

    assert any(expected in str(danger) for danger in found), found


def test_the_checker_passes_escaped_text_and_counts_scripts_beyond_the_baseline():
    baseline = baseline_of(parse(_CALM_PAGE.format(HARMLESS)))
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1)"

    assert new_dangers(parse(_CALM_PAGE.format(escaped)), baseline) == []
    assert new_dangers(parse(_CALM_PAGE.format(HARMLESS + "<script></script>")), baseline)


# Forum: thread pages, lists, member pages ---------------------------------------------------


def test_thread_pages_show_titles_posts_and_names_as_text(client, world, xss_payloads):
    calm = Thread.objects.get(pk=world["calm_thread"])
    place = Place(
        "forum thread page (title, posts, names)",
        _get(client, calm.get_absolute_url()),
        len(xss_payloads),
        note="several payloads per title (150 characters), one post and one name each",
    )
    threads = Thread.objects.in_bulk(world["threads"])
    headings = {}
    for pk, indexes in zip(world["threads"], world["packs"], strict=True):
        document = place.check(_get(client, threads[pk].get_absolute_url()), indexes, f"{pk}")
        headings[pk] = text_of(document, "h1")
    place.finish()
    # The titles really are on the pages, as text: nothing was dropped to pass the check.
    assert headings == {pk: [" ".join(t.title.split())] for pk, t in threads.items()}


def test_board_list_shows_every_title_and_asker_as_text(client, world):
    place = Place(
        "forum board list (titles, askers)",
        _get(client, reverse("forum:index")),
        sum(map(len, world["packs"])),
        note="the askers are the first payload of each title",
    )
    board = reverse("forum:board", kwargs={"slug": "security"})
    listed = 0
    for page in range(1, len(world["threads"]) // 20 + 2):
        document = place.check(_get(client, board, {"page": page}), [], f"board page {page}")
        titles = [a for a in document.iter("a") if a.get("class") == "thread-row__title"]
        listed += len(titles)
    assert listed == len(world["threads"]) + 1  # and the harmless one
    place.finish()


def test_member_pages_show_display_names_as_text(client, world, xss_payloads):
    place = Place(
        "forum member page (display name)",
        _get(client, reverse("forum:member", kwargs={"user_id": world["calm_author"]})),
        len(xss_payloads),
        note=f"the first {NAME_MAX} characters, the field's length",
    )
    names = dict(
        Profile.objects.filter(user_id__in=world["authors"]).values_list("user_id", "display_name")
    )
    headings = {}
    for n, pk in enumerate(world["authors"]):
        document = place.check(
            _get(client, reverse("forum:member", kwargs={"user_id": pk})), [n], f"member {pk}"
        )
        headings[pk] = text_of(document, "h1")
    place.finish()
    assert headings == {pk: [" ".join(name.split())] for pk, name in names.items()}


# Search: results, highlighting, the echoed query, suggestions -----------------------------


def _search_limits_lifted(monkeypatch):
    """A search per payload pack from one address: the per-address limits would refuse
    most (they are tested in test_rate_limits.py)."""
    from search import views

    monkeypatch.setattr(views, "SEARCH_LIMIT", (10_000, 60))
    monkeypatch.setattr(views, "SUGGEST_LIMIT", (10_000, 60))


def test_search_results_highlight_user_text_as_text(client, world, monkeypatch):
    """A search for a group's marker word lists its threads: every title and question is
    shown escaped, with the matching word marked."""
    _search_limits_lifted(monkeypatch)
    place = Place(
        "search results (highlighted titles and posts)",
        _get(client, reverse("search:search"), {"q": CALM_MARKER}),
        sum(map(len, world["packs"])),
        note=f"{GROUP_SIZE} threads a page",
    )
    threads = Thread.objects.in_bulk(world["threads"])
    listed: set[str] = set()
    for group in range(len(world["threads"]) // GROUP_SIZE + 1):
        response = client.get(reverse("search:search"), {"q": marker(group)})
        assert response.status_code == 200
        document = place.check(response.content.decode(), [], f"search for {marker(group)}")
        hits = response.context["results"].hits
        assert all(f"<mark>{marker(group)}</mark>" in hit.title_html for hit in hits)
        assert len(text_of(document, "mark")) >= len(hits)
        listed |= {hit.url for hit in hits}
    assert listed == {thread.get_absolute_url() for thread in threads.values()}
    place.finish()


def test_corrected_and_empty_searches_echo_the_query_as_text(
    client, world, monkeypatch, xss_payloads
):
    """A misspelt word first, then the payloads as typed (control characters included): the
    search corrects the word ("showing results for ..." with the rest of the query) and,
    asked for a page past the last, offers to ask the community with the query filled in:
    every echo of the query on one page."""
    _search_limits_lifted(monkeypatch)
    search = reverse("search:search")
    place = Place(
        "search: echoed query, did you mean, ask link",
        _get(client, search, {"q": f"{MISSPELT_GERMAN_WORD} {HARMLESS}", "lang": "de", "page": 50}),
        len(xss_payloads),
        note="several payloads a query",
    )
    for indexes in world["packs"]:
        query = " ".join([MISSPELT_GERMAN_WORD] + [xss_payloads[i][1] for i in indexes])
        response = client.get(search, {"q": query, "lang": "de", "page": 50})
        assert response.status_code == 200
        results = response.context["results"]
        assert results.corrected and results.suggestion.lower().startswith("rücksendung"), query
        assert not results.hits
        document = place.check(response.content.decode(), indexes, f"query {query!r}")
        ask = [a.get("href") for a in document.iter("a") if "/forum/ask/" in a.get("href", "")]
        assert ask and _query_of(ask[0]) == results.query
    place.finish()


def _query_of(url: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query)["q"][0]


def test_ask_form_prefilled_from_a_search_shows_the_query_as_text(client, world, xss_payloads):
    """The "ask the community" link fills the question's title with the query. (In German:
    the form also searches for the title, and the German help center is small: quick.)"""
    client.force_login(UserFactory(profile="Asker"))
    ask = reverse("forum:ask").replace("/en/", "/de/")
    place = Place(
        "ask form prefilled with the query",
        _get(client, ask, {"q": HARMLESS}),
        len(xss_payloads),
        note="several payloads a title",
    )
    for indexes in world["packs"]:
        query = " ".join(xss_payloads[i][1] for i in indexes)
        document = place.check(_get(client, ask, {"q": query}), indexes, f"query {query!r}")
        (title,) = [i for i in document.iter("input") if i.get("name") == "title"]
        # As typed, less the control characters no form field keeps (site_config.text).
        assert title.get("value") == as_parsed(without_control_characters(query)[:TITLE_MAX])
    place.finish()


def test_suggestions_are_json_with_titles_as_plain_strings(client, world, monkeypatch):
    """The search box's and the ask form's suggestions: JSON, never HTML, whose titles are the
    titles exactly as written (the scripts that show them insert text, see below)."""
    _search_limits_lifted(monkeypatch)
    threads = Thread.objects.in_bulk(world["threads"])
    all_titles = {t.title for t in threads.values()}
    groups: dict[int, set[str]] = {}
    for k, pk in enumerate(world["threads"]):
        groups.setdefault(k // GROUP_SIZE, set()).add(threads[pk].title)
    for group, titles in groups.items():
        response = client.get(reverse("search:suggest"), {"q": marker(group)})
        assert response["Content-Type"] == "application/json"
        assert {s["title"] for s in json.loads(response.content)["suggestions"]} == titles
        # The ask form's suggestions come from a search for the title being typed.
        response = client.get(reverse("forum:ask_suggestions"), {"q": marker(group)})
        assert response["Content-Type"] == "application/json"
        found = {t["title"] for t in json.loads(response.content)["threads"]}
        assert found and found <= all_titles
    tried = sum(map(len, world["packs"]))
    record("search suggestions JSON (titles)", tried=tried, blocked=tried, note="JSON strings")


@pytest.mark.parametrize(
    "script",
    ["static/js/site.js", "static/js/answers.js", "static/js/forum.js", "static/js/support.js"],
)
def test_scripts_that_show_suggestions_insert_text_never_html(script):
    from django.conf import settings

    source = (settings.BASE_DIR / script).read_text()

    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", source)
    if script != "static/js/forum.js" and script != "static/js/support.js":
        assert "textContent" in source  # the two pages' scripts only configure answers.js


# The shop's team: the moderation queue, the admin's feedback report -------------------------


def test_moderation_queue_shows_report_notes_as_text(client, world, xss_payloads):
    moderator = in_group(UserFactory(profile="Moderator"), "Forum moderators")
    client.force_login(moderator)
    queue = reverse("forum:moderation")
    # Baseline: the queue with one harmless report.
    calm = Report.objects.create(
        post_id=world["calm_reply"], reporter=moderator, reason="other", note=HARMLESS
    )
    open_reports = Report.objects.filter(resolved_at__isnull=True).exclude(pk=calm.pk)
    open_reports.update(resolved_at=timezone.now())
    place = Place(
        "moderation queue (report notes, reported posts)",
        _get(client, queue),
        len(xss_payloads),
        note="the queue shows 200 reports at a time: two pages",
    )
    calm.delete()
    Report.objects.update(resolved_at=None)
    shown = 0
    while Report.objects.filter(resolved_at__isnull=True).exists():
        batch = list(
            Report.objects.filter(resolved_at__isnull=True).order_by("created_at", "pk")[:200]
        )
        document = place.check(_get(client, queue), [], f"queue after {shown} reports")
        shown += len(batch)
        notes = [li for li in text_of(document, "li") if "Reporter" in li]
        assert len(notes) == len(batch)
        Report.objects.filter(pk__in=[r.pk for r in batch]).update(resolved_at=timezone.now())
    assert shown == len(xss_payloads)
    place.finish()


def test_admin_feedback_report_shows_comments_as_text(client, world, xss_payloads):
    """Reports → Article helpfulness → an article: what readers said, 200 at a time."""
    client.force_login(get_user_model().objects.get(email="admin@example.com"))
    place = Place(
        "admin helpfulness report (feedback comments)",
        _get(client, reverse("kb_feedback_detail", args=[world["calm_article"]])),
        len(xss_payloads),
        note="as kb.services.clean_comment stores them",
    )
    listed = 0
    for page_id in world["articles"]:
        document = place.check(
            _get(client, reverse("kb_feedback_detail", args=[page_id])), [], f"page {page_id}"
        )
        listed += len(document.findall(".//table[@class='listing']/tbody/tr"))
    assert listed == len(xss_payloads)
    place.finish()


# E-mail -----------------------------------------------------------------------------------


def test_reply_emails_carry_user_text_as_text(world, xss_payloads):
    """The reply notification: its HTML part is checked like a page; its text part is
    text/plain (a mail client shows it as written) and its subject stays one line."""
    from forum.tasks import notify

    posts = Post.objects.select_related("thread").in_bulk([*world["replies"], world["calm_reply"]])

    def send(post_id: int):
        mail.outbox.clear()
        author = posts[post_id].author_id
        assert notify.call(post_id=post_id, kind="reply", actor_id=author) == 1
        (message,) = mail.outbox
        return message

    def html_part(message) -> str:
        (html, mimetype), *_ = message.alternatives
        assert mimetype == "text/html"
        return html

    calm = Subscription.objects.create(user_id=world["watcher"], thread_id=world["calm_thread"])
    place = Place(
        "reply notification e-mail (HTML part)",
        html_part(send(world["calm_reply"])),
        len(xss_payloads),
        note="title, answer and the answerer's name",
    )
    calm.delete()
    for n, post_id in enumerate(world["replies"]):
        message = send(post_id)
        place.check(html_part(message), [n], f"e-mail for payload {n}")
        assert message.content_subtype == "plain"
        assert "\n" not in message.subject and "\r" not in message.subject
        raw = message.message().as_string()  # refuses header injection
        assert raw.count("Subject:") == 1
        assert posts[post_id].thread.title in message.body  # as written, not HTML-escaped
    place.finish()
    record(
        "reply notification e-mail (text part)",
        tried=len(xss_payloads),
        blocked=len(xss_payloads),
        note="text/plain: shown as written, nothing is interpreted",
    )


# Feeds and the sitemap -----------------------------------------------------------------------


def test_the_official_answers_feed_carries_user_text_as_text(world, xss_payloads, monkeypatch):
    """The Atom feed: a reader shows an entry's title and author as text and its summary as
    HTML. Every payload is in turn a thread's official answer (one round per answer of the
    largest thread); each summary is checked like a page, the XML must parse, and titles come
    back as stored (less the control characters XML cannot hold)."""
    from defusedxml import ElementTree
    from django.test import Client

    from forum.views.reading import OfficialAnswersFeed
    from site_config.text import xml_safe

    atom = "{http://www.w3.org/2005/Atom}"
    # Every thread in one feed, not the newest 30: the count is not what is tested here.
    monkeypatch.setattr(
        OfficialAnswersFeed,
        "items",
        lambda self: Thread.objects.filter(official_answer__isnull=False).select_related(
            "official_answer__author__forum_profile"
        ),
    )

    def entries() -> list:
        response = Client().get(reverse("forum:official_feed"))
        assert response.status_code == 200
        return ElementTree.fromstring(response.content).findall(f"{atom}entry")

    Thread.objects.filter(pk=world["calm_thread"]).update(official_answer=world["calm_reply"])
    (calm,) = entries()
    place = Place(
        "official answers feed (Atom)",
        calm.findtext(f"{atom}summary"),
        len(xss_payloads),
        note="title and author as text, answer as HTML",
    )
    Thread.objects.filter(pk=world["calm_thread"]).update(official_answer=None)
    titles = Thread.objects.in_bulk(world["threads"])
    answers = dict(zip(world["threads"], world["packs"], strict=True))
    for round_ in range(max(map(len, world["packs"]))):
        chosen = {t: ix[round_] for t, ix in answers.items() if len(ix) > round_}
        for thread_id, index in chosen.items():
            Thread.objects.filter(pk=thread_id).update(official_answer=world["replies"][index])
        found = entries()
        assert len(found) == len(chosen)
        by_answer = {e.find(f"{atom}link").get("href").rpartition("#post-")[2]: e for e in found}
        for thread_id, index in chosen.items():
            entry = by_answer[str(world["replies"][index])]
            # XML reads line breaks as \n, as HTML does.
            assert entry.findtext(f"{atom}title") == as_parsed(xml_safe(titles[thread_id].title))
            place.check(entry.findtext(f"{atom}summary"), [index], f"feed, payload {index}")
        Thread.objects.filter(pk__in=chosen).update(official_answer=None)
    place.finish()

    sitemap = Client().get("/sitemap.xml")
    assert sitemap.status_code == 200
    ElementTree.fromstring(sitemap.content)  # every stored title still makes valid XML


# Making sure the batches hold what they should ----------------------------------------------


def test_every_payload_is_in_a_title_a_post_and_a_name(world, xss_payloads):
    indexes = sorted(i for p in world["packs"] for i in p)

    assert indexes == list(range(len(xss_payloads)))
    assert Post.objects.filter(pk__in=world["replies"]).count() == len(xss_payloads)
    assert Profile.objects.filter(user_id__in=world["authors"]).count() == len(xss_payloads)
