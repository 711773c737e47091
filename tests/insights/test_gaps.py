"""What to write next: the content-gap report turns what customers did in the last 30 days
into a writing list, ranked by how many customers each gap affected, per language."""

import csv
import io
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.models import Locale, Page
from wagtail_localize.models import LocaleSynchronization, TranslationSource
from wagtail_localize.synctree import synchronize_tree

from forum.models import KbPromotion, MeToo, Thread
from insights import gaps
from kb.models import ArticleDailyViews, ArticleFeedback, HelpCenterPage
from search import api
from search.models import QueryLog
from tests.factories import (
    FaqPageFactory,
    HowToVideoPageFactory,
    PolicyPageFactory,
    PostFactory,
    ThreadFactory,
    TopicPageFactory,
    UserFactory,
    faq_items,
    in_group,
)

pytestmark = pytest.mark.django_db

REVIEWED = date.today() - timedelta(days=10)  # reviewed lately: not due


def _translate(page, language: str, **fields):
    """A published translation of ``page`` (its parent translated already)."""
    copy = page.copy_for_translation(Locale.objects.get(language_code=language)).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return Page.objects.get(pk=copy.pk).specific


def _sync(language: str) -> None:
    """Copy untranslated English pages into ``language`` (aliases), as the site does."""
    en, target = (Locale.objects.get(language_code=c) for c in ("en", language))
    LocaleSynchronization.objects.get_or_create(locale=target, defaults={"sync_from": en})
    synchronize_tree(en, target)


def _copy(page, language: str) -> Page:
    return Page.objects.get(translation_key=page.translation_key, locale__language_code=language)


def _read(page, views: int, days_ago: int = 0) -> None:
    day = timezone.localdate() - timedelta(days=days_ago)
    ArticleDailyViews.objects.create(page_id=page.pk, day=day, views=views)


def _ago(model, pks, days: int) -> None:
    model.objects.filter(pk__in=pks).update(created_at=timezone.now() - timedelta(days=days))


def _search(query: str, language: str, times: int, *, results=0, clicked=0, days_ago=0):
    """Searches as the search page logs them (folded by ``search.api``)."""
    ids = []
    for n in range(times):
        found = api.Results(query=query, language=language, total=results, backend="database")
        ids.append(api.record_query(found))
        if n < clicked:
            api.record_click(ids[-1], 1)
    if days_ago:
        _ago(QueryLog, ids, days_ago)


def _vote(page, answers: str, reasons=(), days_ago=0) -> None:
    """``answers``: "y" or "n" per visitor; the reasons go to the first "n" votes."""
    reasons = list(reasons)
    ids = []
    for n, answer in enumerate(answers):
        reason = reasons.pop(0) if answer == "n" and reasons else ""
        vote = ArticleFeedback.objects.create(
            page_id=page.pk, helpful=answer == "y", reason=reason, session_key=f"s{n}-{page.pk}"
        )
        ids.append(vote.pk)
    if days_ago:
        _ago(ArticleFeedback, ids, days_ago)


def _ask(title: str, language: str, *, me_too=0, days_ago=0, me_too_days_ago=0) -> Thread:
    thread = ThreadFactory(title=title, language=language)
    if days_ago:
        _ago(Thread, [thread.pk], days_ago)
    ids = [MeToo.objects.create(thread=thread, user=UserFactory()).pk for _ in range(me_too)]
    if me_too_days_ago:
        _ago(MeToo, ids, me_too_days_ago)
    return thread


def _officially_answered(thread: Thread):
    staff = in_group(UserFactory(), "Support staff")
    post = PostFactory(thread=thread, author=staff, body="It arrives in two days.")
    Thread.objects.filter(pk=thread.pk).update(official_answer=post)
    return post


