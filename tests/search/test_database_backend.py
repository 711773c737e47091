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
