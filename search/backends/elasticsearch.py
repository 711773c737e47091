"""Elasticsearch, through elasticsearch.dsl: one index per language behind an alias
(``<prefix>-<lang>``), rebuilt into a new versioned index and swapped atomically.

Each text field is indexed twice: with the engine's own language analyzer (``title``) and
as the pre-analysed lemmas of ``search.analysis`` with a whitespace analyzer and the
editors' synonyms (``title_terms``). Queries search both, title over question over body,
with fuzziness for typos on the language fields; official answers and solved threads get a
boost, forum threads weigh a little less than articles (as in the database backend).
Highlighting uses the HTML encoder: text is escaped before ``<mark>`` is added."""

import logging
from datetime import UTC, datetime

from django.conf import settings
from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    Index,
    Keyword,
    Q,
    Search,
    Text,
    analyzer,
    token_filter,
    tokenizer,
)
from elasticsearch.helpers import BulkIndexError, bulk

from search.backends.base import (
    BackendHit,
    BackendResults,
    BackendUnavailable,
    Query,
    SearchBackend,
)

logger = logging.getLogger(__name__)

LANGUAGE_ANALYZERS = {"en": "english", "tr": "turkish", "de": "german"}
FIELD_BOOSTS = {"title": 6, "question": 3, "body": 1}
# Added to a match's score: articles lead, an official answer or a solution lifts a thread.
ARTICLE_BOOST, OFFICIAL_BOOST, SOLVED_BOOST = 1.0, 1.0, 0.5
# Per neighbouring pair of query words found in the title (as written; as terms weighs less).
PAIR_BOOST, TERM_PAIR_WEIGHT = 1.0, 0.5
WRITE_TIMEOUT = 30  # seconds
BULK_CHUNK = 500
SOURCES_PAGE = 5000  # documents per request when reconcile lists an index
ENGINE_ERRORS = (es_exceptions.ApiError, es_exceptions.TransportError, BulkIndexError)

suggest_ngrams = token_filter("suggest_ngrams", "edge_ngram", min_gram=2, max_gram=20)
suggest_index = analyzer(
    "suggest_index", tokenizer="standard", filter=["lowercase", suggest_ngrams]
)
suggest_search = analyzer("suggest_search", tokenizer="standard", filter=["lowercase"])
lemmas = analyzer("lemmas", tokenizer=tokenizer("whitespace"), filter=["lowercase"])


def lemma_search_analyzer(synonyms: list[str]):
    """The whitespace analyzer of the lemma fields, with the editors' synonyms (as lemma
    lines, "refund, money back") applied at search time."""
    filters = ["lowercase"]
    if synonyms:
        filters.append(
            token_filter("editor_synonyms", "synonym_graph", synonyms=synonyms, lenient=True)
        )
    return analyzer("lemmas_search", tokenizer=tokenizer("whitespace"), filter=filters)


def document_class(language: str, synonyms: list[str]):
    """The Document for one language's index: mapping and analyzers."""
    native = LANGUAGE_ANALYZERS.get(language, "standard")
    search_lemmas = lemma_search_analyzer(synonyms)

    def lemma_field():
        return Text(analyzer=lemmas, search_analyzer=search_lemmas)

    class HelpDocument(Document):
        key = Keyword()
        source = Keyword()
        language = Keyword()
        kind = Keyword()
        url = Keyword(index=False)
        topic = Keyword()
        topic_title = Keyword(index=False)
        solved = Boolean()
        official = Boolean()
        date = Date()
        fingerprint = Keyword()
        title = Text(analyzer=native)
        question = Text(analyzer=native)
        body = Text(analyzer=native)
        title_terms = lemma_field()
        question_terms = lemma_field()
        body_terms = lemma_field()
        title_suggest = Text(analyzer=suggest_index, search_analyzer=suggest_search)
        # Folded title words (search.analysis.fold): word-start completion with a prefix
        # query, which every Elasticsearch-compatible server understands.
        title_words = Text(analyzer=lemmas)
        snippet_text = Text(index=False)

    return HelpDocument


