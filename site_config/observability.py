"""What operators see when something goes wrong: every log line and error report carries the
id of the request it came from, and the same id is in the response's ``X-Request-ID``
header, so a customer's "it broke at 14:02" and a support ticket's screenshot lead to the
lines of that one request.

* ``RequestIdMiddleware`` takes the id a proxy or load balancer sent (``X-Request-ID``, when
  it looks like one) or makes one, and keeps it for the request's thread or task.
* ``RequestIdFilter`` puts it on every log record (``request_id``; "-" outside requests).
* ``JsonFormatter`` writes one JSON object per line (``LOG_FORMAT=json``, the production
  default), which log collectors read without parsing rules.
* Errors go to Sentry when ``SENTRY_DSN`` is set (``init_sentry``, with the request id as a
  tag and no personal data), else by e-mail to ``ADMINS`` (Django's own ``mail_admins``).
"""

import contextvars
import json
import logging
import re
import uuid

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{8,128}")
_current = contextvars.ContextVar("request_id", default="-")


def current() -> str:
    """The id of the request being served ("-" outside a request)."""
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = request.headers.get(HEADER, "")
        request_id = sent if _ACCEPTED.fullmatch(sent) else uuid.uuid4().hex
        token = _current.set(request_id)
        request.request_id = request_id
        try:
            _tag_sentry(request_id)
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response.headers[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _current.get()
        return True


class JsonFormatter(logging.Formatter):
    """One line of JSON per record: time, level, logger, message, request id, and the
    traceback when there is one."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def init_sentry(dsn: str, *, environment: str, release: str, traces_sample_rate: float):
    """Sentry for errors (and, when asked, a sample of traces); no personal data is sent
    (no cookies, no user e-mail, no request bodies)."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
    )


def _tag_sentry(request_id: str) -> None:
    import sys

    sentry_sdk = sys.modules.get("sentry_sdk")  # only when init_sentry ran
    if sentry_sdk is not None and sentry_sdk.get_client().is_active():
        sentry_sdk.get_isolation_scope().set_tag("request_id", request_id)
