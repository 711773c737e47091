"""Translating one FAQ, end to end in Chromium, into Turkish and into German (issue 18): an
editor who may not publish translates it in wagtail-localize's editor and submits it; a
moderator approves it from the dashboard; a reader finds it at an address made from the
translated title, with the question anchors the English page has.

Every click the two people make is counted (``Clicks``); the note of issue 18 gives the
figures before and after the translation path was changed (kb.translating)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import FaqPageFactory, TopicPageFactory, UserFactory, editorial_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENGLISH = {
    "Gift card questions": {"tr": "Hediye kartı soruları", "de": "Fragen zu Gutscheinen"},
    "Using and combining gift cards.": {
        "tr": "Hediye kartlarını kullanma ve birleştirme.",
        "de": "Gutscheine einlösen und kombinieren.",
    },
    "Can I use two gift cards on one order?": {
        "tr": "Tek siparişte iki hediye kartı kullanabilir miyim?",
        "de": "Kann ich zwei Gutscheine für eine Bestellung nutzen?",
    },
    "Yes: enter the second card after the first one at checkout.": {
        "tr": "Evet: ödeme adımında ilk karttan sonra ikinci kartı girin.",
        "de": "Ja: Gib an der Kasse den zweiten Gutschein nach dem ersten ein.",
    },
    "Do gift cards expire?": {
        "tr": "Hediye kartlarının süresi dolar mı?",
        "de": "Verfallen Gutscheine?",
    },
    "After three years, counted from the end of the year of purchase.": {
        "tr": "Satın alma yılının sonundan itibaren üç yıl sonra.",
        "de": "Nach drei Jahren, ab dem Ende des Kaufjahres.",
    },
}
SLUGS = {"tr": "hediye-karti-sorulari", "de": "fragen-zu-gutscheinen"}
LANGUAGE_NAMES = {"tr": "Türkçe", "de": "Deutsch"}


class Clicks:
    """Counts what a person does with the mouse (and the keys that act like a click)."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        locator.click()
        self.count += 1


@pytest.mark.parametrize("language", ["tr", "de"])
def test_an_editor_translates_an_faq_and_a_moderator_approves_it(
    browser, live_server, help_center, language
):
    from wagtail.models import Locale

    from kb.models import FaqPage
    from tests.factories import faq_items

    groups = editorial_roles()
    topic = TopicPageFactory(parent=help_center["en"], title="Gift cards", slug="gift-cards")
    english = FaqPageFactory(
        parent=topic,
        title="Gift card questions",
        slug="gift-card-questions",
        intro="Using and combining gift cards.",
        items=faq_items(
            (
                "Can I use two gift cards on one order?",
                "Yes: enter the second card after the first one at checkout.",
            ),
            (
                "Do gift cards expire?",
                "After three years, counted from the end of the year of purchase.",
            ),
        ),
    )
    editor, moderator = UserFactory(), UserFactory()
    editor.groups.add(groups["Editors"])
    moderator.groups.add(groups["Moderators"])
    language_name = LANGUAGE_NAMES[language]
    click = Clicks()

    # The editor asks for the translation ("Translate this page").
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, editor, "/admin/")
    page.goto(f"/admin/pages/{english.pk}/edit/")
    click(page.locator("header").get_by_role("button", name=re.compile("Actions|More", re.I)).first)
    click(page.get_by_role("link", name="Translate this page"))
    click(page.get_by_label(language_name))
    click(page.get_by_role("button", name="Submit"))
    page.wait_for_load_state()

    # Every text is offered once; technical fields (anchors) and the slug are not asked for.
    translate = page.get_by_role("button", name="Translate", exact=True)
    translate.first.wait_for()
    offered = translate.count()
    assert offered == len(ENGLISH)
    for _ in range(offered):
        click(translate.first)
        box = page.locator("textarea:focus")
        segment = box.locator("xpath=ancestor::li[1]")
        text = segment.inner_text()
        source = next(s for s in ENGLISH if s in text)
        box.fill(ENGLISH[source][language])
        click(segment.get_by_role("button", name="Save"))
        expect(page.get_by_text(ENGLISH[source][language], exact=True)).to_be_visible()
    expect(translate).to_have_count(0)

    # The main button hands the work on; nothing about aliases on the way.
    expect(page.get_by_role("button", name=re.compile("Convert to alias", re.I))).to_have_count(0)
    click(page.get_by_role("button", name=f"Submit for moderation in {language_name}"))
    expect(page.locator(".messages")).to_contain_text("for moderation")
    target = english.get_translation(Locale.objects.get(language_code=language))
    assert not target.live
    editor_clicks = click.count
    context.close()

    # The moderator approves it where Wagtail shows work to review: the dashboard.
    click = Clicks()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    review = context.new_page()
    sign_in(review, moderator, "/admin/")
    title = ENGLISH["Gift card questions"][language]
    row = (
        review.get_by_role("row")
        .filter(has_text=title)
        .filter(has=review.get_by_role("button", name="Actions"))
    )
    click(row.get_by_role("button", name="Actions"))
    click(row.get_by_role("button", name="Approve", exact=True))
    expect(row).to_have_count(0)  # reviewed: gone from "Awaiting your review"
    moderator_clicks = click.count
    context.close()

    translated = FaqPage.objects.get(pk=target.pk)
    assert translated.live
    assert translated.slug == SLUGS[language]
    assert [item.value["anchor"] for item in translated.items] == [
        item.value["anchor"] for item in english.items
    ]

    # A reader in that language finds it at its own address, and a shared link to the
    # second question (made on the English page) lands on it.
    reader = browser.new_context(base_url=live_server.url)
    reading = reader.new_page()
    anchor = english.items[1].value["anchor"]
    reading.goto(f"{translated.url}#{anchor}")
    expect(reading.locator(f"#{anchor}")).to_contain_text(
        ENGLISH["Do gift cards expire?"][language]
    )
    reader.close()
    print(f"\n[clicks] {language}: editor {editor_clicks}, moderator {moderator_clicks}")
    # Start (4), translate and save each text (2 each), submit (1); approve (2).
    assert editor_clicks == 4 + 2 * len(ENGLISH) + 1
    assert moderator_clicks == 2
