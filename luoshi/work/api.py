"""API for work that is owed: occurrences (with the same filters as the ledger), their
reports, review, and the counts behind home and 我的待办."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from luoshi.core.api import page_of
from luoshi.orgs.models import Organization
from luoshi.work import actions, rules
from luoshi.work.choices import OccurrenceStatus
from luoshi.work.filters import OccurrenceFilters, occurrences_for
from luoshi.work.models import Occurrence, Report

router = Router(tags=["责任事项"])


def org_json(o: Organization | None) -> dict[str, Any] | None:
    return {"id": o.pk, "name": o.name} if o else None


class Paged(Schema):
    items: list[dict[str, Any]]
    count: int


class OccurrenceQuery(Schema):
    """The ledger's filters, by the same names (see luoshi.work.filters)."""

    plan: str | None = None
    section: str | None = None
    task: str | None = None
    org: str | None = None
    lead: str | None = None
    status: str | None = None
    due_after: str | None = None
    due_before: str | None = None
    q: str | None = None
    mine: str | None = None


def occurrence_json(o: Occurrence) -> dict[str, Any]:
    task = getattr(o.duty, "task", None)
    light = rules.light_of(o)
    return {
        "id": o.pk,
        "duty": o.duty_id,
        "task": task.pk if task else None,
        "task_title": o.duty.title,
        "org": org_json(o.org),
        "period": o.period,
        "due": o.due_date,
        "status": o.status,
        "status_label": o.get_status_display(),
        "bucket": rules.bucket_of(o),
        "light": {"colour": light.colour, "label": light.label},
        "target": o.target_count,
        "achieved": o.achieved_count,
        "version": o.version,
    }


@router.get("/occurrences", response=Paged)
def list_occurrences(
    request: HttpRequest, filters: Query[OccurrenceQuery], limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """Occurrences in scope. `status` takes a state, a bucket (late, soon, returned, waiting,
    later, done) or open; `mine=1` narrows to what the caller's organisation owes."""
    parsed = OccurrenceFilters.from_query(filters.dict(exclude_none=True))
    rows = occurrences_for(request.user, parsed).select_related("duty__task", "org")
    count, page = page_of(rows.order_by("due_date", "id"), limit, offset)
    return {"items": [occurrence_json(o) for o in page], "count": count}


@router.get("/occurrences/counts")
def occurrence_counts(request: HttpRequest, filters: Query[OccurrenceQuery]) -> dict[str, int]:
    """The count of each bucket and the total, with the same filters as the list."""
    parsed = OccurrenceFilters.from_query(filters.dict(exclude_none=True))
    return rules.bucket_counts(occurrences_for(request.user, parsed))


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
        .select_related("duty__task", "org")
        .prefetch_related(Prefetch("reports", queryset=reports)),
        pk=occurrence_id,
    )
    return occurrence_json(occ) | {
        "can_report": rules.can_report(request.user, occ),
        "can_review": rules.can_review(request.user, occ),
        "reports": [report_json(r) for r in occ.reports.all()],
    }


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
            "occurrence__duty", "author"
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


@router.get("/reviews", response=Paged)
def review_queue(request: HttpRequest, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """待我审核: occurrences whose reports wait for the caller's review, oldest first."""
    rows = rules.reviewable_by(request.user).select_related("duty__task", "org").order_by("updated_at", "id")
    count, page = page_of(rows, limit, offset)
    return {"items": [occurrence_json(o) for o in page], "count": count}
