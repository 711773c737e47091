"""Reports → How support is doing: the figures on known data, their week-over-week change,
the forum's own lists agreeing with them, the spreadsheet equal to the page, a query
count that does not grow with the data, who may read it, and the Turkish interface."""

import csv
import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from forum import selectors as forum_selectors
from forum.models import Board, Post, Thread
from forum.models.threads import Visibility
from forum.services._common import recount_thread
from insights import dashboard
from support import report as support_report
from support.models import Rating, Request
from tests.factories import BoardFactory, PostFactory, ThreadFactory, UserFactory, in_group

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")  # the team's clock by default (Settings → Support hours)
URL = "/admin/reports/support-dashboard/"
H = timedelta(hours=1)


def _this_monday() -> date:
    today = timezone.now().astimezone(BERLIN).date()
    return today - timedelta(days=today.weekday())


def _week(back: int) -> date:
    """The Monday ``back`` weeks before this one."""
    return _this_monday() - timedelta(weeks=back)


def _at(back: int, day: int, hour: int, minute: int = 0) -> datetime:
    """``day`` days after the Monday ``back`` weeks ago, at that hour in Berlin."""
    return datetime.combine(_week(back) + timedelta(days=day), time(hour, minute), tzinfo=BERLIN)


def _thread(at, language, board, author, answers=(), solution=None, official=None, **fields):
    """A thread asked at ``at`` with replies ``(who, after)``; ``solution`` and ``official``
    are indexes into them. Its first reply is dated by the forum's own recount."""
    thread = ThreadFactory(board=board, language=language, author=author, **fields)
    Thread.objects.filter(pk=thread.pk).update(created_at=at)
    Post.objects.filter(thread=thread).update(created_at=at)
    replies = []
    for who, after, *visibility in answers:
        reply = PostFactory(thread=thread, author=who, visibility=(visibility or ["visible"])[0])
        Post.objects.filter(pk=reply.pk).update(created_at=at + after)
        replies.append(reply)
    thread.refresh_from_db()
    recount_thread(thread)
    Thread.objects.filter(pk=thread.pk).update(
        solution=replies[solution] if solution is not None else None,
        official_answer=replies[official] if official is not None else None,
    )
    return thread


def _request(reference, confirmed, answered_after, good=None, language="en"):
    found = Request.objects.create(
        reference=reference,
        email=f"{reference.lower()}@example.com",
        language=language,
        subject="Wo ist mein Paket?",
        confirmed_at=confirmed,
        first_response_due=confirmed + 4 * H,
        first_response_at=confirmed + answered_after if answered_after else None,
    )
    if good is not None:
        Rating.objects.create(request=found, good=good)
    return found


def _build(tag: str = "") -> dict:
    """Three complete weeks (3, 2 and 1 weeks back; 1 is the headline week) in English and
    German on two boards, answered by the team and the community at known delays."""
    returns = BoardFactory(slug="returns", name="Returns")
    shipping = BoardFactory(slug="shipping", name="Shipping")
    asker = UserFactory(username=f"asker{tag}")
    anna = UserFactory(username=f"anna{tag}", profile="Anna")
    ben = UserFactory(username=f"ben{tag}", profile="Ben")
    staff = in_group(UserFactory(username=f"staff{tag}", is_staff=True), "Support staff")
    moderator = in_group(UserFactory(username=f"mod{tag}"), "Forum moderators")
    boss = UserFactory(username=f"boss{tag}", is_superuser=True, is_staff=True)
    # Week 1 back (the headline week). Monday 00:30 in Berlin is still Sunday in UTC.
    _thread(_at(1, 0, 0, 30), "en", returns, asker, [(anna, H), (staff, 3 * H)], 0, 1)
    _thread(_at(1, 1, 9), "en", returns, asker, [(staff, 2 * H)], 0, 0)
    _thread(_at(1, 2, 12), "en", returns, asker, [(ben, 30 * H)])
    _thread(_at(1, 3, 15), "en", returns, asker)
    _thread(_at(1, 0, 8), "de", shipping, asker, [(moderator, 4 * H)], 0)
    # The asker's own reply is not an answer; the held one is not seen yet.
    answers = [(asker, H), (staff, 2 * H, Visibility.HELD), (anna, 26 * H)]
    _thread(_at(1, 4, 20), "de", shipping, asker, answers)
    _thread(_at(1, 5, 11), "en", shipping, asker, [(boss, H / 2)])
    # Not listed by the forum, so not counted: hidden, and merged into another (hidden too).
    _thread(_at(1, 1, 10), "en", returns, asker, [(anna, H)], visibility=Visibility.HIDDEN)
    kept = _thread(_at(1, 1, 11), "en", returns, asker)
    _thread(_at(1, 1, 12), "en", returns, asker, [(ben, H)], merged_into=kept)
    Thread.objects.filter(pk=kept.pk).update(visibility=Visibility.HIDDEN)
    # Week 2 back. Sunday 23:30 in Berlin belongs to that week.
    _thread(_at(2, 2, 10), "en", returns, asker, [(anna, 5 * H)], 0)
    _thread(_at(2, 6, 23, 30), "de", returns, asker, [(staff, 10 * H)], 0, 0)
    # Week 3 back: one question nobody answered.
    _thread(_at(3, 0, 10), "en", returns, asker)
    # Long before the weeks shown, and this week (still running).
    _thread(_at(20, 1, 10), "en", returns, asker, [(anna, H)], 0)
    _thread(_at(0, 0, 0, 5), "de", returns, asker, [(ben, H)])
    # The support team's requests: promised within 4 h.
    _request(f"HC-DSH{tag}-0001", _at(1, 1, 9), H, good=True)
    _request(f"HC-DSH{tag}-0002", _at(1, 2, 9), 3 * H, good=False, language="de")
    _request(f"HC-DSH{tag}-0003", _at(2, 1, 9), 6 * H)
    return {"returns": returns.pk, "shipping": shipping.pk, "staff": staff.pk, "anna": anna.pk}


