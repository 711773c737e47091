"""The demo help center that ``make run`` shows: real articles in three languages."""

import json

import pytest
from wagtail.models import Page

from kb.demo import CONTENT_DIR
from kb.demo_content.check import check
from kb.models import FaqPage, HowToVideoPage, PolicyPage, PolicyVersion, TopicPage

LANGUAGES = ("en", "tr", "de")

# The marker also makes pytest-django set up the test database when this module runs alone.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", sorted(CONTENT_DIR.glob("*.json")), ids=lambda p: p.name)
def test_demo_content_files_are_complete(path):
    assert check(json.loads(path.read_text(encoding="utf-8"))) == []


def _real(model, language):
    return model.objects.live().filter(locale__language_code=language, alias_of__isnull=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_demo_has_the_promised_articles_in_every_language(demo, django_db_blocker, language):
    with django_db_blocker.unblock():
        assert _real(TopicPage, language).count() >= 4
        faqs = list(_real(FaqPage, language))
        assert len(faqs) >= 6
        assert sum(len(page.questions()) for page in faqs) >= 30
        assert _real(HowToVideoPage, language).count() >= 3
        policies = list(_real(PolicyPage, language))
        assert len(policies) >= 4
        for policy in policies:
            assert PolicyVersion.objects.filter(page=policy).count() >= 2


def test_demo_pages_are_linked_as_translations(demo, django_db_blocker):
    with django_db_blocker.unblock():
        for page in _real(FaqPage, "en"):
            languages = set(
                Page.objects.filter(
                    translation_key=page.translation_key, alias_of__isnull=True
                ).values_list("locale__language_code", flat=True)
            )
            if page.slug != "gift-cards":  # the one English-only article, to show fallback
                assert languages == set(LANGUAGES), page.title


def test_demo_shows_an_untranslated_article_with_a_notice(demo, django_db_blocker, client):
    with django_db_blocker.unblock():
        alias = Page.objects.get(slug="gift-cards", locale__language_code="de")
        response = client.get(alias.url)
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_loading_the_demo_again_changes_nothing(loaded_again):
    before, after = loaded_again
    for model in ("Page", "Revision", "PolicyVersion"):
        assert after[model] == before[model], model
