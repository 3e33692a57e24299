from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from luoshi.core.api import page_of
from luoshi.orgs.models import Organization
from luoshi.tasks import actions
from luoshi.tasks.choices import OccurrenceStatus
from luoshi.tasks.models import Occurrence, Report, Task

router = Router(tags=["任务"])


def _org(o: Organization | None) -> dict[str, Any] | None:
    return {"id": o.pk, "name": o.name} if o else None


def task_json(t: Task) -> dict[str, Any]:
    return {
        "id": t.pk,
        "plan": t.plan_id,
        "section": t.section,
        "title": t.title,
        "measure_span": [t.span_start, t.span_end] if t.span_start is not None else None,
        "lead_org": _org(t.lead_org),
        "responsible_orgs": [_org(o) for o in t.responsible_orgs.all()],
        "related_orgs": [_org(o) for o in t.related_orgs.all()],
        "schedule": {
            "kind": t.schedule_kind or None,
            "freq": t.freq or None,
            "when": t.when or None,
            "day": t.day,
            "label": t.schedule_label(),
        },
        "target": {"count": t.target_count, "unit": t.target_unit} if t.target_count else None,
    }


class Paged(Schema):
    items: list[dict[str, Any]]
    count: int


@router.get("/tasks", response=Paged)
def list_tasks(
    request: HttpRequest, plan: int | None = None, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    tasks = (
        Task.objects.visible_to(request.user)
        .select_related("lead_org")
        .prefetch_related("responsible_orgs", "related_orgs")
    )
    if plan is not None:
        tasks = tasks.filter(plan_id=plan)
    count, rows = page_of(tasks.order_by("plan", "order", "id"), limit, offset)
    return {"items": [task_json(t) for t in rows], "count": count}


def occurrence_json(o: Occurrence) -> dict[str, Any]:
    return {
        "id": o.pk,
        "task": o.task_id,
        "task_title": o.task.title,
        "org": _org(o.org),
        "period": o.period,
        "due": o.due_date,
        "status": o.status,
        "status_label": o.get_status_display(),
        "target": o.target_count,
        "achieved": o.achieved_count,
        "version": o.version,
    }


@router.get("/occurrences", response=Paged)
def list_occurrences(
    request: HttpRequest,
    task: int | None = None,
    org: int | None = None,
    status: str | None = None,
    due_before: dt.date | None = None,
    due_after: dt.date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    rows = Occurrence.objects.visible_to(request.user).select_related("task", "org")
    if task is not None:
        rows = rows.filter(task_id=task)
    if org is not None:
        rows = rows.filter(org_id=org)
    if status:
        rows = rows.filter(status=status)
    if due_before:
        rows = rows.filter(due_date__lte=due_before)
    if due_after:
        rows = rows.filter(due_date__gte=due_after)
    count, page = page_of(rows.order_by("due_date", "id"), limit, offset)
    return {"items": [occurrence_json(o) for o in page], "count": count}


def report_json(r: Report) -> dict[str, Any]:
    return {
        "id": r.pk,
        "author": r.author.display_name or r.author.username,
        "text": r.text,
        "count": r.count,
        "status": r.status,
        "submitted_at": r.created_at,
        "reviewed_at": r.reviewed_at,
        "review_comment": r.review_comment,
        "version": r.version,
        "files": [
            {"id": e.pk, "name": e.original_name, "size": e.size, "sha256": e.sha256}
            for e in r.evidence.all()
        ],
    }


@router.get("/occurrences/{int:occurrence_id}")
def get_occurrence(request: HttpRequest, occurrence_id: int) -> dict[str, Any]:
    reports = Report.objects.select_related("author").prefetch_related("evidence")
    occ = get_object_or_404(
        Occurrence.objects.visible_to(request.user)
        .select_related("task", "org")
        .prefetch_related(Prefetch("reports", queryset=reports)),
        pk=occurrence_id,
    )
    return occurrence_json(occ) | {"reports": [report_json(r) for r in occ.reports.all()]}


@router.post("/occurrences/{int:occurrence_id}/reports", response={201: dict})
def create_report(
    request: HttpRequest,
    occurrence_id: int,
    text: Form[str],
    count: Form[int | None] = None,
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    """A progress report with evidence files (PDF, Word, Excel, JPG, PNG)."""
    occ = get_object_or_404(Occurrence.objects.visible_to(request.user), pk=occurrence_id)
    report = actions.submit_report(
        acting_user=request.user, occurrence=occ, text=text, count=count, files=files or []
    )
    return Status(201, report_json(report))


class ReviewIn(Schema):
    decision: str
    comment: str = ""


@router.post("/reports/{int:report_id}/review")
def review(request: HttpRequest, report_id: int, payload: ReviewIn) -> dict[str, Any]:
    """Accepts or returns a report; the occurrence becomes 已完成 or 已退回."""
    report = get_object_or_404(
        Report.objects.filter(occurrence__in=Occurrence.objects.visible_to(request.user)).select_related(
            "occurrence__task__lead_org", "author"
        ),
        pk=report_id,
    )
    report = actions.review_report(
        acting_user=request.user, report=report, decision=payload.decision, comment=payload.comment
    )
    occ = Occurrence.objects.get(pk=report.occurrence_id)
    return report_json(report) | {
        "occurrence_status": occ.status,
        "occurrence_status_label": OccurrenceStatus(occ.status).label,
    }


class FireIn(Schema):
    due_date: dt.date
    orgs: list[int]
    label: str = ""


@router.post("/tasks/{int:task_id}/fire")
def fire(request: HttpRequest, task_id: int, payload: FireIn) -> dict[str, Any]:
    """The event of an event-triggered task happened: occurrences for these organisations."""
    task = get_object_or_404(Task.objects.visible_to(request.user), pk=task_id)
    orgs = list(Organization.objects.assignable_by(request.user).filter(pk__in=payload.orgs))
    created = actions.fire_event_task(
        acting_user=request.user, task=task, due_date=payload.due_date, orgs=orgs, label=payload.label
    )
    return {"occurrences": created}
