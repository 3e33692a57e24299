"""The task ledger (任务台账): one queryset for the page, the API and the export, so an
export never shows more than the screen (STYLE.md 12). Filters are luoshi.work's, by the
same names as the API; counts and lights are luoshi.work's rules, in one aggregate query
whatever the number of occurrences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.tasks.models import Task
from luoshi.work import rules
from luoshi.work.choices import Bucket, ChangeMark
from luoshi.work.filters import OccurrenceFilters, occurrences_for
from luoshi.work.models import Occurrence


def ledger_tasks(user: Any, f: OccurrenceFilters) -> QuerySet[Task]:
    """The tasks of the ledger; with occurrence filters (or a scope narrower than the
    department) only tasks that have a matching occurrence."""
    tasks = Task.objects.visible_to(user).select_related("duty__lead_org", "plan").filter(f.duty_q())
    if f.narrows_occurrences or user.role not in Role.department_wide():
        matching = occurrences_for(user, f).filter(duty_id=OuterRef("duty_id"))
        tasks = tasks.filter(Exists(matching))
    return tasks.order_by("-plan__year", "plan", "order", "id")


# The changes after publishing the ledger marks on a task's row (已延期 2, 已调整 5, …).
LEDGER_MARKS = [m for m in ChangeMark.values if m]


def attach_counts(user: Any, f: OccurrenceFilters, tasks: list[Task]) -> list[Task]:
    """Sets `counts` (every bucket and the total), `light`, next_due, last_due, achieved,
    target and `marks` (how many occurrences were extended, rescheduled, …) on each task, from one aggregate query over the occurrences of these tasks
    in scope and filters. Grouping by duty id keeps the GROUP BY narrow."""
    today = timezone.localdate()
    rows = (
        occurrences_for(user, f, today)
        .filter(duty_id__in=[t.duty_id for t in tasks])
        .values("duty_id")
        .annotate(
            **rules.count_annotations(today),
            next_due=Min("due_date", filter=rules.open_q()),
            last_due=Max("due_date"),
            achieved=Sum("achieved_count"),
            target=Sum("target_count"),
            **{mark: Count("id", filter=Q(change_mark=mark)) for mark in LEDGER_MARKS},
        )
    )
    by_duty = {r.pop("duty_id"): r for r in rows}
    for task in tasks:
        row = by_duty.get(task.duty_id, {})
        task.marks = [(ChangeMark(m).label, row.pop(m)) for m in LEDGER_MARKS if row.get(m)]
        for mark in LEDGER_MARKS:
            row.pop(mark, None)
        task.counts = {
            k: v for k, v in row.items() if k not in ("next_due", "last_due", "achieved", "target")
        }
        task.counts.setdefault("total", 0)
        task.light = rules.rolled_up_light(task.counts)
        task.next_due, task.last_due = row.get("next_due"), row.get("last_due")
        task.achieved, task.target = row.get("achieved") or 0, row.get("target")
    return tasks


def ledger_totals(user: Any, f: OccurrenceFilters) -> dict[str, int]:
    """The bucket counts of everything the ledger lists: the same numbers as home and
    GET /api/occurrences/counts for the same user and filters."""
    return rules.bucket_counts(ledger_occurrences(user, f))


def ledger_occurrences(user: Any, f: OccurrenceFilters) -> QuerySet[Occurrence]:
    """The occurrences of the ledger's tasks, in scope and filters: the export's rows."""
    return occurrences_for(user, f).filter(duty__task__isnull=False)


def progress_text(task: Task) -> str:
    """进展情况 of a ledger row: counts first, then the target."""
    c = task.counts
    parts = [f"完成 {c.get('done', 0)}/{c['total']} 项"]
    if task.target:
        parts.append(f"目标 {task.achieved}/{task.target}{task.duty.target_unit}")
    for bucket, label in (("late", "逾期"), ("returned", "退回"), ("waiting", "待审核")):
        if c.get(bucket):
            parts.append(f"{label} {c[bucket]}")
    return "，".join(parts)


def chinese_date(day: dt.date) -> str:
    """2022年12月30日: Arabic numerals, no zero padding (GB/T 9704)."""
    return f"{day.year}年{day.month}月{day.day}日"


def occurrence_export_rows(user: Any, f: OccurrenceFilters) -> Iterator[dict[str, Any]]:
    """The ledger's occurrences as export rows, streamed in chunks, each with the latest
    report's text as 最新进展 (one extra query per chunk)."""
    from luoshi.work.models import Report

    occurrences = (
        ledger_occurrences(user, f)
        .select_related("duty__task", "org")
        .order_by("duty__task__plan", "duty__task__order", "due_date", "org__path")
    )
    today = timezone.localdate()
    chunk: list[Occurrence] = []

    def flush() -> Iterator[dict[str, Any]]:
        latest: dict[int, Any] = {}
        for occurrence_id, text, at in (
            Report.objects.filter(occurrence_id__in=[o.pk for o in chunk])
            .order_by("occurrence_id", "created_at")
            .values_list("occurrence_id", "text", "created_at")
        ):
            latest[occurrence_id] = (text, at)
        for o in chunk:
            text, at = latest.get(o.pk, ("", None))
            yield {
                "title": o.duty.title,
                "org": o.org.name,
                "period": o.period,
                "due": o.due_date,
                "status": Bucket(rules.bucket_of(o, today)).label
                + (f"（{o.get_change_mark_display()}）" if o.change_mark else ""),
                "target": f"{o.achieved_count}/{o.target_count}" if o.target_count else "",
                "progress": f"{text}（{at.date():%Y-%m-%d}）" if text else "",
            }

    for o in occurrences.iterator(chunk_size=2000):
        chunk.append(o)
        if len(chunk) == 2000:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def export_title(filters: OccurrenceFilters, kind: str) -> str:
    """工作要点名 + kind, or 全部工作要点 + kind; a filtered export says so in its title."""
    from luoshi.plans.models import Plan

    plan = (
        Plan.objects.filter(pk=filters.plan).values_list("title", flat=True).first() if filters.plan else None
    )
    title = f"{plan or '全部工作要点'}{kind}"
    return title + ("（筛选）" if set(filters.as_query()) - {"plan"} else "")