@pytest.fixture(scope="module")
def _known_ids(django_db_setup, django_db_blocker):
    from tests.conftest import built_once_for_the_module

    with built_once_for_the_module(django_db_blocker, _build) as ids:
        yield ids


@pytest.fixture
def known(_known_ids, help_center):
    from django.contrib.auth import get_user_model

    return {
        "returns": Board.objects.get(pk=_known_ids["returns"]),
        "shipping": Board.objects.get(pk=_known_ids["shipping"]),
        "staff": get_user_model().objects.get(pk=_known_ids["staff"]),
        "anna": _known_ids["anna"],
    }


def _build_dashboard(**filters) -> dashboard.Dashboard:
    return dashboard.build(
        today=timezone.now().astimezone(BERLIN).date(),
        zone=BERLIN,
        boards=list(forum_selectors.boards()),
        **filters,
    )


def _weeks(found) -> dict[int, dashboard.Week]:
    """The weeks shown by how many weeks back they are."""
    return {(_this_monday() - week.start).days // 7: week for week in found.weeks}


def _cell(found, back, language, board):
    (cell,) = [
        c
        for c in found.cells
        if c.week == _week(back) and c.language == language and c.board == board
    ]
    return cell


# The figures --------------------------------------------------------------------------


def test_the_weeks_figures_on_known_data(known):
    found = _build_dashboard()
    weeks = _weeks(found)
    assert sorted(weeks) == list(range(8))  # 8 weeks by default, this one included
    assert [weeks[n].complete for n in (1, 0)] == [True, False]
    assert found.latest is weeks[1]
    latest = weeks[1].forum
    assert (latest.asked, latest.answered, latest.answered_in_24h) == (7, 6, 4)
    assert round(latest.answered_in_24h_share, 3) == 0.571
    # Waits 0.5, 1, 2, 4, 26 and 30 h: the median between 2 and 4, 90 % within the 6th.
    assert latest.first_answer_median == 3 * H
    assert latest.first_answer_p90 == 30 * H
    assert (latest.solved, round(latest.solved_share, 3)) == (3, 0.429)
    # First answers from the team: the staff member, the moderator, the superuser.
    assert (latest.first_by_team, latest.first_by_community, latest.community_share) == (3, 3, 0.5)
    assert latest.official == 2
    earlier = weeks[2].forum
    assert (earlier.asked, earlier.answered, earlier.answered_in_24h, earlier.solved) == (
        2,
        2,
        2,
        2,
    )
    assert (earlier.first_answer_median, earlier.first_answer_p90) == (7.5 * H, 10 * H)
    assert (earlier.community_share, earlier.official) == (0.5, 1)
    first = weeks[3].forum
    assert (first.asked, first.answered, first.answered_in_24h_share) == (1, 0, 0)
    assert first.first_answer_median is None and first.community_share is None
    assert first.solved_share == 0
    assert weeks[0].forum.asked == 1  # so far
    assert all(weeks[n].forum.asked == 0 for n in range(4, 8))


def test_the_figures_per_language_and_board(known):
    found = _build_dashboard()
    returns, shipping = known["returns"], known["shipping"]
    en_returns = _cell(found, 1, "en", returns).forum
    assert (en_returns.asked, en_returns.answered, en_returns.answered_in_24h) == (4, 3, 2)
    assert (en_returns.first_answer_median, en_returns.first_answer_p90) == (2 * H, 30 * H)
    assert (en_returns.solved, en_returns.first_by_team, en_returns.official) == (2, 1, 2)
    assert round(en_returns.community_share, 3) == 0.667
    de_shipping = _cell(found, 1, "de", shipping).forum
    assert (de_shipping.asked, de_shipping.answered, de_shipping.answered_in_24h) == (2, 2, 1)
    assert (de_shipping.first_answer_median, de_shipping.first_answer_p90) == (15 * H, 26 * H)
    assert (de_shipping.solved, de_shipping.first_by_team, de_shipping.official) == (1, 1, 0)
    english = _cell(found, 1, "en", dashboard.ALL_BOARDS).forum
    assert (english.asked, english.first_answer_median) == (5, 1.5 * H)
    every_shipping = _cell(found, 1, dashboard.ALL_LANGUAGES, shipping).forum
    assert (every_shipping.asked, every_shipping.first_by_team) == (3, 2)
    assert _cell(found, 1, "tr", returns).forum.asked == 0
    # What the per-place table lists for the headline week: where something was asked
    # that week or the week before.
    places = {(c.language, c.board.slug) for c in found.places(found.latest)}
    assert places == {("en", "returns"), ("en", "shipping"), ("de", "shipping"), ("de", "returns")}


def test_filters_narrow_every_figure(known):
    german = _build_dashboard(language="de", weeks=4)
    assert len(german.weeks) == 4
    assert _weeks(german)[1].forum.asked == 2 and _weeks(german)[2].forum.asked == 1
    assert {c.language for c in german.cells} == {"de"}
    assert _weeks(german)[1].support.requests == 1  # the German request only
    shipping = _build_dashboard(board=known["shipping"])
    latest = shipping.latest.forum
    assert (latest.asked, latest.first_answer_median, latest.first_answer_p90) == (3, 4 * H, 26 * H)
    assert {c.board for c in shipping.cells} == {known["shipping"]}
    assert _build_dashboard(weeks=13).weeks[0].start == _week(12)


def test_the_support_column_is_support_reports_own(known):
    weeks = _weeks(_build_dashboard())
    latest, earlier = weeks[1].support, weeks[2].support
    same = support_report.build(start=_week(1), end=_week(1) + timedelta(days=6), zone=BERLIN)
    assert latest == same.total
    assert (latest.requests, latest.first_answer_median, latest.first_answer_p90) == (
        2,
        2 * H,
        3 * H,
    )
    assert (latest.promises_kept, latest.promises_due, latest.csat) == (2, 2, 0.5)
    assert (earlier.requests, earlier.promises_kept_share, earlier.csat) == (1, 0, None)


def test_top_helpers_are_the_community_by_solutions(known):
    helpers = _build_dashboard().helpers
    # Anna: three questions (two solved by her); Ben: one. Replies to their own question,
    # from the team, and in threads the forum does not list are left out; so are threads
    # asked before the weeks shown.
    assert [(h.name, h.threads, h.solutions) for h in helpers] == [("Anna", 3, 2), ("Ben", 2, 0)]


# The forum's own lists agree ----------------------------------------------------------


def _in_week(qs, back):
    since = datetime.combine(_week(back), time(), tzinfo=BERLIN)
    return qs.filter(created_at__gte=since, created_at__lt=since + timedelta(days=7))


@pytest.mark.parametrize("back", [1, 2, 3])
def test_the_numbers_match_the_forums_own_lists(known, back):
    found = _build_dashboard()
    for language in ("en", "de", "tr"):
        for board in (known["returns"], known["shipping"]):
            cell = _cell(found, back, language, board).forum
            listed = _in_week(forum_selectors.threads(language=language, board=board), back)
            assert cell.asked == listed.count()
            solved = forum_selectors.threads(language=language, board=board, sort="solved")
            assert cell.solved == _in_week(solved, back).count()
            answered = forum_selectors.staff_queue(language=language)["answered"]
            assert cell.answered == _in_week(answered.filter(board=board), back).count()
            official = forum_selectors.official_answers(language).filter(board=board)
            assert cell.official == _in_week(official, back).count()
            waits = [t.first_reply_wait for t in _in_week(answered.filter(board=board), back)]
            assert cell.answered_in_24h == sum(wait <= timedelta(hours=24) for wait in waits)


# The page and its spreadsheet ---------------------------------------------------------


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def _hours(value):
    return "" if value is None else str(round(value.total_seconds() / 3600, 2))


def test_the_page_shows_each_figure_with_its_change_on_the_week_before(client, known):
    client.force_login(known["staff"])
    response = client.get(URL)
    assert response.status_code == 200
    charts = {c.measure.key: c for c in response.context["forum_charts"]}
    shown = {key: (c.latest.text, c.latest.change, c.latest.tone) for key, c in charts.items()}
    assert shown == {
        "asked": ("7", "+5", ""),
        "answered_in_24h_share": ("57 %", "−43 pts", "worse"),
        "first_answer_median": ("3 h 0 min", "−4 h 30 min", "better"),
        "first_answer_p90": ("1 d 6 h", "+20 h 0 min", "worse"),
        "solved_share": ("43 %", "−57 pts", "worse"),
        "community_share": ("50 %", "±0 pts", ""),
        "official": ("2", "+1", ""),
    }
    support = {
        c.measure.key: (c.latest.text, c.latest.change) for c in response.context["support_charts"]
    }
    assert support["requests"] == ("2", "+1")
    assert support["promises_kept_share"] == ("100 %", "+100 pts")
    assert support["csat"] == ("50 %", "–")
    html = response.content.decode()
    assert 'data-figure="first_answer_median">3 h 0 min</span>' in html
    assert "−4 h 30 min" in html and "so far" in html
    # Each chart is described in words and has its numbers as a table.
    assert html.count('class="insights-dashboard__bars"') == 12
    assert html.count('role="img" aria-label="Questions asked, week by week') == 1
    assert html.count("<summary>As a table</summary>") == 12
    anna = reverse("forum:member", kwargs={"user_id": known["anna"]})
    assert f'<a href="{anna}">Anna</a>' in html


def test_the_csv_holds_the_pages_numbers(client, known):
    client.force_login(known["staff"])
    page = client.get(URL)
    found = page.context["dashboard"]
    assert page.context["view"].csv_export_url.endswith("?export=csv")
    response = client.get(URL, {"export": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="how-support-is-doing.csv"'
    rows = _csv(response)
    # 8 weeks × (all + 3 languages) × (all + 2 boards).
    assert len(rows) == 8 * 4 * 3
    totals = {row["week"]: row for row in rows if row["language"] == row["board"] == "all"}
    for week in found.weeks:
        row, forum, support = totals[week.start.isoformat()], week.forum, week.support
        assert int(row["questions asked"]) == forum.asked
        assert int(row["answered within 24 h"]) == forum.answered_in_24h
        assert row["first answer median (h)"] == _hours(forum.first_answer_median)
        assert row["first answer p90 (h)"] == _hours(forum.first_answer_p90)
        assert int(row["solved"]) == forum.solved
        assert int(row["first answer by staff"]) == forum.first_by_team
        assert int(row["official answers"]) == forum.official
        assert int(row["support requests"]) == support.requests
        assert row["support first answer median (h)"] == _hours(support.first_answer_median)
    latest = totals[_week(1).isoformat()]
    assert (latest["answered within 24 h (%)"], latest["solved (%)"]) == ("57.1", "42.9")
    assert (latest["first answer median (h)"], latest["first answer p90 (h)"]) == ("3.0", "30.0")
    assert (latest["first answer by community (%)"], latest["CSAT (%)"]) == ("50.0", "50.0")
    assert latest["iso week"] == "{}-W{:02d}".format(*_week(1).isocalendar()[:2])
    # The per-place rows add up to the totals, and carry the page's per-place table.
    week_rows = [r for r in rows if r["week"] == _week(1).isoformat()]
    places = [r for r in week_rows if "all" not in (r["language"], r["board"])]
    assert sum(int(r["questions asked"]) for r in places) == 7
    assert sum(int(r["first answer by community"]) for r in places) == 3
    en_returns = next(r for r in places if (r["language"], r["board"]) == ("en", "returns"))
    assert (en_returns["first answer median (h)"], en_returns["answered within 24 h (%)"]) == (
        "2.0",
        "50.0",
    )
    assert en_returns["support requests"] == ""  # requests have no board
    table = {(p["language"], p["board"]): p["figures"] for p in page.context["places"]}
    assert [text for _m, text, _c, _t in table[("English", "Returns")]] == [
        "4",
        "50 %",
        "2 h 0 min",
        "1 d 6 h",
        "50 %",
        "67 %",
        "2",
    ]


def test_the_csv_follows_the_filters_and_xlsx_is_offered(client, known):
    from openpyxl import load_workbook

    client.force_login(known["staff"])
    rows = _csv(client.get(URL, {"language": "de", "board": "shipping", "export": "csv"}))
    assert len(rows) == 8 and {(r["language"], r["board"]) for r in rows} == {("de", "shipping")}
    latest = next(r for r in rows if r["week"] == _week(1).isoformat())
    assert (latest["questions asked"], latest["first answer median (h)"]) == ("2", "15.0")
    sheet = load_workbook(io.BytesIO(client.get(URL, {"export": "xlsx"}).getvalue())).active
    assert next(sheet.values)[:4] == ("week", "iso week", "language", "board")


# Cost, access, languages ---------------------------------------------------------------


def test_the_dashboard_runs_the_same_queries_for_five_times_the_data(
    client, known, django_assert_max_num_queries
):
    client.force_login(known["staff"])
    client.get(URL)  # what is cached whatever the data (the site, its settings)
    with django_assert_max_num_queries(1000) as few:
        small = client.get(URL)
    assert small.context["dashboard"].latest.forum.asked == 7
    for tag in "bcde":
        _build(tag)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = client.get(URL)
    found = large.context["dashboard"]
    assert found.latest.forum.asked == 35 and found.latest.support.requests == 10
    assert len(found.helpers) == 10
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL, {"export": "csv"}).status_code == 200


def _user(kind: str):
    if kind == "customer":
        return UserFactory()
    if kind == "editor":  # in the admin, without support rights
        return in_group(UserFactory(is_staff=True), "Editors")
    if kind == "support staff":
        return in_group(UserFactory(is_staff=True), "Support staff")
    if kind == "forum moderator":  # given admin access: the group itself has none
        moderator = in_group(UserFactory(), "Forum moderators")
        return in_group(moderator, "Editors")
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.mark.parametrize(
    "kind, allowed",
    [
        ("anonymous", False),
        ("customer", False),
        ("editor", False),
        ("support staff", True),
        ("forum moderator", True),
        ("superuser", True),
    ],
)
def test_only_the_team_reads_the_dashboard(client, help_center, kind, allowed):
    if kind != "anonymous":
        client.force_login(_user(kind))
    page = client.get(URL)
    assert (page.status_code == 200) is allowed
    spreadsheet = client.get(URL, {"export": "csv"})
    assert (spreadsheet.status_code == 200) is allowed
    if not allowed:
        assert page.status_code == 302 and "Content-Disposition" not in spreadsheet
    if kind == "editor":  # sent back to the admin's home, where the menu does not offer it
        assert page["Location"] == reverse("wagtailadmin_home")
    if kind in ("editor", "support staff"):
        home = client.get(reverse("wagtailadmin_home")).content.decode()
        assert (URL in home) is allowed


def test_the_turkish_interface_renders(client, known, compiled_catalogs):
    UserProfile.objects.update_or_create(user=known["staff"], defaults={"preferred_language": "tr"})
    client.force_login(known["staff"])
    html = client.get(URL).content.decode()
    with translation.override("tr"):
        from django.utils.translation import gettext

        expected = [gettext("Requests"), gettext("Promises kept"), gettext("All languages")]
    assert all(text in html for text in expected) and "Requests" not in expected
    assert '<html lang="tr"' in html or 'lang="tr"' in html
    # Figures in the page's language, drawings in numbers a browser reads (no decimal comma).
    assert 'x="1.5"' in html and 'x="1,5"' not in html
    rows = _csv(client.get(URL, {"export": "csv"}))
    assert "questions asked" in rows[0]  # column names stay as scripts know them
