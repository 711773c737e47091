"""The XSS corpus through support requests: what a customer types (subject, message, order
number, e-mail) and what the team writes (answers, notes) comes back on the customer's
request page, the team's inbox and request page, and in the e-mails, with nothing live
beyond what the same page has with harmless text."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from support import emails, services
from support.models import Request
from tests.factories import UserFactory, in_group
from tests.security.test_xss import Place, stored

pytestmark = pytest.mark.django_db

HARMLESS = "Where is my parcel"


def _request(n: int, subject: str, body: str) -> Request:
    request = Request.objects.create(
        reference=f"HC-X{n:03d}-XXXX"[:12],
        email=f"x{n}@example.com",
        language="en",
        subject=subject[:150],
        order_number=subject[:40],
        confirmed_at=timezone.now(),
        first_response_due=timezone.now(),
    )
    request.messages.create(body=body)
    return request


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def requests_with_payloads(help_center, xss_payloads):
    from support import attachments
    from support.models import Rating

    calm = _request(0, HARMLESS, HARMLESS)
    agent = in_group(UserFactory(email="agent@example.com", is_staff=True), "Support staff")
    png = _png()
    made = []
    for n, (_line, payload) in enumerate([("", HARMLESS), *xss_payloads]):
        text = stored(payload)
        request = calm if n == 0 else _request(n, text, text)
        services.team_note(request, body=text, by=agent)
        services.team_reply(request, body=text, by=agent, status=Request.Status.SOLVED)
        # The file's name as the customer's computer gave it, and their rating's comment.
        name = attachments.clean_name(text)
        attachments.store(request.messages.first(), [attachments.Checked(name, "image/png", png)])
        Rating.objects.create(request=request, good=False, comment=text)
        # As if it came by e-mail: the original beside the trimmed text (the team sees it).
        request.messages.filter(from_team=False).update(original=f"{text}\n\n> earlier")
        if n:
            made.append(request)
    return {"calm": calm, "requests": made, "agent": agent}


def test_the_customers_request_page_shows_what_was_written_as_text(
    client, requests_with_payloads, xss_payloads
):
    def page(request):
        response = client.get(reverse("support:request", kwargs={"secret": request.secret}))
        assert response.status_code == 200
        return response.content.decode()

    place = Place(
        "support request page (customer)",
        page(requests_with_payloads["calm"]),
        len(xss_payloads),
        note="subject, order number, message, team answer, attachment name",
    )
    for n, request in enumerate(requests_with_payloads["requests"]):
        place.check(page(request), [n], f"request {request.reference}")
    place.finish()


def test_the_teams_inbox_and_request_page_show_what_customers_wrote_as_text(
    client, requests_with_payloads, xss_payloads
):
    client.force_login(requests_with_payloads["agent"])

    def page(url):
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    calm = requests_with_payloads["calm"]
    place = Place(
        "support request page (team)",
        page(reverse("support_request", args=[calm.pk])),
        len(xss_payloads),
        note="subject, message, note, answer, attachment name, rating comment, e-mail original",
    )
    for n, request in enumerate(requests_with_payloads["requests"]):
        place.check(page(reverse("support_request", args=[request.pk])), [n], request.reference)
    place.finish()
    inbox = Place(
        "support inbox (team)",
        page(reverse("support_inbox") + "?show=all"),
        min(100, len(xss_payloads)),
        note="subjects: the first page, 100 rows",
    )
    inbox.check(page(reverse("support_inbox") + "?show=all"), list(range(100)), "inbox")
    inbox.finish()


def test_the_emails_carry_what_was_written_as_text(requests_with_payloads, xss_payloads):
    calm = requests_with_payloads["calm"]

    def html_of(message_id=None, request=None):
        mail.outbox.clear()
        if request is not None:
            assert emails.send_received(request.pk)
        else:
            assert emails.send_team_reply(message_id)
        (message,) = mail.outbox
        assert "\n" not in message.subject and message.message().as_string().count("Subject:") == 1
        (html, _kind), *_ = message.alternatives
        return html

    calm_reply = calm.messages.filter(from_team=True, internal=False).get()
    received = Place(
        "support e-mail: request received (HTML)",
        html_of(request=calm),
        len(xss_payloads),
        note="subject",
    )
    answered = Place(
        "support e-mail: team answer (HTML)",
        html_of(calm_reply.pk),
        len(xss_payloads),
        note="subject, answer",
    )
    for n, request in enumerate(requests_with_payloads["requests"]):
        received.check(html_of(request=request), [n], request.reference)
        reply = request.messages.filter(from_team=True, internal=False).get()
        answered.check(html_of(reply.pk), [n], request.reference)
    received.finish()
    answered.finish()
