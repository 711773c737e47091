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
        site=None, subject="Refund", body="Where is it?", email=email, language="de",
        visit_key=visit,
    )  # fmt: skip


def test_the_same_form_sent_four_times_at_once_is_one_request():
    services.visit_seen("f" * 32, "de")  # step 2 was shown: the visit exists
    run_together([lambda: _send("f" * 32) for _ in range(4)])
    assert Request.objects.count() == 1 and Message.objects.count() == 1


def test_twenty_customers_at_once_get_twenty_different_references():
    run_together([lambda n=n: _send(f"{n:032x}", f"k{n}@example.com") for n in range(20)])
    references = set(Request.objects.values_list("reference", flat=True))
    assert len(references) == 20
