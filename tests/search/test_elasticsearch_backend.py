"""The search contract against Elasticsearch: a real server where ``ELASTICSEARCH_URL`` is
set, else the noida-db emulator (what CI runs). The emulator is not Elasticsearch: a case
that fails only there is marked xfail(strict=True) with the reason, so a fixed emulator
shows up."""

import contextlib
import uuid

import pytest

from forum import services
from search import api
from search.backends.elasticsearch import ElasticsearchBackend
from tests.search.contract import SearchContract

pytestmark = pytest.mark.django_db


class TestElasticsearchBackend(SearchContract):
    @pytest.fixture(autouse=True)
    def backend(self, settings, elasticsearch_server):
        settings.ELASTICSEARCH_URL = elasticsearch_server["url"]
        # A prefix of its own per test: no test sees another's documents.
        settings.ELASTICSEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:10]}"
        settings.ELASTICSEARCH_TIMEOUT = 10
        api.reset_backend()
        backend = api.get_backend()
        assert isinstance(backend, ElasticsearchBackend)
        yield backend
        with contextlib.suppress(Exception):  # best effort cleanup
            backend.client.indices.delete(index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*")
        api.reset_backend()

    def search(self, query, language="en", **filters):
        results = api.search(query, language, filters=filters)
        assert results.backend in ("elasticsearch", "") and not results.fell_back
        return results

    def test_a_change_made_during_a_rebuild_survives_the_swap(
        self, content, backend, monkeypatch, django_capture_on_commit_callbacks
    ):
        from io import StringIO

        from django.core.management import call_command

        from forum.models import Thread
        from search.management.commands.search_index import Command
        from tests.factories import UserFactory, in_group
        from tests.search.contract import index_everything

        index_everything()
        thread = Thread.objects.get(title="Parcel lost in transit")
        moderator = in_group(UserFactory(), "Forum moderators")
        reading, calls = Command._documents, []

        def hide_while_reading(command, sources):
            calls.append(sources)  # the database is rebuilt first, then Elasticsearch
            for n, documents in enumerate(reading(command, sources)):
                yield documents
                if len(calls) == 2 and n == len(sources) - 1:  # the thread is read
                    with django_capture_on_commit_callbacks(execute=True):
                        services.post_hide(post=thread.posts.get(), by=moderator, reason="x")

        monkeypatch.setattr(Command, "_documents", hide_while_reading)
        call_command("search_index", "rebuild", stdout=StringIO())
        assert len(calls) >= 2
        assert "Parcel lost in transit" not in {h.title for h in self.search("parcel lost").hits}

    def test_reconcile_lists_an_index_page_by_page(self, content, backend, monkeypatch):
        from search.backends import elasticsearch
        from tests.search.contract import index_everything

        index_everything()
        everything = backend.sources()
        monkeypatch.setattr(elasticsearch, "SOURCES_PAGE", 2)
        assert backend.sources() == everything
        assert sum(len(v.split("|")) for v in everything.values()) == 7

    def test_rebuild_fills_a_new_index_and_swaps_the_alias(self, content, backend):
        from search.documents import all_sources, documents_for
        from tests.search.contract import index_everything

        index_everything()
        alias = backend.alias("en")
        before = set(backend.client.indices.get_alias(name=alias))
        count = backend.rebuild(documents_for(s) for s in all_sources())
        after = set(backend.client.indices.get_alias(name=alias))
        assert count == 7
        assert len(after) == 1 and after != before
        assert not any(backend.client.indices.exists(index=name) for name in before)
        assert "When is my refund paid?" in {h.title for h in self.search("refund").hits}
        assert backend.counts() == {"en": 5, "tr": 1, "de": 1}
