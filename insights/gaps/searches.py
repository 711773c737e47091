"""Searches that found nothing, or whose results nobody opened (two queries)."""

from django.db.models import Count, Q
from django.utils.translation import ngettext

from insights.gaps.matching import CLOSE, Articles, terms_of
from insights.gaps.rows import ROWS_PER_KIND, Gap, Kind, Period, edit_url, in_language, write_url
from search.models import QueryLog


def search_gaps(language: str, period: Period, articles: Articles) -> list[Gap]:
    """One row per query as search folds it (``QueryLog.key``) and language, when none of
    its searches in the period led to a click."""
    logs = QueryLog.objects.filter(in_language(language, "language"), created_at__gte=period.since)
    groups = list(
        logs.exclude(key="")
        .values("key", "language")
        .annotate(
            searches=Count("pk"),
            clicks=Count("pk", filter=Q(clicked_rank__isnull=False)),
            zero=Count("pk", filter=Q(results=0)),
        )
        .filter(clicks=0)
        .order_by("-searches", "key", "language")[:ROWS_PER_KIND]
    )
    if not groups:
        return []
    # Each group shown as the spelling customers used most.
    spellings = (
        logs.filter(key__in={g["key"] for g in groups})
        .values("key", "language", "query")
        .annotate(n=Count("pk"))
        .order_by("key", "language", "-n", "query")
    )
    spelled: dict[tuple[str, str], str] = {}
    for row in spellings:
        spelled.setdefault((row["key"], row["language"]), row["query"])
    rows = []
    for group in groups:
        code = group["language"]
        query = spelled.get((group["key"], code), group["key"])
        near, share = articles.closest(terms_of(query, code), code)
        if share < CLOSE:
            near = None
        rows.append(
            Gap(
                kind=Kind.SEARCH,
                language=code,
                what=query,
                why=_why(group["searches"], group["zero"]),
                affected=group["searches"],
                action="write",
                action_url=write_url(code),
                closest=near.page_title if near else "",
                closest_url=edit_url(near.page_id) if near else "",
            )
        )
    return rows


def _why(count: int, zero: int) -> str:
    if zero == count:
        return ngettext("%(count)s search, no results", "%(count)s searches, no results", count) % {
            "count": count
        }
    why = ngettext(
        "%(count)s search, no result opened", "%(count)s searches, no result opened", count
    ) % {"count": count}
    if zero:
        why += "; " + ngettext("%(count)s found nothing", "%(count)s found nothing", zero) % {
            "count": zero
        }
    return why
