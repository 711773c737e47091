"""Reads of the knowledge base for views and the other apps (search, support, insights).
Each returns what a caller needs in a fixed number of queries, whatever the number of
articles (the tests hold them to it). What the pages themselves read lives below the page
models (``kb.models.queries``) and is passed on from here, so callers have one door."""

from wagtail.models import Locale, Page

from kb.models import HelpCenterPage
from kb.models.pages import HOME_LIST_SIZE
from kb.models.queries import (
    most_read_ids,
    readable,
    shows_source_text,
    translation_in_progress,
    visitor_feedback,
)

__all__ = [
    "popular_articles",
    "readable",
    "shows_source_text",
    "translation_in_progress",
    "visitor_feedback",
]


def popular_articles(language: str, limit: int = HOME_LIST_SIZE) -> list[Page]:
    """The most read articles of a language in the last 30 days (the newest when nothing
    has been read yet): what a search without results offers instead."""
    locale = Locale.objects.filter(language_code=language).first()
    home = HelpCenterPage.objects.filter(locale=locale, depth=2).first() if locale else None
    if home is None:
        return []
    articles = home.articles().exclude(shows_source_text())
    ids = most_read_ids(articles, limit)
    if len(ids) < limit:
        newest = articles.exclude(pk__in=ids).order_by("-last_published_at")
        ids += list(newest.values_list("pk", flat=True)[: limit - len(ids)])
    pages = {p.pk: p for p in Page.objects.filter(pk__in=ids)}
    return [pages[pk] for pk in ids if pk in pages]
