"""Translating a page cannot go wrong for an editor (kb.translating): the main button of the
translation editor submits for moderation (or publishes, for those who may), the slug follows
the translated title in Turkish and German letters, and a question's anchor is not text to
translate."""

import json
import re

import pytest
from django.urls import reverse
from wagtail.models import Locale, Page, WorkflowState
from wagtail.users.models import UserProfile
from wagtail_localize.models import StringSegment, StringTranslation, Translation

from kb import translating
from kb.models import FaqPage
from tests.factories import FaqPageFactory, UserFactory, editorial_roles


@pytest.mark.parametrize(
    ("title", "language", "slug"),
    [
        ("İade ve değişim süresi", "tr", "iade-ve-degisim-suresi"),
        ("Kapıda ödeme ılık mı? IŞIK", "tr", "kapida-odeme-ilik-mi-isik"),
        ("Çağrı merkezi şikâyet", "tr", "cagri-merkezi-sikayet"),
        ("Rücksendung über die Straße", "de", "ruecksendung-ueber-die-strasse"),
        ("ÄRGER MIT GRÖSSEN", "de", "aerger-mit-groessen"),
        ("Rücksendung", "tr", "rucksendung"),  # German rules only for German
        ("???", "de", "page"),
    ],
)
def test_slugs_are_written_as_readers_of_the_language_type_them(title, language, slug):
    assert translating.slug_for(title, language) == slug


def test_a_long_title_makes_a_slug_cut_at_a_word():
    slug = translating.slug_for("Wie lange dauert " * 10, "de")
    assert len(slug) <= translating.SLUG_MAX_LENGTH
    assert set(slug.split("-")) == {"wie", "lange", "dauert"}  # no word cut in half


@pytest.fixture
def roles(kb_tree):
    groups = editorial_roles()
    editor, moderator = UserFactory(), UserFactory()
    editor.groups.add(groups["Editors"])
    moderator.groups.add(groups["Moderators"])
    return editor, moderator


@pytest.fixture
def gift_cards(kb_tree, client, roles, django_capture_on_commit_callbacks):
    """A published English FAQ, with "Translate this page" into Turkish and German done by the
    editor: returns (english, {language: translation target page})."""
    page = FaqPageFactory(parent=kb_tree["en"]["topic"], title="Gift cards", slug="gift-cards")
    editor, _ = roles
    client.force_login(editor)
    locales = Locale.objects.filter(language_code__in=["tr", "de"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
            {"locales": [locale.pk for locale in locales]},
        )
    assert response.status_code == 302
    return page, {locale.language_code: page.get_translation(locale) for locale in locales}


def _translate(client, target, strings: dict[str, str]):
    """Save string translations through the editor's own API, as its Save buttons do."""
    translation = Translation.objects.get(
        source__object_id=target.translation_key, target_locale=target.locale
    )
    segments = StringSegment.objects.filter(source=translation.source).select_related(
        "context", "string"
    )
    for segment in segments:
        if segment.string.data in strings:
            url = reverse(
                "wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk]
            )
            response = client.put(
                url,
                f"value={strings[segment.string.data]}",
                content_type="application/x-www-form-urlencoded",
            )
            assert response.status_code in (200, 201), response.content
    return translation


@pytest.fixture
def press(client, django_capture_on_commit_callbacks):
    """Press the translation editor's main button (``action=publish``) on ``target``'s edit
    page, with commit callbacks run as after a real request (wagtail-localize publishes on
    commit)."""

    def press(target, follow=False):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("wagtailadmin_pages:edit", args=[target.pk]),
                {"action": "publish"},
                follow=follow,
            )

    return press


def _slug_translation(translation):
    return StringTranslation.objects.filter(
        context__object_id=translation.source.object_id,
        context__path="slug",
        locale=translation.target_locale,
    ).first()


def _props(response) -> dict:
    html = response.content.decode()
    raw = re.search(r'class="js-translation-editor" data-props="([^"]*)"', html).group(1)
    return json.loads(raw.replace("&quot;", '"').replace("&amp;", "&").replace("&#x27;", "'"))


def _main_action_prefix(response) -> str:
    return re.search(r'django\.catalog\["Publish in "\] = "([^"]*)"', response.content.decode())[1]


def test_a_question_anchor_is_not_offered_for_translation_and_stays_the_same(
    gift_cards, client, roles, press
):
    english, targets = gift_cards
    translation = Translation.objects.get(
        source__object_id=english.translation_key, target_locale=targets["tr"].locale
    )
    paths = list(
        StringSegment.objects.filter(source=translation.source).values_list(
            "context__path", flat=True
        )
    )
    assert "title" in paths and "slug" in paths
    assert any(path.endswith(".question") for path in paths)
    assert not any(path.endswith(".anchor") for path in paths)

    client.force_login(roles[1])
    _translate(client, targets["tr"], {"Gift cards": "Hediye kartları"})
    response = press(targets["tr"])
    assert response.status_code == 302
    turkish = FaqPage.objects.get(pk=targets["tr"].pk)
    assert turkish.live
    assert [item.value["anchor"] for item in turkish.items] == [
        item.value["anchor"] for item in english.specific.items
    ]


