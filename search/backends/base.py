"""What every search backend does, and the small exceptions they raise.

A backend stores documents built by ``search.documents`` and answers queries already
analysed by ``search.analysis``; it never sees what the visitor typed as query syntax.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime


class SearchError(Exception):
    """Base of the backends' own errors."""


class BackendUnavailable(SearchError):
    """The engine cannot be reached (or answered an error): fall back or retry."""


@dataclass
class Query:
    """A search as backends receive it: lemmas, not text."""

    language: str
    terms: list[str]
    # Synonym lemmas per query lemma: a document matches a term or any of its synonyms.
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    # A German compound's parts ("ratenkauf" → ["raten", "kaufen"]): a document with all
    # of them, anywhere, matches the compound too.
    parts: dict[str, list[str]] = field(default_factory=dict)
    kind: str = ""
    topic: str = ""
    solved: bool | None = None
    offset: int = 0
    limit: int = 10
    # Any-term (OR) instead of all-terms (AND): the second try when AND finds nothing.
    match_any: bool = False
    # Neighbouring words of the query ("wo ist", "ist mein", "mein paket") as written
    # (``analysis.plain_words``, stop words kept) and as terms ("hesap sil"): a title that
    # has them side by side ranks higher. Customers often type the question itself.
    title_pairs: list[str] = field(default_factory=list)
    term_pairs: list[str] = field(default_factory=list)


@dataclass
class BackendHit:
    key: str
    kind: str
    title: str
    url: str
    snippet_source: str
    topic: str
    topic_title: str
    solved: bool
    official: bool
    date: datetime | None
    # Already highlighted, escaped HTML, when the engine highlights itself.
    title_html: str = ""
    snippet_html: str = ""

    @classmethod
    def of(cls, stored, **given) -> "BackendHit":
        """A hit from what an index stored (a table row, an engine's hit): the fields it
        lacks are empty; ``given`` sets the ones an engine works out (snippet, date)."""
        fields = {
            "key": stored.key,
            "kind": stored.kind,
            "title": stored.title,
            "url": stored.url,
            "snippet_source": "",
            "topic": getattr(stored, "topic", "") or "",
            "topic_title": getattr(stored, "topic_title", "") or "",
            "solved": bool(getattr(stored, "solved", False)),
            "official": bool(getattr(stored, "official", False)),
            "date": None,
        }
        return cls(**(fields | given))


@dataclass
class BackendResults:
    hits: list[BackendHit]
    total: int
    facets: dict[str, dict[str, int]]
    topic_titles: dict[str, str] = field(default_factory=dict)
    # False when counting stopped early: the total and the facet counts are then lower
    # bounds, shown as such ("1,000+"), never as exact numbers.
    total_exact: bool = True
    facets_exact: bool = True


class SearchBackend(ABC):
    name = "base"
    # An engine outside the database (Elasticsearch, OpenSearch): the database backend is
    # kept beside it and answers when it cannot.
    external = False
    # Matches words within an edit or two of the query's (so a typo alone finds results).
    fuzzy = False

    @abstractmethod
    def index(self, documents) -> None:
        """Add or replace these documents."""

    @abstractmethod
    def delete_source(self, source: str) -> None:
        """Remove every document of a page or thread."""

    @abstractmethod
    def replace_source(self, source: str, documents) -> None:
        """Make the index hold exactly ``documents`` for ``source``."""

    @abstractmethod
    def search(self, query: Query) -> BackendResults:
        """Matching documents, best first, with facet counts."""

    @abstractmethod
    def suggest(self, prefix_words: list[str], language: str, limit: int) -> list[BackendHit]:
        """Documents whose title has words starting with these (folded) words."""

    @abstractmethod
    def rebuild(self, documents_by_language, progress=None) -> int:
        """Replace the whole index with these documents; returns how many."""

    @abstractmethod
    def sources(self) -> dict[str, str]:
        """Every indexed source with a fingerprint of its documents (for reconcile)."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Documents per language."""

    @abstractmethod
    def ping(self) -> bool:
        """True when the engine answers."""
