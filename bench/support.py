"""Support benchmark: the team's inbox, a request (team and customer pages) and the support
report at 10,000 requests, against the help center home in the same run.

Two figures per page: its queries at 100 requests and at the full count (they must be
equal: pages stay O(1) in queries), and its median and p95 time as a ratio of the home
page's median (the machine is shared and noisy; ratios travel between runs, milliseconds
do not). Run with ``make bench`` (``bench/support.py [requests] [rounds]``)."""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _django  # noqa: E402
from bench.pages import summary  # noqa: E402


def timed(client, path: str, rounds: int) -> list[float]:
    client.get(path)  # warm caches and imports
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return timings


def queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def make_requests(count: int, start_number: int, agents, topics) -> None:
    """``count`` requests over the last 90 days: a conversation of 2 to 6 messages each,
    most answered and many rated, as a shop's first months would leave them."""
    from django.utils import timezone

    from support.models import Message, Rating, Request

    rng = random.Random(start_number)  # noqa: S311 - made-up data, repeatable
    now = timezone.now()
    statuses = ["new", "open", "waiting", "solved", "closed"]
    batch = []
    for n in range(start_number, start_number + count):
        confirmed = now - timedelta(minutes=rng.randrange(90 * 24 * 60))
        answered = rng.random() < 0.85
        batch.append(
            Request(
                reference=f"HC-{n:08d}",
                email=f"customer{n}@example.com",
                language=rng.choice(["en", "tr", "de"]),
                topic=rng.choice(topics) if topics else None,
                subject=f"Where is my refund for order {n}?",
                status=rng.choice(statuses),
                confirmed_at=confirmed,
                first_response_due=confirmed + timedelta(hours=4),
                first_response_at=(
                    confirmed + timedelta(minutes=rng.randrange(10, 600)) if answered else None
                ),
                assignee=rng.choice(agents) if answered else None,
            )
        )
    created = Request.objects.bulk_create(batch, batch_size=1000)
    messages, ratings = [], []
    for request in created:
        for turn in range(rng.randrange(2, 7)):
            messages.append(
                Message(
                    request=request,
                    from_team=turn % 2 == 1,
                    body="I sent the parcel back two weeks ago. " * rng.randrange(1, 8),
                )
            )
        if request.status in ("solved", "closed") and rng.random() < 0.6:
            ratings.append(
                Rating(request=request, good=rng.random() < 0.8, recommend=rng.randrange(11))
            )
    Message.objects.bulk_create(messages, batch_size=2000)
    Rating.objects.bulk_create(ratings, batch_size=2000)


def main(total: int = 10_000, rounds: int = 50) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _django.setup(os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3"))
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.core.management import call_command
        from django.test import Client

        from kb.models import TopicPage
        from support.models import Request

        _django.migrate()
        call_command("load_demo", stdout=StringIO())
        users = get_user_model()
        team = Group.objects.get(name="Support staff")
        agents = []
        for n in range(8):
            agent = users.objects.create_user(
                username=f"agent{n}", email=f"agent{n}@example.com", password=None, is_staff=True
            )
            agent.groups.add(team)
            agents.append(agent)
        topics = list(TopicPage.objects.all()[:12])
        client = Client()
        client.force_login(agents[0])

        def pages():
            busy = Request.objects.order_by("-pk").first()
            return {
                "team inbox (waiting)": "/admin/support/",
                "team inbox (all)": "/admin/support/?show=all",
                "team inbox (overdue)": "/admin/support/?show=overdue",
                "team request page": f"/admin/support/{busy.pk}/",
                "customer request page": f"/en/requests/{busy.secret}/",
                "support report (30 days)": "/admin/reports/support/?period=30",
                "support report (90 days)": "/admin/reports/support/?period=90",
            }

        make_requests(100, 1, agents, topics)
        small = {name: queries(client, path) for name, path in pages().items()}
        make_requests(total - 100, 101, agents, topics)
        print(f"support requests: {Request.objects.count()}, rounds: {rounds}")
        home = timed(client, "/en/", rounds)
        print(summary("help center home (reference)", home))
        reference = statistics.median(home)
        for name, path in pages().items():
            large = queries(client, path)
            timings = timed(client, path, rounds)
            ordered = sorted(timings)
            p95 = ordered[int(len(ordered) * 0.95) - 1]
            print(
                f"{summary(name, timings)}   median x{statistics.median(timings) / reference:5.1f}"
                f" home, p95 x{p95 / reference:5.1f}   queries {small[name]} at 100,"
                f" {large} at {total}"
            )
            assert large <= small[name], f"{name}: {small[name]} queries grew to {large}"


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
