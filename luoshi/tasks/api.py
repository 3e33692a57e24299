from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from luoshi.core.access import get_scoped_or_404
from luoshi.core.api import Id, Limit, Offset, page_of, responses
from luoshi.orgs.models import Organization
from luoshi.tasks.models import Task
from luoshi.work.actions import fire_duty
from luoshi.work.api import Paged, org_json

router = Router(tags=["任务"])


def task_json(t: Task) -> dict[str, Any]:
    duty = t.duty
    return {
        "id": t.pk,
        "duty": duty.pk,
        "plan": t.plan_id,
        "section": t.section,
        "title": t.title,
        "measure_span": [t.span_start, t.span_end] if t.span_start is not None else None,
        "lead_org": org_json(duty.lead_org),
        "responsible_orgs": [org_json(o) for o in duty.responsible_orgs.all()],
        "related_orgs": [org_json(o) for o in t.related_orgs.all()],
        "schedule": {
            "kind": duty.schedule_kind or None,
            "freq": duty.freq or None,
            "when": duty.when or None,
            "day": duty.day,
            "label": duty.schedule_label(),
            "needs_decision": duty.needs_decision,
        },
        "target": {"count": duty.target_count, "unit": duty.target_unit} if duty.target_count else None,
    }


@router.get("/tasks", response=responses(Paged))
def list_tasks(
    request: HttpRequest, plan: Id | None = None, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    tasks = (
        Task.objects.visible_to(request.user)
        .select_related("duty__lead_org")
        .prefetch_related("duty__responsible_orgs", "related_orgs")
    )
    if plan is not None:
        tasks = tasks.filter(plan_id=plan)
    count, rows = page_of(tasks.order_by("plan", "order", "id"), limit, offset)
    return {"items": [task_json(t) for t in rows], "count": count}


class FireIn(Schema):
    due_date: dt.date
    orgs: list[Id] = Field(max_length=2000)
    label: str = Field("", max_length=40)


class FireOut(Schema):
    occurrences: int


@router.post("/tasks/{int:task_id}/fire", response=responses(FireOut, 400, 403, 404))
def fire(request: HttpRequest, task_id: Id, payload: FireIn) -> dict[str, Any]:
    """The event of an event-triggered task happened: occurrences for these organisations."""
    task = get_scoped_or_404(
        Task.objects.visible_to(request.user).select_related("duty"), request.user, pk=task_id
    )
    orgs = list(Organization.objects.assignable_by(request.user).filter(pk__in=payload.orgs))
    created = fire_duty(
        acting_user=request.user, duty=task.duty, due_date=payload.due_date, orgs=orgs, label=payload.label
    )
    return {"occurrences": created}
