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
        Document(key="t:1", source="thread:1", language="de", kind="thread", url="/t/1/",
                 title="Ruecksendung verloren"),
        Document(key="p:1", source="page:1", language="de", kind="faq", url="/p/1/",
                 title="Die Rücksendung"),
    ]  # fmt: skip
    backend = DatabaseBackend()
    for n in order:
        backend.index([documents[n]])
    assert SearchTerm.objects.get(language="de", term="rucksendung").display == "rücksendung"
    assert SearchTerm.objects.filter(language="de", term="rucksendung").count() == 1
