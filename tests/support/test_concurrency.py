"""Support requests sent at the same moment, on a real PostgreSQL server (each thread has
its own connection and transaction; all start together)."""

import pytest
from django.db import connection

from support import services
from support.models import Message, Request
from tests.forum.test_concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need a server database; CI runs this on PostgreSQL",
    ),
]


def _send(visit: str, email: str = "kunde@example.com"):
    return services.request_create(
        site=None,
        subject="Refund",
        body="Where is it?",
        email=email,
        language="de",
        visit_key=visit,
    )


def test_the_same_form_sent_four_times_at_once_is_one_request():
    services.visit_seen("f" * 32, "de")  # step 2 was shown: the visit exists
    run_together([lambda: _send("f" * 32) for _ in range(4)])
    assert Request.objects.count() == 1 and Message.objects.count() == 1


def test_twenty_customers_at_once_get_twenty_different_references():
    run_together([lambda n=n: _send(f"{n:032x}", f"k{n}@example.com") for n in range(20)])
    references = set(Request.objects.values_list("reference", flat=True))
    assert len(references) == 20


def test_the_same_email_delivered_three_times_at_once_is_one_message():
    """A provider retrying while the first delivery is still being stored: one message."""
    from datetime import timedelta

    from django.utils import timezone

    from support import inbound
    from tests.support.test_mail_in import raw

    now = timezone.now()
    request = Request.objects.create(
        reference="HC-7KQ4-9M2P",
        email="jane.customer@gmail.com",
        language="en",
        subject="Parcel",
        confirmed_at=now,
        first_response_due=now + timedelta(hours=4),
    )
    message = raw("gmail_reply_en.eml")
    outcomes = []
    run_together([lambda: outcomes.append(inbound.receive_raw(message).action) for _ in range(3)])
    assert request.messages.count() == 1
    assert sorted(outcomes) == ["added", "ignored", "ignored"]


def test_a_reply_waiting_on_an_erasure_is_not_kept_on_the_erased_request():
    """Retention or an erasure holds the row; a reply arriving then must not bring the
    customer's words back onto the anonymised request."""
    from datetime import timedelta

    from django.utils import timezone

    from support import privacy

    now = timezone.now()
    request = Request.objects.create(
        reference="HC-ERAS-0001",
        email="kunde@example.com",
        language="de",
        subject="x",
        confirmed_at=now,
        first_response_due=now + timedelta(hours=4),
        status="solved",
    )

    results = []

    def reply():
        try:
            services.customer_reply(request, body="Noch eine Frage, Ayşe Yılmaz")
            results.append("added")
        except services.RequestNotOpen:
            results.append("refused")

    run_together([lambda: privacy.requests_anonymise([request.pk], by=None), reply])
    request.refresh_from_db()
    assert request.anonymised_at is not None
    kept = list(request.messages.values_list("body", flat=True))
    assert not any("Ayşe" in body for body in kept), (results, kept)
