"""The reminder sweep: lead-time reminders (working days before a due date), a reminder
on the day an occurrence becomes late, and one when progress lags the time elapsed.

Two steps, both safe with any number of workers:

1. `plan_reminders` writes the reminders owed today as `Reminder` rows, unique per
   occurrence, kind, lead and due date (duplicates ignored), so each is owed once;
2. `send_reminders` claims pending rows in batches with a conditional UPDATE
   (status pending → sent, in one transaction with the notices it writes): a row another
   worker took is not pending any more when this worker's UPDATE reaches it, so it is
   skipped, and a worker that dies rolls its batch back to pending.

Nothing goes out on a rest day; a lead reminder missed because the worker was down is
caught up on the next working day (each lead covers the working days down to the next
smaller lead).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.notify.models import Notice
from luoshi.supervision.conf import lead_days_text
from luoshi.supervision.models import Reminder, ReminderKind, ReminderPolicy, ReminderStatus, parse_leads
from luoshi.work import rules
from luoshi.work.actions import load_calendar
from luoshi.work.calendar import CalendarMissing, WorkCalendar
from luoshi.work.models import Occurrence

BATCH = 2000
SEND_BATCH = 5000


@dataclass
class SweepResult:
    planned: int = 0
    sent: int = 0
    seconds: float = 0.0
    plan_seconds: float = 0.0
    rest_day: bool = False

    def __str__(self) -> str:
        if self.rest_day:
            return "今天是休息日，不发送提醒"
        return (
            f"新增提醒 {self.planned} 条，发送 {self.sent} 条，"
            f"用时 {self.seconds:.1f} 秒（其中计算待发提醒 {self.plan_seconds:.1f} 秒）"
        )


def due_range(cal: WorkCalendar, today: dt.date, lead: int, smaller: int) -> tuple[dt.date, dt.date]:
    """Due dates d with smaller < workdays_between(today, d) <= lead: the first is the
    day after the `smaller`-th working day after today, the last the day before the
    (lead+1)-th."""
    day, count = today, 0
    first = today + dt.timedelta(days=1)
    while count < lead + 1:
        day += dt.timedelta(days=1)
        if cal._is_workday_lenient(day):
            count += 1
            if count == smaller:
                first = day + dt.timedelta(days=1)
    return first, day - dt.timedelta(days=1)


def _not_reminded(rows: Any, kind: str, lead: int = 0) -> Any:
    done = Reminder.objects.filter(
        occurrence_id=OuterRef("pk"), kind=kind, lead_days=lead, due_date=OuterRef("due_date")
    )
    return rows.filter(~Exists(done))


def _insert(pairs: list[tuple[int, dt.date]], kind: str, lead: int = 0) -> int:
    for start in range(0, len(pairs), BATCH):
        Reminder.objects.bulk_create(
            [
                Reminder(occurrence_id=pk, kind=kind, lead_days=lead, due_date=due)
                for pk, due in pairs[start : start + BATCH]
            ],
            ignore_conflicts=True,
        )
    return len(pairs)


def _insert_from(rows: Any, kind: str, lead: int = 0) -> int:
    """INSERT … SELECT of the occurrences in `rows`, duplicates ignored (ON CONFLICT DO
    NOTHING, on PostgreSQL and SQLite alike): the rows never travel through Python, which
    is what keeps a sweep over 500,000 occurrences fast."""
    select, params = rows.order_by().values("pk", "due_date").query.sql_with_params()
    table = connection.ops.quote_name(Reminder._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (occurrence_id, due_date, kind, lead_days, status, claimed_by, created_at) "  # noqa: S608 - no user input, params bound
            f"SELECT sub.pk, sub.due_date, %s, %s, %s, '', %s FROM ({select}) sub WHERE true "
            "ON CONFLICT DO NOTHING",
            [kind, lead, ReminderStatus.PENDING, timezone.now(), *params],
        )
        return max(cursor.rowcount, 0)


PHASES: dict[str, float] = {}


def _phase(name: str, started: float) -> float:
    """Records how long a step of the last sweep took (the benchmark prints PHASES)."""
    now = time.monotonic()
    PHASES[name] = round(now - started, 2)
    return now


def plan_reminders(today: dt.date, cal: WorkCalendar) -> int:
    mark = time.monotonic()
    owed = Occurrence.objects.filter(status__in=rules.OWED)
    planned = 0
    # Lead times: per duty where the duty sets its own, the global ones elsewhere.
    policies: dict[str, list[int]] = defaultdict(list)
    for duty_id, text in ReminderPolicy.objects.values_list("duty_id", "lead_days"):
        policies[text].append(duty_id)
    groups: list[tuple[list[int], Any]] = [
        (parse_leads(lead_days_text()), owed.exclude(duty_id__in=ReminderPolicy.objects.values("duty_id")))
    ]
    groups += [(parse_leads(text), owed.filter(duty_id__in=ids)) for text, ids in policies.items()]
    for leads, rows in groups:
        for i, lead in enumerate(leads):
            smaller = leads[i + 1] if i + 1 < len(leads) else 0
            first, last = due_range(cal, today, lead, smaller)
            due = _not_reminded(rows.filter(due_date__gte=first, due_date__lte=last), ReminderKind.LEAD, lead)
            planned += _insert_from(due, ReminderKind.LEAD, lead)
            mark = _phase(f"lead{lead}", mark)
    # Late: once per due date, from the day it passes.
    late = _not_reminded(owed.filter(due_date__lt=today), ReminderKind.LATE)
    planned += _insert_from(late, ReminderKind.LATE)
    mark = _phase("late", mark)
    # Lagging: the rule of the traffic lights (rules.lagging), once per due date.
    candidates = _not_reminded(
        owed.filter(target_count__gte=2, period_start__lte=today, due_date__gte=today), ReminderKind.LAG
    ).values_list("pk", "due_date", "period_start", "target_count", "achieved_count", "status")
    lagging = [
        (pk, due)
        # One plain fetch, not a server-side cursor: PostgreSQL plans a cursor for its first
        # rows and the anti-join then took 25 s on 500,000 occurrences instead of 0.3 s.
        for pk, due, start, target, achieved, status in list(candidates)
        if rules.lagging(achieved=achieved, target=target, start=start, due=due, today=today, status=status)
    ]
    planned += _insert(lagging, ReminderKind.LAG)
    _phase("lag", mark)
    return planned


WORDING = {
    ReminderKind.LEAD: "{title}（{period}）将于{due}到期（提前{lead}个工作日提醒），请及时报送进展。",
    ReminderKind.LATE: "{title}（{period}）已于{due}到期，现已逾期，请尽快办理并报送。",
    ReminderKind.LAG: "{title}（{period}）进度滞后：已完成{achieved}/{target}，时间已过大半，请加快推进。",
}


def _staff_by_org(org_ids: set[int]) -> dict[int, list[int]]:
    from luoshi.accounts.models import User

    staff: dict[int, list[int]] = defaultdict(list)
    for pk, org_id in User.objects.filter(
        org_id__in=org_ids, role=Role.ORG_STAFF, is_active=True
    ).values_list("pk", "org_id"):
        staff[org_id].append(pk)
    return staff


def send_reminders(limit: int | None = None) -> int:
    """Claims pending reminders batch by batch and writes their notices; returns how many
    this worker sent."""
    sent = 0
    while limit is None or sent < limit:
        token = secrets.token_hex(8)
        with transaction.atomic():
            ids = list(
                Reminder.objects.filter(status=ReminderStatus.PENDING).values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                break
            claimed = Reminder.objects.filter(pk__in=ids, status=ReminderStatus.PENDING).update(
                status=ReminderStatus.SENT, claimed_by=token, sent_at=timezone.now()
            )
            if not claimed:
                continue
            rows = list(
                Reminder.objects.filter(claimed_by=token).values_list(
                    "pk",
                    "kind",
                    "lead_days",
                    "due_date",
                    "occurrence_id",
                    "occurrence__org_id",
                    "occurrence__period",
                    "occurrence__duty__title",
                    "occurrence__target_count",
                    "occurrence__achieved_count",
                )
            )
            staff = _staff_by_org({r[5] for r in rows})
            prefix = reverse("work:occurrence", args=[1])[: -len("1/")]
            notices = []
            for pk, kind, lead, due, occ_id, org_id, period, title, target, achieved in rows:
                text = WORDING[ReminderKind(kind)].format(
                    title=title[:80],
                    period=period,
                    due=f"{due.month}月{due.day}日",
                    lead=lead,
                    achieved=achieved,
                    target=target,
                )
                common = {
                    "kind": f"reminder_{kind}",
                    "title": text[:200],
                    "url": f"{prefix}{occ_id}/",
                    "key": f"reminder:{pk}",
                }
                notices += [Notice(user_id=u, **common) for u in staff.get(org_id, [])]
                notices.append(Notice(org_id=org_id, **common))
            Notice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=5000)
            sent += claimed
    return sent


def sweep(today: dt.date | None = None) -> SweepResult:
    """Plans today's reminders and sends them; nothing on a rest day."""
    started = time.monotonic()
    today = today or timezone.localdate()
    try:
        cal = load_calendar([today.year])
    except CalendarMissing:
        return SweepResult(rest_day=True)
    if not cal.is_workday(today):
        return SweepResult(rest_day=True)
    result = SweepResult(planned=plan_reminders(today, cal))
    result.plan_seconds = time.monotonic() - started
    result.sent = send_reminders()
    result.seconds = time.monotonic() - started
    return result