def _build() -> dict:
    """The known data (see each test for the rows it makes)."""
    homes = {h.locale.language_code: h for h in HelpCenterPage.objects.filter(depth=2)}
    topic = TopicPageFactory(parent=homes["en"], title="Returns", slug="returns")
    faq = FaqPageFactory(
        parent=topic,
        title="Return questions",
        slug="return-questions",
        last_reviewed_at=REVIEWED,
        items=faq_items(
            ("How do I return shoes?", "Print the label and take the parcel to a shop."),
            ("When is my refund paid?", "Within five days."),
        ),
    )
    video = HowToVideoPageFactory(parent=topic, title="How to track a parcel", slug="track")
    policy = PolicyPageFactory(
        parent=topic,
        title="Returns policy",
        slug="returns-policy",
        last_reviewed_at=date.today() - timedelta(days=200),  # due 20 days ago (every 180)
    )
    for code, title in (("tr", "İade"), ("de", "Rücksendung")):
        _translate(topic, code, title=title, slug=f"returns-{code}")
    turkish = faq_items(("Ayakkabıyı nasıl iade ederim?", "Kargoya verin."))
    faq_tr = _translate(faq, "tr", title="İade soruları", slug="iade-sorulari", items=turkish)
    german = faq_items(("Wie funktioniert die Rücksendung?", "Per Paket."))
    faq_de = _translate(faq, "de", title="Fragen zur Rücksendung", slug="fragen", items=german)
    _translate(video, "de", title="Paket verfolgen", slug="verfolgen")
    TranslationSource.get_or_create_from_instance(faq)  # wagtail-localize knows the FAQ
    faq.intro = "Quick answers about returns, updated."
    faq.save_revision().publish()  # every translation of the FAQ is out of date now
    _sync("tr")
    _sync("de")

    # Readers in the last 30 days, and long before.
    _read(faq, 100)
    _read(policy, 25)
    _read(policy, 15, days_ago=3)
    _read(video, 15)
    _read(_copy(video, "tr"), 30)  # Turkish readers of the untranslated video guide
    _read(faq_de, 12)  # German readers of the out-of-date FAQ
    _read(faq, 500, days_ago=40)
    _read(_copy(policy, "de"), 9, days_ago=35)

    # Votes: 3 of 4 unhelpful lately; the video's were long ago; the Turkish FAQ helps.
    _vote(faq, "nnny", reasons=["outdated", "outdated", "unclear"])
    _vote(video, "nnnnn", days_ago=40)
    _vote(_copy(faq, "tr"), "y")

    # Searches: three spellings of "iade" that found nothing, a search with results nobody
    # opened, one that was clicked, a German one without results, old ones.
    _search("İADE", "tr", 2)
    _search("iade", "tr", 1)
    _search("IADE", "tr", 1)
    _search("return shoes", "en", 5, results=3)
    _search("refund", "en", 2, results=4, clicked=1)
    _search("Rücksendung Kosten", "de", 2)
    _search("gift card", "en", 9, days_ago=40)

    # Forum: the same question in two threads (4 askers); a Turkish question answered
    # officially (2); a German one asked long ago with two "me too"s lately; one answered by
    # an FAQ question; one whose answer was promoted; one asked once; one asked long ago.
    exchange = _ask("How do I exchange shoes for another size?", "en", me_too=2)
    _ask("Exchange shoes for another size", "en")
    kargo = _ask("Kargo ne zaman gelir?", "tr", me_too=1)
    answer = _officially_answered(kargo)
    rechnung = _ask("Wo ist meine Rechnung?", "de", me_too=2, days_ago=40)
    _ask("How do I return shoes?", "en", me_too=1)
    gift = _ask("Can I pay with a gift card?", "en", me_too=1)
    KbPromotion.objects.create(post=_officially_answered(gift), page=faq, anchor="gift")
    _ask("Where is my invoice?", "en")
    _ask("Wie lange dauert der Versand?", "de", me_too=3, days_ago=40, me_too_days_ago=40)
    return {
        "faq": faq.pk,
        "faq_tr": faq_tr.pk,
        "faq_de": faq_de.pk,
        "video": video.pk,
        "policy": policy.pk,
        "exchange": exchange.pk,
        "kargo": kargo.pk,
        "answer": answer.pk,
        "rechnung": rechnung.pk,
    }


@pytest.fixture(scope="module")
def _known_ids(django_db_setup, django_db_blocker):
    from tests.conftest import built_once_for_the_module

    with built_once_for_the_module(django_db_blocker, _build) as ids:
        yield ids


@pytest.fixture
def known(_known_ids, help_center):
    return _known_ids


def _edit(pk: int) -> str:
    return reverse("wagtailadmin_pages:edit", args=[pk])


