"""The task ledger (任务台账): one queryset for the page, the API and the export, so an
export never shows more than the screen (STYLE.md 12). Counts come from one aggregate
query whatever the number of occurrences."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.http import QueryDict
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.core.scope import scope_path
from luoshi.tasks.choices import OccurrenceStatus
from luoshi.tasks.models import Occurrence, Task

DUE_SOON_DAYS = 7


@dataclass
class LedgerFilters:
    plan: int | None = None
    section: str = ""
    org: int | None = None
    lead: int | None = None
    status: str = ""
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    q: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> LedgerFilters:
        def integer(name: str) -> int | None:
            value = query.get(name, "")
            return int(value) if value.isdigit() else None

        def date(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(query.get(name, ""))
            except ValueError:
                return None

        status = query.get("status", "")
        return cls(
            plan=integer("plan"),
            section=query.get("section", "")[:200],
            org=integer("org"),
            lead=integer("lead"),
            status=status if status in OccurrenceStatus.values or status == "open" else "",
            due_from=date("due_from"),
            due_to=date("due_to"),
            q=query.get("q", "").strip()[:50],
        )


def occurrence_filter(user: Any, f: LedgerFilters, prefix: str = "occurrences__") -> Q:
    """The occurrences a ledger row counts: inside the user's scope and the filters."""
    q = Q()
    root = scope_path(user)
    if user.role not in Role.department_wide():
        q &= Q(**{f"{prefix}org__path__startswith": root}) | Q(
            **{f"{prefix}task__lead_org__path__startswith": root}
        )
    if f.org:
        q &= Q(**{f"{prefix}org_id": f.org})
    if f.status == "open":
        q &= Q(**{f"{prefix}status__in": OccurrenceStatus.open_states()})
    elif f.status:
        q &= Q(**{f"{prefix}status": f.status})
    if f.due_from:
        q &= Q(**{f"{prefix}due_date__gte": f.due_from})
    if f.due_to:
        q &= Q(**{f"{prefix}due_date__lte": f.due_to})
    return q


def ledger_tasks(user: Any, f: LedgerFilters) -> QuerySet[Task]:
    """The tasks of the ledger; with occurrence filters (or a scope narrower than the
    department) only tasks that have a matching occurrence."""
    tasks = Task.objects.visible_to(user).select_related("lead_org")
    if f.plan:
        tasks = tasks.filter(plan_id=f.plan)
    if f.section:
        tasks = tasks.filter(section=f.section)
    if f.lead:
        tasks = tasks.filter(lead_org_id=f.lead)
    if f.q:
        tasks = tasks.filter(title__icontains=f.q)
    if f.org or f.status or f.due_from or f.due_to or user.role not in Role.department_wide():
        matching = Occurrence.objects.filter(occurrence_filter(user, f, prefix=""), task=OuterRef("pk"))
        tasks = tasks.filter(Exists(matching))
    return tasks.order_by("plan", "order", "id")


def attach_counts(user: Any, f: LedgerFilters, tasks: list[Task]) -> list[Task]:
    """Sets total, done, waiting, returned, late, soon, next_due, last_due, achieved and
    target on each task
    from one aggregate query over the occurrences of these tasks in scope and filters.

    Grouping occurrences by task id keeps the GROUP BY narrow, whatever the tasks carry.
    """
    today = timezone.localdate()
    open_states = OccurrenceStatus.open_states()
    soon_end = today + dt.timedelta(days=DUE_SOON_DAYS)
    rows = (
        Occurrence.objects.filter(occurrence_filter(user, f, prefix=""), task_id__in=[t.pk for t in tasks])
        .values("task_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=OccurrenceStatus.DONE)),
            waiting=Count("id", filter=Q(status=OccurrenceStatus.SUBMITTED)),
            returned=Count("id", filter=Q(status=OccurrenceStatus.RETURNED)),
            late=Count("id", filter=Q(status__in=open_states, due_date__lt=today)),
            soon=Count("id", filter=Q(status__in=open_states, due_date__gte=today, due_date__lte=soon_end)),
            next_due=Min("due_date", filter=Q(status__in=open_states)),
            last_due=Max("due_date"),
            achieved=Sum("achieved_count"),
            target=Sum("target_count"),
        )
    )
    by_task = {r["task_id"]: r for r in rows}
    empty = {
        "total": 0,
        "done": 0,
        "waiting": 0,
        "returned": 0,
        "late": 0,
        "soon": 0,
        "next_due": None,
        "last_due": None,
        "achieved": 0,
        "target": None,
    }
    for task in tasks:
        for key, value in by_task.get(task.pk, empty).items():
            if key != "task_id":
                setattr(task, key, value)
    return tasks


