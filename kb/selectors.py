"""Reads for knowledge base pages. Each returns what a template needs in a fixed number of
queries, whatever the number of articles (the tests hold them to it)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.models import Page

from kb import structured_data
from kb.models import (
    ARTICLE_MODELS,
    ArticleChangeSubscription,
    ArticleDailyViews,
    ArticleFeedback,
    HelpCenterPage,
    PolicyPage,
    TopicPage,
)
from site_config.ids import parse_int

HOME_LIST_SIZE = 5
MIN_VOTES_FOR_RANKING = 3
RELATED_LIMIT = 4


def _article_types():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_models(*ARTICLE_MODELS).values()


def translation_in_progress() -> Q:
    """Pages that wagtail-localize is translating from English and that have not been
    published as a translation yet. "Translate this page" turns the untranslated copy (an
    alias) into a page of its own at once, live and holding the English text, and keeps it
    so until the translator publishes (``WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE =
    False`` only stops it publishing that text as the translation); so readers, search and
    the sitemap treat it as the copy it was. A published translation has a
    ``TranslationRecord``; a page written in its own language first has no translation
    from English into it."""
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


def articles_in(locale_root: Page):
    """Live, public articles under a language's home, fetched as their specific types."""
    return readable(Page.objects.descendant_of(locale_root)).filter(
        content_type__in=_article_types()
    )


MOST_READ_DAYS = 30


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


def home_sections(home: HelpCenterPage) -> dict:
    """Topics with their article counts, editors' promoted articles, the most read and most
    helpful articles, recent policies and the community's newest official answers."""
    from django.db.models.functions import Substr

    from forum.selectors import official_answers

    articles = articles_in(home).exclude(shows_source_text())
    topics = list(readable(TopicPage.objects.child_of(home)))
    counts = {}
    if topics:  # every top-level topic is one step below the home: its path is a prefix
        length = len(topics[0].path)
        counts = dict(
            articles.annotate(topic_path=Substr("path", 1, length))
            .order_by()  # no ordering column in the GROUP BY
            .values("topic_path")
            .annotate(n=Count("id"))
            .values_list("topic_path", "n")
        )
    for topic in topics:
        topic.article_count = counts.get(topic.path, 0)
    promoted_ids = list(
        home.promoted_articles.order_by("sort_order").values_list("article_id", flat=True)
    )
    most_viewed_ids = most_read_ids(articles, HOME_LIST_SIZE)
    most_helpful_ids = list(
        ArticleFeedback.objects.filter(page__in=articles)
        .values("page")
        .annotate(votes=Count("id"), yes=Count("id", filter=Q(helpful=True)))
        .filter(votes__gte=MIN_VOTES_FOR_RANKING)
        .order_by("-yes", "votes", "page")
        .values_list("page", flat=True)[:HOME_LIST_SIZE]
    )
    wanted = set(promoted_ids) | set(most_viewed_ids) | set(most_helpful_ids)
    pages = {p.pk: p for p in articles.filter(pk__in=wanted).specific(defer=True)} if wanted else {}
    promoted = [pages[pk] for pk in promoted_ids if pk in pages]
    return {
        "topics": topics,
        "promoted": promoted,
        # Read most, less what is already promoted above it.
        "most_viewed": [
            pages[pk] for pk in most_viewed_ids if pk in pages and pages[pk] not in promoted
        ],
        "most_helpful": [pages[pk] for pk in most_helpful_ids if pk in pages],
        "recent_policies": readable(PolicyPage.objects.descendant_of(home)).order_by(
            "-last_published_at"
        )[:4],
        # The home is served in its own language.
        "official_answers": list(official_answers(get_language())[:3]),
    }


