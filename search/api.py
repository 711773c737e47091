"""The only door to search for the rest of the project.

``search(query, locale, filters, page)`` answers a visitor's query with hits, facet counts,
a "did you mean" suggestion and which backend answered; ``suggest(prefix, locale)`` gives
the search box and the ask form their completions; ``status()`` tells /readyz how search
is. ``get_backend()`` is the one place that chooses a backend (``SEARCH_ENGINE``:
Elasticsearch, OpenSearch, or the database). When an engine cannot answer, the database
backend (kept by the same indexing pipeline) answers and the results say so.
"""

import difflib
import logging
import math
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from search import analysis, highlight
from search.backends.base import BackendUnavailable, Query, SearchBackend

__all__ = [
    "BackendUnavailable", "Hit", "Results", "get_backend", "index_backends", "search", "status",
    "suggest",
]  # fmt: skip

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
    from search.backends.database import DatabaseBackend

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


def _synonyms(language: str) -> dict[str, list[str]]:
    """Lemma → the other phrases (as lemmas) editors say mean the same, cached briefly."""
    key = f"search:synonyms:{language}"
    mapping = cache.get(key)
    if mapping is None:
        from search.models import Synonym

        mapping = {}
        for row in Synonym.objects.filter(language=language).values_list("terms", flat=True):
            phrases = [analysis.analyzed_text(p, language) for p in row.split(",")]
            phrases = [p for p in phrases if p]
            for phrase in phrases:
                if " " not in phrase:
                    others = [p for p in phrases if p != phrase]
                    mapping.setdefault(phrase, [])
                    mapping[phrase] += [o for o in others if o not in mapping[phrase]]
        cache.set(key, mapping, 300)
    return mapping


def forget_synonyms(language: str) -> None:
    cache.delete(f"search:synonyms:{language}")


ANY_WORD_FROM = 3
MAX_CORRECTIONS = 3
MAX_WORD_FOR_CORRECTION = 20
MAX_PAIRS = 8
# German writes compounds as one word ("Bestätigungsmail") that the articles may spell
# apart ("Bestätigungs-E-Mail") or differently ("Ratenkauf" / "Kauf auf Raten").
COMPOUND_LANGUAGES = frozenset({"de"})
MIN_COMPOUND = 8
COMPOUND_LINKS = ("", "s", "es", "n", "en")  # Fugenelemente: Bestätigung|s|mail


def _compound_splits(term: str, language: str) -> list[tuple[str, str]]:
    """Ways to read ``term`` as head + tail, longest head first; the tail as a term of its
    own (its lemma: "mail" → "mailen"), the head with and without a linking element."""
    splits = []
    for cut in range(len(term) - 3, 2, -1):
        head, tail = term[:cut], analysis.term(term[cut:], language)
        for link in COMPOUND_LINKS:
            if head.endswith(link) and len(head) - len(link) >= 3:
                splits.append((head[: len(head) - len(link)], tail))
    return splits


def _compound_parts(terms: list[str], language: str) -> dict[str, list[str]]:
    """The two indexed words each long word of the query is made of ("bestatigungsmail" →
    "bestatigungs" + "mailen"), so a document that spells the compound apart is found. One
    query for the vocabulary of a whole search, the answer cached per word."""
    if language not in COMPOUND_LANGUAGES:
        return {}
    from search.models import SearchTerm

    long = [t for t in terms if len(t) >= MIN_COMPOUND and t.isalpha()]
    if not long:
        return {}
    keys = {t: f"search:split:{analysis.VERSION}:{language}:{t}" for t in long}
    found = cache.get_many(list(keys.values()))
    todo = [t for t in long if keys[t] not in found]
    if todo:
        splits = {t: _compound_splits(t, language) for t in todo}
        wanted = {part for pairs in splits.values() for pair in pairs for part in pair}
        known = set(
            SearchTerm.objects.filter(language=language, term__in=wanted).values_list(
                "term", flat=True
            )
        )
        for t in todo:
            found[keys[t]] = next(([h, tl] for h, tl in splits[t] if {h, tl} <= known), [])
        cache.set_many({keys[t]: found[keys[t]] for t in todo}, 600)
    return {t: found[keys[t]] for t in long if found.get(keys[t])}


def _pairs(words: list[str]) -> list[str]:
    return list(dict.fromkeys(f"{a} {b}" for a, b in zip(words, words[1:], strict=False)))[
        :MAX_PAIRS
    ]


def _spelling(terms: list[str], language: str) -> list[tuple[str, str]]:
    """Unknown terms replaced by the closest indexed ones, each as (term, the lemma as
    written, or "" when it is the term). Asked only when a search found nothing, for at
    most ``MAX_CORRECTIONS`` words, against candidates of about the same length (and
    cached), so a query made to be expensive stays cheap."""
    from django.db.models.functions import Length

    from search.models import SearchTerm

    corrected, tried = [], 0
    for term in terms:
        if len(term) < 4 or len(term) > MAX_WORD_FOR_CORRECTION or term.isdigit():
            corrected.append((term, ""))
            continue
        key = f"search:spelling:{analysis.VERSION}:{language}:{term}"
        better = cache.get(key)
        if better is None and tried < MAX_CORRECTIONS:
            tried += 1
            if SearchTerm.objects.filter(language=language, term=term).exists():
                better = (term, "")
            else:
                candidates = dict(
                    SearchTerm.objects.annotate(size=Length("term"))
                    .filter(
                        language=language,
                        term__startswith=term[0],
                        size__gte=len(term) - 2,
                        size__lte=len(term) + 2,
                    )
                    .values_list("term", "display")[:5000]
                )
                close = difflib.get_close_matches(term, list(candidates), n=1, cutoff=0.75)
                better = (close[0], candidates[close[0]]) if close else (term, "")
            cache.set(key, better, 600)
        corrected.append(tuple(better) if better else (term, ""))
    return corrected


