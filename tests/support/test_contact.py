"""The customer's way to a person: answers first, then a request with a reference, a
promised time and a secret link; confirmation for anonymous senders; the request page."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

from support import references, services
from support.models import ContactVisit, Message, Request, SupportHours
from tests.factories import (
    FaqPageFactory,
    TopicPageFactory,
    UserFactory,
    faq_items,
    proof_of_work_solution,
)
from tests.search.contract import index_everything

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def _send(client, language="en", **fields):
    data = {
        "subject": "My refund has not arrived",
        "body": "I returned the shoes two weeks ago.",
        "email": "kunde@example.com",
        "order_number": "",
        "visit": "",
        "website": "",
        "altcha": proof_of_work_solution(),  # as the page's script sends it
        **fields,
    }
    with translation.override(language):
        url = reverse("support:contact")
    return client.post(url, data)


@pytest.fixture
def refund_article(help_center):
    topic = TopicPageFactory(parent=help_center["en"], title="Refunds", slug="refunds")
    faq = FaqPageFactory(
        parent=topic,
        title="Refund questions",
        slug="refund-faq",
        items=faq_items(("My refund has not arrived", "Refunds take up to 10 days.")),
    )
    index_everything()
    return faq


def test_step_one_leads_to_answers_then_the_message(client, refund_article):
    page = client.get("/en/contact/").content.decode()
    assert 'name="subject"' in page and 'name="body"' not in page
    visit = re.search(r'name="visit" value="([0-9a-f]{32})"', page).group(1)
    page = client.get("/en/contact/", {"subject": "refund not arrived", "visit": visit})
    html = page.content.decode()
    assert "My refund has not arrived" in html  # the answer, before the form
    assert html.index("My refund has not arrived") < html.index('name="body"')
    assert "This answered my question" in html
    assert ContactVisit.objects.filter(key=visit, language="en").exists()


def test_the_answers_come_as_json_while_typing(client, refund_article):
    found = client.get("/en/contact/answers/", {"q": "refund not arrived"}).json()["answers"]
    assert found and found[0]["title"] == "My refund has not arrived"
    assert client.get("/en/contact/answers/", {"q": "r"}).json() == {"answers": []}


def test_this_answered_my_question_ends_the_visit_without_a_request(client, refund_article):
    ContactVisit.objects.create(key="a" * 32, language="en")
    response = client.post(reverse("support:answered"), {"visit": "a" * 32})
    assert response.status_code == 200 and "Glad that helped" in response.content.decode()
    assert ContactVisit.objects.get(key="a" * 32).deflected_at is not None
    assert not Request.objects.exists()


def test_opening_a_shown_answer_is_counted_and_only_leads_inside_the_site(client):
    ContactVisit.objects.create(key="b" * 32, language="en")
    response = client.get(
        reverse("support:open_answer"), {"visit": "b" * 32, "to": "/en/refunds/#x"}
    )
    assert response.status_code == 302 and response["Location"] == "/en/refunds/#x"
    assert ContactVisit.objects.get(key="b" * 32).answers_opened == 1
    for elsewhere in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        assert client.get(reverse("support:open_answer"), {"to": elsewhere}).status_code == 404


def test_an_anonymous_request_gets_a_reference_and_waits_for_its_address(
    client, help_center, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, language="tr", email="musteri@example.com")
    assert response.status_code == 302
    request = Request.objects.get()
    assert re.fullmatch(r"HC-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}", request.reference)
    assert request.language == "tr" and request.confirmed_at is None
    assert request.messages.get().body == "I returned the shoes two weeks ago."
    sent = client.get(response["Location"]).content.decode()
    assert request.reference in sent and "musteri@example.com" in sent

    (message,) = mail.outbox
    assert message.to == ["musteri@example.com"]
    assert request.reference in message.subject and "onaylayın" in message.subject
    link = re.search(r"https?://[^/\s]+(/tr/requests/\S+/)", message.body).group(1)
    assert request.secret in link
    (html, kind), *_ = message.alternatives
    assert kind == "text/html" and request.reference in html

    page = client.get(link).content.decode()
    assert 'value="confirm"' in page
    client.post(link, {"action": "confirm"})
    request.refresh_from_db()
    assert request.confirmed_at is not None


def test_a_signed_in_customer_with_a_confirmed_address_is_confirmed_at_once(client, help_center):
    user = UserFactory(email="lena@example.com")
    client.force_login(user)
    _send(client, email="lena@example.com")
    request = Request.objects.get()
    assert request.user == user and request.confirmed_at is not None
    mine = client.get(reverse("support:mine")).content.decode()
    assert request.reference in mine
    # Found from every page's menu once signed in.
    assert f'href="{reverse("support:mine")}"' in client.get("/en/").content.decode()
    client.force_login(UserFactory())
    assert request.reference not in client.get(reverse("support:mine")).content.decode()


def test_bad_input_keeps_what_was_written_and_says_what_is_wrong(client, help_center):
    response = _send(
        client, body="Ürün İADE edildi, İstanbul'dan gönderdim.", order_number="12-ab", email="x"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ürün İADE edildi, İstanbul&#x27;dan gönderdim." in page  # kept, as written
    assert "An order number looks like NL-1234567" in page
    assert "Enter a valid email address." in page
    assert not Request.objects.exists()


def test_the_order_number_is_read_in_any_case_and_kept_upper_case(client, help_center):
    _send(client, order_number="nl-1234567")
    assert Request.objects.get().order_number == "NL-1234567"


def test_a_filled_hidden_field_is_refused(client, help_center):
    _send(client, website="https://spam.example/")
    assert not Request.objects.exists()


def test_too_many_requests_from_one_address_are_refused_with_a_message(client, help_center):
    for n in range(5):
        _send(client, email=f"n{n}@example.com")
    response = _send(client, email="n6@example.com")
    assert response.status_code == 200
    assert "You sent many requests in a short time" in response.content.decode()
    assert Request.objects.count() == 5


def test_the_request_page_needs_its_secret_and_takes_a_reply(client, help_center):
    _send(client)
    request = Request.objects.get()
    request.status = Request.Status.WAITING
    request.save()
    assert client.get(f"/en/requests/{request.secret[:-1]}x/").status_code == 404
    url = reverse("support:request", kwargs={"secret": request.secret})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"  # (the browser journey posts its forms)
    assert "Waiting for you" in response.content.decode()
    client.post(url, {"body": "The tracking number is 123."})
    request.refresh_from_db()
    assert request.status == Request.Status.OPEN
    assert list(request.messages.values_list("body", flat=True)) == [
        "I returned the shoes two weeks ago.",
        "The tracking number is 123.",
    ]


def test_what_a_customer_writes_is_shown_as_text(client, help_center):
    _send(client, subject="<script>alert(1)</script>", body="<img src=x onerror=alert(1)>")
    request = Request.objects.get()
    page = client.get(reverse("support:request", kwargs={"secret": request.secret}))
    html = page.content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_the_request_page_asks_the_same_number_of_queries_for_a_long_conversation(
    client, help_center, django_assert_max_num_queries
):
    _send(client)
    request = Request.objects.get()
    url = reverse("support:request", kwargs={"secret": request.secret})
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    Message.objects.bulk_create(Message(request=request, body=f"more {n}") for n in range(30))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_promise_is_said_in_plain_words_from_the_teams_hours(help_center):
    site = Site.objects.get(is_default_site=True)
    hours = services.hours_for(site)
    zone = hours.clock().zone
    tuesday_morning = datetime(2026, 12, 8, 10, 0, tzinfo=BERLIN)
    friday_night = datetime(2026, 12, 11, 22, 0, tzinfo=BERLIN)
    with translation.override("en"):
        said = services.promise_sentence(
            services.promise(hours, tuesday_morning), zone, tuesday_morning
        )
        assert said == (
            "We usually answer within 4 business hours. Expect an answer by 14:00 CET today."
        )
        said = services.promise_sentence(services.promise(hours, friday_night), zone, friday_night)
        assert "It is outside our hours now, so expect an answer by 13:00 CET on Monday" in said
    monday_night = datetime(2026, 12, 7, 23, 0, tzinfo=BERLIN)
    with translation.override("de"):
        said = services.promise_sentence(services.promise(hours, monday_night), zone, monday_night)
        assert "13:00" in said and "morgen" in said


def test_staff_set_the_hours_and_a_bad_schedule_is_refused(help_center):
    from django.core.exceptions import ValidationError

    hours = SupportHours(site=Site.objects.get(is_default_site=True))
    hours.sat_opens = hours.mon_opens
    with pytest.raises(ValidationError):
        hours.full_clean()  # Saturday opens but never closes
    hours.sat_closes = hours.mon_opens
    with pytest.raises(ValidationError):
        hours.full_clean()  # closes when it opens
    hours.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError):
        hours.full_clean()


def test_references_are_readable_and_a_clash_takes_another(help_center, monkeypatch):
    drawn = {references.new_reference() for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(not set(r[3:].replace("-", "")) & set("01ILOUV") for r in drawn)
    assert references.normalise(" hc 7kq4 9m2p ") == "HC-7KQ4-9M2P"

    _send(Client())
    taken = Request.objects.get().reference
    queue = iter([taken, "HC-2345-6789"])
    monkeypatch.setattr(services, "new_reference", lambda: next(queue))
    _send(Client(), email="other@example.com")
    assert Request.objects.filter(reference="HC-2345-6789").exists()


def test_a_link_with_what_was_searched_opens_the_form_with_it_filled_in(client, help_center):
    page = client.get("/en/contact/", {"q": "refund missing"}).content.decode()
    assert 'value="refund missing"' in page
    assert "This field is required" not in page
    assert re.search(r'name="visit" value="[0-9a-f]{32}"', page)


def test_the_same_form_sent_twice_makes_one_request(client, help_center):
    first = _send(client, visit="c" * 32)
    second = _send(client, visit="c" * 32)
    assert first.status_code == second.status_code == 302
    assert Request.objects.count() == 1 and Message.objects.count() == 1


def test_a_signed_in_sender_of_someone_elses_address_cannot_confirm_it(client, help_center):
    """The account did not prove that address: the request is not theirs to list or confirm;
    its owner confirms it from the e-mail."""
    client.force_login(UserFactory(email="me@example.com"))
    _send(client, email="victim@example.com")
    request = Request.objects.get()
    assert request.user is None and request.confirmed_at is None
    assert request.reference not in client.get(reverse("support:mine")).content.decode()


def test_an_answer_opened_while_typing_is_counted_for_its_visit(client):
    client.get(reverse("support:open_answer"), {"visit": "d" * 32, "to": "/en/x/"})
    assert ContactVisit.objects.get(key="d" * 32).answers_opened == 1


def test_a_closed_request_takes_no_more_replies(client, help_center):
    _send(client)
    request = Request.objects.get()
    request.status = Request.Status.CLOSED
    request.save()
    url = reverse("support:request", kwargs={"secret": request.secret})
    response = client.post(url, {"body": "Hello? It broke again."})
    assert request.messages.count() == 1
    # A new request instead, with what was written kept: the subject, then the message.
    assert response.status_code == 302 and "/en/contact/?q=" in response["Location"]
    step_one = client.get(response["Location"]).content.decode()
    assert "My refund has not arrived" in step_one
    step_two = client.get("/en/contact/", {"subject": "It broke again", "visit": "f" * 32})
    assert "Hello? It broke again." in step_two.content.decode()


def test_a_long_message_is_refused_with_a_reason_not_cut_by_the_browser(client, help_center):
    page = client.get("/en/contact/", {"subject": "refund", "visit": "e" * 32}).content.decode()
    body = re.search(r"<textarea[^>]*name=\"body\"[^>]*>", page).group(0)
    assert "maxlength" not in body
    response = _send(client, body="x" * 5001)
    assert "Ensure this value has at most 5000 characters" in response.content.decode()


def test_a_filled_hidden_field_is_said_where_a_person_sees_it(client, help_center):
    page = _send(client, website="autofilled").content.decode()
    assert "Something filled in a hidden field" in page
    assert 'name="website" value="autofilled"' not in page


def test_the_answers_stop_past_the_limit(client, help_center, settings):
    settings.FORUM_SUGGEST_LIMITS = [(2, 60)]
    for _ in range(2):
        client.get("/en/contact/answers/", {"q": "refund"})
    assert client.get("/en/contact/answers/", {"q": "refund"}).json() == {"answers": []}