def _write(language: str) -> str:
    return reverse("wagtailadmin_pages:choose_parent", args=["kb", "faqpage"]) + (
        f"?locale={language}"
    )


def _thread_url(pk: int) -> str:
    return Thread.objects.get(pk=pk).get_absolute_url()


def test_rows_are_ranked_by_customers_affected_with_why_and_what_to_do(known):
    faq = Page.objects.get(pk=known["faq"])
    published = date_format(timezone.localtime(faq.last_published_at), "DATE_FORMAT")
    sync = TranslationSource.objects.get(object_id=faq.translation_key)
    rows = [
        (g.affected, g.kind, g.language, g.what, g.why, g.action, g.action_url) for g in gaps.gaps()
    ]
    assert rows == [
        (40, "review", "en", "Returns policy", "Review due 20 days ago; 40 readers in 30 days",
         "update", _edit(known["policy"])),
        (30, "translation", "tr", "How to track a parcel",
         "Turkish: not translated yet; 30 readers in 30 days", "translate",
         reverse("wagtail_localize:submit_page_translation", args=[known["video"]])
         + "?select_locale=tr"),
        (15, "review", "en", "How to track a parcel", "Never reviewed; 15 readers in 30 days",
         "update", _edit(known["video"])),
        (12, "translation", "de", "Return questions",
         f"German: out of date, the original was published again on {published}; "
         "12 readers in 30 days", "translate",
         reverse("wagtail_localize:update_translations", args=[sync.pk])),
        (5, "search", "en", "return shoes", "5 searches, no result opened", "write",
         _write("en")),
        (4, "search", "tr", "iade", "4 searches, no results", "write", _write("tr")),
        (4, "question", "en", "How do I exchange shoes for another size?",
         "Asked by 4 customers; no article answers it; 2 threads", "write", _write("en")),
        (3, "unhelpful", "en", "Return questions",
         "Voted unhelpful 3 of 4 times: It is out of date (2), It is hard to understand (1)",
         "update", _edit(known["faq"])),
        (2, "search", "de", "rücksendung kosten", "2 searches, no results", "write",
         _write("de")),
        (2, "question", "de", "Wo ist meine Rechnung?",
         "Asked by 2 customers; no article answers it", "write", _write("de")),
        (2, "answer", "tr", "Kargo ne zaman gelir?",
         "Asked by 2 customers; the official answer is not in the knowledge base", "promote",
         f"/tr/forum/p/{known['answer']}/promote/"),
    ]  # fmt: skip


def test_each_row_links_to_what_it_is_about_and_the_closest_article(known):
    found = {(g.kind, g.language, g.what): g for g in gaps.gaps()}
    faq_de = Page.objects.get(pk=known["faq_de"])
    shoes = found["search", "en", "return shoes"]
    assert (shoes.closest, shoes.closest_url) == ("Return questions", _edit(known["faq"]))
    german = found["search", "de", "rücksendung kosten"]
    assert (german.closest, german.closest_url) == (faq_de.title, _edit(faq_de.pk))
    iade = found["search", "tr", "iade"]
    assert (iade.closest, iade.closest_url) == ("İade soruları", _edit(known["faq_tr"]))
    exchange = found["question", "en", "How do I exchange shoes for another size?"]
    assert exchange.what_url == _thread_url(known["exchange"])
    assert exchange.closest == ""  # "shoes" is one word of four
    assert found["answer", "tr", "Kargo ne zaman gelir?"].what_url == _thread_url(known["kargo"])
    assert found["question", "de", "Wo ist meine Rechnung?"].what_url.startswith("/de/forum/t/")
    unhelpful = found["unhelpful", "en", "Return questions"]
    assert unhelpful.what_url == reverse("kb_feedback_detail", args=[known["faq"]])
    stale = found["translation", "de", "Return questions"]
    assert stale.what_url == _edit(known["faq"])


def test_a_member_who_asked_in_two_threads_of_one_question_counts_once(known):
    exchange = Thread.objects.get(pk=known["exchange"])
    twin = Thread.objects.get(title="Exchange shoes for another size")
    MeToo.objects.create(thread=twin, user=exchange.author)
    [row] = gaps.gaps(kind="question", language="en")
    assert (row.what, row.affected) == ("How do I exchange shoes for another size?", 4)


