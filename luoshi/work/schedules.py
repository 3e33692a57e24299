"""From a schedule rule to the periods it asks for, with due dates on the working-day
calendar. Pure functions over a WorkCalendar: testable without a database.

Rules (issue C): quarterly → last working day of each quarter; monthly → the stated day
(moved to the next working day when it is a rest day), else the last working day of the
month; semiannual → end of June and December; annual, 年底前 and 下半年 → last working
day of the year; 年中 and 上半年 → last working day of June; an explicit date as written,
moved to the next working day when it falls on a rest day; a month → its last working day.
Event-triggered and periodic-without-period rules give no periods: a person decides.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import re
from dataclasses import dataclass

from luoshi.work.calendar import WorkCalendar


@dataclass(frozen=True)
class Schedule:
    kind: str | None = None
    freq: str | None = None
    when: str | None = None
    day: int | None = None
    count: int | None = None

    @property
    def needs_decision(self) -> bool:
        return self.kind in ("event", "periodic") and not self.freq


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    due: dt.date


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, month_calendar.monthrange(year, month)[1])


def periods(schedule: Schedule, year: int, cal: WorkCalendar) -> list[Period]:
    last = cal.last_workday_on_or_before
    if schedule.kind in ("recurring", "periodic") and schedule.freq:
        return _recurring(schedule, year, cal)
    if schedule.needs_decision:
        return []
    when = schedule.when or "year-end"
    if when in ("mid-year", "first-half"):
        label = "年中" if when == "mid-year" else "上半年"
        return [Period(f"{year}年{label}", dt.date(year, 1, 1), last(dt.date(year, 6, 30)))]
    if when in ("year-end", "second-half"):
        label = "下半年" if when == "second-half" else "年底"
        start = dt.date(year, 7, 1) if when == "second-half" else dt.date(year, 1, 1)
        return [Period(f"{year}年{label}", start, last(dt.date(year, 12, 31)))]
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", when)
    if m is None:
        raise ValueError(f"unknown schedule time: {when}")
    y, month = int(m.group(1)), int(m.group(2))
    if m.group(3):
        day = dt.date(y, month, int(m.group(3)))
        return [Period(f"{y}年{month}月{day.day}日", dt.date(y, 1, 1), cal.next_workday_on_or_after(day))]
    return [Period(f"{y}年{month}月", dt.date(y, month, 1), last(_month_end(y, month)))]


def _recurring(schedule: Schedule, year: int, cal: WorkCalendar) -> list[Period]:
    last = cal.last_workday_on_or_before
    freq = schedule.freq
    if freq == "quarterly":
        return [
            Period(f"{year}年第{q}季度", dt.date(year, 3 * q - 2, 1), last(_month_end(year, 3 * q)))
            for q in range(1, 5)
        ]
    if freq == "monthly":
        out = []
        for month in range(1, 13):
            if schedule.day:
                day = min(schedule.day, month_calendar.monthrange(year, month)[1])
                due = cal.next_workday_on_or_after(dt.date(year, month, day))
            else:
                due = last(_month_end(year, month))
            out.append(Period(f"{year}年{month}月", dt.date(year, month, 1), due))
        return out
    if freq == "semiannual":
        return [
            Period(f"{year}年上半年", dt.date(year, 1, 1), last(dt.date(year, 6, 30))),
            Period(f"{year}年下半年", dt.date(year, 7, 1), last(dt.date(year, 12, 31))),
        ]
    if freq == "annual":
        return [Period(f"{year}年度", dt.date(year, 1, 1), last(dt.date(year, 12, 31)))]
    if freq == "weekly":
        out = []
        monday = dt.date(year, 1, 1) - dt.timedelta(days=dt.date(year, 1, 1).weekday())
        week = 1
        while monday.year <= year:
            sunday = monday + dt.timedelta(days=6)
            if sunday.year == year or monday.year == year:
                end = min(sunday, dt.date(year, 12, 31))
                start = max(monday, dt.date(year, 1, 1))
                try:
                    due = last(end)
                except Exception:  # noqa: BLE001 - a week before 1 January of an unknown year
                    due = end
                if due >= start:
                    out.append(Period(f"{year}年第{week}周", start, due))
                    week += 1
            monday += dt.timedelta(days=7)
        return out
    raise ValueError(f"unknown frequency: {freq}")
