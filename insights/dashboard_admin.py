"""How support is doing (Reports → How support is doing): the figures of
``insights.dashboard`` week by week, each with its change on the week before, as charts
with a table each, for a language, a board and a number of weeks; and the same figures as
a spreadsheet (CSV or XLSX, through Wagtail's ``SpreadsheetExportMixin``)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.models import Site

from forum import selectors as forum_selectors
from insights import dashboard, permissions
from support import services as support_services
from support.templatetags.support_tags import duration, percent

COUNT, SHARE, DURATION = "count", "share", "duration"
WEEKS = {str(number) for number in dashboard.WEEK_CHOICES}  # as the filter sends them


@dataclass(frozen=True)
class Measure:
    key: str  # the attribute of ``dashboard.ForumFigures`` or ``support.report.Figures``
    label: str
    kind: str
    better: int = 0  # 1: more is better, -1: less is better, 0: neither


FORUM_MEASURES = (
    Measure("asked", gettext_lazy("Questions asked"), COUNT),
    Measure("answered_in_24h_share", gettext_lazy("Answered within 24 h"), SHARE, 1),
    Measure("first_answer_median", gettext_lazy("First answer, median"), DURATION, -1),
    Measure("first_answer_p90", gettext_lazy("First answer, 90 % within"), DURATION, -1),
    Measure("solved_share", gettext_lazy("Solved"), SHARE, 1),
    Measure("community_share", gettext_lazy("First answered by the community"), SHARE),
    Measure("official", gettext_lazy("Official answers"), COUNT),
)
SUPPORT_MEASURES = (
    Measure("requests", gettext_lazy("Requests"), COUNT),
    Measure("first_answer_median", gettext_lazy("First answer, median"), DURATION, -1),
    Measure("first_answer_p90", gettext_lazy("First answer, 90 % within"), DURATION, -1),
    Measure("promises_kept_share", gettext_lazy("Promises kept"), SHARE, 1),
    Measure("csat", gettext_lazy("Satisfaction (CSAT)"), SHARE, 1),
)


def figure_text(measure: Measure, value) -> str:
    if measure.kind == SHARE:
        return percent(value)
    if measure.kind == DURATION:
        return duration(value)
    return str(value)


def change(measure: Measure, value, before) -> tuple[str, str]:
    """The change on the week before as shown ("+3", "−5 pts", "+1 h 20 min") and its tone
    ("better", "worse" or ""). A share's change is that of the rounded percentages shown."""
    if value is None or before is None:
        return "–", ""
    if measure.kind == SHARE:
        delta = round(value * 100) - round(before * 100)
        text = _("%(points)s pts") % {"points": _signed(delta, str(abs(delta)))}
    elif measure.kind == DURATION:
        delta = (value - before).total_seconds()
        text = _signed(delta, duration(abs(value - before)))
    else:
        delta = value - before
        text = _signed(delta, str(abs(delta)))
    if not delta or not measure.better:
        return text, ""
    return text, "better" if (delta > 0) == (measure.better > 0) else "worse"


def _signed(delta, magnitude: str) -> str:
    """The change with its sign: +3, −3 (a minus sign, not a hyphen), ±0."""
    return ("+" if delta > 0 else "−" if delta < 0 else "±") + magnitude


@dataclass
class Point:
    week: dashboard.Week
    value: object
    text: str
    change: str
    tone: str
    height: float  # of the bar, 0-100
    x: float  # where the bar starts, in tenths of the chart's width per week

    @property
    def y(self) -> float:
        return 100 - self.height


@dataclass
class Chart:
    measure: Measure
    points: list[Point]  # oldest first
    latest: Point  # the last complete week

    @property
    def width(self) -> int:
        """Of the chart's drawing: ten units a week."""
        return 10 * len(self.points)

    @property
    def summary(self) -> str:
        """The chart in words, for screen readers (the table under it has the same)."""
        values = "; ".join(
            f"{date_format(point.week.start, 'SHORT_DATE_FORMAT')}: {point.text}"
            for point in self.points
        )
        return _("%(measure)s, week by week (each week by its Monday): %(values)s") % {
            "measure": self.measure.label,
            "values": values,
        }


def chart(measure: Measure, weeks: list[dashboard.Week], source: str) -> Chart:
    def value_of(week):
        return getattr(getattr(week, source), measure.key) if week else None

    values = [value_of(week) for week in weeks]
    if measure.kind == SHARE:
        scale = [None if v is None else v * 100 for v in values]
        tallest = 100
    else:
        scale = [
            None if v is None else (v.total_seconds() if measure.kind == DURATION else v)
            for v in values
        ]
        tallest = max((v for v in scale if v is not None), default=0) or 1
    points = []
    for index, (week, value, size) in enumerate(zip(weeks, values, scale, strict=True)):
        text, tone = change(measure, value, value_of(week.previous))
        points.append(
            Point(
                week=week,
                value=value,
                text=figure_text(measure, value),
                change=text,
                tone=tone,
                # A figure of zero still gets a sliver, so it differs from no figure at all.
                height=0 if size is None else max(1.5, round(100 * size / tallest, 1)),
                x=10 * index + 1.5,
            )
        )
    return Chart(measure=measure, points=points, latest=points[-2])


