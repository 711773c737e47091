"""Customers' personal data: retention anonymises finished requests past the period, and
staff export or erase one customer's requests from the admin, audited."""

import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from support import permissions, privacy, tasks
from support.models import (
    Attachment,
    ContactVisit,
    Message,
    Rating,
    Request,
    RequestEvent,
    SupportHours,
)
from tests.factories import UserFactory, in_group

pytestmark = pytest.mark.django_db

_refs = iter(range(10_000))


def _request(*, days_old: int = 0, **fields) -> Request:
    """A confirmed request with the customer's first message, last active ``days_old`` ago."""
    defaults = {
        "email": "kunde@example.com",
        "language": "de",
        "subject": "Wo ist meine Erstattung?",
        "confirmed_at": timezone.now(),
        "first_response_due": timezone.now() + timedelta(hours=3),
    }
    defaults.update(fields)
    request = Request.objects.create(reference=f"HC-PRIV-{next(_refs):04d}", **defaults)
    request.messages.create(author=request.user, body="Ich habe die Schuhe zurückgeschickt.")
    if days_old:
        _age(request, days_old)
    return request


def _age(request: Request, days: int) -> None:
    then = timezone.now() - timedelta(days=days)
    Request.objects.filter(pk=request.pk).update(updated_at=then)
    Message.objects.filter(request=request).update(created_at=then)


def _full_request(*, days_old: int = 0, **fields) -> Request:
    """A request holding every kind of personal data: team answer, note, an e-mail with its
    original and Message-ID, an attachment, a rated comment, a visit, the customer's event."""
    fields.setdefault("subject", "Erstattung für Ayşe Yılmaz")
    fields.setdefault("order_number", "NL-1234567")
    request = _request(**fields)
    request.messages.create(from_team=True, body="Hallo Frau Yılmaz, das Geld ist unterwegs.")
    request.messages.create(from_team=True, internal=True, body="Kundin ruft oft an.")
    mail = request.messages.create(
        author=request.user,
        body="Meine Adresse ist Atatürk Cd. 5.",
        source=Message.Source.EMAIL,
        original="From: Ayşe Yılmaz\n\nMeine Adresse ist Atatürk Cd. 5.\n-- \nAyşe",
        email_message_id=f"<ayse.yilmaz.{request.reference}@mail.example>",  # one per e-mail
    )
    Attachment.objects.create(
        message=mail,
        file=ContentFile(b"%PDF-1.4 invoice %%EOF", name="upload.pdf"),
        name="Rechnung Yılmaz.pdf",
        content_type="application/pdf",
        size=22,
    )
    Rating.objects.create(request=request, good=False, comment="Ayşe hier: zu langsam", recommend=3)
    ContactVisit.objects.create(key=f"visit-{request.pk}", language="de", request=request)
    RequestEvent.objects.create(request=request, actor=request.user, action="customer")
    if days_old:
        _age(request, days_old)
    return request


@pytest.fixture
def storage(tmp_path, monkeypatch):
    """Attachments in a fresh folder: what the test writes, it can see deleted."""
    found = FileSystemStorage(location=tmp_path)
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", found)
    return found


@pytest.fixture
def thirty_days(db):
    site = Site.objects.filter(is_default_site=True).first()
    SupportHours.objects.update_or_create(site=site, defaults={"retention_days": 30})


@pytest.fixture
def agent(help_center):
    return in_group(UserFactory(email="agent@example.com", is_staff=True), "Support staff")


@pytest.fixture
def superuser(help_center):
    return UserFactory(is_superuser=True, is_staff=True)


def _files(request: Request) -> list[str]:
    return list(Attachment.objects.filter(message__request=request).values_list("file", flat=True))


# Retention -------------------------------------------------------------------------------


