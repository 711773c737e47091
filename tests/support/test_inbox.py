"""The team's inbox in the Wagtail admin: who sees it, the queue, and working a request."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from support import services
from support.models import Request, RequestEvent
from tests.factories import UserFactory, in_group

pytestmark = pytest.mark.django_db


def _request(**fields) -> Request:
    defaults = {
        "email": "kunde@example.com",
        "language": "de",
        "subject": "Wo ist meine Erstattung?",
        "confirmed_at": timezone.now(),
        "first_response_due": timezone.now() + timedelta(hours=3),
    }
    defaults.update(fields)
    request = Request.objects.create(reference=fields.pop("reference", None) or _ref(), **defaults)
    request.messages.create(body="Ich habe die Schuhe zurückgeschickt.")
    return request


_refs = iter(range(10_000))


def _ref() -> str:
    return f"HC-TEST-{next(_refs):04d}"


@pytest.fixture
def agent(help_center):
    return in_group(UserFactory(email="agent@example.com", is_staff=True), "Support staff")


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("member", 302),  # the admin sends whoever lacks its access to the no-access page
        ("forum moderator", 302),  # no admin access: the no-access page
        ("page editor", 302),  # in the admin, not on the team: Wagtail sends them to its home
        ("support staff", 200),
        ("superuser", 200),
    ],
)
def test_only_the_support_team_opens_the_inbox(client, help_center, who, status):
    users = {
        "member": lambda: UserFactory(),
        "forum moderator": lambda: in_group(UserFactory(is_staff=True), "Forum moderators"),
        "page editor": lambda: in_group(UserFactory(is_staff=True), "Editors"),
        "support staff": lambda: in_group(UserFactory(is_staff=True), "Support staff"),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }
    if who in users:
        client.force_login(users[who]())
    request = _request()
    for url in (reverse("support_inbox"), reverse("support_request", args=[request.pk])):
        response = client.get(url)
        assert response.status_code == status, (who, url)


def test_the_queue_lists_confirmed_requests_due_first_and_filters(client, agent):
    late = _request(subject="Late one", first_response_due=timezone.now() - timedelta(hours=1))
    soon = _request(subject="Soon one", first_response_due=timezone.now() + timedelta(minutes=30))
    later = _request(subject="Later one", assignee=agent)
    _request(subject="Unconfirmed one", confirmed_at=None)
    client.force_login(agent)
    page = client.get(reverse("support_inbox")).content.decode()
    assert page.index("Late one") < page.index("Soon one") < page.index("Later one")
    assert "Due in 2\xa0hours" in page and "Overdue by 1\xa0hour" in page
    assert "Unconfirmed one" not in page
    overdue = client.get(reverse("support_inbox"), {"show": "overdue"}).content.decode()
    assert late.subject in overdue and soon.subject not in overdue
    due_soon = client.get(reverse("support_inbox"), {"show": "due_soon"}).content.decode()
    assert soon.subject in due_soon and late.subject not in due_soon
    mine = client.get(reverse("support_inbox"), {"show": "mine"}).content.decode()
    assert later.subject in mine and soon.subject not in mine
    unassigned = client.get(reverse("support_inbox"), {"show": "unassigned"}).content.decode()
    assert later.subject not in unassigned and soon.subject in unassigned


def test_the_queue_asks_the_same_number_of_queries_for_many_requests(
    client, agent, django_assert_max_num_queries
):
    _request()
    client.force_login(agent)
    client.get(reverse("support_inbox"))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("support_inbox"))
    for _ in range(30):
        _request(assignee=agent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("support_inbox"))


def test_an_answer_is_emailed_in_the_customers_language_and_keeps_the_promise(
    client, agent, django_capture_on_commit_callbacks
):
    request = _request()
    client.force_login(agent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("support_request", args=[request.pk]),
            {"action": "reply", "body": "Die Erstattung ist unterwegs.", "status": "waiting"},
        )
    request.refresh_from_db()
    assert request.first_response_at is not None and request.status == "waiting"
    assert request.assignee == agent  # whoever answers first owns it
    (message,) = mail.outbox
    assert message.to == ["kunde@example.com"]
    assert request.reference in message.subject
    assert "Die Erstattung ist unterwegs." in message.body
    assert "Deine Vorgangsnummer" in message.body  # German: the customer's language
    customer_page = client.get(reverse("support:request", kwargs={"secret": request.secret}))
    assert "Die Erstattung ist unterwegs." in customer_page.content.decode()
    assert RequestEvent.objects.filter(request=request, action="replied", actor=agent).exists()


def test_a_note_is_never_emailed_nor_shown_to_the_customer(
    client, agent, django_capture_on_commit_callbacks
):
    request = _request()
    client.force_login(agent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("support_request", args=[request.pk]),
            {"action": "note", "body": "Kunde ist VIP, Lager fragen."},
        )
    assert not mail.outbox
    assert (
        "Kunde ist VIP"
        in client.get(reverse("support_request", args=[request.pk])).content.decode()
    )
    client.logout()
    page = client.get(reverse("support:request", kwargs={"secret": request.secret}))
    assert "Kunde ist VIP" not in page.content.decode()


def test_assigning_takes_only_a_team_member_and_is_logged(client, agent):
    request = _request()
    colleague = in_group(UserFactory(is_staff=True), "Support staff")
    client.force_login(agent)
    url = reverse("support_request", args=[request.pk])
    client.post(url, {"action": "assign", "assignee": str(UserFactory().pk)})
    request.refresh_from_db()
    assert request.assignee is None
    client.post(url, {"action": "assign", "assignee": str(colleague.pk)})
    request.refresh_from_db()
    assert request.assignee == colleague
    assert RequestEvent.objects.filter(request=request, action="assigned", actor=agent).exists()
    client.post(url, {"action": "status", "status": "solved"})
    request.refresh_from_db()
    assert request.status == "solved"


def test_an_empty_answer_keeps_the_page_and_says_why(client, agent):
    request = _request()
    client.force_login(agent)
    response = client.post(
        reverse("support_request", args=[request.pk]), {"action": "reply", "body": "   "}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert request.messages.count() == 1


def test_a_customer_reply_to_a_waiting_request_puts_it_back_in_the_queue(agent):
    request = _request(status=Request.Status.WAITING)
    services.customer_reply(request, body="Noch nichts da.")
    request.refresh_from_db()
    assert request.status == Request.Status.OPEN
