"""The contract for the search engines (Elasticsearch, OpenSearch): every case of
``SearchContract``, and the ones only an engine has (aliases, rebuilds, its own analysis).

A subclass names its engine (``engine``) and its server fixture (``server``); the
``backend`` fixture here points the settings at it under an index prefix of its own, so no
test sees another's documents. ``emulator_gaps`` lists the cases the noida-db emulator is
known to fail, with the reason: on the emulator they are ``xfail(strict=True)``, so a fixed
emulator shows up; on a real engine they must pass.
"""

import contextlib
import copy
import threading
import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from forum import services
from search import api
from search.backends import definitions, engine
from search.backends.base import Query
from search.documents import all_sources, documents_for
from search.models import Synonym
from tests.factories import UserFactory, in_group
from tests.search.contract import SearchContract, index_everything

URL_SETTING = {"elasticsearch": "ELASTICSEARCH_URL", "opensearch": "OPENSEARCH_URL"}


def tokens(backend, language: str, text: str, **how) -> list[str]:
    """What the engine's analysis makes of ``text`` in the language's index (``how``: a
    ``field`` or an ``analyzer`` of that index)."""
    answer = backend.client.indices.analyze(
        index=backend.alias(language), body={"text": text, **how}
    )
    return [token["token"] for token in answer["tokens"]]


def drop_indexes(backend) -> None:
    """Every index under the test's prefix, by name (Elasticsearch 8 refuses wildcard
    deletes)."""
    for name in backend.versions():
        backend.writer.indices.delete(index=name, ignore_unavailable=True)