def test_retention_anonymises_exactly_the_finished_requests_past_the_period(
    storage, thirty_days, django_capture_on_commit_callbacks
):
    customer = UserFactory(email="ayse@example.com")
    old_closed = _full_request(
        days_old=40, status=Request.Status.CLOSED, user=customer, email="ayse@example.com"
    )
    old_solved = _request(days_old=40, status=Request.Status.SOLVED)
    never_confirmed = _request(days_old=40, confirmed_at=None)
    old_but_open = _request(days_old=40, status=Request.Status.WAITING)
    recent_closed = _request(days_old=20, status=Request.Status.CLOSED)
    written_to_lately = _request(days_old=40, status=Request.Status.SOLVED)
    written_to_lately.messages.create(body="Doch noch eine Frage.")
    old_secret = old_closed.secret

    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.retention_apply() == 3

    for kept in (old_but_open, recent_closed, written_to_lately):
        kept.refresh_from_db()
        assert kept.anonymised_at is None and kept.email == "kunde@example.com"
    never_confirmed.refresh_from_db()
    assert never_confirmed.anonymised_at and never_confirmed.status == Request.Status.CLOSED
    old_solved.refresh_from_db()
    assert old_solved.anonymised_at and old_solved.status == Request.Status.SOLVED

    old_closed.refresh_from_db()
    assert old_closed.anonymised_at is not None
    assert old_closed.email == f"anonymised-{old_closed.pk}@anonymised.invalid"
    assert old_closed.user is None and old_closed.order_number == ""
    assert old_closed.subject == privacy.REMOVED
    assert old_closed.secret != old_secret
    assert old_closed.reference.startswith("HC-PRIV-")  # the reports keep the request
    for message in old_closed.messages.all():
        assert message.body == privacy.REMOVED
        assert message.original in ("", privacy.REMOVED) and message.email_message_id == ""
        assert message.from_team or message.author is None
    assert not Attachment.objects.filter(message__request=old_closed).exists()
    rating = Rating.objects.get(request=old_closed)
    assert (rating.good, rating.recommend, rating.comment) == (False, 3, "")
    assert ContactVisit.objects.filter(request=old_closed).exists()
    assert not RequestEvent.objects.filter(request=old_closed, actor=customer).exists()
    (event,) = RequestEvent.objects.filter(request=old_closed, action="anonymised")
    assert event.actor is None and event.detail == privacy.RETENTION_DETAIL


def test_retention_deletes_the_attachments_files_from_storage(
    storage, thirty_days, django_capture_on_commit_callbacks
):
    request = _full_request(days_old=40, status=Request.Status.CLOSED)
    (name,) = _files(request)
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        privacy.retention_apply()
    assert not storage.exists(name)


