"""How it went: "How did we do?" once a request is solved, and the report that reads it."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from support import report, services
from support.models import ContactVisit, Rating, Request, RequestEvent, SupportHours
from tests.factories import UserFactory, in_group

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _request(reference="HC-RATE-0001", **fields) -> Request:
    now = timezone.now()
    defaults = {
        "email": "kunde@example.com",
        "language": "de",
        "subject": "Rücksendung",
        "confirmed_at": now,
        "first_response_due": now + timedelta(hours=4),
    }
    defaults.update(fields)
    found = Request.objects.create(reference=reference, **defaults)
    found.messages.create(body="Wo bleibt mein Geld?")
    return found


@pytest.fixture
def agent(help_center):
    return in_group(UserFactory(email="agent@example.com", is_staff=True), "Support staff")


def test_solving_asks_how_we_did_once_by_email_and_on_the_page(
    client, agent, django_capture_on_commit_callbacks
):
    found = _request()
    with django_capture_on_commit_callbacks(execute=True):
        services.set_status(found, status=Request.Status.SOLVED, by=agent)
    (sent,) = mail.outbox
    assert found.reference in sent.subject and sent.to == ["kunde@example.com"]
    assert "?rating=good#rate" in sent.body and "?rating=bad#rate" in sent.body
    page = reverse("support:request", kwargs={"secret": found.secret})
    # The link from the e-mail only chooses the answer: a mail scanner opening it rates nothing.
    response = client.get(page + "?rating=bad")
    assert response.status_code == 200
    assert response.context["rating_form"]["rating"].value() == "bad"
    assert not Rating.objects.exists()
    response = client.post(page, {"action": "rate", "rating": "bad", "comment": "Zu langsam."})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.good, rating.comment, rating.recommend) == (False, "Zu langsam.", None)
    assert RequestEvent.objects.filter(request=found, action="rated").count() == 1
    # Asked once: a second answer (another tab) changes nothing.
    client.post(page, {"action": "rate", "rating": "good"})
    assert Rating.objects.get().good is False
    assert b'name="action" value="rate"' not in client.get(page).content


def test_a_reply_that_solves_carries_the_question_and_no_second_email(
    agent, django_capture_on_commit_callbacks
):
    found = _request()
    with django_capture_on_commit_callbacks(execute=True):
        services.team_reply(found, body="Das Geld ist unterwegs.", by=agent, status="solved")
    (sent,) = mail.outbox
    assert "Das Geld ist unterwegs." in sent.body and "?rating=good#rate" in sent.body
    found.refresh_from_db()
    assert found.solved_at is not None


def test_the_recommend_question_is_asked_only_when_the_shop_wants_it(client, agent, help_center):
    from wagtail.models import Site

    found = _request(status=Request.Status.SOLVED, solved_at=timezone.now())
    page = reverse("support:request", kwargs={"secret": found.secret})
    assert b'name="recommend"' not in client.get(page).content
    SupportHours.objects.create(site=Site.objects.get(is_default_site=True), ask_recommend=True)
    assert b'name="recommend"' in client.get(page).content
    client.post(page, {"action": "rate", "rating": "good", "recommend": "11"})  # not offered
    assert not Rating.objects.exists()
    client.post(page, {"action": "rate", "rating": "good", "recommend": "9"})
    assert Rating.objects.get().recommend == 9


def test_no_rating_before_it_is_solved_and_none_without_a_choice(client, help_center):
    found = _request(status=Request.Status.WAITING)
    page = reverse("support:request", kwargs={"secret": found.secret})
    assert b'name="action" value="rate"' not in client.get(page).content
    client.post(page, {"action": "rate", "rating": "good"})
    assert not Rating.objects.exists()
    found.status, found.solved_at = Request.Status.SOLVED, timezone.now()
    found.save()
    response = client.post(page, {"action": "rate", "comment": "Ohne Wahl"})
    assert response.status_code == 200 and not Rating.objects.exists()
    assert "Ohne Wahl" in response.content.decode()  # kept as written


def test_the_customer_writing_again_opens_it_and_the_rating_stays(agent):
    found = _request(status=Request.Status.SOLVED, solved_at=timezone.now())
    services.rate(found, good=True)
    services.customer_reply(found, body="Doch noch eine Frage.")
    found.refresh_from_db()
    assert found.status == Request.Status.OPEN and found.solved_at is None
    assert found.rating.good is True


# The report ---------------------------------------------------------------------------


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)


def _known_data(agent):
    """Five requests on known days; first answers after 1 h, 2 h, 3 h and 10 h (promised
    within 4 h); three ratings; one NPS of each kind; ten contact visits, four deflected."""
    other = in_group(UserFactory(email="zweite@example.com", is_staff=True), "Support staff")
    rows = [
        # confirmed, answered after (h), assignee, rating, recommend
        (_at(2, 9), 1, agent, True, 10),
        (_at(2, 11), 2, agent, True, 7),
        (_at(3, 10), 3, other, False, 3),
        (_at(4, 9), 10, other, None, None),
        (_at(4, 12), None, None, None, None),
    ]
    for number, (confirmed, hours, assignee, good, recommend) in enumerate(rows):
        found = Request.objects.create(
            reference=f"HC-REPO-{number:04d}",
            email=f"k{number}@example.com",
            language="de" if number < 4 else "tr",
            subject="x",
            confirmed_at=confirmed,
            first_response_due=confirmed + timedelta(hours=4),
            first_response_at=confirmed + timedelta(hours=hours) if hours else None,
            assignee=assignee,
        )
        if good is not None:
            Rating.objects.create(request=found, good=good, recommend=recommend)
    for number in range(10):
        visit = ContactVisit.objects.create(
            key=f"visit{number}", language="de", deflected_at=timezone.now() if number < 4 else None
        )
        ContactVisit.objects.filter(pk=visit.pk).update(created_at=_at(3, 12))


def test_the_reports_figures_on_known_data(agent):
    _known_data(agent)
    found = report.build(start=date(2026, 11, 1), end=date(2026, 11, 7), zone=BERLIN)
    total = found.total
    assert total.requests == 5 and total.answered == 4
    assert total.first_answer_median == timedelta(hours=2, minutes=30)
    assert total.first_answer_p90 == timedelta(hours=10)
    # Due and passed: all five (it is long after November); kept: the three within 4 h.
    assert (total.promises_kept, total.promises_due) == (3, 5)
    assert (total.rated_good, total.rated, round(total.csat, 3)) == (2, 3, 0.667)
    # One promoter (10), one passive (7), one detractor (3): NPS 0.
    assert total.nps == 0
    assert [count for _day, count in found.per_day] == [0, 2, 1, 2, 0, 0, 0]
    assert (found.deflected, found.visits, found.deflection_rate) == (4, 10, 0.4)
    agents = dict(found.per_agent)
    assert agents["agent@example.com"].requests == 2
    assert agents["agent@example.com"].csat == 1.0
    assert agents["zweite@example.com"].first_answer_median == timedelta(hours=6, minutes=30)
    assert agents[""].requests == 1  # not assigned
    german = report.build(
        start=date(2026, 11, 1), end=date(2026, 11, 7), zone=BERLIN, language="tr"
    )
    assert german.total.requests == 1 and german.total.answered == 0


def test_the_report_page_and_its_csv_match_the_figures(client, agent, help_center):
    _known_data(agent)
    client.force_login(agent)
    url = reverse("support_report")
    # A window that holds November 2026 whatever the date the test runs on.
    response = client.get(url, {"period": "90"})
    assert response.status_code == 200
    found = response.context["report"]
    csv_response = client.get(url, {"period": "90", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(_content(csv_response))))
    assert len(rows) == found.total.requests
    kept = sum(row["promise kept"] == "yes" for row in rows)
    assert kept == found.total.promises_kept
    assert sum(row["rating"] == "good" for row in rows) == found.total.rated_good


def _content(response) -> str:
    """A spreadsheet download's text (Wagtail streams CSV)."""
    return b"".join(response.streaming_content).decode()


