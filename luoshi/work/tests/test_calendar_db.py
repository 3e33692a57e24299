"""The editable calendar table: seeded from chinese-calendar, changed by administrators."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.work import actions
from luoshi.work.calendar import CalendarMissing
from luoshi.work.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def test_a_year_is_seeded_once_from_the_package() -> None:
    CalendarYear.objects.filter(year=2023).delete()
    calendar = actions.load_calendar([2023])
    assert not calendar.is_workday(dt.date(2023, 10, 2))
    assert calendar.is_workday(dt.date(2023, 10, 7))  # make-up Saturday
    assert CalendarYear.objects.get(year=2023).source == "chinese-calendar"


def test_an_unknown_year_asks_for_the_holidays() -> None:
    with pytest.raises(CalendarMissing):
        actions.load_calendar([2031])


def test_an_administrator_marks_a_day_and_confirms_a_year_entered_by_hand(persona) -> None:
    admin = persona("sysadmin")
    actions.set_calendar_day(acting_user=admin, date=dt.date(2031, 1, 1), is_workday=False, note="元旦")
    actions.confirm_calendar_year(acting_user=admin, year=2031)
    calendar = actions.load_calendar([2031])
    assert not calendar.is_workday(dt.date(2031, 1, 1))
    assert calendar.last_workday_on_or_before(dt.date(2031, 12, 31)) == dt.date(2031, 12, 31)
    actions.set_calendar_day(acting_user=admin, date=dt.date(2031, 1, 1), is_workday=None)
    assert not CalendarDay.objects.filter(date=dt.date(2031, 1, 1)).exists()


def test_calendar_page_is_for_the_system_administrator_to_edit(login_as) -> None:
    assert login_as("sysadmin").get("/work/calendar/?year=2022").status_code == 200
    assert login_as("jgdw").post("/work/calendar/", {"date": "2022-01-03", "kind": "work"}).status_code == 403
    assert login_as("zhibu1").get("/work/calendar/").status_code == 403
    response = login_as("sysadmin").post(
        "/work/calendar/", {"date": "2022-01-03", "kind": "work", "note": "测试"}
    )
    assert response.status_code == 302
    assert actions.load_calendar([2022]).is_workday(dt.date(2022, 1, 3))  # was the New Year holiday in lieu