def _figures(cell: dashboard.Cell) -> list[tuple[Measure, str, str, str]]:
    """A cell's forum figures as shown: the measure, the figure, its change and tone."""
    before = cell.previous.forum if cell.previous else None
    shown = []
    for measure in FORUM_MEASURES:
        value = getattr(cell.forum, measure.key)
        earlier = getattr(before, measure.key) if before else None
        shown.append((measure, figure_text(measure, value), *change(measure, value, earlier)))
    return shown


def _hours(value: timedelta | None):
    return None if value is None else round(value.total_seconds() / 3600, 2)


def _percent(share: float | None):
    return None if share is None else round(share * 100, 1)


class DashboardView(SpreadsheetExportMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "insights/dashboard.html"
    page_title = gettext_lazy("How support is doing")
    header_icon = "table"
    export_filename = "how-support-is-doing"
    # One row per week × (language, board); "all" is the whole filter. Column names stay
    # in English whatever the admin's language: spreadsheets are built on them.
    list_export = [
        "week",
        "iso week",
        "language",
        "board",
        "questions asked",
        "answered",
        "answered within 24 h",
        "answered within 24 h (%)",
        "first answer median (h)",
        "first answer p90 (h)",
        "solved",
        "solved (%)",
        "first answer by community",
        "first answer by staff",
        "first answer by community (%)",
        "official answers",
        "support requests",
        "support answered",
        "support first answer median (h)",
        "support first answer p90 (h)",
        "promises due",
        "promises kept",
        "promises kept (%)",
        "rated",
        "rated good",
        "CSAT (%)",
    ]

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_see_support_dashboard(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [{"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        self.zone = support_services.hours_for(Site.find_for_request(request)).clock().zone
        self.boards = list(forum_selectors.boards())
        language = request.GET.get("language", "")
        self.language = language if language in dict(settings.LANGUAGES) else ""
        board = request.GET.get("board", "")
        self.board = next((b for b in self.boards if b.slug == board), None)
        weeks = request.GET.get("weeks", "")
        self.weeks = int(weeks) if weeks in WEEKS else dashboard.DEFAULT_WEEKS
        self.dashboard = dashboard.build(
            today=timezone.now().astimezone(self.zone).date(),
            zone=self.zone,
            boards=self.boards,
            weeks=self.weeks,
            language=self.language,
            board=self.board,
        )
        if self.is_export:
            return self.as_spreadsheet(self.export_rows(), request.GET["export"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = self.dashboard
        latest = found.latest
        context.update(
            dashboard=found,
            latest=latest,
            forum_charts=[chart(m, found.weeks, "forum") for m in FORUM_MEASURES],
            support_charts=[chart(m, found.weeks, "support") for m in SUPPORT_MEASURES],
            forum_measures=FORUM_MEASURES,
            places=[
                {
                    "language": dict(settings.LANGUAGES)[cell.language],
                    "board": cell.board.localized_name(),
                    "figures": _figures(cell),
                }
                for cell in found.places(latest)
            ],
            languages=settings.LANGUAGES,
            language=self.language,
            boards=self.boards,
            board=self.board,
            week_choices=dashboard.WEEK_CHOICES,
            weeks=self.weeks,
            zone=self.zone,
        )
        return context

    def export_rows(self) -> list[dict]:
        rows = []
        for cell in self.dashboard.cells:
            forum = cell.forum
            row = {
                "week": cell.week.isoformat(),
                "iso week": "{}-W{:02d}".format(*cell.week.isocalendar()[:2]),
                "language": cell.language or "all",
                "board": cell.board.slug if cell.board else "all",
                "questions asked": forum.asked,
                "answered": forum.answered,
                "answered within 24 h": forum.answered_in_24h,
                "answered within 24 h (%)": _percent(forum.answered_in_24h_share),
                "first answer median (h)": _hours(forum.first_answer_median),
                "first answer p90 (h)": _hours(forum.first_answer_p90),
                "solved": forum.solved,
                "solved (%)": _percent(forum.solved_share),
                "first answer by community": forum.first_by_community,
                "first answer by staff": forum.first_by_team,
                "first answer by community (%)": _percent(forum.community_share),
                "official answers": forum.official,
            }
            support = cell.support
            if support is not None:
                row.update(
                    {
                        "support requests": support.requests,
                        "support answered": support.answered,
                        "support first answer median (h)": _hours(support.first_answer_median),
                        "support first answer p90 (h)": _hours(support.first_answer_p90),
                        "promises due": support.promises_due,
                        "promises kept": support.promises_kept,
                        "promises kept (%)": _percent(support.promises_kept_share),
                        "rated": support.rated,
                        "rated good": support.rated_good,
                        "CSAT (%)": _percent(support.csat),
                    }
                )
            rows.append({column: row.get(column) for column in self.list_export})
        return rows


@hooks.register("register_admin_urls")
def register_dashboard_urls():
    return [path("reports/support-dashboard/", DashboardView.as_view(), name="insights_dashboard")]


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_see_support_dashboard(request.user)


@hooks.register("register_reports_menu_item")
def dashboard_menu_item():
    return DashboardMenuItem(
        gettext_lazy("How support is doing"),
        reverse("insights_dashboard"),
        icon_name="table",
        order=290,
    )
