"""The only door to search for the rest of the project.

Until the search issue lands its own backends, ``search()`` answers through Wagtail's
built-in search over live, public pages of the visitor's language, and ``status()`` reports
which engine is configured and whether it answers (used by ``/readyz``).
"""

import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from wagtail.models import Locale, Page

logger = logging.getLogger(__name__)

PAGE_SIZE = 10
MAX_QUERY_LENGTH = 200


@dataclass
class Hit:
    title: str
    url: str
    snippet: str = ""


@dataclass
class Results:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    num_pages: int = 1


def normalise_query(raw: str) -> str:
    """Printable text only, whitespace collapsed, bounded length."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw)
    return " ".join(printable.split())[:MAX_QUERY_LENGTH]


def search(query: str, *, language: str, page: int = 1) -> Results:
    query = normalise_query(query)
    results = Results(query=query, page=page)
    if not query:
        return results
    # Words only: the engine never sees the visitor's text as query syntax.
    terms = " ".join(re.findall(r"\w+", query))
    locale = Locale.objects.filter(language_code=language).first()
    if not terms or locale is None:
        return results
    pages = Page.objects.live().public().filter(locale=locale).specific().search(terms)
    paginator = Paginator(pages, PAGE_SIZE)
    page_obj = paginator.get_page(page)
    results.page = page_obj.number
    results.num_pages = paginator.num_pages
    results.total = paginator.count
    results.hits = [
        Hit(title=p.title, url=p.url, snippet=getattr(p, "search_description", "") or "")
        for p in page_obj.object_list
    ]
    return results


def status() -> dict:
    """Which engine is configured, and whether it answers right now."""
    if not settings.ELASTICSEARCH_URL:
        return {"backend": "database", "reachable": True}
    from elasticsearch import Elasticsearch

    try:
        client = Elasticsearch(
            settings.ELASTICSEARCH_URL, request_timeout=settings.ELASTICSEARCH_TIMEOUT
        )
        reachable = bool(client.ping())
    except Exception as exc:  # the engine being down must never fail a request
        logger.warning("search engine unreachable: %s", exc)
        reachable = False
    return {
        "backend": "elasticsearch",
        "reachable": reachable,
        "answering": "elasticsearch" if reachable else "database",
    }
