"""Due dates on the real State Council calendar (chinese-calendar), without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.work.calendar import CalendarMissing, WorkCalendar, package_exceptions
from luoshi.work.schedules import Schedule, periods


def calendar(*years: int) -> WorkCalendar:
    exceptions: dict[dt.date, bool] = {}
    for year in years:
        exceptions |= package_exceptions(year)
    return WorkCalendar(exceptions, years)


CAL = calendar(2021, 2022, 2023, 2026)


def dues(schedule: Schedule, year: int) -> list[str]:
    return [p.due.isoformat() for p in periods(schedule, year, CAL)]


def test_quarterly_is_due_on_the_last_working_day_of_each_quarter() -> None:
    assert dues(Schedule("recurring", "quarterly"), 2022) == [
        "2022-03-31",
        "2022-06-30",
        "2022-09-30",
        "2022-12-30",
    ]
    assert dues(Schedule("recurring", "quarterly"), 2026) == [
        "2026-03-31",
        "2026-06-30",
        "2026-09-30",
        "2026-12-31",
    ]


def test_annual_and_year_end_are_due_on_the_last_working_day_of_the_year() -> None:
    assert dues(Schedule("recurring", "annual"), 2022) == ["2022-12-30"]
    assert dues(Schedule("once", when="year-end"), 2022) == ["2022-12-30"]
    assert dues(Schedule(), 2026) == ["2026-12-31"]  # no rule stated: by the end of the year


def test_mid_year_and_halves() -> None:
    assert dues(Schedule("once", when="mid-year"), 2022) == ["2022-06-30"]
    assert dues(Schedule("once", when="first-half"), 2026) == ["2026-06-30"]
    assert dues(Schedule("once", when="second-half"), 2022) == ["2022-12-30"]
    assert dues(Schedule("recurring", "semiannual"), 2022) == ["2022-06-30", "2022-12-30"]


def test_monthly_on_a_stated_day_moves_past_holidays_and_weekends() -> None:
    got = dues(Schedule("recurring", "monthly", day=20), 2022)
    assert len(got) == 12
    assert got[1] == "2022-02-21"  # 20 February 2022 is a Sunday
    assert got[2] == "2022-03-21"  # 20 March 2022 is a Sunday
    assert got[9] == "2022-10-20"


def test_monthly_without_a_day_is_due_on_the_last_working_day() -> None:
    got = dues(Schedule("recurring", "monthly"), 2022)
    assert got[0] == "2022-01-30"  # a make-up working Sunday before the Spring Festival
    assert got[3] == "2022-04-29"


def test_explicit_dates_as_written_moved_to_the_next_working_day_on_a_rest_day() -> None:
    assert dues(Schedule("once", when="2022-05-25"), 2022) == ["2022-05-25"]
    assert dues(Schedule("once", when="2022-10-01"), 2022) == [
        "2022-10-08"
    ]  # National Day; 8 Oct is a make-up day
    assert dues(Schedule("once", when="2022-07-01"), 2022) == ["2022-07-01"]
    assert dues(Schedule("once", when="2022-09"), 2022) == ["2022-09-30"]


def test_event_and_undecided_periodic_rules_give_no_periods() -> None:
    assert periods(Schedule("event"), 2022, CAL) == []
    assert periods(Schedule("periodic"), 2022, CAL) == []
    assert len(periods(Schedule("periodic", "quarterly"), 2022, CAL)) == 4  # once a person decided


def test_a_year_nobody_entered_is_refused_not_guessed() -> None:
    with pytest.raises(CalendarMissing) as missing:
        package_exceptions(2099)
    assert "2099" in str(missing.value)
    with pytest.raises(CalendarMissing):
        periods(Schedule("recurring", "quarterly"), 2099, CAL)


def test_weekly_periods_cover_the_year() -> None:
    got = periods(Schedule("recurring", "weekly"), 2022, CAL)
    assert 50 <= len(got) <= 53
    assert all(CAL.is_workday(p.due) for p in got)
