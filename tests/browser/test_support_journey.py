"""The whole way to a person and back, in real Chromium: a Turkish customer on a 390 px phone
finds nothing, opens the contact form, is shown two answers, sends anyway with a photo and
gets a reference and a promised time; the team answers from the inbox; the customer
answers by e-mail (through the stdin command, as a mail server would deliver it); the team
solves it; the customer rates it; the report counts it. Axe checks the customer's pages."""

import io
import re
from email.utils import make_msgid

import pytest
from django.core import mail
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from support import mail_ids
from support.models import Attachment, Message, Rating, Request
from tests.browser.conftest import BLOCKING, assert_fits_width, run_axe, sign_in
from tests.factories import FaqPageFactory, TopicPageFactory, UserFactory, faq_items, in_group
from tests.search.contract import index_everything

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def damaged_parcel_answers(help_center):
    topic = TopicPageFactory(parent=help_center["tr"], title="Kargo", slug="kargo")
    FaqPageFactory(
        parent=topic,
        title="Hasarlı kargo",
        slug="hasarli-kargo",
        items=faq_items(
            ("Kargom hasarlı geldi, ne yapmalıyım?", "Kutunun fotoğrafını çekin ve bize yazın.")
        ),
    )
    FaqPageFactory(
        parent=topic,
        title="Hasarlı ürün iadesi",
        slug="hasarli-urun-iadesi",
        items=faq_items(
            ("Hasarlı ürünü nasıl iade ederim?", "İade formunu doldurun; kargo ücretsizdir.")
        ),
    )
    index_everything()


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (170, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def _path_in(email, pattern: str) -> str:
    found = re.search(pattern, email.body)
    assert found, email.body
    return found.group(0)


def _no_axe_violations(page, axe_source):
    blocking = [v for v in run_axe(page, axe_source) if v["impact"] in BLOCKING]
    assert blocking == [], blocking


def test_a_turkish_customer_reaches_the_team_answers_by_email_and_rates_the_help(
    browser, live_server, damaged_parcel_answers, settings, axe_source, private_media
):
    settings.SUPPORT_REPLY_ADDRESS = "destek@help.example.com"
    agent = in_group(UserFactory(email="ekip@example.com", is_staff=True), "Support staff")
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, locale="tr-TR"
    )
    phone.set_default_timeout(15_000)
    customer = phone.new_page()

    # Nothing found: the search page offers the team.
    customer.goto("/tr/search/?q=lamba+k%C4%B1r%C4%B1ld%C4%B1")
    customer.locator("a[href^='/tr/contact/?q=']").first.click()
    expect(customer.get_by_label("Hangi konuda yardıma ihtiyacınız var?")).to_have_value(
        "lamba kırıldı"
    )
    # Typing a subject shows the two answers right under it, above the fold.
    customer.get_by_label("Hangi konuda yardıma ihtiyacınız var?").fill("hasarlı kargo")
    answers = customer.locator("#contact-answers a")
    expect(answers.nth(1)).to_be_visible()
    assert answers.count() >= 2
    assert answers.first.bounding_box()["y"] + 20 < 844
    assert_fits_width(customer)

    # Sends anyway, with a photo.
    customer.get_by_role("button", name="Devam et").click()
    customer.get_by_label("Mesajınız").fill("Kutu ezik geldi, içindeki lamba kırık.")
    customer.get_by_label("E-posta adresiniz").fill("ayse@example.com.tr")
    customer.locator("input[name=attachments]").set_input_files(
        [{"name": "kutu.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    expect(customer.locator(".promise")).to_contain_text("iş saati")
    expect(customer.locator("input[name='altcha']")).to_have_value(re.compile(r"^eyJ"))
    customer.get_by_role("button", name="Ekibimize gönder").click()
    expect(customer.get_by_role("heading", level=1)).to_have_text("Talebiniz bize ulaştı")
    reference = customer.locator(".reference__code").inner_text()
    assert re.fullmatch(r"HC-\w{4}-\w{4}", reference)
    assert_fits_width(customer)
    _no_axe_violations(customer, axe_source)
    request = Request.objects.get(reference=reference)
    assert request.language == "tr" and request.confirmed_at is None
    assert Attachment.objects.get(message__request=request).name == "kutu.jpg"

    # The address is confirmed through the link in the e-mail.
    (received,) = [m for m in mail.outbox if m.to == ["ayse@example.com.tr"]]
    request_path = _path_in(received, r"/tr/requests/[\w-]+/")
    customer.goto(request_path)
    customer.locator("button[name=action][value=confirm]").click()
    expect(customer.locator(".status")).to_be_visible()
    _no_axe_violations(customer, axe_source)

    # The team answers from the inbox.
    desk = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    desk.set_default_timeout(15_000)
    staff = desk.new_page()
    sign_in(staff, agent, "/admin/support/")
    staff.get_by_role("link", name="hasarlı kargo").click()
    expect(staff.locator("main")).to_contain_text("Kutu ezik geldi")
    staff.locator("#agent-body").fill("Çok üzgünüz. Yeni lamba yarın kargoda.")
    mail.outbox.clear()
    staff.get_by_role("button", name="Send to the customer").click()
    expect(staff.locator("main")).to_contain_text("Yeni lamba yarın kargoda.")
    (answer,) = mail.outbox
    assert answer.reply_to == [f"destek+{mail_ids.signed(reference)}@help.example.com"]

    # The customer answers the e-mail; the mail server pipes it to the app.
    reply = (
        "From: =?utf-8?q?Ay=C5=9Fe?= <AYSE@example.com.tr>\n"
        f"To: {answer.reply_to[0]}\n"
        f"Subject: YNT: {answer.subject}\n"
        f"In-Reply-To: {answer.extra_headers['Message-ID']}\n"
        f"Message-ID: {make_msgid(domain='example.com.tr')}\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        "Teşekkürler, yeni lamba geldi ve çalışıyor.\n\n"
        "7 Ara 2026 Pzt 09:30 tarihinde Nordlicht <destek@help.example.com> şunu yazdı:\n"
        "> Çok üzgünüz. Yeni lamba yarın kargoda.\n"
    ).encode()
    out = io.StringIO()
    call_command("support_mail_in", stdin=io.BytesIO(reply), stdout=out)
    assert out.getvalue().strip() == f"added: {reference}"
    by_mail = Message.objects.get(request=request, source=Message.Source.EMAIL)
    assert by_mail.body == "Teşekkürler, yeni lamba geldi ve çalışıyor."

    # The team sees it and solves the request.
    staff.reload()
    expect(staff.locator("main")).to_contain_text("yeni lamba geldi ve çalışıyor")
    mail.outbox.clear()
    staff.locator("#status").select_option("solved")
    staff.get_by_role("button", name="Change").click()
    expect(staff.locator("main")).to_contain_text("Solved")

    # "How did we do?" from the e-mail, on the phone.
    (solved,) = mail.outbox
    customer.goto(_path_in(solved, r"/tr/requests/[\w-]+/\?rating=good#rate"))
    expect(customer.locator("#rate")).to_be_visible()
    _no_axe_violations(customer, axe_source)
    assert_fits_width(customer)
    customer.locator("#rate textarea").fill("Hızlı ve nazik.")
    customer.locator("#rate button[type=submit]").click()
    expect(customer.locator(".notice")).to_be_visible()
    rating = Rating.objects.get(request=request)
    assert (rating.good, rating.comment) == (True, "Hızlı ve nazik.")

    # The report counts it.
    staff.goto("/admin/reports/support/?period=7")
    expect(staff.locator("[data-figure=requests]")).to_have_text("1")
    expect(staff.locator("[data-figure=csat]")).to_have_text("100 %")
    expect(staff.locator("[data-figure=promises]")).to_have_text("100 %")
    phone.close()
    desk.close()
