"""The exact requests the engine backends send (no server needed: both send the same
ones, built by ``search.backends.definitions``), and what happens when the engine is down,
for Elasticsearch and OpenSearch alike."""

import pytest

from search import api
from search.backends.base import Query
from search.backends.definitions import LANGUAGE_ANALYZERS
from search.backends.elasticsearch import ElasticsearchBackend
from search.backends.opensearch import OpenSearchBackend
from search.models import Synonym
from tests.search.contract import index_everything

pytestmark = pytest.mark.django_db

ENGINES = {"elasticsearch": "ELASTICSEARCH_URL", "opensearch": "OPENSEARCH_URL"}


@pytest.fixture(params=sorted(ENGINES))
def backend(request, settings):
    setattr(settings, ENGINES[request.param], "http://127.0.0.1:9")
    settings.SEARCH_INDEX_PREFIX = "helpcenter"
    return {"elasticsearch": ElasticsearchBackend, "opensearch": OpenSearchBackend}[request.param]()


def engine_down(settings, engine: str, port: int) -> None:
    """Point the settings at an engine that does not answer (nothing listens on ``port``)."""
    settings.SEARCH_ENGINE = engine
    setattr(settings, ENGINES[engine], f"http://127.0.0.1:{port}")
    settings.SEARCH_TIMEOUT = 0.5
    api.reset_backend()


@pytest.mark.parametrize("language", ["en", "tr", "de"])
def test_each_language_gets_its_own_analyzer_and_lemma_fields(backend, language):
    Synonym.objects.create(language=language, terms="refund, money back")
    body = backend.index_definition(language)
    props = body["mappings"]["properties"]
    for field in ("title", "question", "body"):
        assert props[field] == {"type": "text", "analyzer": LANGUAGE_ANALYZERS[language]}
        assert props[f"{field}_terms"] == {
            "type": "text",
            "analyzer": "lemmas",
            "search_analyzer": "lemmas_search",
        }
    for field in ("key", "source", "kind", "topic", "fingerprint", "language"):
        assert props[field] == {"type": "keyword"}
    assert props["title_suggest"]["analyzer"] == "suggest_index"
    analysis = body["settings"]["analysis"]
    assert analysis["analyzer"]["lemmas"] == {
        "type": "custom",
        "tokenizer": "whitespace",
        "filter": ["lowercase"],
    }
    assert analysis["filter"]["suggest_ngrams"] == {
        "type": "edge_ngram",
        "min_gram": 2,
        "max_gram": 20,
    }
    synonyms = analysis["filter"]["editor_synonyms"]
    assert synonyms["type"] == "synonym_graph"
    # The editors' words as lemmas, the form the lemma fields hold.
    lemmas = [api.analysis.analyzed_text(p, language) for p in ("refund", "money back")]
    assert synonyms["synonyms"] == [", ".join(lemmas)]
    assert body["settings"]["number_of_shards"] == 1


def test_query_body_boosts_fields_filters_and_highlights_safely(backend):
    query = Query(language="tr", terms=["iade", "süre"], kind="faq", limit=10, offset=10)
    body = backend.search_body(query)
    text = body["query"]["bool"]["must"][0]
    first_term = text["bool"]["must"][0]["bool"]["should"][0]["multi_match"]
    assert first_term["query"] == "iade"
    assert first_term["fields"] == [
        "title^6",
        "title_terms^6",
        "question^3",
        "question_terms^3",
        "body^1",
        "body_terms^1",
    ]
    assert first_term["fuzziness"] == "AUTO"
    # The filters narrow the hits, not the facets: a post_filter.
    assert body["post_filter"] == {"bool": {"filter": [{"term": {"kind": "faq"}}]}}
    assert "filter" not in body["query"]["bool"]
    assert {"constant_score": {"filter": {"term": {"official": True}}, "boost": 1.0}} in body[
        "query"
    ]["bool"]["should"]
    assert body["highlight"]["encoder"] == "html"
    assert body["highlight"]["pre_tags"] == ["<mark>"]
    assert (body["from"], body["size"]) == (10, 10)
    assert body["timeout"].endswith("ms")
    assert body["track_total_hits"] is True
    # The kind facet ignores the kind filter (other types stay choosable); topic keeps it.
    assert body["aggs"]["kind"]["filter"] == {"match_all": {}}
    assert body["aggs"]["topic"]["filter"] == {"bool": {"filter": [{"term": {"kind": "faq"}}]}}


