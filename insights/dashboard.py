"""How support is doing, week by week: the figures behind Reports → How support is doing
(``insights.dashboard_admin``) and its spreadsheet.

The forum's figures are about the questions asked in a week (Monday to Sunday on the
team's clock, ``support.services.hours_for``), among the threads the forum lists
(``forum.selectors.threads``: visible, not merged into another), per language and board:

- asked; answered (a first reply from someone other than the asker: the thread's own
  ``first_reply_at``, kept by ``forum.services``), and answered within 24 hours;
- the time to that first answer, median and 90th percentile (nearest rank), computed as
  ``support.report`` computes its own, so the two columns mean the same;
- solved (a reply marked as the solution), official answers (one marked by support staff);
- who answered first: the shop's team (``forum.permissions.team_q``, the one rule) or the
  community; and the community's top helpers over the weeks shown.

Beside them, the support team's requests week by week, from ``support.report.per_week``.

A fixed number of queries whatever the data: the counts come grouped by week, language
and board from one aggregate query; the waits for the percentiles from one more (SQLite has
no ``percentile_cont``); the helpers from one; support's requests from two."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from forum import permissions as forum_permissions
from forum import selectors as forum_selectors
from forum.models import Board, Post
from forum.models.threads import Visibility
from support import report as support_report

WEEK_CHOICES = (4, 8, 13)
DEFAULT_WEEKS = 8
TOP_HELPERS = 10
DAY = timedelta(hours=24)
ALL_LANGUAGES = ""  # a cell's language when it counts every language of the filter
ALL_BOARDS = None  # and its board when it counts every board


@dataclass
class ForumFigures:
    """The questions asked in one week, in one language and board (or all of them)."""

    asked: int = 0
    answered: int = 0  # have a first reply from someone other than the asker
    answered_in_24h: int = 0
    solved: int = 0  # a reply is marked as the solution
    official: int = 0  # a reply is marked as the official answer
    first_by_team: int = 0  # the first reply came from the shop's team
    waits: list[timedelta] = field(default_factory=list, repr=False)  # to the first reply

    def add(self, other: "ForumFigures") -> None:
        self.asked += other.asked
        self.answered += other.answered
        self.answered_in_24h += other.answered_in_24h
        self.solved += other.solved
        self.official += other.official
        self.first_by_team += other.first_by_team
        self.waits.extend(other.waits)

    @property
    def first_by_community(self) -> int:
        return self.answered - self.first_by_team

    @property
    def answered_in_24h_share(self) -> float | None:
        return self.answered_in_24h / self.asked if self.asked else None

    @property
    def solved_share(self) -> float | None:
        return self.solved / self.asked if self.asked else None

    @property
    def community_share(self) -> float | None:
        """Of the answered questions, those the community answered first."""
        return self.first_by_community / self.answered if self.answered else None

    @property
    def team_share(self) -> float | None:
        return self.first_by_team / self.answered if self.answered else None

    @property
    def first_answer_median(self) -> timedelta | None:
        return median(self.waits) if self.waits else None

    @property
    def first_answer_p90(self) -> timedelta | None:
        return support_report.percentile(self.waits, 0.9)


@dataclass
class Week:
    start: date  # its Monday
    complete: bool  # False for the week still running
    forum: ForumFigures
    support: support_report.Figures
    previous: "Week | None" = None

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def number(self) -> int:
        return self.start.isocalendar().week


@dataclass
class Cell:
    """One week in one language and board; ``ALL_LANGUAGES`` / ``ALL_BOARDS`` for the
    whole filter. Support requests have no board: theirs is on the board-wide cells."""

    week: date
    language: str
    board: Board | None
    forum: ForumFigures
    support: support_report.Figures | None
    previous: "Cell | None" = None


@dataclass
class Helper:
    user_id: int
    name: str
    threads: int  # questions they replied to
    solutions: int  # of their replies, those marked as the solution


@dataclass
class Dashboard:
    weeks: list[Week]  # oldest first; the last one is the week still running
    cells: list[Cell]  # every week shown × (language, board), the totals first
    helpers: list[Helper]
    language: str
    board: Board | None

    @property
    def latest(self) -> Week:
        """The last complete week (the headline figures)."""
        return self.weeks[-2]

    def places(self, week: Week) -> list[Cell]:
        """A week's cells for one language and one board each, where something was asked
        that week or the week before."""
        return [
            cell
            for cell in self.cells
            if cell.week == week.start
            and cell.language != ALL_LANGUAGES
            and cell.board is not ALL_BOARDS
            and (cell.forum.asked or (cell.previous and cell.previous.forum.asked))
        ]


def _midnight(day: date, zone) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=zone)


def listed_threads(*, language: str = "", board: Board | None = None):
    """The threads the forum's own lists show, as plain rows for counting."""
    return (
        forum_selectors.threads(language=language or None, board=board)
        .select_related(None)
        .prefetch_related(None)
        .order_by()
    )


def _first_reply_author():
    """Who wrote a thread's first reply: the one ``first_reply_at`` dates (visible, not the
    question, not by the asker; ``forum.services`` keeps that date)."""
    return Subquery(
        Post.objects.filter(thread=OuterRef("pk"), visibility=Visibility.VISIBLE, is_question=False)
        .exclude(author=OuterRef("author"))
        .order_by("created_at", "pk")
        .values("author")[:1]
    )


