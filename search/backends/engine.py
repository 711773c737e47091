"""What the Elasticsearch and OpenSearch backends share: everything but the client.

One index per language behind an alias (``<prefix>-<lang>``); a rebuild fills new
versioned indexes (``<prefix>-<lang>-<stamp>``) and moves every alias in one atomic call.
The index definition and the request bodies are ``definitions``; a subclass says how to
connect, which of its client's exceptions mean "the engine could not", and how its client
sends a bulk request. The two clients take the same calls with a ``body``.

Where the engines and the emulator the Elasticsearch backend is tested on (noida-db)
differ, the real engine decides (measured on OpenSearch 2.19, ``tests/engines``):

* writes name the concrete index behind the alias. A real engine resolves an alias in a
  bulk request; noida-db instead creates a stray index of the alias's name. Naming the
  index is as correct on a real engine, with one risk: a write that races a rebuild's
  delete of the old index would create it again. ``reconcile`` removes such leftovers
  (``orphans``).
* refreshes and deletes go one index at a time (noida-db takes no list of indexes; it is
  at most three requests, once per rebuild or per changed source).
"""

import contextlib
import logging
from abc import abstractmethod
from datetime import UTC, datetime

from django.conf import settings

from search import analysis
from search.backends import definitions
from search.backends.base import (
    BackendHit,
    BackendResults,
    BackendUnavailable,
    Query,
    SearchBackend,
)

logger = logging.getLogger(__name__)

WRITE_TIMEOUT = 30  # seconds: index management and writes, never a visitor's request
BULK_CHUNK = 500
SOURCES_PAGE = 5000  # documents per request when reconcile lists an index
STAMP = "%Y%m%d%H%M%S%f"
FIRST_STAMP = "0" * 20  # the first index of a language, before any rebuild


