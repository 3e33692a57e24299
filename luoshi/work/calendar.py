"""The working-day calendar: the State Council's holidays and make-up working days.

Our own table is the source of truth; the chinese-calendar package only seeds it, year by
year, the first time a year is needed. For a year the package does not know (it raises
NotImplementedError until its release after the State Council notice, about December),
nothing is guessed: `CalendarMissing` asks an administrator to enter that year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


class CalendarMissing(Exception):
    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(f"{year}年的法定节假日安排尚未录入，请系统管理员在“工作日历”中录入后再发布。")


class WorkCalendar:
    """Working days for some years: weekdays work and weekends rest, unless an exception
    (a holiday on a weekday, a make-up working day on a weekend) says otherwise.

    Runs without a database, so scheduling rules can be tested on plain data.
    """

    def __init__(self, exceptions: dict[dt.date, bool], known_years: Iterable[int]) -> None:
        self.exceptions = exceptions
        self.known_years = set(known_years)

    def require(self, year: int) -> None:
        if year not in self.known_years:
            raise CalendarMissing(year)

    def is_workday(self, day: dt.date) -> bool:
        self.require(day.year)
        return self.exceptions.get(day, day.weekday() < 5)

    def last_workday_on_or_before(self, day: dt.date) -> dt.date:
        while not self.is_workday(day):
            day -= dt.timedelta(days=1)
        return day

    def next_workday_on_or_after(self, day: dt.date) -> dt.date:
        """如遇法定假日顺延: a due date on a rest day moves to the next working day."""
        while not self._is_workday_lenient(day):
            day += dt.timedelta(days=1)
        return day

    def _is_workday_lenient(self, day: dt.date) -> bool:
        # Moving past 31 December into a year nobody entered yet: weekdays are assumed,
        # and only for that tail, because the year's own dates are already checked.
        if day.year not in self.known_years:
            return day.weekday() < 5
        return self.is_workday(day)

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        sign = 1 if end >= start else -1
        a, b = (start, end) if sign == 1 else (end, start)
        count = 0
        day = a + dt.timedelta(days=1)
        while day <= b:
            if self._is_workday_lenient(day):
                count += 1
            day += dt.timedelta(days=1)
        return sign * count


def package_exceptions(year: int) -> dict[dt.date, bool]:
    """The days of `year` where chinese-calendar differs from Monday–Friday.

    Raises CalendarMissing for a year the package does not cover. Uses is_workday only:
    its Holiday.days table predates the 2025 change of statutory days.
    """
    import chinese_calendar

    out: dict[dt.date, bool] = {}
    day = dt.date(year, 1, 1)
    try:
        while day.year == year:
            workday = chinese_calendar.is_workday(day)
            if workday != (day.weekday() < 5):
                out[day] = workday
            day += dt.timedelta(days=1)
    except NotImplementedError:
        raise CalendarMissing(year) from None
    return out
