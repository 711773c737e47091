"""The only door to search for the rest of the project.

``search(query, locale, filters, page)`` answers a visitor's query with hits, facet counts,
a "did you mean" suggestion and which backend answered; ``suggest(prefix, locale)`` gives
the search box and the ask form their completions; ``status()`` tells /readyz how search
is. ``get_backend()`` is the one place that chooses a backend (``SEARCH_ENGINE``:
Elasticsearch, OpenSearch, or the database). When an engine cannot answer, the database
backend (kept by the same indexing pipeline) answers and the results say so. What to ask
the backend for a query (synonyms, compounds, "did you mean") is ``planning``'s.
"""

import logging
import math
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from search import analysis, highlight, planning
from search.backends.base import BackendResults, BackendUnavailable, SearchBackend
from search.backends.database import DatabaseBackend
from search.models import QueryLog, SearchDocument
from search.planning import forget_synonyms

__all__ = [
    "BackendUnavailable",
    "Hit",
    "Results",
    "forget_synonyms",
    "get_backend",
    "index_backends",
    "search",
    "status",
    "suggest",
]

logger = logging.getLogger(__name__)

PAGE_SIZE = 10
MAX_PAGE = 50
KINDS = ("faq", "video", "policy", "thread")


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    title_html: SafeString
    snippet: SafeString
    topic: str = ""
    topic_title: str = ""
    solved: bool = False
    official: bool = False
    date: datetime | None = None
    rank: int = 0


@dataclass
class Results:
    query: str
    language: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    # False when the backend stopped counting (the total and facets are lower bounds).
    total_exact: bool = True
    facets_exact: bool = True
    page: int = 1
    num_pages: int = 1
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    topic_titles: dict[str, str] = field(default_factory=dict)
    filters: dict = field(default_factory=dict)
    # "Did you mean": a better spelling of the query, and whether the hits are for it.
    suggestion: str = ""
    corrected: bool = False
    backend: str = ""
    fell_back: bool = False


_backend: SearchBackend | None = None

# The engines beside the embedded database backend, by SEARCH_ENGINE.
ENGINES = {
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
    "opensearch": "search.backends.opensearch.OpenSearchBackend",
}


def configured_engine() -> str:
    """ "database", "elasticsearch" or "opensearch": ``SEARCH_ENGINE``, or else the engine
    whose URL is set (read at each call: tests change the settings)."""
    if settings.SEARCH_ENGINE:
        return settings.SEARCH_ENGINE
    if settings.OPENSEARCH_URL:
        return "opensearch"
    if settings.ELASTICSEARCH_URL:
        return "elasticsearch"
    return "database"


def get_backend() -> SearchBackend:
    """The configured backend (one instance per process)."""
    global _backend
    if _backend is None:
        engine = configured_engine()
        _backend = import_string(ENGINES[engine])() if engine in ENGINES else database_backend()
    return _backend


def index_backends() -> list[SearchBackend]:
    """Every index that must follow the database: its own table, always (it answers when
    the engine cannot), and the engine if one is configured."""
    backend = get_backend()
    return [database_backend(), backend] if backend.external else [backend]


def database_backend() -> SearchBackend:
    return DatabaseBackend()


def reset_backend() -> None:
    """Forget the chosen backend (tests that change settings)."""
    global _backend
    _backend = None


def clean_filters(raw) -> dict:
    """Filters from a query string, keeping only values that mean something."""
    raw = raw or {}
    kind = raw.get("type") or raw.get("kind") or ""
    solved = raw.get("solved", "")
    return {
        "kind": kind if kind in KINDS else "",
        "topic": str(raw.get("topic", ""))[:64],
        "solved": {"yes": True, "no": False}.get(solved),
    }


def _engine_down() -> bool:
    """True while the last readiness check found the engine unreachable: searches go
    straight to the database instead of waiting for a timeout on every keystroke."""
    cached = cache.get("search:status")
    return bool(cached and not cached["reachable"])


def _hit(hit, *, rank: int, terms: set[str], language: str) -> Hit:
    # Elasticsearch highlights itself with its HTML encoder (text escaped, then <mark>);
    # the database backend's text is escaped and marked here.
    # An engine's highlight is cleaned again (only <mark> survives, any other markup is
    # escaped): the page never depends on the engine's encoder being right.
    title_html = (
        highlight.only_marks(hit.title_html)
        if hit.title_html
        else highlight.mark(hit.title, terms, language)
    )
    snippet = (
        highlight.only_marks(hit.snippet_html)
        if hit.snippet_html
        else highlight.snippet(hit.snippet_source, terms, language)
    )
    return Hit(
        kind=hit.kind,
        title=hit.title,
        url=hit.url,
        title_html=mark_safe(title_html),  # noqa: S308 - cleaned by highlight above
        snippet=mark_safe(snippet),  # noqa: S308 - cleaned by highlight above
        topic=hit.topic,
        topic_title=hit.topic_title,
        solved=hit.solved,
        official=hit.official,
        date=hit.date,
        rank=rank,
    )


