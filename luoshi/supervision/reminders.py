"""The reminder sweep: lead-time reminders (working days before a due date), a reminder
on the day an occurrence becomes late, and one when progress lags the time elapsed.

Two steps, both safe with any number of workers:

1. `plan_reminders` writes the reminders owed today as `Reminder` rows, unique per
   occurrence, kind, lead and due date (duplicates ignored), so each is owed once;
2. `send_reminders` claims pending rows in batches with a conditional UPDATE
   (status pending → sent, in one transaction with the notices it writes): a row another
   worker took is not pending any more when this worker's UPDATE reaches it, so it is
   skipped, and a worker that dies rolls its batch back to pending. The notices of a
   batch (50,000 reminders) are one INSERT … SELECT, their wording written
   by the database.

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
from django.db.models import Case, CharField, Exists, F, OuterRef, Value, When
from django.db.models.functions import Cast, Concat, ExtractDay, ExtractMonth, Substr
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
SEND_BATCH = 50_000


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
    is what keeps a sweep over 500,000 occurrences fast. No NOT EXISTS against the
    reminders: the table grows under the statement, and on a first sweep PostgreSQL
    (knowing it empty) rescanned it for every row, seconds for some 30,000 rows, while a row
    already reminded costs one probe of the unique index before it is skipped."""
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
    """Adds how long a step of the current sweep took (the benchmark prints PHASES; a
    sweep starts it empty)."""
    now = time.monotonic()
    PHASES[name] = round(PHASES.get(name, 0.0) + now - started, 2)
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
            due = rows.filter(due_date__gte=first, due_date__lte=last)
            planned += _insert_from(due, ReminderKind.LEAD, lead)
            mark = _phase(f"lead{lead}", mark)
    # Late: once per due date, from the day it passes.
    late = owed.filter(due_date__lt=today)
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


def _text(*parts: Any) -> Any:
    """SQL concatenation of strings and expressions (numbers cast to text), the same on
    PostgreSQL and SQLite."""
    return Concat(*[Value(p) if isinstance(p, str) else Cast(p, CharField()) for p in parts])


def _month_day(field: str) -> Any:
    return _text(ExtractMonth(field), "月", ExtractDay(field), "日")


def _wording() -> Any:
    """The reminder's sentence, written by the database: "{title}（{period}）将于3月5日到期
    （提前1个工作日提醒），请及时报送进展。" and the like, cut to a notice title's 200 characters."""
    title = Substr("occurrence__duty__title", 1, 80)
    period = F("occurrence__period")
    sentence = Case(
        When(
            kind=ReminderKind.LEAD,
            then=_text(
                title,
                "（",
                period,
                "）将于",
                _month_day("due_date"),
                "到期（提前",
                F("lead_days"),
                "个工作日提醒），请及时报送进展。",
            ),
        ),
        When(
            kind=ReminderKind.LATE,
            then=_text(
                title, "（", period, "）已于", _month_day("due_date"), "到期，现已逾期，请尽快办理并报送。"
            ),
        ),
        default=_text(
            title,
            "（",
            period,
            "）进度滞后：已完成",
            F("occurrence__achieved_count"),
            "/",
            F("occurrence__target_count"),
            "，时间已过大半，请加快推进。",
        ),
        output_field=CharField(),
    )
    return Substr(sentence, 1, 200)


def _write_notices(token: str) -> None:
    """The notices of the reminders this worker claimed — one for each of the
    organisation's staff, one for its robots — in one INSERT … SELECT whose wording is
    computed once (a materialised CTE), so a batch of 50,000 reminders costs one query,
    not 100,000 Python objects. Keys make a rerun write nothing (ON CONFLICT DO NOTHING)."""
    from luoshi.accounts.models import User

    prefix = reverse("work:occurrence", args=[1])[: -len("1/")]
    claimed = Reminder.objects.filter(claimed_by=token).annotate(
        notice_org=F("occurrence__org_id"),
        notice_kind=_text("reminder_", F("kind")),
        notice_title=_wording(),
        notice_url=_text(prefix, F("occurrence_id"), "/"),
        notice_key=_text("reminder:", F("id")),
    )
    select, params = (
        claimed.order_by()
        .values_list("notice_org", "notice_kind", "notice_title", "notice_url", "notice_key")
        .query.sql_with_params()
    )
    quote = connection.ops.quote_name
    notice, user = quote(Notice._meta.db_table), quote(User._meta.db_table)
    picked = "sub.notice_kind, sub.notice_title, '', sub.notice_url, sub.notice_key, %s, ''"
    now = timezone.now()
    with connection.cursor() as cursor:
        # No user input reaches this statement (S608): every value is bound.
        cursor.execute(
            f"WITH sub AS MATERIALIZED ({select}) "  # noqa: S608
            f"INSERT INTO {notice} (user_id, org_id, kind, title, body, url, key, created_at, digest_batch) "
            f"SELECT u.id, NULL, {picked} FROM sub "
            f"JOIN {user} u ON u.org_id = sub.notice_org AND u.role = %s AND u.is_active = %s "
            f"UNION ALL SELECT NULL, sub.notice_org, {picked} FROM sub "
            "WHERE true ON CONFLICT DO NOTHING",
            [*params, now, Role.ORG_STAFF, True, now],
        )


def send_reminders(limit: int | None = None) -> int:
    """Claims pending reminders batch by batch and writes their notices; returns how many
    this worker sent. The claim is one conditional UPDATE per batch (pending → sent): a
    row another worker claimed first is not pending any more when this UPDATE reaches it,
    so it is skipped, and the notices are written in the same transaction, so a worker
    that dies leaves its batch pending."""
    sent = 0
    while limit is None or sent < limit:
        token = secrets.token_hex(8)
        size = SEND_BATCH if limit is None else min(SEND_BATCH, limit - sent)
        with transaction.atomic():
            pending = Reminder.objects.filter(status=ReminderStatus.PENDING).order_by("id")
            ids = pending.values("pk")[:size]
            mark = time.monotonic()
            claimed = Reminder.objects.filter(pk__in=ids, status=ReminderStatus.PENDING).update(
                status=ReminderStatus.SENT, claimed_by=token, sent_at=timezone.now()
            )
            mark = _phase("claim", mark)
            if not claimed:
                if not pending.exists():
                    break
                continue
            _write_notices(token)
            _phase("notices", mark)
        sent += claimed
    return sent


def sweep(today: dt.date | None = None) -> SweepResult:
    """Plans today's reminders and sends them; nothing on a rest day."""
    started = time.monotonic()
    PHASES.clear()
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