def test_compound_parts_and_title_pairs_in_the_query_body(backend):
    query = Query(
        language="de",
        terms=["ratenkauf"],
        parts={"ratenkauf": ["raten", "kaufen"]},
        title_pairs=["wo ist"],
        term_pairs=["raten kaufen"],
    )
    body = backend.search_body(query)["query"]["bool"]
    alternatives = body["must"][0]["bool"]["must"][0]["bool"]["should"]
    assert alternatives[0]["multi_match"]["query"] == "ratenkauf"
    together = alternatives[1]["bool"]["must"]
    assert [part["multi_match"]["query"] for part in together] == ["raten", "kaufen"]
    assert {
        "constant_score": {"filter": {"match_phrase": {"title_words": "wo ist"}}, "boost": 1.0}
    } in body["should"]
    assert {
        "constant_score": {
            "filter": {"match_phrase": {"title_terms": "raten kaufen"}},
            "boost": 0.5,
        }
    } in body["should"]


def test_query_never_carries_the_visitors_syntax(backend):
    import re

    terms = api.analysis.query_terms('title:"refund" OR (x*) ~2 AND -y', "en")
    body = backend.search_body(Query(language="en", terms=terms))
    sent = re.findall(r"'query': '([^']*)'", str(body["query"]))
    assert sent and all(re.fullmatch(r"\w+", text) for text in sent), sent


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_search_falls_back_to_the_database_when_the_engine_is_down(
    client, settings, content, unused_tcp_port, engine
):
    settings.SEARCH_ENGINE = "database"
    api.reset_backend()
    index_everything()  # the database table, kept by the same pipeline
    engine_down(settings, engine, unused_tcp_port)
    try:
        results = api.search("refund", "en")
        assert results.fell_back and results.backend == "database"
        assert "When is my refund paid?" in {h.title for h in results.hits}
        page = client.get("/en/search/", {"q": "refund"})
        assert page.status_code == 200
        assert "some results may be missing" in page.content.decode()
        assert api.suggest("ret", "en")
        ready = client.get("/readyz").json()["search"]
        assert ready == {"backend": engine, "reachable": False, "answering": "database"}
    finally:
        api.reset_backend()


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_save_never_fails_when_the_engine_is_down(
    settings, unused_tcp_port, django_capture_on_commit_callbacks, engine
):
    from forum import services
    from search.models import SearchDocument
    from tests.factories import BoardFactory, UserFactory

    engine_down(settings, engine, unused_tcp_port)
    settings.FORUM_NEW_MEMBER_POSTS = 0
    try:
        with django_capture_on_commit_callbacks(execute=True):
            thread = services.thread_create(
                board=BoardFactory(),
                author=UserFactory(),
                title="Is the engine down today?",
                body="just asking",
                language="en",
            )
        assert thread.pk
        # The database's own index still has it, so the fallback finds it.
        assert SearchDocument.objects.filter(key=f"thread:{thread.pk}").exists()
    finally:
        api.reset_backend()


@pytest.mark.parametrize(
    "env, engine",
    [
        ({}, "database"),
        ({"ELASTICSEARCH_URL": "http://es:9200"}, "elasticsearch"),
        ({"OPENSEARCH_URL": "http://os:9200"}, "opensearch"),
        ({"SEARCH_ENGINE": "database", "OPENSEARCH_URL": "http://os:9200"}, "database"),
        (
            {
                "SEARCH_ENGINE": "opensearch",
                "OPENSEARCH_URL": "http://os:9200",
                "ELASTICSEARCH_URL": "http://es:9200",
            },
            "opensearch",
        ),
    ],
)
def test_the_engine_is_chosen_by_setting_or_by_the_url_given(settings, env, engine):
    settings.SEARCH_ENGINE = env.get("SEARCH_ENGINE", "")
    settings.ELASTICSEARCH_URL = env.get("ELASTICSEARCH_URL", "")
    settings.OPENSEARCH_URL = env.get("OPENSEARCH_URL", "")
    api.reset_backend()
    try:
        assert api.configured_engine() == engine
        assert api.get_backend().name == engine
        names = [backend.name for backend in api.index_backends()]
        assert names == (["database"] if engine == "database" else ["database", engine])
    finally:
        api.reset_backend()
