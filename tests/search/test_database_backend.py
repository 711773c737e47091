"""The search contract against the database backend (SQLite here; PostgreSQL in CI's
second run, with DATABASE_URL)."""

import pytest

from search import api
from tests.search.contract import SearchContract

pytestmark = pytest.mark.django_db


class TestDatabaseBackend(SearchContract):
    @pytest.fixture(autouse=True)
    def backend(self, settings):
        settings.ELASTICSEARCH_URL = ""
        api.reset_backend()
        yield api.get_backend()
        api.reset_backend()


def test_pages_past_the_rescore_window_follow_on_without_repeats(settings, monkeypatch):
    """The title-pair bonus reorders the best RESCORE_WINDOW matches only: short titles
    without the query's words side by side score higher on their own, and the bonus moves
    the long titles that have "my parcel" ahead of them on the first page; the next pages
    continue in plain score order, and no document appears on two pages."""
    from search.backends import database
    from tests.factories import ThreadFactory
    from tests.search.contract import index_everything

    settings.ELASTICSEARCH_URL = ""
    api.reset_backend()
    try:
        for n in range(5):
            ThreadFactory(title=f"Parcel {n}", language="en")
        for n in range(20):
            ThreadFactory(title=f"Where is my parcel number {n} in the warehouse?", language="en")
        index_everything()
        monkeypatch.setattr(database, "RESCORE_WINDOW", 10)

        def pages():
            found = [api.search("where is my parcel", "en", page=p) for p in (1, 2, 3)]
            assert found[0].total == 25
            return [[hit.title for hit in page.hits] for page in found]

        monkeypatch.setattr(database, "PAIR_BOOST", 0.0)
        plain = pages()
        monkeypatch.setattr(database, "PAIR_BOOST", 0.5)
        boosted = pages()
        assert plain[0][0].startswith("Parcel ")  # the short titles lead on score alone
        assert boosted[0][0].startswith("Where is my parcel")  # the window reordered
        assert sorted(boosted[0]) == sorted(plain[0])  # ... only within itself
        assert boosted[1:] == plain[1:]
        titles = [t for page in boosted for t in page]
        assert len(titles) == len(set(titles)) == 25
    finally:
        api.reset_backend()


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_the_vocabulary_keeps_the_accented_spelling_whatever_came_first(order):
    """The spelling "did you mean" shows is the best-written document's: an article's
    "Rücksendung" is kept even when a post's "Ruecksendung" was indexed first."""
    from search.backends.database import DatabaseBackend
    from search.documents import Document
    from search.models import SearchTerm

    documents = [
        Document(
            key="t:1",
            source="thread:1",
            language="de",
            kind="thread",
            url="/t/1/",
            title="Ruecksendung verloren",
        ),
        Document(
            key="p:1",
            source="page:1",
            language="de",
            kind="faq",
            url="/p/1/",
            title="Die Rücksendung",
        ),
    ]
    backend = DatabaseBackend()
    for n in order:
        backend.index([documents[n]])
    assert SearchTerm.objects.get(language="de", term="rucksendung").display == "rücksendung"
    assert SearchTerm.objects.filter(language="de", term="rucksendung").count() == 1


def _document(
    n: int,
    *,
    title: str,
    question: str = "",
    body: str = "",
    language="en",
    kind="faq",
    topic="",
    solved=False,
):
    from search.documents import Document

    return Document(
        key=f"t:{language}:{n}",
        source=f"thread:{language}{n}",
        language=language,
        kind=kind,
        url=f"/{language}/t/{n}/",
        title=title,
        question=question,
        body=body,
        topic=topic,
        topic_title=topic.title(),
        solved=solved,
    )


@pytest.fixture
def many_matches(monkeypatch):
    """Twelve English documents with "parcel" (three in the title, three in the question
    only, six in the text only) and two German ones, with counting stopped at six and
    tiers of four: the bounded path at a size a test can read."""
    from search.backends import database
    from search.backends.database import DatabaseBackend

    monkeypatch.setattr(database, "COUNT_LIMIT", 6)
    monkeypatch.setattr(database, "WINDOW", 4)
    filler = "some words about an order and its delivery"
    documents = [
        *[
            _document(
                n, title=f"Parcel question {n}", body=filler, kind="video" if n == 0 else "faq"
            )
            for n in range(3)
        ],
        *[
            _document(
                10 + n,
                title=f"Other {n}",
                question=f"where is the parcel {n}",
                body=filler,
                kind="thread",
                topic="delivery",
                solved=n == 0,
            )
            for n in range(3)
        ],
        *[
            _document(20 + n, title=f"Unrelated {n}", body=f"{filler} and a parcel {n}")
            for n in range(6)
        ],
        *[_document(30 + n, title=f"Parcel {n}", language="de") for n in range(2)],
    ]
    backend = DatabaseBackend()
    backend.index(documents)
    return backend


def _query(**given):
    from search.backends.base import Query

    return Query(**({"language": "en", "terms": ["parcel"], "limit": 20} | given))


