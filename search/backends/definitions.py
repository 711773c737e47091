"""The index and the requests, as data: one definition shared by the Elasticsearch and the
OpenSearch backends (``engine.EngineBackend``), which only send it with their own client.

Built with elasticsearch.dsl's builders (``Document``, ``Q``, ``Search``) and turned into
plain JSON with ``to_dict()``: no connection is involved, and both engines take the same
JSON (measured on OpenSearch 2.19 and Elasticsearch 8's API through noida-db).

Each text field is indexed twice: with the engine's own language analyzer (``title``) and
as the pre-analysed lemmas of ``search.analysis`` with a whitespace analyzer and the
editors' synonyms (``title_terms``). Queries search both, title over question over body,
with fuzziness for typos on the language fields; official answers and solved threads get a
boost, forum threads weigh a little less than articles (as in the database backend).
Highlighting uses the HTML encoder: text is escaped before ``<mark>`` is added.
"""

from datetime import datetime

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

from search.backends.base import BackendHit, BackendResults, Query

# Lucene's language analyzers, the same in Elasticsearch and OpenSearch (analysis-common).
LANGUAGE_ANALYZERS = {"en": "english", "tr": "turkish", "de": "german"}
FIELD_BOOSTS = {"title": 6, "question": 3, "body": 1}
# Added to a match's score: articles lead, an official answer or a solution lifts a thread.
ARTICLE_BOOST, OFFICIAL_BOOST, SOLVED_BOOST = 1.0, 1.0, 0.5
# Per neighbouring pair of query words found in the title (as written; as terms weighs less).
PAIR_BOOST, TERM_PAIR_WEIGHT = 1.0, 0.5
FACETS = ("kind", "topic", "solved")
FACET_SIZE = 50
# What a hit needs for the results page; the long text fields stay on the engine.
HIT_SOURCE_EXCLUDES = ["*_terms", "title_suggest", "title_words", "question", "body"]
SUGGEST_SOURCE = ["key", "kind", "title", "url", "topic", "topic_title", "solved", "official"]

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
        # Word-start completion, scored by the edge n-grams ...
        title_suggest = Text(analyzer=suggest_index, search_analyzer=suggest_search)
        # ... and matched on the folded title words (search.analysis.fold) with a prefix
        # query, so "rucks" completes "Rücksendung" as it does in the database backend.
        title_words = Text(analyzer=lemmas)
        snippet_text = Text(index=False)

    return HelpDocument


def index_body(language: str, synonyms: list[str], *, replicas: int) -> dict:
    """Settings and mappings of a new index for ``language`` (``indices.create`` body)."""
    index = Index("definition")  # the name is given when the index is created
    index.settings(number_of_shards=1, number_of_replicas=replicas)
    index.document(document_class(language, synonyms))
    return index.to_dict()


def source_of(document) -> dict:
    """What the engine stores for a ``search.documents.Document``."""
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


# --- queries -------------------------------------------------------------------------------


def _fields() -> list[str]:
    fields = []
    for name, boost in FIELD_BOOSTS.items():
        fields += [f"{name}^{boost}", f"{name}_terms^{boost}"]
    return fields


def term_query(text: str) -> Q:
    """One query term (a lemma, or a synonym phrase) over every text field."""
    if " " in text:
        # A multi-word synonym ("money back") matches as a phrase, never as two words.
        return Q("multi_match", query=text, fields=_fields(), type="phrase")
    return Q(
        "multi_match",
        query=text,
        fields=_fields(),
        type="best_fields",
        fuzziness="AUTO",
        prefix_length=1,
    )


def text_query(query: Query) -> Q:
    """Every term (or any, with ``match_any``), each through its synonyms or, for a German
    compound, all of its parts."""
    groups = []
    for term in query.terms:
        alternatives = [term_query(t) for t in [term, *query.synonyms.get(term, [])]]
        if parts := query.parts.get(term):
            alternatives.append(Q("bool", must=[term_query(p) for p in parts]))
        groups.append(Q("bool", should=alternatives, minimum_should_match=1))
    if query.match_any:
        return Q("bool", should=groups, minimum_should_match=1)
    return Q("bool", must=groups)


def filters_of(query: Query, *, skip: str = "") -> list[Q]:
    """The visitor's filters, but ``skip`` (a facet is counted under every filter but its
    own, so the other choices stay visible)."""
    filters = []
    if query.kind and skip != "kind":
        filters.append(Q("term", kind=query.kind))
    if query.topic and skip != "topic":
        filters.append(Q("term", topic=query.topic))
    if query.solved is not None and skip != "solved":
        filters += [Q("term", kind="thread"), Q("term", solved=query.solved)]
    return filters