def test_retention_twice_changes_nothing_the_second_time(
    storage, thirty_days, django_capture_on_commit_callbacks
):
    request = _full_request(days_old=40, status=Request.Status.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.retention_apply() == 1
    request.refresh_from_db()
    first = (request.email, request.secret, request.anonymised_at)
    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.retention_apply() == 0
    request.refresh_from_db()
    assert (request.email, request.secret, request.anonymised_at) == first
    assert RequestEvent.objects.filter(request=request, action="anonymised").count() == 1
    assert privacy.requests_anonymise([request.pk]) == []


def test_retention_works_in_batches(thirty_days):
    old = [_request(days_old=40, status=Request.Status.CLOSED) for _ in range(5)]
    batches = []
    assert privacy.retention_apply(batch_size=2, on_batch=batches.append) == 5
    assert batches == [2, 2, 1]
    assert Request.objects.filter(pk__in=[r.pk for r in old], anonymised_at=None).count() == 0


def test_the_shortest_retention_of_any_site_applies(thirty_days):
    other = Site.objects.create(hostname="tr.example.com", root_page_id=1, site_name="TR")
    SupportHours.objects.create(site=other, retention_days=7)
    request = _request(days_old=10, status=Request.Status.CLOSED)
    privacy.retention_apply()
    request.refresh_from_db()
    assert request.anonymised_at is not None


def test_the_command_counts_on_a_dry_run_and_anonymises_otherwise(storage, thirty_days):
    _full_request(days_old=40, status=Request.Status.CLOSED)
    _request(days_old=40, status=Request.Status.SOLVED)
    _request(days_old=40, confirmed_at=None)
    _request(days_old=5, status=Request.Status.CLOSED)
    out = StringIO()
    call_command("support_retention", "--dry-run", stdout=out)
    assert "3 requests would be anonymised (1 closed, 1 solved, 1 never confirmed)" in (
        out.getvalue()
    )
    assert "1 attachments deleted" in out.getvalue()
    assert not Request.objects.filter(anonymised_at__isnull=False).exists()
    out = StringIO()
    call_command("support_retention", stdout=out)
    assert "3 requests anonymised" in out.getvalue()
    assert Request.objects.filter(anonymised_at__isnull=False).count() == 3


def test_the_task_applies_the_retention(thirty_days):
    request = _request(days_old=40, status=Request.Status.CLOSED)
    assert tasks.apply_retention.enqueue().return_value == 1
    request.refresh_from_db()
    assert request.anonymised_at is not None


def test_an_anonymised_request_is_closed_to_the_team_and_its_old_link(client, agent, thirty_days):
    request = _request(days_old=40, status=Request.Status.SOLVED)
    secret = request.secret
    privacy.retention_apply()
    request.refresh_from_db()
    assert not permissions.can_work_on(agent, request)
    response = client.get(reverse("support:request", kwargs={"secret": secret}))
    assert response.status_code == 404


# Export and erase ------------------------------------------------------------------------

PAGE, EXPORT, ERASE = "support_privacy", "support_privacy_export", "support_privacy_erase"


def _export(client, email: str) -> dict:
    response = client.post(reverse(EXPORT), {"email": email})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


def test_the_export_holds_the_customers_data_and_no_one_elses(client, agent, storage):
    customer = UserFactory(email="ayse@example.com")
    EmailAddress.objects.create(user=customer, email="ayse.work@example.com", verified=True)
    theirs = _full_request(email="ayse@example.com", user=customer)
    from_work = _request(email="ayse.work@example.com", user=customer, subject="Rechnung")
    someone_else = _request(email="zeynep@example.com", subject="Zeyneps Paket")
    someone_else.messages.create(body="Zeynep Kaya, Bağdat Cd. 12")
    # Someone typed Ayşe's address into their account without proving it: not hers.
    stranger = UserFactory(email="stranger@example.com")
    EmailAddress.objects.create(user=stranger, email="AYSE@example.com", verified=False)
    _request(email="stranger@example.com", user=stranger, subject="Fremde Anfrage")

    client.force_login(agent)
    data = _export(client, "Ayse@Example.com")

    assert {r["reference"] for r in data["requests"]} == {theirs.reference, from_work.reference}
    (full,) = [r for r in data["requests"] if r["reference"] == theirs.reference]
    assert full["subject"] == "Erstattung für Ayşe Yılmaz" and full["order_number"] == "NL-1234567"
    bodies = {m["body"]: m for m in full["messages"]}
    assert bodies["Hallo Frau Yılmaz, das Geld ist unterwegs."]["from"] == "team"
    assert bodies["Kundin ruft oft an."]["internal"] is True
    mail = bodies["Meine Adresse ist Atatürk Cd. 5."]
    assert mail["attachments"] == [
        {"name": "Rechnung Yılmaz.pdf", "content_type": "application/pdf", "size": 22}
    ]
    assert "From: Ayşe Yılmaz" in mail["original_email"]
    assert full["rating"]["comment"] == "Ayşe hier: zu langsam"
    text = json.dumps(data, ensure_ascii=False)
    assert "Zeynep" not in text and "Fremde" not in text and "agent@example.com" not in text

    exported = RequestEvent.objects.filter(action="exported")
    assert {(e.request_id, e.actor_id) for e in exported} == {
        (theirs.pk, agent.pk),
        (from_work.pk, agent.pk),
    }


def test_the_page_lists_the_customers_requests(client, agent, storage):
    theirs = _full_request(email="ayse@example.com")
    other = _request(email="zeynep@example.com")
    client.force_login(agent)
    page = client.post(reverse(PAGE), {"email": "ayse@example.com"}).content.decode()
    assert "1 request holds this customer's data" in page
    assert theirs.reference in page and "Rechnung Yılmaz.pdf" in page
    assert other.reference not in page
    # From a request in the inbox: the page opens on its customer, no address in the URL.
    page = client.get(reverse(PAGE), {"request": theirs.pk}).content.decode()
    assert theirs.reference in page
    assert (
        reverse(PAGE) in client.get(reverse("support_request", args=[theirs.pk])).content.decode()
    )


def test_erasing_asks_first_then_anonymises_and_is_audited(
    client, superuser, storage, django_capture_on_commit_callbacks
):
    theirs = _full_request(email="ayse@example.com", status=Request.Status.OPEN)
    other = _full_request(email="zeynep@example.com")
    (name,) = _files(theirs)
    client.force_login(superuser)

    asked = client.post(reverse(ERASE), {"email": "ayse@example.com"})
    assert asked.status_code == 200
    assert theirs.reference in asked.content.decode() and "Yes, erase" in asked.content.decode()
    theirs.refresh_from_db()
    assert theirs.anonymised_at is None

    # A request that arrives while staff read the confirmation is not erased unseen.
    arrived = _request(email="ayse@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(ERASE),
            {"email": "ayse@example.com", "confirmed": "yes", "request": [str(theirs.pk)]},
        )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.anonymised_at is not None and theirs.subject == privacy.REMOVED
    assert theirs.status == Request.Status.CLOSED  # nobody is left to answer
    assert not storage.exists(name)
    (event,) = RequestEvent.objects.filter(request=theirs, action="anonymised")
    assert event.actor == superuser and event.detail == privacy.ERASURE_DETAIL
    for kept in (other, arrived):
        kept.refresh_from_db()
        assert kept.anonymised_at is None
    assert _export(client, "ayse@example.com")["requests"][0]["reference"] == arrived.reference


def test_erasing_does_not_take_another_customers_request_by_its_id(client, superuser):
    other = _request(email="zeynep@example.com")
    _request(email="ayse@example.com")
    client.force_login(superuser)
    client.post(
        reverse(ERASE),
        {"email": "ayse@example.com", "confirmed": "yes", "request": [str(other.pk)]},
    )
    other.refresh_from_db()
    assert other.anonymised_at is None


USERS = {
    "customer": lambda: UserFactory(),
    "forum moderator": lambda: in_group(UserFactory(is_staff=True), "Forum moderators"),
    "page editor": lambda: in_group(UserFactory(is_staff=True), "Editors"),
    "support agent": lambda: in_group(UserFactory(is_staff=True), "Support staff"),
    "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
}


@pytest.mark.parametrize(
    "who, page, export, erase",
    [
        # The admin sends whoever lacks access, or this permission, away (302).
        ("anonymous", 302, 302, 302),
        ("customer", 302, 302, 302),
        ("forum moderator", 302, 302, 302),
        ("page editor", 302, 302, 302),
        ("support agent", 200, 200, 302),  # finds and exports; erasing needs more
        ("superuser", 200, 200, 200),
    ],
)
def test_who_may_find_export_and_erase(client, help_center, who, page, export, erase):
    if who in USERS:
        client.force_login(USERS[who]())
    request = _request(email="ayse@example.com")
    data = {"email": "ayse@example.com"}
    assert client.get(reverse(PAGE)).status_code == page
    assert client.post(reverse(PAGE), data).status_code == page
    assert client.post(reverse(EXPORT), data).status_code == export
    assert client.post(reverse(ERASE), data).status_code == erase
    confirmed = {**data, "confirmed": "yes", "request": [str(request.pk)]}
    assert client.post(reverse(ERASE), confirmed).status_code == 302
    request.refresh_from_db()
    assert (request.anonymised_at is not None) == (who == "superuser")
    exported = RequestEvent.objects.filter(request=request, action="exported").exists()
    assert exported == (export == 200)


def test_an_agent_given_the_delete_permission_may_erase(client, agent):
    agent.user_permissions.add(
        Permission.objects.get(content_type__app_label="support", codename="delete_request")
    )
    request = _request(email="ayse@example.com")
    client.force_login(agent)
    client.post(
        reverse(ERASE),
        {"email": "ayse@example.com", "confirmed": "yes", "request": [str(request.pk)]},
    )
    request.refresh_from_db()
    assert request.anonymised_at is not None


def test_export_and_erase_need_the_csrf_token(superuser):
    request = _request(email="ayse@example.com")
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    confirmed = {"email": "ayse@example.com", "confirmed": "yes", "request": [str(request.pk)]}
    assert client.post(reverse(EXPORT), confirmed).status_code == 403
    assert client.post(reverse(ERASE), confirmed).status_code == 403
    request.refresh_from_db()
    assert request.anonymised_at is None
    assert not RequestEvent.objects.filter(request=request).exists()
    # The page's own forms carry the token, and with it the same post works.
    page = client.get(reverse(PAGE)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(reverse(ERASE), {**confirmed, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.anonymised_at is not None


def test_turkish_dotted_and_dotless_i_are_other_letters_in_an_address(client, agent):
    # The app compares addresses with iexact; PostgreSQL would fold ı to I there, SQLite
    # would not. Personal data follows one rule on both: only A-Z differ in case.
    ilker = _request(email="ilker@example.com")
    ilker_shouting = _request(email="ILKER@EXAMPLE.COM")
    dotless = _request(email="ılker@example.com")
    dotted = _request(email="İlker@example.com")
    client.force_login(agent)

    def found(email):
        return {r["reference"] for r in _export(client, email)["requests"]}

    assert found("ilker@example.com") == {ilker.reference, ilker_shouting.reference}
    assert found("Ilker@Example.com") == {ilker.reference, ilker_shouting.reference}
    assert found("ılker@example.com") == {dotless.reference}
    assert found("İlker@example.com") == {dotted.reference}
    assert privacy.same_address("KUNDE@example.com", "kunde@EXAMPLE.com")
    assert not privacy.same_address("İlker@example.com", "i̇lker@example.com")


def test_the_page_and_the_export_ask_the_same_number_of_queries_for_many_requests(
    client, agent, storage, django_assert_max_num_queries
):
    _full_request(email="ayse@example.com")
    client.force_login(agent)
    data = {"email": "ayse@example.com"}
    client.post(reverse(PAGE), data)
    with django_assert_max_num_queries(40) as page:
        client.post(reverse(PAGE), data)
    with django_assert_max_num_queries(40) as export:
        client.post(reverse(EXPORT), data)
    for _ in range(30):
        _full_request(email="ayse@example.com")
    with django_assert_max_num_queries(len(page.captured_queries)):
        client.post(reverse(PAGE), data)
    with django_assert_max_num_queries(len(export.captured_queries)):
        assert len(_export(client, "ayse@example.com")["requests"]) == 31