def _topic_titles(found, language: str) -> dict[str, str]:
    """Titles of the topics in the facets; engines that know only the keys get them here."""
    titles = dict(found.topic_titles)
    missing = [t for t in found.facets.get("topic", {}) if not titles.get(t)]
    if missing:
        rows = SearchDocument.objects.filter(language=language, topic__in=missing)
        titles.update(dict(rows.values_list("topic", "topic_title").distinct()))
    return titles


class _Answering:
    """The configured backend until it cannot answer; then, for the rest of the search,
    the database's (kept by the same indexing pipeline). ``planning.Asker``."""

    def __init__(self, backend: SearchBackend, plan: planning.Plan):
        self.backend, self.plan, self.fell_back = backend, plan, False

    @property
    def fuzzy(self) -> bool:
        return self.backend.fuzzy

    def find(self, words: list[str]) -> BackendResults:
        if self.backend.external and not self.fell_back:
            try:
                if not _engine_down():
                    return planning.find(self.backend.search, self.plan.query(words))
            except BackendUnavailable as exc:
                logger.warning("search backend %s unavailable: %s", self.backend.name, exc)
                forget_status()
            self.backend, self.fell_back = database_backend(), True
        return planning.find(self.backend.search, self.plan.query(words))


def search(query: str, locale: str, filters=None, page: int = 1) -> Results:
    """Search the knowledge base and the forum in one language."""
    text = analysis.clean_query(query)
    language = locale if locale in analysis.LANGUAGES else settings.LANGUAGE_CODE
    filters = clean_filters(filters)
    results = Results(query=text, language=language, filters=filters)
    terms = analysis.query_terms(text, language)
    if not terms:
        return results
    page = min(max(1, int(page or 1)), MAX_PAGE)
    plan = planning.plan_query(
        text, language, terms, filters, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    answering = _Answering(get_backend(), plan)
    outcome = planning.carry_out(plan, answering)
    found = outcome.found
    results.backend, results.fell_back = answering.backend.name, answering.fell_back
    results.suggestion, results.corrected = outcome.suggestion, outcome.corrected
    results.total = found.total
    results.total_exact, results.facets_exact = found.total_exact, found.facets_exact
    results.facets = found.facets
    results.topic_titles = _topic_titles(found, language)
    results.page = page
    results.num_pages = min(MAX_PAGE, max(1, math.ceil(found.total / PAGE_SIZE)))
    marked = plan.highlighted(outcome.terms)
    results.hits = [
        _hit(hit, rank=(page - 1) * PAGE_SIZE + n + 1, terms=marked, language=language)
        for n, hit in enumerate(found.hits)
    ]
    return results


def suggest(prefix: str, locale: str, limit: int = 8) -> list[dict]:
    """Completions for what is being typed: titles whose words start with it."""
    language = locale if locale in analysis.LANGUAGES else settings.LANGUAGE_CODE
    words = analysis.plain_words(analysis.clean_query(prefix), language)[:6]
    if not words or len("".join(words)) < 2:
        return []
    backend = get_backend()
    try:
        if _engine_down():
            raise BackendUnavailable("engine reported down")
        hits = backend.suggest(words, language, limit)
    except BackendUnavailable:
        hits = database_backend().suggest(words, language, limit)
    return [{"title": h.title, "url": h.url, "kind": h.kind, "solved": h.solved} for h in hits]


def status() -> dict:
    """Which engine is configured, and whether it answers right now (cached briefly, so a
    load balancer polling /readyz does not open a connection per poll)."""
    cached = cache.get("search:status")
    if cached is not None:
        return cached
    backend = get_backend()
    try:
        reachable = bool(backend.ping())
    except Exception as exc:  # noqa: BLE001 - the engine being down must never fail a request
        logger.warning("search engine unreachable: %s", exc)
        reachable = False
    answer = {
        "backend": backend.name,
        "reachable": reachable,
        "answering": backend.name if reachable else DatabaseBackend.name,
    }
    cache.set("search:status", answer, 5)
    return answer


def forget_status() -> None:
    cache.delete("search:status")


def record_query(results: Results) -> int | None:
    """Log a search for the reports: the folded query, language, result count, backend.
    No user, no address. Returns the log id (for click-through)."""
    normalised = analysis.normalise_for_log(results.query, results.language)
    if not normalised:
        return None
    entry = QueryLog.objects.create(
        query=normalised,
        key=analysis.log_key(normalised, results.language),
        language=results.language,
        results=results.total,
        backend=results.backend or "",
    )
    return entry.pk


def record_click(log_id: int, rank: int) -> None:
    QueryLog.objects.filter(pk=log_id, clicked_rank__isnull=True).update(
        clicked_rank=max(1, min(rank, 1000))
    )
