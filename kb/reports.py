"""What editors need to see which articles fail customers: helpfulness, overdue reviews and
stale translations. Each function is a bounded number of queries."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, FloatField, Q
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from wagtail.models import Page

from kb.models import (
    ARTICLE_MODELS,
    ArticleFeedback,
    ArticleImprovement,
    TranslationRecord,
)
from kb.selectors import translation_in_progress

TREND_DAYS = 30


@dataclass
class HelpfulnessRow:
    page_id: int
    title: str
    language: str
    votes: int
    yes: int
    recent_votes: int
    recent_yes: int
    previous_votes: int
    previous_yes: int
    reasons: dict[str, int]
    comments: int
    daily: list[tuple[date, int, int]] = field(default_factory=list)  # (day, votes, yes)
    improved_at: object = None
    before_ratio: float | None = None
    after_ratio: float | None = None

    @property
    def ratio(self) -> float:
        return self.yes / self.votes if self.votes else 0.0

    @property
    def recent_ratio(self) -> float | None:
        return self.recent_yes / self.recent_votes if self.recent_votes else None

    @property
    def previous_ratio(self) -> float | None:
        return self.previous_yes / self.previous_votes if self.previous_votes else None

    @property
    def trend(self) -> float | None:
        """Change of the helpful share, last 30 days against the 30 before."""
        if self.recent_ratio is None or self.previous_ratio is None:
            return None
        return self.recent_ratio - self.previous_ratio


def helpfulness(*, language: str | None = None, page_ids=None) -> list[HelpfulnessRow]:
    """Articles with votes, least helpful first (then most voted)."""
    now = timezone.now()
    recent = now - timedelta(days=TREND_DAYS)
    previous = now - timedelta(days=2 * TREND_DAYS)
    votes = ArticleFeedback.objects.all()
    if language:
        votes = votes.filter(page__locale__language_code=language)
    if page_ids is not None:
        votes = votes.filter(page_id__in=page_ids)
    reason_counts = {
        f"reason_{value}": Count("id", filter=Q(helpful=False, reason=value))
        for value in ArticleFeedback.Reason.values
    }
    rows = (
        votes.values("page_id", "page__title", "page__locale__language_code")
        .annotate(
            votes=Count("id"),
            yes=Count("id", filter=Q(helpful=True)),
            recent_votes=Count("id", filter=Q(created_at__gte=recent)),
            recent_yes=Count("id", filter=Q(created_at__gte=recent, helpful=True)),
            previous_votes=Count("id", filter=Q(created_at__gte=previous, created_at__lt=recent)),
            previous_yes=Count(
                "id", filter=Q(created_at__gte=previous, created_at__lt=recent, helpful=True)
            ),
            comments=Count("id", filter=~Q(comment="")),
            **reason_counts,
        )
        .annotate(ratio=Cast(F("yes"), FloatField()) / Cast(F("votes"), FloatField()))
        .order_by("ratio", "-votes", "page_id")
    )
    result = [
        HelpfulnessRow(
            page_id=row["page_id"],
            title=row["page__title"],
            language=row["page__locale__language_code"],
            votes=row["votes"],
            yes=row["yes"],
            recent_votes=row["recent_votes"],
            recent_yes=row["recent_yes"],
            previous_votes=row["previous_votes"],
            previous_yes=row["previous_yes"],
            comments=row["comments"],
            reasons={v: row[f"reason_{v}"] for v in ArticleFeedback.Reason.values},
        )
        for row in rows
    ]
    _add_daily(result, since=recent)
    _add_improvements(result)
    return result


def _add_daily(rows: list[HelpfulnessRow], *, since) -> None:
    by_page = {row.page_id: row for row in rows}
    if not by_page:
        return
    counts = (
        ArticleFeedback.objects.filter(page_id__in=by_page, created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("page_id", "day")
        .annotate(votes=Count("id"), yes=Count("id", filter=Q(helpful=True)))
    )
    found: dict[int, dict[date, tuple[int, int]]] = {}
    for c in counts:
        found.setdefault(c["page_id"], {})[c["day"]] = (c["votes"], c["yes"])
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in range(TREND_DAYS - 1, -1, -1)]
    for page_id, row in by_page.items():
        per_day = found.get(page_id, {})
        row.daily = [(day, *per_day.get(day, (0, 0))) for day in days]


def _add_improvements(rows: list[HelpfulnessRow]) -> None:
    """Helpful share before and after the latest fix an editor told readers about."""
    by_page = {row.page_id: row for row in rows}
    latest = {}
    for improvement in ArticleImprovement.objects.filter(page_id__in=by_page).order_by(
        "page_id", "-published_at"
    ):
        latest.setdefault(improvement.page_id, improvement.published_at)
    if not latest:
        return
    counts = ArticleFeedback.objects.filter(page_id__in=latest).values(
        "page_id", "created_at", "updated_at", "helpful"
    )
    tallies: dict[int, list[int]] = {pid: [0, 0, 0, 0] for pid in latest}
    for vote in counts:
        when = latest[vote["page_id"]]
        # A vote changed after the fix counts as an "after" opinion.
        after = vote["updated_at"] >= when
        t = tallies[vote["page_id"]]
        t[2 if after else 0] += 1
        t[3 if after else 1] += int(vote["helpful"])
    for page_id, (before, before_yes, after, after_yes) in tallies.items():
        row = by_page[page_id]
        row.improved_at = latest[page_id]
        row.before_ratio = before_yes / before if before else None
        row.after_ratio = after_yes / after if after else None


def review_overdue(*, today: date | None = None) -> list:
    """Live articles whose review date has passed or was never set, most overdue first."""
    today = today or timezone.localdate()
    pages = []
    for model in ARTICLE_MODELS:
        pages += list(
            model.objects.live()
            .filter(Q(review_due_at__lt=today) | Q(review_due_at__isnull=True), alias_of=None)
            .select_related("locale")
        )
    return sorted(pages, key=lambda p: (p.review_due_at is not None, p.review_due_at or today))


def stale_translations():
    """Translations published from a source version that has been replaced since."""
    return (
        TranslationRecord.objects.exclude(source_revision_id=F("source_page__live_revision_id"))
        .filter(page__live=True)
        .select_related("page", "page__locale", "source_page", "source_revision")
        .order_by("source_published_at")
    )


def translations_in_progress(language_code: str | None = None):
    """Translations started in the translation editor and never published: readers of
    that language still see the original, with a notice."""
    qs = (
        Page.objects.filter(translation_in_progress(), depth__gt=2)
        .select_related("locale")
        .order_by("locale__language_code", "title")
    )
    return qs.filter(locale__language_code=language_code) if language_code else qs


def untranslated(language_code: str | None = None):
    """Pages still shown from another language (aliases of the source)."""
    qs = (
        Page.objects.filter(alias_of__isnull=False, depth__gt=2)
        .exclude(locale__language_code=F("alias_of__locale__language_code"))
        .select_related("locale", "alias_of")
        .order_by("locale__language_code", "title")
    )
    return qs.filter(locale__language_code=language_code) if language_code else qs
