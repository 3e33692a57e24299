"""The rules of work that is owed, on unsaved occurrences with the clock frozen (STYLE.md 8):
each occurrence is in exactly one bucket, and its light follows from it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from luoshi.work.models import Occurrence
from luoshi.work.rules import bucket_of, light_of, rolled_up_light

TODAY = dt.date(2026, 3, 20)


def occ(status: str, due: dt.date) -> Occurrence:
    return Occurrence(status=status, due_date=due, period="p", period_start=due)


@time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(
    ("status", "days", "bucket", "colour"),
    [
        ("not_started", -1, "late", "red"),
        ("overdue", -30, "late", "red"),
        ("in_progress", 0, "soon", "yellow"),
        ("not_started", 14, "soon", "yellow"),
        ("not_started", 15, "later", "green"),
        ("returned", 5, "returned", "yellow"),
        ("returned", -5, "returned", "red"),  # returned and past due: still the correction, but red
        ("submitted", -5, "waiting", "yellow"),
        ("done", -5, "done", "green"),
    ],
)
def test_each_occurrence_is_in_one_bucket_with_its_light(status, days, bucket, colour, settings) -> None:
    settings.LUOSHI_DUE_SOON_DAYS = 14
    o = occ(status, TODAY + dt.timedelta(days=days))
    assert bucket_of(o) == bucket
    assert light_of(o).colour == colour


def test_the_due_soon_window_is_one_setting(settings) -> None:
    o = occ("not_started", TODAY + dt.timedelta(days=10))
    settings.LUOSHI_DUE_SOON_DAYS = 7
    assert bucket_of(o, TODAY) == "later"
    settings.LUOSHI_DUE_SOON_DAYS = 10
    assert bucket_of(o, TODAY) == "soon"


def test_a_group_is_red_when_anything_is_late_and_green_only_when_all_is_done() -> None:
    assert rolled_up_light({"total": 0}).colour == "grey"
    assert rolled_up_light({"total": 3, "done": 3}).colour == "green"
    assert rolled_up_light({"total": 3, "done": 1, "late": 1}).label == "逾期1项"
    assert rolled_up_light({"total": 3, "done": 1, "returned": 1, "returned_late": 1}).colour == "red"
    assert rolled_up_light({"total": 3, "done": 1, "soon": 2}).colour == "yellow"
    assert rolled_up_light({"total": 3, "later": 3}).colour == "green"


@pytest.mark.django_db
def test_the_system_administrator_is_told_when_sqlite_is_outgrown(login_as, settings) -> None:
    """One department is fine on SQLite; past the limit the home page says to move."""
    from django.db import connection

    if connection.vendor != "sqlite":
        assert "超过内置数据库" not in login_as("sysadmin").get("/").content.decode()
        return
    settings.LUOSHI_SQLITE_MAX_OCCURRENCES = 10**9
    assert "超过内置数据库" not in login_as("sysadmin").get("/").content.decode()
    settings.LUOSHI_SQLITE_MAX_OCCURRENCES = 10
    page = login_as("sysadmin").get("/").content.decode()
    assert "超过内置数据库的建议规模" in page and "PostgreSQL" in page