def test_the_report_downloads_through_wagtails_export_and_old_links_still_work(
    client, agent, help_center
):
    from openpyxl import load_workbook

    _known_data(agent)
    client.force_login(agent)
    url = reverse("support_report")
    page = client.get(url, {"period": "90", "language": "de"})
    assert 'href="?period=90&amp;language=de&amp;topic=&amp;export=csv"' in page.content.decode()
    assert page.context["view"].csv_export_url.endswith("export=csv")  # the header's menu
    new = client.get(url, {"period": "90", "language": "de", "export": "csv"})
    old = client.get(url, {"period": "90", "language": "de", "format": "csv"})
    assert new["Content-Disposition"] == 'attachment; filename="support-requests.csv"'
    text = _content(new)
    assert text == _content(old)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["reference"] for row in rows] == [f"HC-REPO-{n:04d}" for n in range(4)]
    first = rows[0]
    assert datetime.fromisoformat(first["confirmed"]) == _at(2, 9)
    assert (first["first answer (hours)"], first["promise kept"], first["rating"]) == (
        "1.0",
        "yes",
        "good",
    )
    assert (rows[3]["promise kept"], rows[3]["rating"], rows[3]["recommend (0-10)"]) == (
        "no",
        "",
        "",
    )
    workbook = load_workbook(
        io.BytesIO(client.get(url, {"period": "90", "export": "xlsx"}).getvalue())
    )
    sheet = list(workbook.active.values)
    assert sheet[0][0] == "reference" and len(sheet) == 1 + 5


def test_the_reports_queries_do_not_grow_with_the_data(
    client, agent, help_center, django_assert_max_num_queries
):
    client.force_login(agent)
    url = reverse("support_report")
    _request(reference="HC-ONE0-0001")
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for number in range(40):
        found = _request(reference=f"HC-MANY-{number:04d}", first_response_at=timezone.now())
        Rating.objects.create(request=found, good=number % 2 == 0, recommend=number % 11)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["report"].total.requests == 41


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("anonymous", False),
        ("member", False),
        ("forum moderator", False),
        ("support staff", True),
        ("superuser", True),
    ],
)
def test_only_the_team_reads_the_support_report(client, help_center, who, allowed):
    users = {
        "member": lambda: UserFactory(),
        "forum moderator": lambda: in_group(UserFactory(is_staff=True), "Forum moderators"),
        "support staff": lambda: in_group(UserFactory(is_staff=True), "Support staff"),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    response = client.get(reverse("support_report"), {"format": "csv"})
    assert (response.status_code == 200) is allowed
    if not allowed:
        assert b"reference" not in response.content
