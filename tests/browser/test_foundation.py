"""A visitor's first minutes, in a real browser at phone and desktop widths: the home in
each language, switching language, signing up, confirming, signing out and in again."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_width, open_menu
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_TITLES = {
    "en": "How can we help?",
    "tr": "Size nasıl yardımcı olabiliriz?",
    "de": "Wie können wir helfen?",
}


@pytest.mark.parametrize("language", list(HOME_TITLES))
def test_home_in_each_language(page, help_center, language):
    page.goto(f"/{language}/")

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_TITLES[language])
    # One search on the home page: the big one, not a second in the header.
    expect(page.locator("#header-search-input")).to_have_count(0)
    expect(page.locator("#hero-search-input")).to_be_visible()
    assert_fits_width(page)


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, help_center):
    page.goto("/en/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_search_from_the_header(page, help_center):
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
    page.goto("/de/")
    page.locator("#hero-search-input").fill("helfen")
    page.locator("#hero-search-input").press("Enter")
    expect(page).to_have_url(re.compile(r"/de/search/\?q=helfen$"))
    expect(page.get_by_role("link", name="Wie kann ich helfen?")).to_be_visible()


def test_switching_language_keeps_the_visitor_in_place(page, help_center):
    page.goto("/en/search/?q=iade")
    open_menu(page)
    page.get_by_role("link", name="Türkçe").click()

    expect(page).to_have_url(re.compile(r"/tr/search/\?q=iade$"))
    expect(page.locator("html")).to_have_attribute("lang", "tr")

    open_menu(page)
    page.get_by_role("link", name="Deutsch").click()
    expect(page).to_have_url(re.compile(r"/de/search/\?q=iade$"))
    # The choice is remembered on pages without a language in their address.
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert_fits_width(page)


def test_sign_up_confirm_sign_out_and_sign_in(page, help_center):
    email = f"kunde-{page.width_name}@example.com"
    mail.outbox.clear()

    page.goto("/de/")
    open_menu(page)
    page.get_by_role("link", name="Registrieren").click()
    page.get_by_label("Anzeigename").fill("Jana K.")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label(re.compile(r"^Passwort:?$")).fill(PASSWORD)
    page.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    assert_fits_width(page)
    page.get_by_role("button", name="Registrieren").click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[0].body)
    page.goto(link.group(1))
    page.get_by_role("button", name="Bestätigen").click()

    account = page.get_by_role("navigation", name="Konto")
    open_menu(page)
    expect(account.get_by_role("link", name="Jana K.")).to_be_visible()

    account.get_by_role("button", name="Abmelden").click()
    open_menu(page)
    expect(account.get_by_role("link", name="Anmelden")).to_be_visible()

    account.get_by_role("link", name="Anmelden").click()
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label(re.compile(r"^Passwort:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Anmeldung").click()
    open_menu(page)
    expect(account.get_by_role("link", name="Jana K.")).to_be_visible()


def test_the_header_is_compact_with_touch_targets_and_the_search_always_there(page, help_center):
    """Signed out on a topic page: the search box shows without opening anything; the menu
    (a button on a phone) holds the account and language links, each at least 44 px tall."""
    from tests.factories import TopicPageFactory

    topic = TopicPageFactory(parent=help_center["en"], title="Delivery", slug="delivery")
    page.goto(topic.url)
    expect(page.locator("#header-search-input")).to_be_visible()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 140, f"header is {header['height']} px tall"
    open_menu(page)
    targets = page.locator(
        ".site-menu summary:visible, .site-menu a:visible, .site-menu button:visible,"
        " .language-current"
    )
    assert targets.count() >= 6
    for n in range(targets.count()):
        box = targets.nth(n).bounding_box()
        what = targets.nth(n).inner_text()
        assert box["height"] >= 44 or page.width_name == "desktop", (what, box["height"])
    assert_fits_width(page)


def test_long_menu_links_never_squeeze_the_search_box(page, help_center):
    """Signed in, in German, the header's links are long: they take a second row on a wide
    screen instead of the search box's room."""
    from tests.browser.conftest import sign_in
    from tests.factories import TopicPageFactory, UserFactory

    topic = TopicPageFactory(parent=help_center["de"], title="Versand", slug="versand")
    sign_in(page, UserFactory(profile="Lena"), next_url="/de/forum/")
    page.goto(topic.url)
    box = page.locator("#header-search-input").bounding_box()
    assert box["width"] >= 180, f"the search box is {box['width']} px wide"
    assert_fits_width(page)