class EngineContract(SearchContract):
    engine = ""
    server_fixture = ""
    emulator_gaps: dict[str, str] = {}

    @pytest.fixture(autouse=True)
    def backend(self, request, settings):
        server = request.getfixturevalue(self.server_fixture)
        if server["emulator"] and request.node.originalname in self.emulator_gaps:
            reason = self.emulator_gaps[request.node.originalname]
            request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
        settings.SEARCH_ENGINE = self.engine
        setattr(settings, URL_SETTING[self.engine], server["url"])
        settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:10]}"
        settings.SEARCH_TIMEOUT = 10
        api.reset_backend()
        backend = api.get_backend()
        assert backend.name == self.engine
        yield backend
        with contextlib.suppress(*backend.errors):  # best effort: the prefix is not reused
            drop_indexes(backend)
        api.reset_backend()

    def search(self, query, language="en", **filters):
        results = api.search(query, language, filters=filters)
        assert results.backend in (self.engine, "") and not results.fell_back
        return results

    # --- the pages on top ------------------------------------------------------------------

    def test_the_search_page_shows_logs_and_reports_what_the_engine_found(
        self, client, content, backend
    ):
        from django.urls import reverse

        from search.models import QueryLog

        index_everything()
        response = client.get("/en/search/", {"q": "refunds"})
        html = response.content.decode()
        assert response.status_code == 200
        assert response.context["results"].backend == self.engine
        assert "When is my <mark>refund</mark> paid?" in html
        assert "some results may be missing" not in html
        entry = QueryLog.objects.get()
        assert (entry.query, entry.backend, entry.results) == ("refunds", self.engine, 2)
        assert client.get("/readyz").json()["search"] == {
            "backend": self.engine,
            "reachable": True,
            "answering": self.engine,
        }
        suggestions = client.get(reverse("search:suggest"), {"q": "ret"}).json()["suggestions"]
        assert "How do I return a parcel?" in [s["title"] for s in suggestions]

    # --- aliases and rebuilds --------------------------------------------------------------

    def test_rebuild_fills_a_new_index_and_swaps_the_alias(self, content, backend):
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

    def test_a_rebuild_swaps_atomically_while_searches_run(self, content, backend):
        """Searches that run through three rebuilds always see a whole index: the same
        two documents, never none, never an error."""
        index_everything()
        reader = type(backend)(url=backend.url, prefix=backend.prefix)  # its own connection
        done, seen, errors = threading.Event(), [], []

        def searching():
            while not done.is_set():
                try:
                    seen.append(reader.search(Query(language="en", terms=["refund"])).total)
                except Exception as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)

        thread = threading.Thread(target=searching)
        thread.start()
        try:
            for _ in range(3):
                backend.rebuild(documents_for(s) for s in all_sources())
        finally:
            done.set()
            thread.join(timeout=30)
        assert not errors, errors[:3]
        assert len(seen) >= 3 and set(seen) == {2}

    def test_a_change_made_during_a_rebuild_survives_the_swap(
        self, content, backend, monkeypatch, django_capture_on_commit_callbacks
    ):
        from forum.models import Thread
        from search.management.commands.search_index import Command

        index_everything()
        thread = Thread.objects.get(title="Parcel lost in transit")
        moderator = in_group(UserFactory(), "Forum moderators")
        reading, calls = Command._documents, []

        def hide_while_reading(command, sources):
            calls.append(sources)  # the database is rebuilt first, then the engine
            for n, documents in enumerate(reading(command, sources)):
                yield documents
                if len(calls) == 2 and n == len(sources) - 1:  # the thread is read
                    with django_capture_on_commit_callbacks(execute=True):
                        services.post_hide(post=thread.posts.get(), by=moderator, reason="x")

        monkeypatch.setattr(Command, "_documents", hide_while_reading)
        call_command("search_index", "rebuild", stdout=StringIO())
        assert len(calls) >= 2
        assert "Parcel lost in transit" not in {h.title for h in self.search("parcel lost").hits}

    def test_two_first_writes_at_once_make_one_index(self, backend):
        """Two index tasks that find no index yet for a language make one, behind the
        alias, and both write to it."""
        from search.documents import Document

        documents = [
            Document(
                key=f"t:{n}",
                source=f"thread:{n}",
                language="en",
                kind="thread",
                url=f"/t/{n}/",
                title=f"Umbrella stand number {n}",
            )
            for n in (1, 2)
        ]
        writers = [type(backend)(url=backend.url, prefix=backend.prefix) for _ in documents]
        errors: list[Exception] = []
        barrier = threading.Barrier(len(writers))

        def write(writer, document):
            try:
                barrier.wait(timeout=30)
                writer.index([document])
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [
            threading.Thread(target=write, args=pair)
            for pair in zip(writers, documents, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
        assert len(backend.behind(backend.alias("en"))) == 1
        assert backend.counts() == {"en": 2}

    def test_reconcile_lists_an_index_page_by_page(self, content, backend, monkeypatch):
        index_everything()
        everything = backend.sources()
        monkeypatch.setattr(engine, "SOURCES_PAGE", 2)
        assert backend.sources() == everything
        assert sum(len(v.split("|")) for v in everything.values()) == 7

    def test_reconcile_removes_an_old_index_that_a_late_write_made_again(self, content, backend):
        """A write that looked up the index before a rebuild's swap and arrives after its
        delete makes the old index again, outside the alias: reconcile removes it, and
        leaves the index behind the alias (and any newer one) alone."""
        index_everything()
        old = backend.behind(backend.alias("en"))[-1]
        backend.rebuild(documents_for(s) for s in all_sources())
        backend.bulk(
            [{"_index": old, "_id": "late", "_source": {"key": "late", "source": "thread:0"}}],
            refresh=True,
        )
        assert backend.orphans() == [old]
        out = StringIO()
        call_command("search_index", "reconcile", stdout=out)
        assert old in out.getvalue()
        assert not backend.client.indices.exists(index=old)
        assert backend.orphans() == []
        assert backend.counts() == {"en": 5, "tr": 1, "de": 1}

    # --- the engine's own analysis ---------------------------------------------------------

    def test_each_language_analyzer_stems_and_folds(self, content, backend):
        """The native half of every text field: Lucene's language analyzers, on the fields
        the mapping gives them to (the lemma half is search.analysis, tested apart)."""
        index_everything()
        same = {
            "tr": [
                ("GARANTİ", "garanti"),
                ("garantiler", "garanti"),
                ("Zappos'un", "Zappos"),
                ("İADE", "iade"),
                ("IŞIK", "ışık"),
            ],
            "de": [("Rücksendungen", "Rücksendung"), ("RÜCKSENDUNG", "rücksendung")],
            "en": [("returned parcels", "return parcel"), ("Refunds", "refund")],
        }
        for language, pairs in same.items():
            for one, other in pairs:
                assert tokens(backend, language, one, field="title") == tokens(
                    backend, language, other, field="title"
                ), (language, one, other)
        # Turkish casing is Turkish: dotless ı stays apart from i.
        assert tokens(backend, "tr", "ışık", field="title") != tokens(
            backend, "tr", "isik", field="title"
        )

    def test_the_index_definition_is_accepted_and_a_broken_one_refused(self, backend):
        for language, native in definitions.LANGUAGE_ANALYZERS.items():
            name = f"{backend.prefix}-check-{language}"
            backend.writer.indices.create(index=name, body=backend.index_definition(language))
            mapping = backend.client.indices.get_mapping(index=name)[name]["mappings"]
            assert mapping["properties"]["title"]["analyzer"] == native
            assert mapping["properties"]["title_terms"]["search_analyzer"] == "lemmas_search"
        broken = copy.deepcopy(backend.index_definition("en"))
        broken["mappings"]["properties"]["title"]["analyzer"] = "klingon"
        with pytest.raises(backend.errors):
            backend.writer.indices.create(index=f"{backend.prefix}-broken", body=broken)

    def test_editors_synonyms_are_in_the_engines_analysis(self, content, backend):
        Synonym.objects.create(language="en", terms="reimbursement, money back")
        index_everything()  # a new index takes the synonyms of its day
        found = tokens(backend, "en", "reimbursement", analyzer="lemmas_search")
        assert {"reimbursement", "money", "back"} <= set(found)