def _corrected_text(text: str, language: str, fixes: dict[str, tuple[str, str]]) -> str:
    """The query as the visitor typed it (folded), with only the misspelt words replaced by
    the spelling the indexed text uses: "Wo ist mein Pakte" → "wo ist mein paket",
    "süt iadr" → "süt iade" (never the accent-free index form "sut")."""
    out = []
    for word in analysis.words(analysis.fold(text, language)):
        fix = fixes.get(analysis.term(word, language))
        out.append((fix[1] or fix[0]) if fix else word)
    return " ".join(out)


def _run(backend: SearchBackend, query: Query):
    if len(query.terms) >= ANY_WORD_FROM:
        # Customers write whole sentences ("iade etmek istiyorum nasıl yapacağım"): with
        # this many words, one the answer does not use must not hide it. Ranking still
        # puts the documents with the most words first.
        query.match_any = True
    results = backend.search(query)
    if not results.total and len(query.terms) > 1 and not query.match_any:
        # Nothing has every word: show what has the most of them.
        query.match_any = True
        results = backend.search(query)
    return results


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
        from search.models import SearchDocument

        rows = SearchDocument.objects.filter(language=language, topic__in=missing)
        titles.update(dict(rows.values_list("topic", "topic_title").distinct()))
    return titles


def search(query: str, locale: str, filters=None, page: int = 1) -> Results:
    """Search the knowledge base and the forum in one language."""
    text = analysis.clean_query(query)
    language = locale if locale in analysis.LANGUAGES else settings.LANGUAGE_CODE
    filters = clean_filters(filters)
    results = Results(query=text, language=language, filters=filters)
    terms = analysis.query_terms(text, language)
    if not terms:
        return results
    parts = _compound_parts(terms, language)
    title_pairs = _pairs(analysis.plain_words(text, language))
    term_pairs = _pairs(analysis.analyze(text, language))
    page = min(max(1, int(page or 1)), MAX_PAGE)
    backend = get_backend()
    results.backend = backend.name

    def build(words: list[str]) -> Query:
        return Query(
            language=language,
            terms=words,
            synonyms=_synonyms(language),
            parts={t: p for t, p in parts.items() if t in words},
            kind=filters["kind"],
            topic=filters["topic"],
            solved=filters["solved"],
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
            title_pairs=title_pairs,
            term_pairs=term_pairs,
        )

    def run(words: list[str]):
        nonlocal backend
        if backend.external and not results.fell_back:
            try:
                if not _engine_down():
                    return _run(backend, build(words))
            except BackendUnavailable as exc:
                logger.warning("search backend %s unavailable: %s", backend.name, exc)
                forget_status()
            backend = database_backend()
            results.backend, results.fell_back = backend.name, True
        return _run(backend, build(words))

    found = run(terms)
    # A fuzzy engine finds "Rücksendnug" on its own; the visitor is still told the right
    # spelling, and gets the results for it, as on the database backend (which finds
    # nothing for a misspelt word and asks the vocabulary then).
    if not found.total or backend.fuzzy:
        fixes = {
            typed: (term, display)
            for typed, (term, display) in zip(terms, _spelling(terms, language), strict=True)
            if term != typed
        }
        # The vocabulary may still hold a word whose only document was hidden or edited
        # since (it is pruned on reconcile): a correction is kept only if its word alone
        # finds a visible document, so no word of hidden text is ever shown.
        fixes = {typed: fix for typed, fix in fixes.items() if run([fix[0]]).total}
        if fixes:
            better = [fixes[t][0] if t in fixes else t for t in terms]
            corrected = run(better)
            if corrected.total:
                found, terms, results.corrected = corrected, better, True
                results.suggestion = _corrected_text(text, language, fixes)

    term_set = set(terms) | {
        s for t in terms for p in _synonyms(language).get(t, []) for s in p.split()
    }
    term_set |= {p for t in terms for p in parts.get(t, [])}
    results.total = found.total
    results.total_exact, results.facets_exact = found.total_exact, found.facets_exact
    results.facets = found.facets
    results.topic_titles = _topic_titles(found, language)
    results.page = page
    results.num_pages = min(MAX_PAGE, max(1, math.ceil(found.total / PAGE_SIZE)))
    results.hits = [
        _hit(hit, rank=(page - 1) * PAGE_SIZE + n + 1, terms=term_set, language=language)
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
        "answering": backend.name if reachable else "database",
    }
    cache.set("search:status", answer, 5)
    return answer


def forget_status() -> None:
    cache.delete("search:status")


def record_query(results: Results) -> int | None:
    """Log a search for the reports: the folded query, language, result count, backend.
    No user, no address. Returns the log id (for click-through)."""
    from search.models import QueryLog

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
    from search.models import QueryLog

    QueryLog.objects.filter(pk=log_id, clicked_rank__isnull=True).update(
        clicked_rank=max(1, min(rank, 1000))
    )
