"""Searching in a real browser, at phone and desktop widths."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, assert_fits_width
from tests.factories import FaqPageFactory, TopicPageFactory, faq_items
from tests.search.contract import index_everything

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def turkish_faq(help_center):
    topic = TopicPageFactory(parent=help_center["tr"], title="İade", slug="iade")
    faq = FaqPageFactory(
        parent=topic,
        title="İade soruları",
        slug="iade-sorulari",
        items=faq_items(
            ("İade süresi ne kadar?", "Ürünü teslimden sonra 30 gün içinde iade edebilirsiniz."),
            ("Kargo ücretsiz mi?", "Evet, iade kargosu ücretsizdir."),
        ),
    )
    index_everything()
    return faq


def test_customer_picks_a_suggestion_from_the_header_box(page, turkish_faq):
    page.goto("/tr/iade/")  # the header's box (the home has only its own)
    box = page.locator("#header-search-input")
    box.fill("iade sü")
    suggestion = page.get_by_role("link", name="İade süresi ne kadar?")
    expect(suggestion).to_be_visible()
    box.press("ArrowDown")
    expect(suggestion).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/tr/iade/iade-sorulari/#iade-suresi-ne-kadar")
    expect(page.get_by_text("30 gün içinde iade edebilirsiniz")).to_be_visible()


def test_results_page_marks_matches_and_fits_the_screen(page, turkish_faq):
    page.goto("/tr/search/?q=İADELER")
    first = page.locator(".result").first
    expect(first.locator("mark").first).to_be_visible()
    expect(page.get_by_role("link", name="Kargo ücretsiz mi?")).to_be_visible()
    assert_fits_width(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search-{page.width_name}.png"), full_page=True)


def test_nothing_found_takes_the_width_of_the_page(page, turkish_faq):
    """Without filters beside it, "nothing matched" and the ways on are not squeezed into
    the filters' column (230 px at 1280 px)."""
    page.goto("/en/search/?q=zebra+stripes+xylophone")
    box = page.locator(".no-results").bounding_box()
    main = page.locator("main .wrap").bounding_box()
    assert box["width"] >= main["width"] * 0.9, (box, main)
    assert_fits_width(page)
