"""A page given up half-way (Wagtail autosaves it as a draft, wagtail-localize copies it into
every language) neither blocks the next attempt nor hides (kb.drafts)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, Page, PageLogEntry
from wagtail_localize.models import LocaleSynchronization

from kb.models import FaqPage
from tests.factories import UserFactory, editorial_roles


@pytest.fixture
def editors(kb_tree):
    groups = editorial_roles()
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        user.groups.add(groups["Editors"])
    en = Locale.objects.get(language_code="en")
    for language in ("tr", "de"):
        LocaleSynchronization.objects.get_or_create(
            locale=Locale.objects.get(language_code=language), defaults={"sync_from": en}
        )
    return first, second


def _create(client, parent, title, slug, *, autosave=False):
    """The admin's create form for an FAQ page, as a browser sends it (an autosave is the
    same form, asking for JSON)."""
    data = {
        "title": title,
        "slug": slug,
        "intro": "",
        "items-count": "0",
        "related-count": "0",
        "review_interval_days": "180",
        "comment_notifications": "",
    }
    headers = {"HTTP_ACCEPT": "application/json"} if autosave else {}
    return client.post(
        reverse("wagtailadmin_pages:add", args=["kb", "faqpage", parent.pk]), data, **headers
    )


def test_an_abandoned_create_does_not_block_the_next_one(client, kb_tree, editors):
    editor, _ = editors
    topic = kb_tree["en"]["topic"]
    client.force_login(editor)

    first = _create(client, topic, "Gift card questions", "gift-card-questions", autosave=True)
    assert first.status_code == 200, first.content
    abandoned = FaqPage.objects.get(title="Gift card questions", locale__language_code="en")
    assert Page.objects.filter(alias_of=abandoned).count() == 2  # copied into tr and de

    again = _create(client, topic, "Gift card questions", "gift-card-questions")
    assert again.status_code == 302, again.context["form"].errors if again.context else ""
    new = FaqPage.objects.exclude(pk=abandoned.pk).get(
        title="Gift card questions", locale__language_code="en"
    )
    assert new.slug == "gift-card-questions"
    abandoned.refresh_from_db()
    moved = f"gift-card-questions-draft-{abandoned.pk}"
    assert abandoned.slug == moved
    assert abandoned.get_latest_revision_as_object().slug == moved  # what its editor opens
    assert set(Page.objects.filter(alias_of=abandoned).values_list("slug", flat=True)) == {moved}
    assert PageLogEntry.objects.filter(page=abandoned, action="wagtail.edit").exists()

    page = client.get(reverse("kb_drafts")).content.decode()
    assert "Gift card questions" in page
    assert reverse("wagtailadmin_pages:delete", args=[abandoned.pk]) in page


def test_a_colleagues_recent_draft_keeps_its_address(client, kb_tree, editors):
    first, second = editors
    topic = kb_tree["en"]["topic"]
    client.force_login(first)
    _create(client, topic, "Gift card questions", "gift-card-questions", autosave=True)
    draft = FaqPage.objects.get(title="Gift card questions", locale__language_code="en")

    client.force_login(second)
    response = _create(client, topic, "Gift card questions", "gift-card-questions")
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.slug == "gift-card-questions"

    # A day later nobody has touched it: it is abandoned, and gives the address up.
    Page.objects.filter(pk=draft.pk).update(
        latest_revision_created_at=timezone.now() - timedelta(days=2)
    )
    response = _create(client, topic, "Gift card questions", "gift-card-questions")
    assert response.status_code == 302


def test_a_draft_in_review_is_never_moved(client, kb_tree, editors):
    editor, _ = editors
    topic = kb_tree["en"]["topic"]
    client.force_login(editor)
    _create(client, topic, "Gift card questions", "gift-card-questions", autosave=True)
    draft = FaqPage.objects.get(title="Gift card questions", locale__language_code="en")
    draft.get_workflow().start(draft, editor)

    response = _create(client, topic, "Gift card questions", "gift-card-questions")
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.slug == "gift-card-questions"
    assert "Gift card questions" not in client.get(reverse("kb_drafts")).content.decode()


def test_the_drafts_report_lists_only_pages_never_published(client, kb_tree, editors):
    editor, _ = editors
    client.force_login(editor)
    _create(client, kb_tree["en"]["topic"], "Half-written", "half-written", autosave=True)
    html = client.get(reverse("kb_drafts")).content.decode()
    assert "Half-written" in html
    assert kb_tree["en"]["faq"].title not in html  # published
    assert kb_tree["tr"]["faq"].title not in html  # a published translation
    export = client.get(reverse("kb_drafts") + "?export=csv")
    csv = b"".join(export.streaming_content).decode()
    assert "Half-written" in csv


def test_a_customer_cannot_see_the_drafts_report(client, kb_tree):
    client.force_login(UserFactory())
    response = client.get(reverse("kb_drafts"))
    assert response.status_code in (302, 403)
