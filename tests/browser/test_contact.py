"""Contacting the team in a real browser, at phone and desktop widths: answers first, then
the request, its reference and the promised time."""

import re

import pytest
from playwright.sync_api import expect

from support.models import Request
from tests.browser.conftest import assert_fits_width
from tests.factories import FaqPageFactory, TopicPageFactory, faq_items
from tests.search.contract import index_everything

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def refund_answer(help_center):
    topic = TopicPageFactory(parent=help_center["tr"], title="İade", slug="iade")
    FaqPageFactory(
        parent=topic,
        title="Para iadesi soruları",
        slug="para-iadesi",
        items=faq_items(("Para iadem ne zaman yatar?", "İade onaylandıktan sonra 5 iş günü.")),
    )
    index_everything()


def test_a_turkish_customer_sees_an_answer_while_typing_then_sends_anyway(page, refund_answer):
    page.goto("/tr/contact/")
    page.get_by_label("Hangi konuda yardıma ihtiyacınız var?").fill("para iadem")
    answer = page.locator("#contact-answers").get_by_role("link", name="Para iadem ne zaman yatar?")
    expect(answer).to_be_visible()
    # Right under the subject, where the eye is: above the fold on a phone too.
    assert answer.bounding_box()["y"] + 20 < page.viewport_size["height"]
    assert_fits_width(page)

    page.get_by_role("button", name="Devam et").click()
    page.get_by_label("Mesajınız").fill("İade ettim, param hâlâ gelmedi.")
    page.get_by_label("E-posta adresiniz").fill(f"musteri-{page.width_name}@example.com")
    expect(page.locator(".promise")).to_contain_text("iş saati")
    # Solved by the page's script with Web Crypto while the customer typed (base64 JSON).
    expect(page.locator("input[name='altcha']")).to_have_value(re.compile(r"^eyJ"))
    page.get_by_role("button", name="Ekibimize gönder").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Talebiniz bize ulaştı")
    reference = page.locator(".reference__code").inner_text()
    assert re.fullmatch(r"HC-\w{4}-\w{4}", reference)
    assert Request.objects.get(reference=reference).language == "tr"
    assert_fits_width(page)


def _step_two(page):
    page.goto("/en/contact/?subject=My+parcel+is+late&visit=" + "f" * 32)
    page.get_by_label("Your message").fill("It was due on Monday.")
    page.get_by_label("Your e-mail address").fill(f"late-{page.width_name}@example.com")


def test_a_send_before_the_check_is_done_waits_for_it(page, help_center, settings):
    """However quickly the customer sends, the form goes with its proof of work, found by
    the page's script (Web Crypto, in the background) and never without it."""
    settings.PROOF_OF_WORK_MAX_NUMBER = 400_000  # a few seconds here: the send comes first
    _step_two(page)
    with page.expect_request(lambda r: r.method == "POST") as sent:
        page.get_by_role("button", name="Send to our team").click()
    assert re.search(r'name="altcha"\r\n\r\neyJ', sent.value.post_data)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "We have your request", timeout=60_000
    )
    assert Request.objects.filter(email=f"late-{page.width_name}@example.com").exists()


def test_a_page_open_past_its_challenge_fetches_a_fresh_one_before_sending(
    page, help_center, settings
):
    settings.PROOF_OF_WORK_SECONDS = 30  # within the script's margin: replaced at once
    with page.expect_request("**/contact/challenge/"):
        _step_two(page)
    with page.expect_request("**/contact/challenge/"):
        page.get_by_role("button", name="Send to our team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("We have your request")
    assert Request.objects.filter(email=f"late-{page.width_name}@example.com").exists()
