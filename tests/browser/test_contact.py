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
        parent=topic, title="Para iadesi soruları", slug="para-iadesi",
        items=faq_items(("Para iadem ne zaman yatar?", "İade onaylandıktan sonra 5 iş günü.")),
    )  # fmt: skip
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
    page.get_by_role("button", name="Ekibimize gönder").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Talebiniz bize ulaştı")
    reference = page.locator(".reference__code").inner_text()
    assert re.fullmatch(r"HC-\w{4}-\w{4}", reference)
    assert Request.objects.get(reference=reference).language == "tr"
    assert_fits_width(page)
