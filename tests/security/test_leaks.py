"""Private pages (a ``PageViewRestriction``: password or sign-in) and drafts (never
published, unpublished, or a live page's newer unpublished revision) never leak through a
side channel: the search page and its suggestions, the ask form's suggestions, the sitemap,
feeds, the pages that list other pages (a topic, the home, related articles, popular
articles after an empty search) and their JSON-LD, or hreflang alternates.

Already covered elsewhere, not repeated: ``search.api`` never finds a never-published or
sign-in-only page, nor content made private or hidden after it was indexed
(``tests/search/contract.py``); the sitemap leaves out never-published pages and aliases
(``tests/kb/test_translations.py``) and held or hidden threads
(``tests/forum/test_thread_page.py``), whose JSON-LD leaves out hidden answers.
"""

import json
import re

import pytest
from django.contrib.syndication.views import Feed
from django.urls import reverse
from wagtail.models import Locale, Page, PageViewRestriction

from forum import services
from kb.models import FaqPage
from tests.factories import (
    FaqPageFactory,
    PolicyPageFactory,
    PostFactory,
    ThreadFactory,
    TopicPageFactory,
    UserFactory,
    faq_items,
    in_group,
)
from tests.search.contract import index_everything

pytestmark = pytest.mark.django_db

# Each page that must stay out of sight carries a made-up word of its own in its title and
# text: finding the word anywhere public is a leak.
SECRETS = {
    "password": "pwquokka",
    "signin": "loginquokka",
    "never_published": "draftquokka",
    "unpublished": "pulledquokka",
    "pending_revision": "pendingquokka",
    "private_policy": "policyquokka",
    "private_translation": "uebersetzungquokka",
}
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _faq(parent, word: str, **kwargs):
    return FaqPageFactory(
        parent=parent,
        title=f"Questions about {word}",
        slug=word,
        items=faq_items((f"What is {word}?", f"{word} is a secret.")),
        **kwargs,
    )


def _restrict(page, kind: str) -> None:
    PageViewRestriction.objects.create(
        page=page,
        restriction_type=PageViewRestriction.PASSWORD if kind == "password" else kind,
        password="opensesame" if kind == "password" else "",
    )


@pytest.fixture(scope="module")
def _site_ids(django_db_setup, django_db_blocker):
    """Public and hidden pages, built once for the module."""
    from tests.conftest import built_once_for_the_module

    with built_once_for_the_module(django_db_blocker, lambda: _build_site()) as ids:
        yield ids


def _build_site() -> dict:
    """A public topic holding public articles and one of each kind of hidden page, indexed
    as the nightly reconcile would."""
    from kb.models import HelpCenterPage

    home = HelpCenterPage.objects.get(depth=2, locale__language_code="en")
    topic = TopicPageFactory(parent=home, title="Parcels", slug="parcels")
    public = _faq(topic, "tracking")
    sibling = _faq(topic, "delivery")
    hidden = {"password": _faq(topic, SECRETS["password"])}
    _restrict(hidden["password"], PageViewRestriction.PASSWORD)
    hidden["signin"] = _faq(topic, SECRETS["signin"])
    _restrict(hidden["signin"], PageViewRestriction.LOGIN)
    hidden["never_published"] = _faq(topic, SECRETS["never_published"], publish=False)
    hidden["unpublished"] = _faq(topic, SECRETS["unpublished"])
    hidden["unpublished"].unpublish()
    hidden["private_policy"] = PolicyPageFactory(
        parent=topic, title=f"Policy {SECRETS['private_policy']}", slug=SECRETS["private_policy"]
    )
    _restrict(hidden["private_policy"], PageViewRestriction.LOGIN)

    # A live page whose next version waits for review.
    pending = FaqPage.objects.get(pk=public.pk)
    pending.title = f"Questions about {SECRETS['pending_revision']}"
    pending.items = faq_items((f"What is {SECRETS['pending_revision']}?", "Not yet."))
    pending.save_revision()

    # The German translation of the public page is private.
    german = Locale.objects.get(language_code="de")
    topic.copy_for_translation(german).save_revision().publish()
    translation = FaqPage.objects.get(pk=public.pk).copy_for_translation(german).specific
    translation.title = f"Fragen zu {SECRETS['private_translation']}"
    translation.slug = SECRETS["private_translation"]
    translation.save_revision().publish()
    _restrict(translation, PageViewRestriction.PASSWORD)
    hidden["private_translation"] = translation

    index_everything()
    return {
        "topic": topic.pk,
        "public": public.pk,
        "sibling": sibling.pk,
        "hidden": {kind: page.pk for kind, page in hidden.items()},
    }


@pytest.fixture
def site(_site_ids, db):
    pages = Page.objects.in_bulk(
        [
            _site_ids["topic"],
            _site_ids["public"],
            _site_ids["sibling"],
            *_site_ids["hidden"].values(),
        ]
    )
    return {
        "topic": pages[_site_ids["topic"]],
        "public": pages[_site_ids["public"]],
        "sibling": pages[_site_ids["sibling"]],
        "hidden": {kind: pages[pk] for kind, pk in _site_ids["hidden"].items()},
    }


