import json
import re

import pytest
from wagtail.models import Locale

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


@pytest.fixture
def kb_tree(help_center):
    """A topic with one article of each type in English, all translated into tr and de."""
    topic = TopicPageFactory(parent=help_center["en"], title="Returns", slug="returns")
    pages = {
        "topic": topic,
        "faq": FaqPageFactory(parent=topic, title="Return questions", slug="return-questions"),
        "video": HowToVideoPageFactory(parent=topic, title="How to return", slug="how-to-return"),
        "policy": PolicyPageFactory(parent=topic, title="Returns policy", slug="returns-policy"),
    }
    tree = {"en": pages}
    for language, suffix in (("tr", "tr"), ("de", "de")):
        tree[language] = {}
        for kind, page in pages.items():
            tree[language][kind] = translate(
                page, language, title=f"{page.title} ({suffix})", slug=f"{page.slug}-{suffix}"
            )
    return tree