class EngineBackend(SearchBackend):
    """A search engine with the Elasticsearch API (Elasticsearch 8, OpenSearch 2 and 3)."""

    external = True
    fuzzy = True  # fuzziness "AUTO" on the language fields (definitions.term_query)
    # The client's exceptions that mean the engine could not do what was asked.
    errors: tuple[type[Exception], ...] = ()
    # The client's "no such index" (a search before the first document was indexed).
    not_found: type[Exception] = LookupError

    def __init__(self, url: str | None = None, prefix: str | None = None):
        self.url = url or self.configured_url()
        self.prefix = prefix or settings.SEARCH_INDEX_PREFIX
        # Visitors' searches wait briefly, then the database answers; index management and
        # writes (tasks, commands) may take longer.
        self.client = self.connect(self.url, timeout=settings.SEARCH_TIMEOUT)
        self.writer = self.connect(self.url, timeout=WRITE_TIMEOUT)

    @classmethod
    @abstractmethod
    def configured_url(cls) -> str:
        """The engine's address from the settings."""

    @abstractmethod
    def connect(self, url: str, *, timeout: float):
        """A client for ``url`` whose requests give up after ``timeout`` seconds, never
        retried (the caller falls back or the task retries later)."""

    @abstractmethod
    def bulk(self, actions, **params) -> None:
        """Send index actions with the client's bulk helper (raising on any failed item)."""

    @contextlib.contextmanager
    def _engine(self):
        try:
            yield
        except self.errors as exc:
            raise BackendUnavailable(f"{self.name}: {exc}") from exc

    # --- indexes ---------------------------------------------------------------------------

    def alias(self, language: str) -> str:
        return f"{self.prefix}-{language}"

    @staticmethod
    def _languages() -> list[str]:
        return [code for code, _name in settings.LANGUAGES]

    @staticmethod
    def _synonyms(language: str) -> list[str]:
        from search.models import Synonym

        lines = []
        for row in Synonym.objects.filter(language=language).values_list("terms", flat=True):
            phrases = [analysis.analyzed_text(p, language) for p in row.split(",")]
            phrases = [p for p in phrases if p]
            if len(phrases) > 1:
                lines.append(", ".join(phrases))
        return lines

    def index_definition(self, language: str) -> dict:
        """Settings and mappings of a new index for ``language`` (tests read them)."""
        return definitions.index_body(
            language, self._synonyms(language), replicas=settings.SEARCH_REPLICAS
        )

    def _create(self, language: str) -> str:
        name = f"{self.alias(language)}-{datetime.now(UTC).strftime(STAMP)}"
        self.writer.indices.create(index=name, body=self.index_definition(language))
        return name

    def behind(self, alias: str) -> list[str]:
        """The indexes an alias points to (none when it does not exist)."""
        if not self.client.indices.exists_alias(name=alias):
            return []
        return sorted(self.client.indices.get_alias(name=alias))

    def _ensure(self, language: str) -> str:
        """The concrete index behind the language's alias (made when missing). The first
        index has a fixed name, made with its alias in one request: two index tasks that
        find no alias at once cannot make two indexes behind it (the second is refused,
        then reads the first's); it sorts before every rebuild's stamped name."""
        if found := self.behind(self.alias(language)):
            return found[-1]
        name = f"{self.alias(language)}-{FIRST_STAMP}"
        body = self.index_definition(language) | {"aliases": {self.alias(language): {}}}
        try:
            self.writer.indices.create(index=name, body=body)
        except self.errors as exc:
            if not self.behind(self.alias(language)):  # not the race: a real failure
                raise
            logger.info("index %s was made meanwhile: %s", name, exc)
        return self.behind(self.alias(language))[-1]

    def orphans(self) -> list[str]:
        """Our versioned indexes that no alias points to and that are older than the one it
        does: an earlier rebuild's index that a racing write created again. Newer ones are
        left alone: a rebuild may be filling them right now."""
        found = []
        for language in self._languages():
            alias = self.alias(language)
            current = self.behind(alias)
            if not current:
                continue
            for name in self.versions(language):
                if name not in current and name < current[-1]:
                    found.append(name)
        return sorted(found)

    def versions(self, language: str | None = None) -> list[str]:
        """Every versioned index of ours (of one language), aliased or not. Through the
        cat API, which both engines and noida-db answer (noida-db expands no wildcard in
        the index APIs)."""
        pattern = f"{self.alias(language) if language else self.prefix}-*"
        rows = self.client.cat.indices(index=pattern, format="json", h="index")
        return sorted(row["index"] for row in rows)

    # --- writing ---------------------------------------------------------------------------

    def _actions(self, documents, targets: dict[str, str]):
        return (
            {"_index": targets[d.language], "_id": d.key, "_source": definitions.source_of(d)}
            for d in documents
            if d.language in targets
        )

    def index(self, documents) -> None:
        documents = list(documents)
        with self._engine():
            targets = {
                language: self._ensure(language) for language in {d.language for d in documents}
            }
            # refresh=True, not "wait_for": that holds every write until the next periodic
            # refresh (up to a second, measured on OpenSearch), and a help center's writes
            # are few; the document is searchable when the task returns either way.
            self.bulk(self._actions(documents, targets), refresh=True, chunk_size=BULK_CHUNK)

    def _delete(self, source: str, *, keep: list[str]) -> None:
        query: dict = {"bool": {"filter": [{"term": {"source": source}}]}}
        if keep:
            query["bool"]["must_not"] = [{"ids": {"values": keep}}]
        for language in self._languages():
            alias = self.alias(language)
            if self.client.indices.exists_alias(name=alias):
                self.writer.delete_by_query(
                    index=alias, body={"query": query}, refresh=True, conflicts="proceed"
                )

    def delete_source(self, source: str) -> None:
        with self._engine():
            self._delete(source, keep=[])

    def replace_source(self, source: str, documents) -> None:
        """The new documents first, then whatever the source no longer has: a search in
        between finds the old version or the new, never nothing."""
        documents = list(documents)
        if documents:
            self.index(documents)
        with self._engine():
            self._delete(source, keep=[d.key for d in documents])

    def rebuild(self, documents_by_language, progress=None) -> int:
        """Fill new indexes, then move every alias in one atomic call."""
        with self._engine():
            new = {language: self._create(language) for language in self._languages()}
            count, pending = 0, []
            for batch in documents_by_language:
                batch = list(batch)
                pending += list(self._actions(batch, new))
                if len(pending) >= BULK_CHUNK:
                    # No refresh per chunk: one refresh before the swap is enough.
                    self.bulk(pending, refresh=False, chunk_size=BULK_CHUNK)
                    pending = []
                count += len(batch)
                if progress:
                    progress(len(batch))
            if pending:
                self.bulk(pending, refresh=False, chunk_size=BULK_CHUNK)
            actions, old = [], []
            for language, name in new.items():
                alias = self.alias(language)
                for existing in self.behind(alias):
                    actions.append({"remove": {"index": existing, "alias": alias}})
                    old.append(existing)
                actions.append({"add": {"index": name, "alias": alias}})
            for name in new.values():
                self.writer.indices.refresh(index=name)
            self.writer.indices.update_aliases(body={"actions": actions})
            for name in old:
                self.writer.indices.delete(index=name, ignore_unavailable=True)
        return count

    def remove_orphans(self) -> list[str]:
        with self._engine():
            found = self.orphans()
            for name in found:
                self.writer.indices.delete(index=name, ignore_unavailable=True)
        return found

    def sources(self) -> dict[str, str]:
        found: dict[str, list[str]] = {}
        with self._engine():
            for language in self._languages():
                alias = self.alias(language)
                if not self.client.indices.exists_alias(name=alias):
                    continue
                after = None
                while True:
                    body = definitions.sources_body(size=SOURCES_PAGE, after=after)
                    hits = self.writer.search(index=alias, body=body)["hits"]["hits"]
                    for hit in hits:
                        stored = hit["_source"]
                        found.setdefault(stored["source"], []).append(
                            f"{stored['key']}:{stored['fingerprint']}"
                        )
                    if len(hits) < SOURCES_PAGE:
                        break
                    after = hits[-1]["_source"]["key"]
        return {source: "|".join(sorted(parts)) for source, parts in found.items()}

    def counts(self) -> dict[str, int]:
        counts = {}
        with self._engine():
            for language in self._languages():
                alias = self.alias(language)
                if self.client.indices.exists_alias(name=alias):
                    counts[language] = self.client.count(index=alias)["count"]
        return counts

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:  # noqa: BLE001 - any failure means "not reachable"
            return False

    # --- reading ---------------------------------------------------------------------------

    @property
    def _timeout_ms(self) -> int:
        return int(settings.SEARCH_TIMEOUT * 1000)

    def search_body(self, query: Query) -> dict:
        """The exact request a query sends (tests compare it)."""
        return definitions.search_body(query, timeout_ms=self._timeout_ms)

    def search(self, query: Query) -> BackendResults:
        body = self.search_body(query)
        try:
            with self._engine():
                response = self.client.search(index=self.alias(query.language), body=body)
        except BackendUnavailable as exc:
            if isinstance(exc.__cause__, self.not_found):  # nothing indexed in it yet
                return BackendResults(hits=[], total=0, facets={f: {} for f in definitions.FACETS})
            raise
        return definitions.results_from(response)

    def suggest(self, prefix_words: list[str], language: str, limit: int) -> list[BackendHit]:
        body = definitions.suggest_body(prefix_words, limit=limit, timeout_ms=self._timeout_ms)
        try:
            with self._engine():
                response = self.client.search(index=self.alias(language), body=body)
        except BackendUnavailable as exc:
            if isinstance(exc.__cause__, self.not_found):
                return []
            raise
        return definitions.suggestions_from(response)