def traffic_light(
    total: int, done: int, late: int, soon: int, waiting: int, returned: int
) -> tuple[str, str]:
    """(colour, label): red when something is overdue, yellow when due within a week or
    waiting on a review or a correction, green when everything is done."""
    if total and done == total:
        return "green", "已完成"
    if late:
        return "red", f"逾期{late}"
    if soon or returned or waiting:
        return "yellow", "临近" if soon else ("待审核" if waiting else "已退回")
    if total == 0:
        return "grey", "无事项"
    return "grey", "按期推进"


def occurrence_light(o: Occurrence, today: dt.date | None = None) -> tuple[str, str]:
    today = today or timezone.localdate()
    if o.status == OccurrenceStatus.DONE:
        return "green", "已完成"
    if o.due_date < today:
        return "red", "逾期"
    if (
        o.status in (OccurrenceStatus.SUBMITTED, OccurrenceStatus.RETURNED)
        or (o.due_date - today).days <= DUE_SOON_DAYS
    ):
        return "yellow", o.get_status_display() if o.status != OccurrenceStatus.NOT_STARTED else "临近"
    return "grey", o.get_status_display()


def ledger_occurrences(user: Any, f: LedgerFilters) -> QuerySet[Occurrence]:
    """The occurrences of the ledger's tasks, in scope and filters: the export's rows."""
    tasks = ledger_tasks(user, f).values("pk")
    return Occurrence.objects.filter(occurrence_filter(user, f, prefix=""), task__in=tasks)


def occurrence_export_rows(user: Any, f: LedgerFilters) -> Any:
    """The ledger's occurrences as export rows, streamed in chunks."""
    occurrences = (
        ledger_occurrences(user, f)
        .select_related("task", "org")
        .order_by("task__plan", "task__order", "due_date", "org__path")
    )
    for o in occurrences.iterator(chunk_size=2000):
        yield {
            "title": o.task.title,
            "org": o.org.name,
            "period": o.period,
            "due": f"{o.due_date}",
            "status": o.get_status_display(),
            "target": f"{o.achieved_count}/{o.target_count}" if o.target_count else "",
            "progress": "",
        }


def scope_summary(user: Any, behind: int = 5) -> dict[str, Any]:
    """The one-page picture for the workspace: counts of the occurrences in scope that are
    due by today, and the organisations furthest behind. Two aggregate queries."""
    today = timezone.localdate()
    occurrences = Occurrence.objects.visible_to(user).filter(task__plan__status="published")
    open_states = OccurrenceStatus.open_states()
    totals = occurrences.aggregate(
        total=Count("id"),
        due=Count("id", filter=Q(due_date__lte=today)),
        done=Count("id", filter=Q(status=OccurrenceStatus.DONE)),
        done_due=Count("id", filter=Q(status=OccurrenceStatus.DONE, due_date__lte=today)),
        late=Count("id", filter=Q(status__in=open_states, due_date__lt=today)),
        waiting=Count("id", filter=Q(status=OccurrenceStatus.SUBMITTED)),
        returned=Count("id", filter=Q(status=OccurrenceStatus.RETURNED)),
        soon=Count(
            "id",
            filter=Q(
                status__in=open_states,
                due_date__gte=today,
                due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
            ),
        ),
    )
    rate = round(100 * totals["done_due"] / totals["due"]) if totals["due"] else None
    worst = (
        occurrences.filter(status__in=open_states, due_date__lt=today)
        .values("org_id", "org__name")
        .annotate(late=Count("id"))
        .order_by("-late", "org__name")[:behind]
    )
    return totals | {"rate": rate, "behind": list(worst)}
