"""The team's clock: every promise and due time comes from it."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from support.clock import Clock

BERLIN = ZoneInfo("Europe/Berlin")
ISTANBUL = ZoneInfo("Europe/Istanbul")
WEEKDAYS_9_TO_18 = {day: (time(9), time(18)) for day in range(5)}


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def clock():
    return Clock(zone=BERLIN, week=WEEKDAYS_9_TO_18, holiday_country="DE")


def test_within_the_day_the_hours_are_added_to_now(clock):
    assert clock.add_business_hours(berlin(2026, 12, 8, 10, 0), 4) == berlin(2026, 12, 8, 14, 0)


def test_hours_left_at_closing_carry_over_to_the_next_morning(clock):
    # Tuesday 16:30: 1.5 hours today, 2.5 tomorrow from 09:00.
    assert clock.add_business_hours(berlin(2026, 12, 8, 16, 30), 4) == berlin(2026, 12, 9, 11, 30)


def test_a_night_counts_from_the_opening(clock):
    assert clock.add_business_hours(berlin(2026, 12, 9, 2, 0), 4) == berlin(2026, 12, 9, 13, 0)
    assert not clock.is_open(berlin(2026, 12, 9, 2, 0))
    assert clock.next_opening(berlin(2026, 12, 9, 2, 0)) == berlin(2026, 12, 9, 9, 0)


def test_a_weekend_is_skipped(clock):
    # Friday 17:00: one hour on Friday, three on Monday.
    assert clock.add_business_hours(berlin(2026, 12, 11, 17, 0), 4) == berlin(2026, 12, 14, 12, 0)
    assert clock.add_business_hours(berlin(2026, 12, 12, 11, 0), 4) == berlin(2026, 12, 14, 13, 0)


def test_german_public_holidays_are_skipped(clock):
    # Thursday 24 December 16:00: two hours, then Christmas Day and Boxing Day (holidays)
    # and the weekend; the rest on Monday 28 December.
    assert clock.is_holiday(berlin(2026, 12, 25).date())
    assert clock.add_business_hours(berlin(2026, 12, 24, 16, 0), 4) == berlin(2026, 12, 28, 11, 0)


def test_turkish_public_holidays_are_skipped():
    clock = Clock(zone=ISTANBUL, week=WEEKDAYS_9_TO_18, holiday_country="TR")
    # Republic Day, Thursday 29 October 2026 (and its eve from 13:00 is only half a holiday
    # in law; the calendar counts the 29th).
    start = datetime(2026, 10, 28, 17, 0, tzinfo=ISTANBUL)
    assert clock.add_business_hours(start, 4) == datetime(2026, 10, 30, 12, 0, tzinfo=ISTANBUL)


def test_the_opening_is_nine_oclock_on_the_wall_on_both_sides_of_a_clock_change(clock):
    # Germany leaves summer time in the night to Sunday 25 October 2026, and enters it in
    # the night to Sunday 28 March 2027: the Monday opening is 09:00 local, one UTC hour
    # apart from the Friday before.
    friday = clock.next_opening(berlin(2026, 10, 23, 7, 0))
    monday = clock.next_opening(berlin(2026, 10, 26, 7, 0))
    assert friday.astimezone(UTC).hour == 7 and monday.astimezone(UTC).hour == 8
    # Thursday 25 March 2027 17:00, in winter time: one hour that day; Good Friday and
    # Easter Monday are holidays; three hours on Tuesday 30 March, in summer time.
    due = clock.add_business_hours(berlin(2027, 3, 25, 17, 0), 4)
    assert due == berlin(2027, 3, 30, 12, 0) and due.astimezone(UTC).hour == 10


def test_a_moment_given_in_another_zone_is_read_on_the_teams_clock(clock):
    # 08:30 UTC on a December Tuesday is 09:30 in Berlin: open.
    at = datetime(2026, 12, 8, 8, 30, tzinfo=UTC)
    assert clock.is_open(at)
    assert clock.add_business_hours(at, 1) == berlin(2026, 12, 8, 10, 30)


def test_a_schedule_without_any_open_day_says_so_instead_of_looping():
    with pytest.raises(ValueError):
        Clock(zone=BERLIN, week={}).add_business_hours(berlin(2026, 12, 8, 10, 0), 1)
