"""The task ledger (任务台账): one queryset for the page, the API and the export, so an
export never shows more than the screen (STYLE.md 12). Counts come from one aggregate
query whatever the number of occurrences."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
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
    today = timezone.localdate()
    occ = occurrence_filter(user, f)
    tasks = Task.objects.visible_to(user).select_related("lead_org", "plan")
    if f.plan:
        tasks = tasks.filter(plan_id=f.plan)
    if f.section:
        tasks = tasks.filter(section=f.section)
    if f.lead:
        tasks = tasks.filter(lead_org_id=f.lead)
    if f.q:
        tasks = tasks.filter(title__icontains=f.q)
    open_states = OccurrenceStatus.open_states()
    tasks = tasks.annotate(
        total=Count("occurrences", filter=occ, distinct=True),
        done=Count("occurrences", filter=occ & Q(occurrences__status=OccurrenceStatus.DONE), distinct=True),
        waiting=Count(
            "occurrences", filter=occ & Q(occurrences__status=OccurrenceStatus.SUBMITTED), distinct=True
        ),
        returned=Count(
            "occurrences", filter=occ & Q(occurrences__status=OccurrenceStatus.RETURNED), distinct=True
        ),
        late=Count(
            "occurrences",
            filter=occ & Q(occurrences__status__in=open_states, occurrences__due_date__lt=today),
            distinct=True,
        ),
        soon=Count(
            "occurrences",
            filter=occ
            & Q(
                occurrences__status__in=open_states,
                occurrences__due_date__gte=today,
                occurrences__due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
            ),
            distinct=True,
        ),
        next_due=Min("occurrences__due_date", filter=occ & Q(occurrences__status__in=open_states)),
        last_due=Min("occurrences__due_date", filter=occ),
    ).order_by("plan", "order", "id")
    if f.org or f.status or f.due_from or f.due_to or user.role not in Role.department_wide():
        tasks = tasks.filter(total__gt=0)
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
