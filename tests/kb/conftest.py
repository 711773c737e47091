import json
import re

import pytest
from wagtail.models import Locale, Page

from tests.factories import (
    FaqPageFactory,
    HowToVideoPageFactory,
    PolicyPageFactory,
    TopicPageFactory,
)

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(html: str) -> dict[str, dict]:
    """The page's JSON-LD objects by @type (parsing fails the test if any is invalid)."""
    return {obj["@type"]: obj for obj in (json.loads(raw) for raw in LD_JSON.findall(html))}


def translate(page, language: str, **fields):
    """A published translation of ``page`` (its parent must be translated already)."""
    copy = page.copy_for_translation(Locale.objects.get(language_code=language)).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return type(copy).objects.get(pk=copy.pk)


@pytest.fixture(scope="module")
def _kb_tree_ids(django_db_setup, django_db_blocker):
    """The tree's page ids, built once for the module."""
    from tests.conftest import built_once_for_the_module

    def build():
        return {
            language: {kind: page.pk for kind, page in pages.items()}
            for language, pages in _build_tree().items()
        }

    with built_once_for_the_module(django_db_blocker, build) as ids:
        yield ids


@pytest.fixture
def kb_tree(_kb_tree_ids, help_center):
    """A topic with one article of each type in English, all translated into tr and de."""
    return {
        language: {kind: Page.objects.get(pk=pk).specific for kind, pk in pages.items()}
        for language, pages in _kb_tree_ids.items()
    }


def _build_tree():
    from kb.models import HelpCenterPage

    home = HelpCenterPage.objects.get(depth=2, locale__language_code="en")
    topic = TopicPageFactory(parent=home, title="Returns", slug="returns")
    pages = {
        "topic": topic,
        "faq": FaqPageFactory(parent=topic, title="Return questions", slug="return-questions"),
        "video": HowToVideoPageFactory(parent=topic, title="How to return", slug="how-to-return"),
        "policy": PolicyPageFactory(parent=topic, title="Returns policy", slug="returns-policy"),
    }
    tree = {"en": pages}
    for language in ("tr", "de"):
        tree[language] = {}
        for kind, page in pages.items():
            tree[language][kind] = translate(
                page, language, title=f"{page.title} ({language})", slug=f"{page.slug}-{language}"
            )
    return tree
