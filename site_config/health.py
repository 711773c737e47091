"""Liveness and readiness for load balancers and orchestrators.

``/healthz`` says only that the process answers. ``/readyz`` checks what a request needs:
the database must answer (else 503); the search engine is reported but does not fail
readiness, because search falls back to the database backend when the engine is down.
"""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from search import api as search_api

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    database = {"reachable": True}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        logger.warning("readyz: database unreachable: %s", exc)
        database = {"reachable": False, "error": exc.__class__.__name__}
    search = search_api.status()
    ready = database["reachable"]
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            "database": {"vendor": connection.vendor, **database},
            "search": search,
        },
        status=200 if ready else 503,
    )