def _assert_nothing_hidden_in(text: str, site, where: str) -> None:
    for kind, word in SECRETS.items():
        assert word not in text.lower(), f"{kind} ({word}) leaks through {where}"
    for kind, page in site["hidden"].items():
        assert f"/{page.slug}/" not in text, f"{kind} page's address leaks through {where}"


def test_the_fixture_hides_what_it_should(client, site):
    """The leak checks below mean something only if the hidden pages are really hidden, and
    the public ones are found where the hidden ones must not be."""
    hidden = site["hidden"]
    assert client.get(hidden["password"].url).status_code == 200  # the password form
    assert "opensesame" not in client.get(hidden["password"].url).content.decode()
    assert client.get(hidden["signin"].url).status_code == 302  # to the sign-in
    assert not hidden["never_published"].live and not hidden["unpublished"].live
    assert site["public"].has_unpublished_changes
    html = client.get("/en/search/", {"q": "tracking"}).content.decode()
    assert site["public"].url in html
    suggestions = client.get("/en/search/suggest/", {"q": "tracki"}).json()["suggestions"]
    assert site["public"].url in {s["url"].partition("#")[0] for s in suggestions}


def test_search_page_and_suggestions_show_nothing_hidden(client, site):
    for kind, word in SECRETS.items():
        # Each hidden page is searched for in its own language.
        language = "de" if kind == "private_translation" else "en"
        page = client.get(f"/{language}/search/", {"q": word})
        assert page.context["results"].total == 0, kind
        _assert_nothing_hidden_in(page.content.decode().replace(word, ""), site, "search")
        suggestions = client.get(f"/{language}/search/suggest/", {"q": word[:6]})
        _assert_nothing_hidden_in(suggestions.content.decode(), site, "search suggestions")
        asking = client.get(f"/{language}/forum/ask/suggestions/", {"q": f"about {word}"})
        _assert_nothing_hidden_in(asking.content.decode(), site, "the ask form's suggestions")


def test_sitemap_lists_no_hidden_page(client, site):
    xml = client.get("/sitemap.xml").content.decode()

    assert site["public"].full_url in xml  # the sitemap does list the topic's pages
    _assert_nothing_hidden_in(xml, site, "the sitemap")


def test_topic_page_and_its_json_ld_list_only_public_articles(client, site):
    html = client.get(site["topic"].url).content.decode()

    assert "Questions about tracking" in html and "Questions about delivery" in html
    _assert_nothing_hidden_in(html, site, "the topic page")
    for raw in LD_JSON.findall(html):
        _assert_nothing_hidden_in(json.dumps(json.loads(raw)), site, "the topic's JSON-LD")


def test_an_article_shows_its_published_version_and_no_hidden_related_article(client, site):
    html = client.get(site["sibling"].url).content.decode()
    assert "Questions about tracking" in html  # related: the public sibling
    _assert_nothing_hidden_in(html, site, "related articles")

    html = client.get(site["public"].url).content.decode()
    assert "What is tracking?" in html
    _assert_nothing_hidden_in(html, site, "the live version of a page with a pending draft")


def test_home_and_an_empty_search_offer_no_hidden_article(client, site):
    home = client.get("/en/").content.decode()
    empty_search = client.get("/en/search/", {"q": "xylophone"}).content.decode()

    assert "Popular articles" in empty_search
    _assert_nothing_hidden_in(home, site, "the home page")
    _assert_nothing_hidden_in(empty_search, site, "popular articles")


def test_a_private_translation_is_no_hreflang_alternate(client, site):
    html = client.get(site["public"].url).content.decode()
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html)

    assert ("en", site["public"].full_url) in alternates
    assert "de" not in dict(alternates)
    _assert_nothing_hidden_in(html, site, "the language switcher")


def test_official_answers_feed_lists_only_visible_threads(client, site):
    staff = in_group(UserFactory(), "Support staff")
    moderator = in_group(UserFactory(), "Forum moderators")
    shown = ThreadFactory(title="Which carrier do you ship with?")
    hidden = ThreadFactory(title="Where is the secret sale?")
    for thread in (shown, hidden):
        answer = PostFactory(thread=thread, author=staff, body=f"Answer about {thread.title}")
        services.reply_mark_official(reply=answer, by=staff)
    services.post_hide(post=hidden.posts.get(is_question=True), by=moderator, reason="spam")

    feed = client.get(reverse("forum:official_feed")).content.decode()

    assert "Which carrier do you ship with?" in feed
    assert "secret sale" not in feed
    _assert_nothing_hidden_in(feed, site, "the official answers feed")


def test_the_official_answers_feed_is_the_only_feed():
    """A new feed must get a leak test of its own: this fails until it is listed here."""
    from tests.security.routes import public_patterns

    feeds = {name for name, _route, view in public_patterns() if isinstance(view, Feed)}

    assert feeds == {"forum:official_feed"}
