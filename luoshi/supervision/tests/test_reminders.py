"""Reminder rules with the date fixed: lead times in working days (global and per duty),
late, lagging, nothing on rest days, and each reminder sent exactly once — also with two
workers at once on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from luoshi.notify.models import Notice
from luoshi.supervision.models import Reminder, ReminderPolicy
from luoshi.supervision.reminders import due_range, plan_reminders, send_reminders, sweep
from luoshi.supervision.tests.helpers import notices_for, occurrence
from luoshi.work import rules
from luoshi.work.actions import load_calendar

WEDNESDAY = dt.date(2026, 3, 4)
SATURDAY = dt.date(2026, 3, 7)


@pytest.mark.django_db
def test_lead_reminders_count_working_days(settings):
    settings.LUOSHI_REMINDER_LEAD_DAYS = "7,1"
    cal = load_calendar([2026])
    # 7 working days after Wed 4 March is Fri 13 March (weekend skipped).
    assert due_range(cal, WEDNESDAY, 7, 1) == (dt.date(2026, 3, 6), dt.date(2026, 3, 15))
    assert due_range(cal, WEDNESDAY, 1, 0) == (dt.date(2026, 3, 5), dt.date(2026, 3, 5))
    seven = occurrence(due=dt.date(2026, 3, 13))
    one = occurrence(due=dt.date(2026, 3, 5))
    far = occurrence(due=dt.date(2026, 3, 16))
    sweep(WEDNESDAY)
    assert "提前7个工作日" in notices_for(seven).get().title
    assert "提前1个工作日" in notices_for(one).get().title
    assert not notices_for(far).exists()
    # The organisation's robot gets the same reminder, once.
    assert Notice.objects.filter(org=seven.org, url=f"/work/occurrences/{seven.pk}/").count() == 1
    sweep(WEDNESDAY)
    assert notices_for(seven).count() == 1 and notices_for(one).count() == 1
    # The next day the 1-day lead of `seven` is not yet due, and nothing is repeated.
    sweep(dt.date(2026, 3, 5))
    assert notices_for(seven).count() == 1


@pytest.mark.django_db
def test_nothing_on_rest_days():
    occ = occurrence(due=dt.date(2026, 3, 9))
    assert sweep(SATURDAY).rest_day
    assert not Reminder.objects.filter(occurrence=occ).exists()
    # 2026-10-01 is National Day (a weekday holiday).
    assert sweep(dt.date(2026, 10, 1)).rest_day


@pytest.mark.django_db
def test_per_duty_lead_times_replace_the_global_ones():
    occ = occurrence(due=dt.date(2026, 3, 9))  # 3 working days after Wednesday
    ReminderPolicy.objects.create(duty=occ.duty, lead_days="3")
    other = occurrence(due=dt.date(2026, 3, 9), title="无单独设置")
    sweep(WEDNESDAY)
    assert "提前3个工作日" in notices_for(occ).get().title
    assert not Reminder.objects.filter(occurrence=occ, lead_days=7).exists()
    assert Reminder.objects.filter(occurrence=other, lead_days=7).exists()  # caught up under the global 7


@pytest.mark.django_db
def test_late_reminder_once_on_the_day_it_becomes_late():
    occ = occurrence(due=dt.date(2026, 3, 3))
    done = occurrence(due=dt.date(2026, 3, 3), status="done")
    sweep(WEDNESDAY)
    assert "已逾期" in notices_for(occ).get(kind="reminder_late").title
    assert not notices_for(done).exists()
    sweep(dt.date(2026, 3, 5))
    assert notices_for(occ).filter(kind="reminder_late").count() == 1


@pytest.mark.django_db
def test_lagging_progress_is_reminded_and_lit_yellow():
    start, due = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    today = dt.date(2026, 10, 20)  # about 80 % of the year gone
    lagging = occurrence(start=start, due=due, target=9, achieved=2)
    on_track = occurrence(start=start, due=due, target=9, achieved=7)
    assert (
        rules.light_of(lagging, today).label == "进度滞后"
        and rules.light_of(lagging, today).colour == "yellow"
    )
    assert rules.light_of(on_track, today).colour == "green"
    assert rules.light_of(lagging, dt.date(2026, 3, 2)).colour == "green"  # early in the year: not yet
    assert rules.rolled_up_light({"total": 3, "later": 3, "lagging": 1}).label == "进度滞后1项"
    sweep(today)
    assert "进度滞后" in notices_for(lagging).get(kind="reminder_lag").title
    assert not notices_for(on_track).filter(kind="reminder_lag").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two workers are tested on PostgreSQL (make test)"
)
def test_two_workers_send_each_reminder_exactly_once(demo):
    occs = [occurrence(due=dt.date(2026, 3, 3), title=f"并发{i}") for i in range(300)]
    Reminder.objects.all().delete()
    cal = load_calendar([2026])
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def worker() -> None:
        barrier.wait()
        try:
            plan_reminders(WEDNESDAY, cal)
            barrier.wait()
            sent.append(send_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    reminders = Reminder.objects.filter(occurrence__in=occs)
    assert reminders.count() == 300 and not reminders.filter(status="pending").exists()
    for occ in occs[:50]:
        assert notices_for(occ).count() == 1
        assert Notice.objects.filter(org=occ.org, url=f"/work/occurrences/{occ.pk}/").count() == 1
    # Between them the two workers sent every reminder planned, none twice.
    assert sum(sent) == Reminder.objects.count()