def _source(document) -> dict:
    return {
        "key": document.key,
        "source": document.source,
        "language": document.language,
        "kind": document.kind,
        "url": document.url,
        "topic": document.topic,
        "topic_title": document.topic_title,
        "solved": document.solved,
        "official": document.official,
        "date": document.date.isoformat() if document.date else None,
        "fingerprint": document.fingerprint,
        "title": document.title,
        "question": document.question,
        "body": document.body,
        "title_terms": document.title_terms,
        "question_terms": document.question_terms,
        "body_terms": document.body_terms,
        "title_suggest": document.title,
        "title_words": document.title_words.strip(),
        "snippet_text": document.snippet_text,
    }


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, url: str | None = None, prefix: str | None = None):
        self.url = url or settings.ELASTICSEARCH_URL
        self.prefix = prefix or settings.ELASTICSEARCH_INDEX_PREFIX
        self.client = Elasticsearch(
            self.url,
            request_timeout=settings.ELASTICSEARCH_TIMEOUT,
            max_retries=0,
            retry_on_timeout=False,
        )

    # --- indexes ---------------------------------------------------------------------------

    @property
    def writer(self):
        """The client for index management and writes: these may take longer than the short
        timeout that keeps a visitor's search snappy."""
        return self.client.options(request_timeout=WRITE_TIMEOUT)

    def alias(self, language: str) -> str:
        return f"{self.prefix}-{language}"

    def _synonyms(self, language: str) -> list[str]:
        from search import analysis
        from search.models import Synonym

        lines = []
        for row in Synonym.objects.filter(language=language).values_list("terms", flat=True):
            phrases = [analysis.analyzed_text(p, language) for p in row.split(",")]
            phrases = [p for p in phrases if p]
            if len(phrases) > 1:
                lines.append(", ".join(phrases))
        return lines

    def index_definition(self, language: str, name: str) -> Index:
        """The settings and mappings of a new index for ``language`` (tests read them)."""
        index = Index(name)
        index.settings(number_of_shards=1, number_of_replicas=settings.ELASTICSEARCH_REPLICAS)
        index.document(document_class(language, self._synonyms(language)))
        return index

    def _create(self, language: str) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        name = f"{self.alias(language)}-{stamp}"
        self.index_definition(language, name).create(using=self.writer)
        return name

    def _ensure(self, language: str) -> str:
        """The concrete index behind the language's alias (made when missing). Writes go
        to it by name: some Elasticsearch-compatible servers do not resolve an alias in a
        bulk request and would create a stray index of that name instead."""
        alias = self.alias(language)
        if self.client.indices.exists_alias(name=alias):
            return sorted(self.client.indices.get_alias(name=alias))[-1]
        name = self._create(language)
        self.writer.indices.put_alias(index=name, name=alias)
        return name

    # --- writing ---------------------------------------------------------------------------

    def _bulk(self, actions, *, refresh="wait_for") -> None:
        try:
            bulk(self.writer, actions, refresh=refresh, chunk_size=BULK_CHUNK)
        except ENGINE_ERRORS as exc:
            raise BackendUnavailable(str(exc)) from exc

    def index(self, documents) -> None:
        documents = list(documents)
        try:
            targets = {
                language: self._ensure(language) for language in {d.language for d in documents}
            }
        except ENGINE_ERRORS as exc:
            raise BackendUnavailable(str(exc)) from exc
        self._bulk(
            {"_index": targets[d.language], "_id": d.key, "_source": _source(d)} for d in documents
        )

    def delete_source(self, source: str) -> None:
        try:
            for language in self._languages():
                alias = self.alias(language)
                if self.client.indices.exists_alias(name=alias):
                    self.writer.delete_by_query(
                        index=alias, query={"term": {"source": source}}, refresh=True,
                        conflicts="proceed",
                    )  # fmt: skip
        except ENGINE_ERRORS as exc:
            raise BackendUnavailable(str(exc)) from exc

    def replace_source(self, source: str, documents) -> None:
        self.delete_source(source)
        if documents:
            self.index(documents)

    def rebuild(self, documents_by_language, progress=None) -> int:
        """Fill new indexes, then move every alias in one atomic call."""
        try:
            new = {language: self._create(language) for language in self._languages()}
            count = 0
            pending: list = []
            for batch in documents_by_language:
                batch = list(batch)
                pending += [
                    {"_index": new[d.language], "_id": d.key, "_source": _source(d)}
                    for d in batch
                    if d.language in new
                ]
                if len(pending) >= BULK_CHUNK:
                    # No refresh per chunk: one refresh before the swap is enough.
                    self._bulk(pending, refresh=False)
                    pending = []
                count += len(batch)
                if progress:
                    progress(len(batch))
            if pending:
                self._bulk(pending, refresh=False)
            actions, old = [], []
            for language, name in new.items():
                alias = self.alias(language)
                if self.client.indices.exists_alias(name=alias):
                    for existing in self.client.indices.get_alias(name=alias):
                        actions.append({"remove": {"index": existing, "alias": alias}})
                        old.append(existing)
                actions.append({"add": {"index": name, "alias": alias}})
            for name in new.values():  # one by one: not every server takes a list
                self.writer.indices.refresh(index=name)
            self.writer.indices.update_aliases(actions=actions)
            for name in old:
                self.writer.indices.delete(index=name, ignore_unavailable=True)
        except ENGINE_ERRORS as exc:
            raise BackendUnavailable(str(exc)) from exc
        return count

    @staticmethod
    def _languages() -> list[str]:
        return [code for code, _name in settings.LANGUAGES]

    def sources(self) -> dict[str, str]:
        found: dict[str, list[str]] = {}
        try:
            for language in self._languages():
                alias = self.alias(language)
                if not self.client.indices.exists_alias(name=alias):
                    continue
                # Page by page in key order (search_after): a plain search stops at
                # 10,000 hits, and not every compatible server keeps scroll contexts.
                # Until a page comes back empty (a server may cap a page below what
                # was asked), and never twice from the same key.
                after = None
                while True:
                    search = (
                        Search(using=self.writer, index=alias)
                        .source(["source", "key", "fingerprint"])
                        .sort("key")
                        .extra(size=SOURCES_PAGE)
                    )
                    if after is not None:
                        search = search.extra(search_after=[after])
                    hits = list(search.execute())
                    for hit in hits:
                        found.setdefault(hit.source, []).append(f"{hit.key}:{hit.fingerprint}")
                    if not hits or hits[-1].key == after:
                        break
                    after = hits[-1].key
        except ENGINE_ERRORS as exc:
            raise BackendUnavailable(str(exc)) from exc
        return {source: "|".join(sorted(parts)) for source, parts in found.items()}

    def counts(self) -> dict[str, int]:
        counts = {}
        try:
            for language in self._languages():
                alias = self.alias(language)
                if self.client.indices.exists_alias(name=alias):
                    counts[language] = self.client.count(index=alias)["count"]
        except ENGINE_ERRORS as exc:
            raise BackendUnavailable(str(exc)) from exc
        return counts

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:  # noqa: BLE001 - any failure means "not reachable"
            return False

    # --- reading ---------------------------------------------------------------------------

    @staticmethod
    def _term_query(text: str) -> Q:
        fields = []
        for name, boost in FIELD_BOOSTS.items():
            fields += [f"{name}^{boost}", f"{name}_terms^{boost}"]
        if " " in text:
            # A multi-word synonym ("money back") matches as a phrase: match_phrase per
            # field, as multi_match's phrase type is not known to every server.
            phrases = []
            for field in fields:
                name, boost = field.split("^")
                phrases.append(Q("match_phrase", **{name: {"query": text, "boost": int(boost)}}))
            return Q("bool", should=phrases, minimum_should_match=1)
        return Q(
            "multi_match",
            query=text,
            fields=fields,
            type="best_fields",
            fuzziness="AUTO",
            prefix_length=1,
        )

    def text_query(self, query: Query) -> Q:
        groups = []
        for term in query.terms:
            alternatives = [self._term_query(t) for t in [term, *query.synonyms.get(term, [])]]
            if parts := query.parts.get(term):
                alternatives.append(Q("bool", must=[self._term_query(p) for p in parts]))
            groups.append(Q("bool", should=alternatives, minimum_should_match=1))
        if query.match_any:
            return Q("bool", should=groups, minimum_should_match=1)
        return Q("bool", must=groups)

    @staticmethod
    def _filters(query: Query, *, skip: str = "") -> list[Q]:
        filters = []
        if query.kind and skip != "kind":
            filters.append(Q("term", kind=query.kind))
        if query.topic and skip != "topic":
            filters.append(Q("term", topic=query.topic))
        if query.solved is not None and skip != "solved":
            filters += [Q("term", kind="thread"), Q("term", solved=query.solved)]
        return filters

    def build_searches(self, query: Query) -> tuple[Search, Search]:
        """The exact requests a query sends (tests compare ``to_dict()``): the page of hits,
        with the filters applied, and the facet counts, each counted under every filter
        but its own. Two plain requests rather than post_filter, global aggregations or
        _msearch, which not every Elasticsearch-compatible server offers."""
        text = self.text_query(query)
        # Boosts as additive constant-score clauses (function_score is not universal
        # either): articles ahead of threads, official answers and solutions ahead of
        # other threads.
        boosts = [
            Q(
                "constant_score",
                filter=Q("bool", must_not=[Q("term", kind="thread")]),
                boost=ARTICLE_BOOST,
            ),
            Q("constant_score", filter=Q("term", official=True), boost=OFFICIAL_BOOST),
            Q("constant_score", filter=Q("term", solved=True), boost=SOLVED_BOOST),
        ]
        # A title with the query's neighbouring words side by side (as written, or as
        # terms) ranks higher, as in the database backend.
        boosts += [
            Q("constant_score", filter=Q("match_phrase", title_words=pair), boost=PAIR_BOOST)
            for pair in query.title_pairs
        ]
        boosts += [
            Q(
                "constant_score",
                filter=Q("match_phrase", title_terms=pair),
                boost=PAIR_BOOST * TERM_PAIR_WEIGHT,
            )
            for pair in query.term_pairs
        ]
        scored = Q("bool", must=[text], should=boosts, filter=self._filters(query))
        hits = Search(index=self.alias(query.language)).query(scored)
        hits = hits.highlight_options(
            encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"], number_of_fragments=1,
            fragment_size=220, no_match_size=0,
        )  # fmt: skip
        hits = hits.highlight("title", number_of_fragments=0)
        hits = hits.highlight("question", "body")
        timeout = f"{int(settings.ELASTICSEARCH_TIMEOUT * 1000)}ms"
        hits = hits.extra(
            from_=query.offset, size=query.limit, track_total_hits=True, timeout=timeout
        )
        hits = hits.source(excludes=["*_terms", "title_suggest", "title_words", "question", "body"])

        facets = Search(index=self.alias(query.language)).query(text).extra(size=0, timeout=timeout)
        for facet in ("kind", "topic", "solved"):
            filters = self._filters(query, skip=facet)
            if facet == "solved":
                filters.append(Q("term", kind="thread"))
            bucket = facets.aggs.bucket(
                facet, "filter", filter=Q("bool", filter=filters) if filters else Q("match_all")
            )
            bucket.bucket("values", "terms", field=facet, size=50)
        return hits, facets

    def search(self, query: Query) -> BackendResults:
        hits_search, facets_search = self.build_searches(query)
        try:
            if not self.client.indices.exists_alias(name=self.alias(query.language)):
                return BackendResults(
                    hits=[], total=0, facets={"kind": {}, "topic": {}, "solved": {}}
                )
            response = hits_search.using(self.client).execute()
            counted = facets_search.using(self.client).execute()
        except ENGINE_ERRORS as exc:
            raise BackendUnavailable(str(exc)) from exc
        facets = {"kind": {}, "topic": {}, "solved": {}}
        topic_titles: dict[str, str] = {}
        aggs = counted.aggregations
        for facet in facets:
            for bucket in getattr(aggs, facet).values.buckets:
                key = bucket.key
                if facet == "solved":
                    key = "yes" if bucket.key in (1, True, "true") else "no"
                if key != "":
                    facets[facet][str(key)] = bucket.doc_count
        hits = []
        for hit in response:
            highlight = getattr(hit.meta, "highlight", None)
            title_html = highlight.title[0] if highlight and "title" in highlight else ""
            fragments = []
            if highlight:
                fragments = list(highlight.question) if "question" in highlight else []
                fragments += list(highlight.body) if "body" in highlight else []
            if hit.topic:
                topic_titles.setdefault(hit.topic, hit.topic_title)
            hits.append(
                BackendHit.of(
                    hit,
                    snippet_source=hit.snippet_text or "",
                    date=datetime.fromisoformat(hit.date) if hit.date else None,
                    title_html=title_html,
                    snippet_html=" … ".join(fragments[:2]),
                )
            )
        for topic in facets["topic"]:
            topic_titles.setdefault(topic, "")
        total = response.hits.total.value if hasattr(response.hits.total, "value") else len(hits)
        return BackendResults(hits=hits, total=total, facets=facets, topic_titles=topic_titles)

    @staticmethod
    def suggest_query(prefix_words: list[str]) -> Q:
        """Every typed word but the last is a whole title word; the last is a word start.
        The edge-ngram field scores the same on a full Elasticsearch."""
        *whole, last = prefix_words
        clauses = [Q("term", title_words=w) for w in whole] + [Q("prefix", title_words=last)]
        return Q(
            "bool",
            must=clauses,
            should=[Q("match", title_suggest={"query": " ".join(prefix_words), "operator": "and"})],
        )

    def suggest(self, prefix_words: list[str], language: str, limit: int) -> list[BackendHit]:
        search = (
            Search(using=self.client, index=self.alias(language))
            .query(self.suggest_query(prefix_words))
            .source(["key", "kind", "title", "url", "topic", "topic_title", "solved", "official"])
            .extra(size=limit, timeout=f"{int(settings.ELASTICSEARCH_TIMEOUT * 1000)}ms")
        )
        try:
            if not self.client.indices.exists_alias(name=self.alias(language)):
                return []
            response = search.execute()
        except ENGINE_ERRORS as exc:
            raise BackendUnavailable(str(exc)) from exc
        return [BackendHit.of(h) for h in response]
