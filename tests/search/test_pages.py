"""The search page, suggestions and click-through, as visitors use them."""

import pytest
from django.urls import reverse

from search.models import QueryLog
from tests.search.contract import ODD_QUERIES, index_everything

pytestmark = pytest.mark.django_db


def test_search_page_shows_highlighted_results_with_facets(client, content):
    index_everything()
    response = client.get("/en/search/", {"q": "refunds"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>refund</mark>" in html.lower()
    assert "When is my <mark>refund</mark> paid?" in html
    assert 'href="?q=refunds&amp;lang=en&amp;type=faq"' in html


def test_odd_queries_answer_with_a_page(client, content):
    index_everything()
    for query in ODD_QUERIES:
        response = client.get("/en/search/", {"q": query})
        assert response.status_code == 200, query


def test_no_results_offers_popular_articles_and_asking_with_the_query(client, content):
    index_everything()
    html = client.get("/en/search/", {"q": "xylophone lessons"}).content.decode()
    assert "Ask the community" in html
    assert "/en/forum/ask/?q=xylophone%20lessons" in html
    assert "Return questions" in html  # a popular (here: newest) article


def test_searches_are_logged_without_personal_data_and_clicks_counted(client, content):
    index_everything()
    response = client.get("/en/search/", {"q": "  Refunds!!  "})
    entry = QueryLog.objects.get()
    assert (entry.query, entry.language, entry.results) == ("refunds", "en", 2)
    assert not {f.name for f in QueryLog._meta.fields} & {"user", "ip", "session"}
    token = response.context["click_token"]
    assert client.post(reverse("search:click") + f"?t={token}&r=2").status_code == 204
    entry.refresh_from_db()
    assert entry.clicked_rank == 2
    assert client.post(reverse("search:click") + "?t=forged&r=1").status_code == 400


def test_result_links_go_straight_to_the_page_and_ping_the_click(client, content):
    index_everything()
    html = client.get("/en/search/", {"q": "refund paid"}).content.decode()
    assert 'href="/en/returns/return-questions/#when-is-my-refund-paid"' in html
    assert 'ping="/en/search/click/?t=' in html


def test_suggest_answers_json(client, content):
    index_everything()
    data = client.get(reverse("search:suggest"), {"q": "ret"}).json()
    assert "How do I return a parcel?" in [s["title"] for s in data["suggestions"]]
    assert client.get(reverse("search:suggest"), {"q": "x" * 5000}).status_code == 200


def test_language_filter_searches_another_language(client, content):
    index_everything()
    response = client.get("/en/search/", {"q": "Rücksendung", "lang": "de"})
    assert "Wie funktioniert die <mark>Rücksendung</mark>?" in response.content.decode()


def test_search_page_runs_a_fixed_number_of_queries(client, content, django_assert_max_num_queries):
    index_everything()
    client.get("/en/search/", {"q": "refund"})
    with django_assert_max_num_queries(25) as few:
        client.get("/en/search/", {"q": "refund"})
    with django_assert_max_num_queries(25) as many:
        client.get("/en/search/", {"q": "return"})
    assert abs(len(few.captured_queries) - len(many.captured_queries)) <= 2


def test_editors_read_the_search_report_and_download_it(client, content):
    from django.contrib.auth import get_user_model

    index_everything()
    for query in ("refund", "refund", "zebra stripes"):
        client.get("/en/search/", {"q": query})
    admin = get_user_model().objects.get(email="admin@example.com")
    client.force_login(admin)
    html = client.get(reverse("search_report")).content.decode()
    assert "zebra stripes" in html and "refund" in html
    assert "<svg" in html  # the chart
    csv = client.get(reverse("search_report"), {"export": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = b"".join(csv.streaming_content).decode().splitlines()  # Wagtail streams its CSV
    assert lines[0].startswith("query,language,searches")
    assert "refund,en,2,0,0,0%" in lines
    old_link = client.get(reverse("search_report"), {"format": "csv"})
    assert old_link["Location"] == reverse("search_report") + "?export=csv"


def test_the_log_keeps_no_addresses_or_numbers(client, content):
    client.get("/en/search/", {"q": "Ayşe ayse.yilmaz@gmail.com order 12345 refund"})
    assert QueryLog.objects.get().query == "ayşe order refund"


def test_a_failing_engine_on_the_second_request_still_answers(client, content, monkeypatch):
    from search import api
    from search.backends.base import BackendUnavailable
    from search.backends.database import DatabaseBackend

    index_everything()
    calls = {"n": 0}
    real = DatabaseBackend.search

    class Flaky(DatabaseBackend):
        name = "flaky"
        external = True  # an engine beside the database, as far as api is concerned

        def search(self, query):
            calls["n"] += 1
            if calls["n"] > 1:
                raise BackendUnavailable("timed out")
            return real(self, query)

    monkeypatch.setattr(api, "get_backend", lambda: Flaky())
    response = client.get("/en/search/", {"q": "refnud"})  # a typo: a second request
    assert response.status_code == 200
    assert response.context["results"].fell_back


def test_the_report_counts_spellings_search_treats_as_one_as_one_query(client, content):
    """ "İADE" is logged "iade", "IADE" "ıade" (Turkish casing), and search finds the same
    for both: the report has one row for them, under the spelling used most."""
    from search import reports

    for query in ("İADE", "IADE", "iade", "iade", "Kargo"):
        client.get("/tr/search/", {"q": query})
    assert sorted(QueryLog.objects.values_list("query", flat=True)) == [
        "iade",
        "iade",
        "iade",
        "kargo",
        "ıade",
    ]
    top = {row["query"]: row["searches"] for row in reports.top_queries(language="tr")}
    assert top == {"iade": 4, "kargo": 1}


def test_searches_logged_before_the_key_get_one(client, content):
    """Migration search 0007 fills the key of searches logged before it."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("search.migrations.0007_query_log_key")
    QueryLog.objects.create(query="ıade", language="tr", results=0, backend="database")
    QueryLog.objects.create(query="rücksendung", language="de", results=0, backend="database")
    migration.fill_keys(apps, None)
    assert dict(QueryLog.objects.values_list("query", "key")) == {
        "ıade": "iade",
        "rücksendung": "rucksendung",
    }