def boosts_of(query: Query) -> list[Q]:
    """Additive constant-score clauses: a fixed lift whatever the text score, as the
    database backend adds its bonuses. Articles ahead of threads, official answers and
    solutions ahead of other threads, and a title that has the query's neighbouring words
    side by side (as written, or as terms) ahead of one that has them apart."""
    boosts = [
        Q(
            "constant_score",
            filter=Q("bool", must_not=[Q("term", kind="thread")]),
            boost=ARTICLE_BOOST,
        ),
        Q("constant_score", filter=Q("term", official=True), boost=OFFICIAL_BOOST),
        Q("constant_score", filter=Q("term", solved=True), boost=SOLVED_BOOST),
    ]
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
    return boosts


def search_body(query: Query, *, timeout_ms: int) -> dict:
    """The one request a search sends: the page of hits with their highlights, the total,
    and the facet counts. The filters are a ``post_filter`` (they narrow the hits, not the
    facets); each facet is an aggregation filtered by every filter but its own."""
    search = Search().query(Q("bool", must=[text_query(query)], should=boosts_of(query)))
    filters = filters_of(query)
    if filters:
        search = search.post_filter(Q("bool", filter=filters))
    for facet in FACETS:
        facet_filters = filters_of(query, skip=facet)
        if facet == "solved":
            facet_filters.append(Q("term", kind="thread"))
        bucket = search.aggs.bucket(
            facet,
            "filter",
            filter=Q("bool", filter=facet_filters) if facet_filters else Q("match_all"),
        )
        bucket.bucket("values", "terms", field=facet, size=FACET_SIZE)
    search = search.highlight_options(
        encoder="html",
        pre_tags=["<mark>"],
        post_tags=["</mark>"],
        number_of_fragments=1,
        fragment_size=220,
        no_match_size=0,
    )
    search = search.highlight("title", number_of_fragments=0)
    search = search.highlight("question", "body")
    search = search.source(excludes=HIT_SOURCE_EXCLUDES)
    search = search.extra(
        from_=query.offset, size=query.limit, track_total_hits=True, timeout=f"{timeout_ms}ms"
    )
    return search.to_dict()


def suggest_query(prefix_words: list[str]) -> Q:
    """Every typed word but the last is a whole title word; the last is a word start. The
    edge n-grams of the title rank the completions."""
    *whole, last = prefix_words
    clauses = [Q("term", title_words=w) for w in whole] + [Q("prefix", title_words=last)]
    return Q(
        "bool",
        must=clauses,
        should=[Q("match", title_suggest={"query": " ".join(prefix_words), "operator": "and"})],
    )


def suggest_body(prefix_words: list[str], *, limit: int, timeout_ms: int) -> dict:
    search = (
        Search()
        .query(suggest_query(prefix_words))
        .source(SUGGEST_SOURCE)
        .extra(size=limit, timeout=f"{timeout_ms}ms")
    )
    return search.to_dict()


def sources_body(*, size: int, after: str | None) -> dict:
    """A page of (source, key, fingerprint), in key order, after ``after``: search_after
    pages through an index of any size and holds nothing open on the engine, which a scroll
    would (both engines recommend it over scroll for deep paging)."""
    body = {
        "query": {"match_all": {}},
        "_source": ["source", "key", "fingerprint"],
        "sort": [{"key": "asc"}],
        "size": size,
    }
    if after is not None:
        body["search_after"] = [after]
    return body


# --- answers -------------------------------------------------------------------------------


class _Stored:
    """A hit's ``_source`` with attribute access, for ``BackendHit.of``."""

    def __init__(self, source: dict):
        self.__dict__.update(source)


def _facet_key(facet: str, bucket: dict) -> str:
    if facet == "solved":
        # A boolean terms bucket's key is 1/0 with key_as_string "true"/"false".
        value = bucket.get("key_as_string", bucket["key"])
        return "yes" if value in (1, True, "true") else "no"
    return str(bucket["key"])


def results_from(response) -> BackendResults:
    """Hits, total and facets from the answer to ``search_body``."""
    facets: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    for facet in FACETS:
        for bucket in response["aggregations"][facet]["values"]["buckets"]:
            key = _facet_key(facet, bucket)
            if key != "":
                facets[facet][key] = bucket["doc_count"]
    hits, topic_titles = [], {}
    for raw in response["hits"]["hits"]:
        source, highlight = raw["_source"], raw.get("highlight", {})
        title_html = highlight["title"][0] if highlight.get("title") else ""
        fragments = list(highlight.get("question", [])) + list(highlight.get("body", []))
        if source.get("topic"):
            topic_titles.setdefault(source["topic"], source.get("topic_title", ""))
        hits.append(
            BackendHit.of(
                _Stored(source),
                snippet_source=source.get("snippet_text") or "",
                date=datetime.fromisoformat(source["date"]) if source.get("date") else None,
                title_html=title_html,
                snippet_html=" … ".join(fragments[:2]),
            )
        )
    for topic in facets["topic"]:
        topic_titles.setdefault(topic, "")
    total = response["hits"]["total"]["value"]
    return BackendResults(hits=hits, total=total, facets=facets, topic_titles=topic_titles)


def suggestions_from(response) -> list[BackendHit]:
    return [BackendHit.of(_Stored(raw["_source"])) for raw in response["hits"]["hits"]]