def test_turkish_spellings_of_one_query_are_one_row(known):
    searches = gaps.gaps(kind="search", language="tr")
    assert [(g.what, g.affected) for g in searches] == [("iade", 4)]
    assert set(QueryLog.objects.filter(language="tr").values_list("query", flat=True)) == {
        "iade",
        "ıade",
    }


def test_one_language_gives_that_languages_list(known):
    assert [(g.kind, g.what, g.affected) for g in gaps.gaps(language="de")] == [
        ("translation", "Return questions", 12),
        ("search", "rücksendung kosten", 2),
        ("question", "Wo ist meine Rechnung?", 2),
    ]
    assert [(g.kind, g.affected) for g in gaps.gaps(language="tr")] == [
        ("translation", 30),
        ("search", 4),
        ("answer", 2),
    ]
    assert {g.language for g in gaps.gaps(language="en")} == {"en"}


def test_a_longer_period_counts_what_happened_before_the_last_30_days(known):
    assert [(g.kind, g.what, g.affected) for g in gaps.gaps(days=7)][:2] == [
        ("review", "Returns policy", 40),
        ("translation", "How to track a parcel", 30),
    ]
    older = {(g.kind, g.what): g for g in gaps.gaps(days=90)}
    assert older["search", "gift card"].affected == 9
    assert older["unhelpful", "How to track a parcel"].why == "Voted unhelpful 5 of 5 times"
    assert older["question", "Wie lange dauert der Versand?"].affected == 4
    assert older["question", "Wo ist meine Rechnung?"].affected == 3  # its asker counts now
    assert older["review", "Returns policy"].why == "Review due 20 days ago; 40 readers in 90 days"
    assert ("review", "Return questions") not in older  # reviewed lately, however much read


def test_a_translation_started_and_not_published_asks_to_finish_it(
    known, client, django_capture_on_commit_callbacks
):
    admin = get_user_model().objects.get(email="admin@example.com")
    client.force_login(admin)
    policy = Page.objects.get(pk=known["policy"])
    german = Locale.objects.get(language_code="de")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_localize:submit_page_translation", args=[policy.pk]),
            {"locales": [german.pk]},
        )
    assert response.status_code == 302
    started = policy.get_translation(german)
    _read(started, 7)
    rows = gaps.gaps(language="de", kind="translation")
    assert [(g.what, g.affected) for g in rows] == [("Return questions", 12), ("Returns policy", 7)]
    assert (rows[1].why, rows[1].action_url, rows[1].what_url) == (
        "German: translation started, not published; 7 readers in 30 days",
        _edit(started.pk),  # wagtail-localize's translation editor
        _edit(policy.pk),
    )


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(client, known):
    return _client_for(client, get_user_model().objects.get(email="admin@example.com"))


def _page_rows(html: str) -> list[list[str]]:
    table = BeautifulSoup(html, "html.parser").find("table", class_="listing")
    return [
        [" ".join(cell.get_text(" ", strip=True).split()) for cell in row.find_all("td")]
        for row in table.find("tbody").find_all("tr")
    ]


def test_the_report_page_shows_the_rows_and_the_csv_holds_the_same(admin_client, known):
    url = reverse("insights_gaps")
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    shown = _page_rows(html)
    expected = gaps.gaps()
    assert len(shown) == len(expected) == 11
    assert shown[4] == [
        "5",
        "return shoes Searches without an answer · Closest article: Return questions",
        "5 searches, no result opened",
        "English",
        "Write",
    ]
    soup = BeautifulSoup(html, "html.parser")
    actions = [a["href"] for a in soup.select("table.listing tbody td a.button")]
    assert actions == [g.action_url for g in expected]

    export = admin_client.get(url, {"export": "csv"})
    assert export["Content-Disposition"] == 'attachment; filename="what-to-write-next.csv"'
    lines = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert lines[0] == [
        "Customers",
        "What",
        "Why",
        "Language",
        "Kind of gap",
        "Action",
        "Action link",
        "Link",
        "Closest article",
        "Closest article link",
    ]
    names = {c: translation.get_language_info(c)["name_translated"] for c in ("en", "tr", "de")}
    assert [[r[0], r[1], r[2], names[r[3]], r[5]] for r in lines[1:]] == [
        [row[0], row[1].split(" " + g.kind_label)[0], row[2], row[3], row[4]]
        for row, g in zip(shown, expected, strict=True)
    ]
    assert lines[1][6] == "http://testserver" + expected[0].action_url
    assert lines[5][8:] == ["Return questions", "http://testserver" + _edit(known["faq"])]
    xlsx = admin_client.get(url, {"export": "xlsx"})
    assert xlsx["Content-Disposition"] == 'attachment; filename="what-to-write-next.xlsx"'


