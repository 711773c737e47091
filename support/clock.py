"""The support team's clock: a weekly schedule in one time zone, less public holidays. Every
due time (the promise on the contact form, the first-response deadline, warnings) comes from
here, so they always agree.

Times are computed on the local calendar (``zoneinfo``): an opening at 09:00 is 09:00 on the
day the clocks change too, and a business hour is an hour of the wall clock the team works.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as holiday_calendars

MAX_DAYS_AHEAD = 400  # a schedule with no open day at all never loops for ever


@dataclass(frozen=True)
class Clock:
    zone: ZoneInfo
    # weekday (0 = Monday) -> (opens, closes); a day not in it is closed.
    week: dict[int, tuple[time, time]]
    holiday_country: str = ""
    extra_closed: frozenset[date] = field(default_factory=frozenset)

    def _holidays(self, year: int):
        if not self.holiday_country:
            return {}
        return holiday_calendars.country_holidays(self.holiday_country, years=year)

    def is_holiday(self, day: date) -> bool:
        return day in self.extra_closed or day in self._holidays(day.year)

    def hours_on(self, day: date) -> tuple[datetime, datetime] | None:
        """When the team works on a local date, as aware datetimes; None when closed."""
        span = self.week.get(day.weekday())
        if span is None or self.is_holiday(day):
            return None
        opens, closes = (datetime.combine(day, t, tzinfo=self.zone) for t in span)
        return (opens, closes) if closes > opens else None

    def is_open(self, at: datetime) -> bool:
        span = self.hours_on(at.astimezone(self.zone).date())
        return span is not None and span[0] <= at < span[1]

    def add_business_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` of the team's working time after ``start``."""
        remaining = timedelta(hours=hours)
        start = start.astimezone(self.zone)  # all arithmetic on the team's wall clock
        day = start.date()
        for _ in range(MAX_DAYS_AHEAD):
            span = self.hours_on(day)
            if span is not None:
                begin = max(span[0], start)
                if begin < span[1]:
                    available = span[1] - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError("the schedule has no working hours in the next 400 days")

    def next_opening(self, after: datetime) -> datetime:
        """When the team is next at work (``after`` itself when open now)."""
        after = after.astimezone(self.zone)
        if self.is_open(after):
            return after
        day = after.date()
        for _ in range(MAX_DAYS_AHEAD):
            span = self.hours_on(day)
            if span is not None and span[0] >= after:
                return span[0]
            day += timedelta(days=1)
        raise ValueError("the schedule has no working hours in the next 400 days")
