import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.utils import subprocess_env


@pytest.mark.django_db
def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_reports_database_and_search_backend(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"vendor": connection.vendor, "reachable": True}
    assert body["search"] == {"backend": "database", "reachable": True, "answering": "database"}
    assert response.headers["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readiness_says_so_when_the_search_engine_is_down(client, settings, unused_tcp_port):
    # Nothing listens on this port: the engine is "down", search falls back, still ready.
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{unused_tcp_port}"
    settings.SEARCH_TIMEOUT = 0.5
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["search"] == {
        "backend": "elasticsearch",
        "reachable": False,
        "answering": "database",
    }


def test_readiness_fails_when_the_database_is_unreachable(unused_tcp_port):
    # A real PostgreSQL address where nothing listens, in a fresh process (settings are read
    # once per process): the probe must answer 503 with a reason, not crash.
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/readyz'); print(r.status_code, json.dumps(r.json()))"
    )
    env = subprocess_env(
        DJANGO_ENV="development",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{unused_tcp_port}/helpcenter",
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503", result.stderr
    assert json.loads(body)["database"]["reachable"] is False