def test_the_filters_narrow_the_list(admin_client, known):
    url = reverse("insights_gaps")
    html = admin_client.get(url, {"language": "tr", "kind": "search"}).content.decode()
    assert [row[1] for row in _page_rows(html)] == [
        "iade Searches without an answer · Closest article: İade soruları"
    ]
    results = admin_client.get(reverse("insights_gaps_results"), {"days": "90", "kind": "review"})
    assert [row[0] for row in _page_rows(results.content.decode())] == ["40", "15"]
    # A value that is no choice is the default: all of them, 30 days.
    assert len(_page_rows(admin_client.get(url, {"days": "3650"}).content.decode())) == 11


def test_editors_and_moderators_see_it_customers_and_support_staff_do_not(client, known):
    url = reverse("insights_gaps")
    for group in ("Editors", "Moderators"):
        user = UserFactory()
        user.groups.add(Group.objects.get(name=group))
        assert _client_for(client, user).get(url).status_code == 200, group
    support = in_group(UserFactory(), "Support staff")  # in the admin, but writes nothing
    response = _client_for(client, support).get(url)
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    customer = UserFactory()
    response = _client_for(client, customer).get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.logout()
    assert client.get(url).status_code == 302


def test_the_menu_shows_the_report_to_editors_only(client, known):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    html = _client_for(client, editor).get(reverse("wagtailadmin_home")).content.decode()
    assert "What to write next" in html
    support = in_group(UserFactory(), "Support staff")
    html = _client_for(client, support).get(reverse("wagtailadmin_home")).content.decode()
    assert "What to write next" not in html


def _more(n: int) -> None:
    """``n`` more of every kind of gap: articles read, voted down, never reviewed, copied
    untranslated and translated out of date; searches; questions asked again."""
    topic = Page.objects.get(slug="returns", locale__language_code="en")
    for i in range(n):
        page = FaqPageFactory(parent=topic, title=f"Extra article {i}", slug=f"extra-{i}")
        german = _translate(page, "de", slug=f"extra-{i}-de")
        page.save_revision().publish()
        _read(page, 3)
        _read(german, 2)
        _vote(page, "nny", reasons=["unclear"])
        _search(f"extra {('apple', 'banana', 'cherry', 'dates', 'elder')[i]}", "en", 2)
        _ask(f"Extra question number {i}?", "en", me_too=1)
        _officially_answered(_ask(f"Weitere Frage {i}?", "de", me_too=1))
    _sync("tr")
    for page in Page.objects.filter(slug__startswith="extra-", locale__language_code="tr"):
        _read(page, 1)


def test_the_number_of_queries_does_not_grow_with_the_data(
    admin_client, known, django_assert_num_queries
):
    url = reverse("insights_gaps")
    admin_client.get(url)  # caches that any first request fills (content types, site)
    with CaptureQueriesContext(connection) as small:
        assert len(_page_rows(admin_client.get(url).content.decode())) == 11
    with CaptureQueriesContext(connection) as small_export:
        b"".join(admin_client.get(url, {"export": "csv"}).streaming_content)
    with CaptureQueriesContext(connection) as small_selector:
        gaps.gaps()

    _more(4)  # 8 more rows each (the German copy is due for review too): 43

    with django_assert_num_queries(len(small.captured_queries)):
        assert len(_page_rows(admin_client.get(url).content.decode())) == 11 + 4 * 8
    with django_assert_num_queries(len(small_export.captured_queries)):
        b"".join(admin_client.get(url, {"export": "csv"}).streaming_content)
    with django_assert_num_queries(len(small_selector.captured_queries)):
        assert len(gaps.gaps()) == 11 + 4 * 8
    assert len(small_selector.captured_queries) <= 16
