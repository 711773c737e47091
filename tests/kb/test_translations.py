"""Readers never meet a 404 for a missing translation; editors see which translations are
out of date; search engines get every language in the sitemap with its alternates."""

import re

import pytest
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


class Editor:
    """An editor in the Wagtail admin using wagtail-localize's own views, with commit
    callbacks run as after a real request (wagtail-localize publishes on commit)."""

    def __init__(self, client, capture):
        self.client, self.capture = client, capture
        self.user = get_user_model().objects.get(email="admin@example.com")

    def start_translation(self, page, language: str = "tr") -> Page:
        """ "Translate this page" into ``language``; returns the page it made or converted."""
        locale = Locale.objects.get(language_code=language)
        self.client.force_login(self.user)
        with self.capture(execute=True):
            response = self.client.post(
                reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
                {"locales": [locale.pk]},
            )
        self.client.logout()
        assert response.status_code == 302
        return page.get_translation(locale)

    def sync_and_publish(self, page) -> None:
        """ "Sync translated pages" on the source, with "Publish" ticked."""
        from wagtail_localize.models import TranslationSource

        source = TranslationSource.objects.get(object_id=page.translation_key)
        self.client.force_login(self.user)
        with self.capture(execute=True):
            response = self.client.post(
                reverse("wagtail_localize:update_translations", args=[source.pk]),
                {"publish_translations": "on"},
            )
        self.client.logout()
        assert response.status_code == 302


@pytest.fixture
def editor(client, django_capture_on_commit_callbacks):
    return Editor(client, django_capture_on_commit_callbacks)


@pytest.fixture
def gift_cards(kb_tree):
    """An English-only article, copied (aliased) into the Turkish tree."""
    page = FaqPageFactory(parent=kb_tree["en"]["topic"], title="Gift cards", slug="gift-cards")
    _sync("tr")
    return page


def test_a_translation_in_progress_shows_the_original_with_a_notice_until_it_is_published(
    client, editor, gift_cards, django_capture_on_commit_callbacks
):
    """ "Translate this page" turns the Turkish copy of an English-only article into a page
    of its own at once (wagtail-localize), still holding the English text, and live. Until
    the translator publishes, Turkish readers get the English text with the notice, and
    neither search nor the sitemap takes it for a Turkish article. (With wagtail-localize's
    default, the English text would be published as the translation: the commit callbacks
    run here, so this test would see it.)"""
    from wagtail_localize.models import Translation

    from kb.reports import translations_in_progress
    from search.documents import searchable_page

    english = gift_cards
    turkish = editor.start_translation(english)
    assert turkish.alias_of_id is None and turkish.live
    assert not TranslationRecord.objects.filter(page=turkish).exists()
    client.force_login(editor.user)
    report = client.get(reverse("kb_translation_status")).content.decode()
    assert turkish.title in report.split("Being translated")[1].split("Not translated yet")[0]
    assert list(translations_in_progress("tr")) == [turkish.page_ptr]
    client.logout()

    html = client.get(turkish.url).content.decode()
    assert '<article class="article" lang="en">' in html
    assert "Bu makale henüz" in html
    assert f'<link rel="canonical" href="{english.full_url}">' in html
    assert turkish.full_url not in client.get("/sitemap.xml").content.decode()
    assert searchable_page(turkish.pk) is None
    assert searchable_page(english.pk) is not None

    translation = Translation.objects.get(
        source__object_id=english.translation_key, target_locale=turkish.locale
    )
    po = translation.export_po()
    for entry in po:
        entry.msgstr = "Hediye kartları" if entry.msgid == "Gift cards" else f"(tr) {entry.msgid}"
    translation.import_po(po)
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(user=editor.user, publish=True)

    turkish = Page.objects.get(pk=turkish.pk)  # its slug is translated too
    html = client.get(turkish.url).content.decode()
    assert "Hediye kartları" in html
    assert "Bu makale henüz" not in html
    assert '<article class="article" lang="en">' not in html
    assert turkish.full_url in client.get("/sitemap.xml").content.decode()
    assert searchable_page(turkish.pk) is not None
    assert not translations_in_progress("tr").exists()


def test_a_page_written_in_turkish_first_is_never_taken_for_a_translation_in_progress(
    client, kb_tree, editor
):
    """A Turkish original that an editor then translates into English has no record (it
    is the source), and is still the Turkish page itself: no notice, searchable."""
    from search.documents import searchable_page

    turkish = FaqPageFactory(
        parent=kb_tree["tr"]["topic"], title="Kargo takibi", slug="kargo-takibi"
    )
    assert editor.start_translation(turkish, "en")

    html = client.get(turkish.url).content.decode()
    assert "Bu makale henüz" not in html
    assert '<article class="article" lang="en">' not in html
    assert searchable_page(turkish.pk) is not None
    assert turkish.full_url in client.get("/sitemap.xml").content.decode()


def test_a_translation_in_progress_is_unpublished_with_its_english_page(
    client, kb_tree, editor, gift_cards
):
    """As Wagtail does for the copies (aliases) of a page that is unpublished."""
    turkish = editor.start_translation(gift_cards)
    assert turkish.live

    gift_cards.unpublish()

    turkish.refresh_from_db()
    assert not turkish.live
    assert client.get(turkish.url).status_code == 404
    kb_tree["en"]["faq"].unpublish()
    assert Page.objects.get(pk=kb_tree["tr"]["faq"].pk).live  # a published translation stays


def test_syncing_with_publish_before_a_word_is_translated_keeps_it_a_translation_in_progress(
    client, editor, gift_cards
):
    """wagtail-localize's "Sync translated pages" with "Publish" ticked publishes every
    translation of the page, including one nobody has written yet: the source's text.
    That page stays a translation in progress (notice, not in search) until a translator
    writes and publishes it."""
    from search.documents import searchable_page

    turkish = editor.start_translation(gift_cards)
    editor.sync_and_publish(gift_cards)

    turkish.refresh_from_db()
    assert turkish.live_revision_id  # published by the sync
    assert not TranslationRecord.objects.filter(page=turkish).exists()
    assert "Bu makale henüz" in client.get(turkish.url).content.decode()
    assert searchable_page(turkish.pk) is None


def test_a_policy_published_before_it_is_translated_keeps_no_version_of_its_own(kb_tree, editor):
    """The change history of a Turkish policy lists Turkish versions only: a publish of the
    English text by wagtail-localize is not one."""
    from kb.models import PolicyVersion
    from tests.factories import PolicyPageFactory

    english = PolicyPageFactory(parent=kb_tree["en"]["topic"], title="Warranty", slug="warranty")
    _sync("tr")
    turkish = editor.start_translation(english)
    editor.sync_and_publish(english)

    turkish.refresh_from_db()
    assert turkish.live_revision_id
    assert not PolicyVersion.objects.filter(page=turkish).exists()
    assert PolicyVersion.objects.filter(page=english).count() == 1
