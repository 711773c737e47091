"""What the query log says, for the editors' search report."""

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from search.models import QueryLog


def _recent(days: int, language: str | None):
    since = timezone.now() - timedelta(days=days)
    logs = QueryLog.objects.filter(created_at__gte=since)
    return logs.filter(language=language) if language else logs


def _spelled(rows: list[dict], days: int, language: str | None) -> list[dict]:
    """Each grouped row (by key and language) with the spelling customers used most for
    it as its ``query``: one more query for the whole list."""
    keys = {row["key"] for row in rows}
    counts = (
        _recent(days, language)
        .filter(key__in=keys)
        .values("key", "language", "query")
        .annotate(n=Count("pk"))
        .order_by("key", "language", "-n", "query")
    )
    spelling: dict[tuple[str, str], str] = {}
    for row in counts:
        spelling.setdefault((row["key"], row["language"]), row["query"])
    return [
        row | {"query": spelling.get((row["key"], row["language"]), row["key"])} for row in rows
    ]


def top_queries(*, days: int = 30, language: str | None = None, limit: int = 50) -> list[dict]:
    """Most frequent queries with how often a result was clicked: spellings that search
    treats as one ("İADE", "IADE", "iade") are one row."""
    rows = list(
        _recent(days, language)
        .values("key", "language")
        .annotate(
            searches=Count("pk"),
            clicks=Count("pk", filter=Q(clicked_rank__isnull=False)),
            zero=Count("pk", filter=Q(results=0)),
        )
        .order_by("-searches", "key")[:limit]
    )
    return [
        row | {"ctr": row["clicks"] / row["searches"]} for row in _spelled(rows, days, language)
    ]


def zero_result_queries(*, days: int = 30, language: str | None = None, limit: int = 50):
    """What customers looked for and did not find: content to write."""
    rows = list(
        _recent(days, language)
        .filter(results=0)
        .values("key", "language")
        .annotate(searches=Count("pk"))
        .order_by("-searches", "key")[:limit]
    )
    return _spelled(rows, days, language)


def daily(*, days: int = 30, language: str | None = None) -> list[dict]:
    """Per day: searches, searches without results, searches with a click."""
    rows = (
        _recent(days, language)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            searches=Count("pk"),
            zero=Count("pk", filter=Q(results=0)),
            clicks=Count("pk", filter=Q(clicked_rank__isnull=False)),
        )
        .order_by("day")
    )
    return list(rows)


def totals(*, days: int = 30, language: str | None = None) -> dict:
    stats = _recent(days, language).aggregate(
        searches=Count("pk"),
        zero=Count("pk", filter=Q(results=0)),
        clicks=Count("pk", filter=Q(clicked_rank__isnull=False)),
    )
    searches = stats["searches"] or 0
    stats["zero_share"] = stats["zero"] / searches if searches else None
    stats["ctr"] = stats["clicks"] / searches if searches else None
    return stats