def test_the_slug_follows_the_translated_title_until_the_translator_writes_one(
    gift_cards, client, roles, press
):
    _, targets = gift_cards
    client.force_login(roles[0])
    translation = _translate(client, targets["de"], {"Gift cards": "Gutscheine für Größen"})
    slug = _slug_translation(translation)
    assert slug.data == "gutscheine-fuer-groessen"
    assert slug.tool_name == translating.SLUG_TOOL

    _translate(client, targets["de"], {"Gift cards": "Geschenkkarten über alles"})
    assert _slug_translation(translation).data == "geschenkkarten-ueber-alles"

    _translate(client, targets["de"], {"gift-cards": "geschenkkarten"})  # typed by the editor
    _translate(client, targets["de"], {"Gift cards": "Geschenkgutscheine"})
    assert _slug_translation(translation).data == "geschenkkarten"


def test_a_published_translation_keeps_its_address_when_its_title_changes(
    gift_cards, client, roles, press
):
    _, targets = gift_cards
    client.force_login(roles[1])
    _translate(client, targets["tr"], {"Gift cards": "Hediye kartları"})
    press(targets["tr"])
    turkish = Page.objects.get(pk=targets["tr"].pk)
    assert turkish.live and turkish.slug == "hediye-kartlari"

    translation = _translate(client, targets["tr"], {"Gift cards": "Hediye çekleri"})
    assert _slug_translation(translation).data == "hediye-kartlari"


def test_publishing_a_translated_page_has_no_missing_translation_for_the_slug(
    gift_cards, client, roles, press
):
    english, targets = gift_cards
    client.force_login(roles[1])
    strings = {
        "Gift cards": "Hediye kartları",
        "Quick answers to common questions.": "Sık sorulan sorulara kısa yanıtlar.",
        "How long does delivery take?": "Teslimat ne kadar sürer?",
        "Two to four business days.": "İki ila dört iş günü.",
        "What does shipping cost?": "Kargo ücreti ne kadar?",
        "Shipping is free from 50 euros.": "50 avrodan itibaren kargo ücretsizdir.",
    }
    _translate(client, targets["tr"], strings)
    response = press(targets["tr"], follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any("Published" in message for message in messages), messages
    assert not any("missing" in message for message in messages), messages
    turkish = Page.objects.get(pk=targets["tr"].pk)
    assert turkish.url.endswith("/hediye-kartlari/")


def test_an_editor_who_may_not_publish_submits_the_translation_for_moderation(
    gift_cards, client, roles, press
):
    _, targets = gift_cards
    editor, _ = roles
    target = targets["tr"]
    edit = reverse("wagtailadmin_pages:edit", args=[target.pk])
    client.force_login(editor)

    response = client.get(edit)
    props = _props(response)
    assert props["perms"]["canPublish"] is True  # the main button is there …
    assert props["links"]["convertToAliasUrl"] is None  # … and not "Convert to alias page"
    assert _main_action_prefix(response) == "Submit for moderation in "

    _translate(client, target, {"Gift cards": "Hediye kartları"})
    response = press(target, follow=True)
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert "Submitted 'Hediye kartları' in Türkçe for moderation." in messages
    target.refresh_from_db()
    assert not target.live  # nothing reaches readers before the moderator approves
    assert target.get_latest_revision_as_object().title == "Hediye kartları"
    state = WorkflowState.objects.for_instance(target).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == editor


def test_the_moderator_publishes_and_the_review_ends(gift_cards, client, roles, press):
    _, targets = gift_cards
    editor, moderator = roles
    target = targets["de"]
    edit = reverse("wagtailadmin_pages:edit", args=[target.pk])
    client.force_login(editor)
    _translate(client, target, {"Gift cards": "Geschenkkarten"})
    press(target)

    client.force_login(moderator)
    response = client.get(edit)
    assert _main_action_prefix(response) == "Publish in "
    assert _props(response)["links"]["convertToAliasUrl"]  # publishers keep it, as secondary
    press(target)
    target.refresh_from_db()
    assert target.live and target.title == "Geschenkkarten" and target.slug == "geschenkkarten"
    state = WorkflowState.objects.for_instance(target).get()
    assert state.status == WorkflowState.STATUS_CANCELLED  # no stale "awaiting review"


def test_the_main_button_speaks_the_editors_language(gift_cards, client, roles):
    _, targets = gift_cards
    editor, moderator = roles
    UserProfile.objects.update_or_create(user=moderator, defaults={"preferred_language": "de"})
    UserProfile.objects.update_or_create(user=editor, defaults={"preferred_language": "tr"})
    edit = reverse("wagtailadmin_pages:edit", args=[targets["de"].pk])

    client.force_login(editor)
    assert _main_action_prefix(client.get(edit)) == "Moderasyona gönder: "
    client.force_login(moderator)
    assert _main_action_prefix(client.get(edit)) == "Veröffentlichen: "


def test_without_a_workflow_the_editor_saves_a_draft(gift_cards, client, roles, press):
    from wagtail.models import WorkflowPage

    _, targets = gift_cards
    WorkflowPage.objects.all().delete()
    target = targets["tr"]
    edit = reverse("wagtailadmin_pages:edit", args=[target.pk])
    client.force_login(roles[0])
    assert _main_action_prefix(client.get(edit)) == "Save draft in "
    _translate(client, target, {"Gift cards": "Hediye kartları"})
    response = press(target, follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert "Saved a draft of 'Hediye kartları' in Türkçe." in messages
    target.refresh_from_db()
    assert not target.live and target.has_unpublished_changes


def test_an_editor_cannot_publish_by_posting_the_form_by_hand(gift_cards, client, roles, press):
    """The main button posts ``action=publish`` for everyone; for an editor it never
    publishes, whatever is posted."""
    _, targets = gift_cards
    target = targets["tr"]
    client.force_login(roles[0])
    _translate(client, target, {"Gift cards": "Hediye kartları"})
    press(target)
    target.refresh_from_db()
    assert not target.live