def topic_sections(topic: TopicPage, request) -> dict:
    trail = breadcrumbs(topic)
    children = list(readable(topic.get_children()).specific())
    groups: dict[str, list] = {}
    for child in children:
        if not isinstance(child, TopicPage):
            groups.setdefault(child.kind, []).append(child)
    order = [("faq", "faq"), ("video", "video"), ("policy", "policy")]
    from forum.selectors import board_url_for_topic

    return {
        "board_url": board_url_for_topic(topic),
        "breadcrumbs": trail,
        "structured_data": [structured_data.breadcrumb_list(trail, request)],
        "subtopics": [c for c in children if isinstance(c, TopicPage)],
        "article_groups": [
            {"kind": kind, "label": groups[kind][0].kind_label, "articles": groups[kind]}
            for kind, _ in order
            if kind in groups
        ],
    }


def breadcrumbs(page: Page) -> list[Page]:
    """From the language's home down to the page itself."""
    return [*page.get_ancestors().filter(depth__gte=2), page]


def related_articles(page, ancestors: list[Page]) -> list[Page]:
    """Editors' choices first (in this language where translated), then same-topic articles."""
    chosen_ids = [block.value.pk for block in page.related if block.value is not None]
    chosen: list[Page] = []
    if chosen_ids:
        by_id = {
            p.pk: p
            for p in readable(Page.objects.filter(pk__in=chosen_ids)).only(
                "translation_key", "locale_id"
            )
        }
        keys = [by_id[pk].translation_key for pk in chosen_ids if pk in by_id]
        localized = {
            p.translation_key: p
            for p in readable(
                Page.objects.filter(translation_key__in=keys, locale_id=page.locale_id)
            ).specific()
        }
        chosen = [localized[k] for k in keys if k in localized and localized[k].pk != page.pk]
    if len(chosen) < RELATED_LIMIT and len(ancestors) > 1:
        parent = ancestors[-2]
        taken = {p.pk for p in chosen} | {page.pk}
        fill = (
            readable(Page.objects.child_of(parent))
            .filter(content_type__in=_article_types())
            .exclude(pk__in=taken)
            # Deferred: a link needs the title, URL and kind, not each type's own columns.
            .specific(defer=True)[: RELATED_LIMIT - len(chosen)]
        )
        chosen += list(fill)
    return chosen[:RELATED_LIMIT]


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


def article_context(page, request) -> dict:
    trail = breadcrumbs(page)
    source = fallback_source(page)
    feedback = visitor_feedback(page, request)
    user = getattr(request, "user", None)
    return {
        "breadcrumbs": trail,
        "topic": next((p for p in reversed(trail[:-1]) if p.depth > 2), None),
        "related_articles": related_articles(page, trail),
        "fallback_source": source,
        "content_language": source.locale.language_code if source else None,
        "canonical_url": (source or page).get_full_url(request),
        "feedback": feedback,
        "subscribed": bool(user) and is_subscribed(page, user),
        "structured_data": structured_data.for_article(page, trail, request),
        "reasons": ArticleFeedback.Reason.choices,
        "start": _start_seconds(request),
    }


def _start_seconds(request) -> int:
    """Where a chapter link asks the video to start (``?t=90``); 0 for anything odd."""
    return parse_int(request.GET.get("t", ""), default=0, low=0, high=24 * 3600)


def translation_status(page) -> dict | None:
    """For a translated page: its source, the source version it was made from, and whether
    the source was published again since. None for source pages and aliases."""
    from kb.models import TranslationRecord

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


def popular_articles(language: str, limit: int = HOME_LIST_SIZE) -> list[Page]:
    """The most read articles of a language in the last 30 days (the newest when nothing
    has been read yet): what a search without results offers instead."""
    from wagtail.models import Locale

    locale = Locale.objects.filter(language_code=language).first()
    home = HelpCenterPage.objects.filter(locale=locale, depth=2).first() if locale else None
    if home is None:
        return []
    articles = articles_in(home).exclude(shows_source_text())
    ids = most_read_ids(articles, limit)
    if len(ids) < limit:
        newest = articles.exclude(pk__in=ids).order_by("-last_published_at")
        ids += list(newest.values_list("pk", flat=True)[: limit - len(ids)])
    pages = {p.pk: p for p in Page.objects.filter(pk__in=ids)}
    return [pages[pk] for pk in ids if pk in pages]