def test_more_matches_than_it_counts_says_so_and_ranks_title_then_question_then_text(
    many_matches,
):
    """Counting stops at COUNT_LIMIT (the total says "more than"); the matches are ranked
    in tiers, the title's first, each tier at most WINDOW long, never another language."""
    found = many_matches.search(_query())
    assert (found.total, found.total_exact, found.facets_exact) == (6, False, False)
    titles = [hit.title for hit in found.hits]
    assert sorted(titles[:3]) == [f"Parcel question {n}" for n in range(3)]
    assert sorted(titles[3:6]) == [f"Other {n}" for n in range(3)]
    assert len(titles[6:]) == 4 and all(t.startswith("Unrelated") for t in titles[6:])
    # A page further on is the same list cut further on, across tiers, without repeats.
    page = many_matches.search(_query(offset=2, limit=5))
    assert [hit.title for hit in page.hits] == titles[2:7]


def test_bounded_facets_are_lower_bounds_and_a_narrow_filter_is_counted_exactly(many_matches):
    """Facet counts come from the first COUNT_LIMIT + 1 matches: never more than there are.
    A filter with fewer matches than the limit gets its exact total (and every match ranked)."""
    found = many_matches.search(_query())
    true_kinds = {"faq": 8, "video": 1, "thread": 3}
    assert sum(found.facets["kind"].values()) == 7
    assert all(count <= true_kinds[kind] for kind, count in found.facets["kind"].items())
    threads = many_matches.search(_query(kind="thread"))
    assert (threads.total, threads.total_exact, threads.facets_exact) == (3, True, False)
    assert sorted(hit.title for hit in threads.hits) == ["Other 0", "Other 1", "Other 2"]
    solved = many_matches.search(_query(kind="thread", solved=True, topic="delivery"))
    assert [hit.title for hit in solved.hits] == ["Other 0"] and solved.total == 1


def test_under_the_limit_everything_is_exact(many_matches, monkeypatch):
    from search.backends import database

    monkeypatch.setattr(database, "COUNT_LIMIT", 1000)
    found = many_matches.search(_query())
    assert (found.total, found.total_exact, found.facets_exact) == (12, True, True)
    assert found.facets["kind"] == {"faq": 8, "video": 1, "thread": 3}
    assert found.facets["solved"] == {"yes": 1, "no": 2}


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "More than 6 results for"),
        ("de", "Mehr als 6 Ergebnisse für"),
        ("tr", "6 üzeri sonuç"),
    ],
)
def test_the_page_says_a_bounded_count_is_one(client, settings, many_matches, language, says):
    """ "More than 6 results" and "(2+)" on the page, in the visitor's language, never a
    number that reads as exact."""
    from search.backends.database import DatabaseBackend

    settings.ELASTICSEARCH_URL = ""
    api.reset_backend()
    if language != "en":
        DatabaseBackend().index(
            [_document(40 + n, title=f"Parcel {n}", language=language) for n in range(8)]
        )
    try:
        response = client.get(f"/{language}/search/", {"q": "parcel"})
    finally:
        api.reset_backend()
    page = response.content.decode()
    assert says in page
    assert '<span class="facet-count">(' in page
    counts = page.split('<span class="facet-count">(')[1:]
    assert counts and all(c.split(")")[0].endswith("+") for c in counts)


def test_the_tiers_miss_no_match_whose_words_are_split_between_title_and_question(monkeypatch):
    """One word in the title and the other in the question is the middle tier, not none:
    the tiers partition the matches (a search for "furniture delivery" once lost the one
    answer about furniture deliveries this way)."""
    from search.backends import database
    from search.backends.database import DatabaseBackend

    monkeypatch.setattr(database, "COUNT_LIMIT", 1)
    backend = DatabaseBackend()
    backend.index(
        [
            _document(1, title="How is furniture brought", question="delivery takes two men"),
            _document(2, title="Furniture delivery"),
            _document(3, title="Other", body="furniture and its delivery"),
            _document(4, title="Delivery only", question="nothing else"),
        ]
    )
    found = backend.search(_query(terms=["furniture", "delivery"]))
    assert found.total_exact is False
    assert [hit.title for hit in found.hits] == [
        "Furniture delivery",
        "How is furniture brought",
        "Other",
    ]


def test_suggestions_put_articles_first_then_shorter_titles_and_order_a_bounded_few(
    monkeypatch,
):
    """Articles lead, then threads; shorter (closer) titles first within a kind; never
    another language. A prefix that matches thousands of titles is put in order over the
    first SUGGEST_CANDIDATES matches only: here two, so two come back, still in order."""
    from search.backends import database
    from search.backends.database import DatabaseBackend

    backend = DatabaseBackend()
    backend.index(
        [
            _document(1, title="Parcel", kind="thread"),
            _document(2, title="Parcel lost in transit"),
            _document(3, title="Parcels", kind="video"),
            _document(4, title="Parcel tracking"),
            _document(5, title="Parcel", language="de"),
            _document(6, title="Where is my parcel", kind="thread"),
        ]
    )
    titles = [hit.title for hit in backend.suggest(["parc"], "en", 8)]
    assert titles == [
        "Parcel tracking",
        "Parcel lost in transit",
        "Parcels",
        "Parcel",
        "Where is my parcel",
    ]
    assert [hit.title for hit in backend.suggest(["parc"], "en", 2)] == titles[:2]

    monkeypatch.setattr(database, "SUGGEST_CANDIDATES", 2)
    bounded = [hit.title for hit in backend.suggest(["parc"], "en", 8)]
    assert len(bounded) == 2
    assert bounded == [t for t in titles if t in bounded]
