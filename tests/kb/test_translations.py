"""Readers never meet a 404 for a missing translation; editors see which translations are
out of date; search engines get every language in the sitemap with its alternates."""

import re

from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail_localize.models import LocaleSynchronization
from wagtail_localize.synctree import synchronize_tree

from kb.models import TranslationRecord
from tests.factories import FaqPageFactory


def _sync(language):
    en = Locale.objects.get(language_code="en")
    target = Locale.objects.get(language_code=language)
    LocaleSynchronization.objects.get_or_create(locale=target, defaults={"sync_from": en})
    synchronize_tree(en, target)


def test_untranslated_article_is_shown_in_english_with_a_notice(client, kb_tree):
    english_only = FaqPageFactory(
        parent=kb_tree["en"]["topic"], title="Gift cards", slug="gift-cards"
    )
    _sync("tr")
    alias = Page.objects.get(
        translation_key=english_only.translation_key, locale__language_code="tr"
    )

    response = client.get(alias.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="tr"' in html
    assert '<article class="article" lang="en">' in html  # the text is English, and says so
    assert "Bu makale henüz" in html  # the notice is in Turkish
    assert f'<link rel="canonical" href="{english_only.full_url}">' in html
    assert 'hreflang="tr"' not in html.split("</head>")[0]  # an alias is not a translation


def test_translation_records_its_source_and_goes_out_of_date(kb_tree, client):
    english, turkish = kb_tree["en"]["faq"], kb_tree["tr"]["faq"]
    record = TranslationRecord.objects.get(page=turkish)
    assert record.source_page_id == english.pk
    assert record.source_revision_id == english.live_revision_id

    english.title = "Return questions, updated"
    english.save_revision().publish()

    admin = get_user_model().objects.get(email="admin@example.com")
    client.force_login(admin)
    html = client.get(reverse("kb_translation_status")).content.decode()
    stale = html.split("Not translated yet")[0]
    assert turkish.title in stale
    assert kb_tree["de"]["faq"].title in stale
    assert kb_tree["tr"]["policy"].title not in stale  # its source did not change

    turkish.save_revision().publish()  # the translator catches up
    html = client.get(reverse("kb_translation_status")).content.decode()
    assert turkish.title not in html.split("Not translated yet")[0]


def test_sitemap_lists_every_language_with_alternates(client, kb_tree):
    xml = client.get("/sitemap.xml").content.decode()
    faq = {code: kb_tree[code]["faq"] for code in ("en", "tr", "de")}
    for page in faq.values():
        assert f"<loc>{page.full_url}</loc>" in xml
    entry = re.search(rf"<url><loc>{re.escape(faq['tr'].full_url)}</loc>.*?</url>", xml).group(0)
    for code, page in faq.items():
        assert f'hreflang="{code}" href="{page.full_url}"' in entry
    assert f'hreflang="x-default" href="{faq["en"].full_url}"' in entry


def test_sitemap_leaves_out_drafts_and_aliases(client, kb_tree):
    draft = FaqPageFactory(parent=kb_tree["en"]["topic"], slug="secret-draft", publish=False)
    _sync("de")
    xml = client.get("/sitemap.xml").content.decode()
    assert "secret-draft" not in xml
    aliases = Page.objects.filter(alias_of__isnull=False)
    assert all(alias.full_url not in xml for alias in aliases)
    assert draft.pk


def test_translation_editor_says_which_source_version_it_came_from(client, kb_tree):
    client.force_login(get_user_model().objects.get(email="admin@example.com"))
    english, turkish = kb_tree["en"]["policy"], kb_tree["tr"]["policy"]
    edit = reverse("wagtailadmin_pages:edit", args=[turkish.pk])

    html = client.get(edit).content.decode()
    assert f"(revision {english.live_revision_id})" in html
    assert "Up to date with the source." in html

    english.title = "Returns policy, clarified"
    english.save_revision().publish()
    assert "Out of date: the source was published again" in client.get(edit).content.decode()
    source_edit = client.get(reverse("wagtailadmin_pages:edit", args=[english.pk]))
    assert "Translated from" not in source_edit.content.decode()
