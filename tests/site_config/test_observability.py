"""Every response, log line and error report carries the request's id; errors reach Sentry
when SENTRY_DSN is set (over real HTTP, to a receiver on loopback), else the ADMINS by e-mail
(site_config.observability)."""

import io
import json
import logging
import re
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings
from django.core import mail

from site_config import observability
from tests.utils import subprocess_env


def test_every_response_has_a_request_id(client):
    first = client.get("/healthz")
    second = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_id_a_proxy_sent_is_kept_and_a_malformed_one_replaced(client):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")
    assert kept["X-Request-ID"] == "lb-7f3a9c2e-0001"
    for bad in ["<script>alert(1)</script>", "short", "x" * 300, "a b c d e f g h"]:
        assert client.get("/healthz", HTTP_X_REQUEST_ID=bad)["X-Request-ID"] != bad


@pytest.mark.urls("tests.site_config.failing_urls")
def test_log_lines_of_a_request_carry_its_id_as_json(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(observability.RequestIdFilter())
    handler.setFormatter(observability.JsonFormatter())
    logger = logging.getLogger("helpcenter.test")
    logger.addHandler(handler)
    try:
        response = client.get("/noted/")
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["message"] == "something to note"
    assert line["level"] == "WARNING"
    assert line["request_id"] == response["X-Request-ID"]
    assert observability.current() == "-"  # nothing left behind after the request


@pytest.mark.urls("tests.site_config.failing_urls")
def test_without_sentry_a_server_error_is_mailed_to_the_admins(client, settings):
    settings.ADMINS = [("Operations", "ops@example.com")]
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_X_REQUEST_ID="req-0123456789")
    assert response.status_code == 500
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.com"]
    assert "ZeroDivisionError" in mail.outbox[0].body


class _Receiver(BaseHTTPRequestHandler):
    """Sentry's ingest endpoint, as far as a client sees it: accepts envelopes."""

    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - http.server's API
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        type(self).received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_with_sentry_a_server_error_is_reported_with_its_request_id():
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Receiver.received = []
    script = (
        "import django, sentry_sdk; django.setup();"
        "from django.test import Client, override_settings;"
        "c = Client(raise_request_exception=False);"
        "o = override_settings(ROOT_URLCONF='tests.site_config.failing_urls', ALLOWED_HOSTS=['*']);"
        "o.enable();"
        "r = c.get('/boom/', HTTP_X_REQUEST_ID='req-sentry-0042');"
        "print(r.status_code); sentry_sdk.flush(5)"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", script],
            env=subprocess_env(
                SENTRY_DSN=f"http://publickey@127.0.0.1:{server.server_port}/1",
                ADMINS="ops@example.com",
            ),
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "500"
    events = [
        json.loads(line)
        for body in _Receiver.received
        for line in body.decode().splitlines()
        if line.startswith("{") and '"exception"' in line
    ]
    assert len(events) == 1
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "ZeroDivisionError"
    assert event["tags"]["request_id"] == "req-sentry-0042"
    assert "cookies" not in event.get("request", {})
    assert "user" not in event