def _counts(threads, zone):
    """One aggregate query: per week, language and board, the counts."""
    team = get_user_model().objects.filter(forum_permissions.team_q())
    return (
        threads.annotate(
            week=TruncWeek("created_at", tzinfo=zone),
            first_author=_first_reply_author(),
            first_by_team=Exists(team.filter(pk=OuterRef("first_author"))),
        )
        .values("week", "language", "board_id")
        .annotate(
            asked=Count("pk"),
            answered=Count("pk", filter=Q(first_reply_at__isnull=False)),
            answered_in_24h=Count("pk", filter=Q(first_reply_at__lte=F("created_at") + DAY)),
            solved=Count("pk", filter=Q(solution__isnull=False)),
            official=Count("pk", filter=Q(official_answer__isnull=False)),
            first_by_team=Count("pk", filter=Q(first_by_team=True)),
        )
        .order_by()
    )


def _waits(threads, zone):
    """One query: each answered thread's week, language, board, and when it was asked and
    first answered (the percentiles are taken in Python, as ``support.report`` does)."""
    return (
        threads.filter(first_reply_at__isnull=False)
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .values_list("week", "language", "board_id", "created_at", "first_reply_at")
    )


def top_helpers(threads, limit: int = TOP_HELPERS) -> list[Helper]:
    """Members outside the team who replied to these threads (not their own), by the
    solutions among their replies, then by how many questions they replied to. One query."""
    team = get_user_model().objects.filter(forum_permissions.team_q()).values("pk")
    found = (
        Post.objects.filter(
            thread__in=threads.values("pk"), visibility=Visibility.VISIBLE, is_question=False
        )
        .exclude(author=F("thread__author"))
        .exclude(author__in=team)
        .values("author_id", "author__forum_profile__display_name")
        .annotate(
            threads=Count("thread", distinct=True),
            solutions=Count("pk", filter=Q(thread__solution=F("pk"))),
        )
        .order_by("-solutions", "-threads", "author_id")[:limit]
    )
    return [
        Helper(
            user_id=row["author_id"],
            # As the forum names a member who has not chosen a name yet.
            name=row["author__forum_profile__display_name"]
            or _("Member %(id)s") % {"id": row["author_id"]},
            threads=row["threads"],
            solutions=row["solutions"],
        )
        for row in found
    ]


def build(
    *,
    today: date,
    zone,
    boards: list[Board],
    weeks: int = DEFAULT_WEEKS,
    language: str = "",
    board: Board | None = None,
) -> Dashboard:
    """The dashboard for the ``weeks`` weeks up to the one holding ``today`` (in
    ``zone``), for one language and board or (``""``, ``None``) all of them; ``boards``
    are every board, for the per-board cells. Five queries, however many threads."""
    this_monday = today - timedelta(days=today.weekday())
    # One week more than shown, so the first week shown has a change too.
    starts = [this_monday - timedelta(weeks=n) for n in range(weeks, -1, -1)]
    languages = [language] if language else [ALL_LANGUAGES, *(c for c, _n in settings.LANGUAGES)]
    places = [board] if board else [ALL_BOARDS, *boards]
    grid = {
        (start, code, place.pk if place else None): ForumFigures()
        for start in starts
        for code in languages
        for place in places
    }

    def cells_of(week: date, code: str, board_id: int):
        """The cells a thread counts in: its own, and the filter's totals it belongs to."""
        for key in {
            (week, code if language else c, board_id if board else b)
            for c in (code, ALL_LANGUAGES)
            for b in (board_id, ALL_BOARDS)
        }:
            if key in grid:
                yield grid[key]

    threads = listed_threads(language=language, board=board).filter(
        created_at__gte=_midnight(starts[0], zone),
        created_at__lt=_midnight(this_monday + timedelta(weeks=1), zone),
    )
    for row in _counts(threads, zone):
        counted = ForumFigures(
            asked=row["asked"],
            answered=row["answered"],
            answered_in_24h=row["answered_in_24h"],
            solved=row["solved"],
            official=row["official"],
            first_by_team=row["first_by_team"],
        )
        for cell in cells_of(row["week"].date(), row["language"], row["board_id"]):
            cell.add(counted)
    for week, code, board_id, asked_at, answered_at in _waits(threads, zone):
        for cell in cells_of(week.date(), code, board_id):
            cell.waits.append(answered_at - asked_at)

    support = support_report.per_week(
        first=starts[0], weeks=len(starts), zone=zone, language=language
    )
    total_key = (language or ALL_LANGUAGES, board.pk if board else ALL_BOARDS)
    shown: list[Week] = []
    previous = None
    for start in starts:
        week = Week(
            start=start,
            complete=start < this_monday,
            forum=grid[(start, *total_key)],
            support=support.get((start, language), support_report.Figures()),
            previous=previous,
        )
        shown.append(week)
        previous = week
    cells: list[Cell] = []
    before: dict[tuple, Cell] = {}
    for start in starts:
        for code in languages:
            for place in places:
                cell = Cell(
                    week=start,
                    language=code,
                    board=place,
                    forum=grid[(start, code, place.pk if place else None)],
                    support=(
                        support.get((start, code), support_report.Figures())
                        if place is ALL_BOARDS or board is not None
                        else None
                    ),
                    previous=before.get((code, place)),
                )
                before[(code, place)] = cell
                if start != starts[0]:
                    cells.append(cell)
    since_shown = _midnight(starts[1], zone)
    return Dashboard(
        weeks=shown[1:],
        cells=cells,
        helpers=top_helpers(threads.filter(created_at__gte=since_shown)),
        language=language,
        board=board,
    )
