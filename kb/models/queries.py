"""Reads the page models build their context from: which pages readers see, a page's trail,
what a visitor told us about an article. Nothing here names a page class, so
``kb.models.pages`` imports this module; ``kb.selectors`` (which does need the page
classes) passes these on to views and the other apps. Each runs a fixed number of queries.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from wagtail.models import Page

from kb.models.feedback import ArticleChangeSubscription, ArticleDailyViews, ArticleFeedback
from kb.models.history import TranslationRecord

MOST_READ_DAYS = 30
MIN_VOTES_FOR_RANKING = 3


def translation_in_progress() -> Q:
    """Pages that wagtail-localize is translating from English and that have not been
    published as a translation yet. "Translate this page" turns the untranslated copy (an
    alias) into a page of its own at once, live and holding the English text, and keeps it
    so until the translator publishes (``WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE =
    False`` only stops it publishing that text as the translation); so readers, search and
    the sitemap treat it as the copy it was. A published translation has a
    ``TranslationRecord``; a page written in its own language first has no translation
    from English into it."""
    # wagtail-localize is replaceable (STYLE.md's fallback is simple_translation): its
    # models are loaded by the one query that needs them, not by the page models.
    from wagtail_localize.models import Translation

    from_english = Translation.objects.filter(
        source__object_id=OuterRef("translation_key"),
        source__locale__language_code=settings.LANGUAGE_CODE,
        target_locale=OuterRef("locale"),
    )
    return Q(alias_of__isnull=True, translation_record__isnull=True) & Q(Exists(from_english))


def shows_source_text() -> Q:
    """Pages that show another page's text: copies of an untranslated page (aliases) and
    translations in progress. They are not documents of their own (search, sitemap, lists
    of articles); the page they show is."""
    return Q(alias_of__isnull=False) | translation_in_progress()


def readable(pages):
    """Live pages anyone may read. Wagtail's ``public()`` looks only at restrictions in a
    page's own tree, but a copy of an untranslated page (an alias in another language) is
    served under its source's restriction: a copy of a private page is left out too."""
    return pages.live().public().exclude(alias_of__in=Page.objects.not_public())


def breadcrumbs(page: Page) -> list[Page]:
    """From the language's home down to the page itself."""
    return [*page.get_ancestors().filter(depth__gte=2), page]


def fallback_source(page: Page) -> Page | None:
    """For an untranslated article shown in another language (a wagtail-localize alias, or
    a translation in progress), the page whose content it shows; None for a published
    translation and for the source itself. One query."""
    if page.alias_of_id:
        source = Page.objects.select_related("locale").get(pk=page.alias_of_id)
        return source if source.locale_id != page.locale_id else None
    in_progress = Page.objects.filter(translation_in_progress(), pk=page.pk)
    return (
        Page.objects.live()
        .select_related("locale")
        .filter(translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE)
        .exclude(pk=page.pk)
        .filter(Exists(in_progress))
        .first()
    )


def most_read_ids(articles, limit: int) -> list[int]:
    """The ids of ``articles`` read most in the last ``MOST_READ_DAYS`` days, most first."""
    since = timezone.localdate() - timedelta(days=MOST_READ_DAYS)
    return list(
        ArticleDailyViews.objects.filter(page__in=articles, day__gte=since)
        .values("page")
        .annotate(total=Sum("views"))
        .order_by("-total", "page")
        .values_list("page", flat=True)[:limit]
    )


def most_helpful_ids(articles, limit: int) -> list[int]:
    """The ids of ``articles`` most readers found helpful, among those with at least
    ``MIN_VOTES_FOR_RANKING`` votes."""
    return list(
        ArticleFeedback.objects.filter(page__in=articles)
        .values("page")
        .annotate(votes=Count("id"), yes=Count("id", filter=Q(helpful=True)))
        .filter(votes__gte=MIN_VOTES_FOR_RANKING)
        .order_by("-yes", "votes", "page")
        .values_list("page", flat=True)[:limit]
    )


def visitor_feedback(page: Page, request) -> ArticleFeedback | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return ArticleFeedback.objects.filter(page=page, user=user).first()
    session_key = request.session.session_key if hasattr(request, "session") else None
    if not session_key:
        return None
    return ArticleFeedback.objects.filter(page=page, user=None, session_key=session_key).first()


def is_subscribed(page: Page, user) -> bool:
    if not user.is_authenticated:
        return False
    return ArticleChangeSubscription.objects.filter(
        page=page, user=user, notified_at__isnull=True
    ).exists()


def translation_status(page) -> dict | None:
    """For a translated page: its source, the source version it was made from, and whether
    the source was published again since. None for source pages and aliases."""
    record = (
        TranslationRecord.objects.filter(page_id=page.pk)
        .select_related("source_page", "source_page__locale")
        .first()
    )
    if record is None:
        return None
    source = record.source_page
    return {
        "source": source,
        "source_language": source.locale.get_display_name(),
        "made_from_revision_id": record.source_revision_id,
        "made_from_published_at": record.source_published_at,
        "source_published_at": source.last_published_at,
        "out_of_date": source.live_revision_id != record.source_revision_id,
    }
