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
    """The title-pair bonus reorders the best RESCORE_WINDOW matches only: the next page
    continues in plain score order, and no document appears on two pages."""
    from search.backends import database
    from tests.factories import ThreadFactory
    from tests.search.contract import index_everything

    settings.ELASTICSEARCH_URL = ""
    api.reset_backend()
    try:
        for n in range(25):
            ThreadFactory(title=f"Where is my parcel number {n}?", language="en")
        index_everything()
        monkeypatch.setattr(database, "RESCORE_WINDOW", 10)
        pages = [api.search("where is my parcel", "en", page=p) for p in (1, 2, 3)]
        urls = [hit.url for page in pages for hit in page.hits]
        assert len(urls) == len(set(urls)) == 25
        assert pages[0].total == 25
    finally:
        api.reset_backend()


def test_suggestions_keep_the_typed_word_order(settings):
    from tests.factories import ThreadFactory
    from tests.search.contract import index_everything

    settings.ELASTICSEARCH_URL = ""
    api.reset_backend()
    ThreadFactory(title="Parcel lost in transit", language="en")
    index_everything()
    assert [s["title"] for s in api.suggest("lost in tr", "en")] == ["Parcel lost in transit"]
    assert api.suggest("in lost", "en") == []
    api.reset_backend()
