"""Whole knowledge base pages for anonymous readers, from the cache.

Most visitors are anonymous and read the same few articles; building a page costs Wagtail's
routing, a dozen queries and the templates. A reader without a session (nothing personal
on the page: no name, no vote of theirs, no message) gets the page as the last such reader
got it, with only the CSRF token of the feedback form made theirs. Nothing else about the
request reaches the cached copy: pages with a query string are never cached.

Every change to the page tree (publish, unpublish, move, delete, a draft saved, privacy
changed) moves the cache to a new generation, so readers never see an old page after a
publish; what a page shows besides (popular articles) may lag ``KB_PAGE_CACHE_SECONDS``.
Each kept page remembers its generation, so a hit is one cache round trip for both, and
a view is still counted on every hit (``kb.view_counts``: one more, not a database query).
"""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token

from kb import view_counts

GENERATION_KEY = "kb:pages:generation"
PLACEHOLDER = "%%kb-csrf-token%%"
_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def _start_generation() -> int:
    # A fresh number, never one an earlier generation used (the key may have been evicted):
    # the time in nanoseconds.
    cache.add(GENERATION_KEY, time.time_ns(), None)
    return cache.get(GENERATION_KEY)


def forget_all() -> None:
    """Start a new generation: every cached page is read afresh from now on."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), None)


def _eligible(request) -> bool:
    return (
        settings.KB_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not getattr(request, "is_preview", False)
    )


def _key(request) -> str:
    # Hashed: a path may hold spaces or run past a cache key's length.
    where = hashlib.blake2b(f"{request.get_host()}{request.path}".encode(), digest_size=16)
    return f"kb:page:{where.hexdigest()}"


def offer(request, response, *, count_view_of: int | None = None) -> None:
    """Mark a rendered page as one the middleware may keep for other anonymous readers;
    ``count_view_of``: the article whose views each hit counts."""
    user = getattr(request, "user", None)
    if _eligible(request) and not (user and user.is_authenticated):
        response.kb_page_cache = {"count_view_of": count_view_of}


class AnonymousPageCacheMiddleware:
    """Serves and keeps the pages ``offer`` marked. Sits after the session, CSRF, auth and
    message middleware, so their headers and cookies still apply to a cached page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        key = _key(request)
        # One round trip: the page and the generation it must belong to.
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY) or _start_generation()
        kept = found.get(key)
        if kept is not None and kept["generation"] == generation:
            return self._serve(request, kept)
        response = self.get_response(request)
        marked = getattr(response, "kb_page_cache", None)
        if marked is not None and response.status_code == 200 and not response.streaming:
            body = _TOKEN.sub(rf"\g<1>{PLACEHOLDER}\g<2>", response.content.decode())
            kept = {
                "generation": generation,
                "body": body,
                "content_type": response["Content-Type"],
                "count_view_of": marked["count_view_of"],
            }
            cache.set(key, kept, settings.KB_PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def _serve(request, kept: dict) -> HttpResponse:
        body = kept["body"]
        if PLACEHOLDER in body:
            body = body.replace(PLACEHOLDER, get_token(request))
        response = KeptPageResponse(body, content_type=kept["content_type"])
        if request.method == "GET":
            response.count_view_of = kept["count_view_of"]
        response["X-Page-Cache"] = "hit"
        return response


class KeptPageResponse(HttpResponse):
    """A page from the cache; its view is counted once the reader has it: the WSGI server
    calls ``close()`` after sending the body, so the count's round trip to the cache is
    not part of the reader's wait."""

    count_view_of: int | None = None

    def close(self):
        # Counted before Django's own close(), whose request_finished signal tidies the
        # database connections a flush may use.
        try:
            if self.count_view_of:
                view_counts.count(self.count_view_of)
                self.count_view_of = None
        finally:
            super().close()
