"""How support is doing, in figures: requests per day, time to the first answer (median and
90th percentile), promises kept, satisfaction (CSAT), NPS and the contact form's deflection
rate; per topic and per team member. Read by the report in the Wagtail admin
(``support.admin_report.ReportView``) and its CSV, and week by week (``per_week``) by the
"How support is doing" dashboard (``insights``). A fixed number of queries however many
requests there are; percentiles are computed here, the same on SQLite and PostgreSQL."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from django.db.models import Count, Q
from django.utils import timezone

from support.models import ContactVisit, Rating, Request


@dataclass
class Figures:
    requests: int = 0
    answered: int = 0
    first_answer_median: timedelta | None = None
    first_answer_p90: timedelta | None = None
    promises_due: int = 0  # answered, or unanswered past the promised time
    promises_kept: int = 0
    rated: int = 0
    rated_good: int = 0
    recommend_answers: int = 0
    promoters: int = 0
    detractors: int = 0

    @property
    def promises_kept_share(self) -> float | None:
        return self.promises_kept / self.promises_due if self.promises_due else None

    @property
    def csat(self) -> float | None:
        return self.rated_good / self.rated if self.rated else None

    @property
    def nps(self) -> int | None:
        """% promoters (9-10) minus % detractors (0-6), from -100 to 100."""
        if not self.recommend_answers:
            return None
        return round(100 * (self.promoters - self.detractors) / self.recommend_answers)


@dataclass
class Report:
    start: date
    end: date  # inclusive
    total: Figures
    per_day: list[tuple[date, int]]
    per_topic: list[tuple[str, Figures]]
    per_agent: list[tuple[str, Figures]]
    visits: int = 0
    deflected: int = 0
    visits_with_request: int = 0
    rows: list[dict] = field(default_factory=list)  # one per request: the CSV

    @property
    def deflection_rate(self) -> float | None:
        return self.deflected / self.visits if self.visits else None

    @property
    def busiest_day(self) -> int:
        return max((count for _day, count in self.per_day), default=0)


def percentile(values: list[timedelta], share: float) -> timedelta | None:
    """The nearest-rank percentile (p90: the time within which 90 % were answered)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil, at least the first
    return ordered[int(rank) - 1]


def _requests(*, since: datetime, until: datetime, language: str = "", topic: int | None = None):
    """Requests confirmed in ``[since, until)`` that were not merged into another."""
    found = Request.objects.filter(
        confirmed_at__gte=since, confirmed_at__lt=until, merged_into__isnull=True
    )
    if language:
        found = found.filter(language=language)
    if topic:
        found = found.filter(topic_id=topic)
    return found


def _tally(found, groups_of) -> tuple[list[dict], dict]:
    """Read the requests in ``found`` (two queries) and add each to the figures of every
    group ``groups_of(row)`` names. Returns the rows (one per request, oldest first, as
    the CSV lists them) and the figures by group."""
    rows = list(
        found.order_by("confirmed_at", "pk").values(
            "pk",
            "reference",
            "language",
            "status",
            "confirmed_at",
            "first_response_at",
            "first_response_due",
            "solved_at",
            "topic__title",
            "assignee__email",
        )
    )
    ratings = {
        r["request_id"]: r
        for r in Rating.objects.filter(request__in=found).values("request_id", "good", "recommend")
    }
    now = timezone.now()
    figures: dict = defaultdict(Figures)
    waits: dict = defaultdict(list)  # group -> first-answer times
    for row in rows:
        rating = ratings.get(row["pk"])
        row["rating"] = ("good" if rating["good"] else "bad") if rating else ""
        row["recommend"] = rating["recommend"] if rating else None
        row["first_answer_hours"] = (
            round((row["first_response_at"] - row["confirmed_at"]).total_seconds() / 3600, 2)
            if row["first_response_at"]
            else None
        )
        due_passed = row["first_response_at"] is not None or row["first_response_due"] <= now
        kept = row["first_response_at"] is not None and (
            row["first_response_at"] <= row["first_response_due"]
        )
        row["promise_kept"] = kept if due_passed else None
        for group in groups_of(row):
            one = figures[group]
            one.requests += 1
            if row["first_response_at"]:
                one.answered += 1
                waits[group].append(row["first_response_at"] - row["confirmed_at"])
            if due_passed:
                one.promises_due += 1
                one.promises_kept += kept
            if rating:
                one.rated += 1
                one.rated_good += rating["good"]
                if rating["recommend"] is not None:
                    one.recommend_answers += 1
                    one.promoters += rating["recommend"] >= 9
                    one.detractors += rating["recommend"] <= 6
    for group, one in figures.items():
        one.first_answer_median = median(waits[group]) if waits[group] else None
        one.first_answer_p90 = percentile(waits[group], 0.9)
    return rows, figures


def build(*, start: date, end: date, zone, language: str = "", topic: int | None = None) -> Report:
    """The report for requests confirmed from ``start`` to ``end`` (days in ``zone``, the
    team's clock)."""
    since = datetime.combine(start, datetime.min.time(), tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    found = _requests(since=since, until=until, language=language, topic=topic)
    rows, figures = _tally(
        found,
        lambda row: (
            "total",
            ("topic", row["topic__title"] or ""),
            ("agent", row["assignee__email"] or ""),
        ),
    )
    per_day = Counter(row["confirmed_at"].astimezone(zone).date() for row in rows)
    by_topic = {key[1]: one for key, one in figures.items() if key[0] == "topic"}
    by_agent = {key[1]: one for key, one in figures.items() if key[0] == "agent"}
    visits = ContactVisit.objects.filter(created_at__gte=since, created_at__lt=until)
    if language:
        visits = visits.filter(language=language)
    counted = visits.aggregate(
        all=_count(),
        deflected=_count(Q(deflected_at__isnull=False)),
        with_request=_count(Q(request__isnull=False)),
    )
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return Report(
        start=start,
        end=end,
        total=figures.get("total", Figures()),
        per_day=[(day, per_day.get(day, 0)) for day in days],
        per_topic=sorted(by_topic.items(), key=lambda item: (-item[1].requests, item[0])),
        per_agent=sorted(by_agent.items(), key=lambda item: (-item[1].requests, item[0])),
        visits=counted["all"] if not topic else 0,
        deflected=counted["deflected"] if not topic else 0,
        visits_with_request=counted["with_request"] if not topic else 0,
        rows=rows,
    )


def per_week(*, first: date, weeks: int, zone, language: str = "") -> dict[tuple, Figures]:
    """The figures of requests confirmed in each of ``weeks`` weeks from the Monday
    ``first`` (weeks Monday to Sunday in ``zone``, the team's clock), by the week's Monday
    and the request's language, and for the week as a whole (language ``""``). Weeks
    without requests are left out. Two queries, however many requests."""
    since = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    until = datetime.combine(first + timedelta(weeks=weeks), datetime.min.time(), tzinfo=zone)

    def week_and_language(row):
        day = row["confirmed_at"].astimezone(zone).date()
        monday = day - timedelta(days=day.weekday())
        return (monday, row["language"]), (monday, "")

    _rows, figures = _tally(
        _requests(since=since, until=until, language=language), week_and_language
    )
    return dict(figures)


def _count(condition=None):
    return Count("pk", filter=condition) if condition is not None else Count("pk")
