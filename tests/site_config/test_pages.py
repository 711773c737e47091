"""The layout every page shares: landmarks, skip link, search box, sign-in state, and a
bounded number of queries whatever the visitor."""

import pytest

from tests.factories import UserFactory


@pytest.mark.parametrize("path", ["/en/", "/tr/search/?q=iade", "/accounts/login/"])
def test_every_page_has_the_shared_layout(client, help_center, path):
    html = client.get(path).content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert 'role="search"' in html and 'name="q"' in html
    assert 'class="language-switcher"' in html
    assert "<script>" not in html  # no inline script: the CSP forbids it


def test_public_pages_send_a_strict_content_security_policy(client, help_center):
    response = client.get("/en/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_header_shows_sign_in_state(client, help_center):
    assert "/accounts/login/" in client.get("/en/").content.decode()
    client.force_login(UserFactory(profile="Deniz"))
    html = client.get("/en/").content.decode()
    assert "Deniz" in html
    assert 'action="/accounts/logout/"' in html


def test_home_runs_a_bounded_number_of_queries(client, help_center, django_assert_max_num_queries):
    # The first page also reads the brand (site, brand, footer links, contact channels),
    # which later pages take from the cache.
    with django_assert_max_num_queries(26):
        assert client.get("/tr/").status_code == 200
    with django_assert_max_num_queries(21):
        assert client.get("/tr/", {"fresh": 1}).status_code == 200  # not the kept page
    client.force_login(UserFactory())
    with django_assert_max_num_queries(27):
        assert client.get("/tr/").status_code == 200


@pytest.mark.parametrize(
    "query",
    ['"', "(", "*", "OR", "a OR (b", "title:x~", "NOT", "🙂 iade", "İADE", "x" * 5000, "\x00\x1f"],
)
def test_search_answers_any_query_with_a_page(client, help_center, query):
    response = client.get("/tr/search/", {"q": query})
    assert response.status_code == 200


def test_search_finds_an_article_by_its_title(client, help_center):
    from tests.factories import FaqPageFactory, TopicPageFactory, faq_items
    from tests.search.contract import index_everything

    topic = TopicPageFactory(parent=help_center["de"], title="Hilfe", slug="hilfe")
    FaqPageFactory(
        parent=topic,
        title="Häufige Fragen",
        slug="fragen",
        items=faq_items(("Wie kann ich helfen?", "Indem du fragst.")),
    )
    index_everything()
    html = client.get("/de/search/", {"q": "helfen"}).content.decode()
    assert "Wie kann ich <mark>helfen</mark>?" in html


def test_search_escapes_the_echoed_query(client, help_center):
    html = client.get("/en/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
