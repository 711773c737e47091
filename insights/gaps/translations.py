"""Translations missing or out of date, weighted by the readers of that language: the views
of the copy its readers get, the original's text or an old translation (four queries).

"Out of date" is the knowledge base's own rule (``kb.models.TranslationRecord``, which the
page editor's translation panel and Reports → Translations to update use too): the source
page was published again after the revision the translation was made from."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail_localize.models import TranslationSource

from insights.gaps.rows import (
    ROWS_PER_KIND,
    Gap,
    Kind,
    Period,
    article_types,
    edit_url,
    in_language,
)
from kb.models import TranslationRecord
from kb.selectors import translation_in_progress


@dataclass(frozen=True)
class _Copy:
    state: str  # "missing", "started" or "stale"
    language: str  # the copy's
    readers: int
    source_id: int | None
    title: str  # the source's
    action_url: str
    published: datetime | None = None  # the source's latest publication (stale)


def translation_gaps(language: str, period: Period) -> list[Gap]:
    copies = [*_untranslated(language, period), *_started(language, period)]
    copies += _stale(language, period)
    copies.sort(key=lambda c: (-c.readers, c.language, c.title))
    return [_row(copy, period) for copy in copies[:ROWS_PER_KIND]]


def _articles(language: str):
    return Page.objects.live().filter(
        in_language(language, "locale__language_code"), content_type__in=article_types()
    )


def _untranslated(language: str, period: Period) -> list[_Copy]:
    """Copies of a page from another language (aliases): wagtail-localize's "Translate this
    page" on the source, with the copy's language chosen."""
    found = (
        _articles(language)
        .filter(alias_of__isnull=False)
        .exclude(locale_id=F("alias_of__locale_id"))
        .annotate(readers=period.views())
        .filter(readers__gt=0)
        .order_by("-readers", "pk")
        .values_list("locale__language_code", "readers", "alias_of_id", "alias_of__title")
    )
    copies = []
    for code, readers, source, title in found[:ROWS_PER_KIND]:
        submit = reverse("wagtail_localize:submit_page_translation", args=[source])
        copies.append(
            _Copy("missing", code, readers, source, title, f"{submit}?select_locale={code}")
        )
    return copies


def _started(language: str, period: Period) -> list[_Copy]:
    """Translations begun in wagtail-localize and not published: its editor, at the page's
    edit view."""
    source = Page.objects.filter(
        translation_key=OuterRef("translation_key"), locale__language_code=settings.LANGUAGE_CODE
    ).values("pk")[:1]
    found = (
        _articles(language)
        .filter(translation_in_progress())
        .annotate(readers=period.views(), source_id=Subquery(source))
        .filter(readers__gt=0)
        .order_by("-readers", "pk")
        .values_list("pk", "title", "locale__language_code", "readers", "source_id")
    )
    return [
        _Copy("started", code, readers, source, title, edit_url(pk))
        for pk, title, code, readers, source in found[:ROWS_PER_KIND]
    ]


def _stale(language: str, period: Period) -> list[_Copy]:
    """Published translations whose source was published again since: wagtail-localize's
    "Sync translated pages" for the source when it made them, else the page editor."""
    found = list(
        TranslationRecord.objects.exclude(source_revision_id=F("source_page__live_revision_id"))
        .filter(in_language(language, "page__locale__language_code"), page__live=True)
        .annotate(readers=period.views("page_id"))
        .filter(readers__gt=0)
        .order_by("-readers", "page_id")
        .values_list(
            "page_id",
            "page__locale__language_code",
            "readers",
            "source_page_id",
            "source_page__title",
            "source_page__last_published_at",
            "source_page__translation_key",
            "source_page__locale_id",
        )[:ROWS_PER_KIND]
    )
    sources = TranslationSource.objects.filter(object_id__in={row[6] for row in found})
    sync = {
        (key, locale): reverse("wagtail_localize:update_translations", args=[pk])
        for pk, key, locale in sources.values_list("pk", "object_id", "locale_id")
    }
    return [
        _Copy(
            "stale",
            code,
            readers,
            source,
            title,
            sync.get((key, source_locale)) or edit_url(pk),
            published,
        )
        for pk, code, readers, source, title, published, key, source_locale in found
    ]


def _row(copy: _Copy, period: Period) -> Gap:
    name = translation.get_language_info(copy.language)["name_translated"]
    if copy.state == "missing":
        why = _("%(language)s: not translated yet") % {"language": name}
    elif copy.state == "started":
        why = _("%(language)s: translation started, not published") % {"language": name}
    else:
        when = timezone.localtime(copy.published) if copy.published else None
        why = _("%(language)s: out of date, the original was published again on %(date)s") % {
            "language": name,
            "date": date_format(when, "DATE_FORMAT") if when else "–",
        }
    return Gap(
        kind=Kind.TRANSLATION,
        language=copy.language,
        what=copy.title,
        why=f"{why}; {period.readers(copy.readers)}",
        affected=copy.readers,
        action="translate",
        action_url=copy.action_url,
        what_url=edit_url(copy.source_id) if copy.source_id else "",
    )
