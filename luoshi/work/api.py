"""API for work that is owed: occurrences (with the same filters as the ledger), their
reports, review, and the counts behind home and 我的待办."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from luoshi.core.access import get_scoped_or_404
from luoshi.core.api import Count, Id, Limit, Offset, page_of, responses
from luoshi.core.errors import ActionRefused
from luoshi.orgs.models import Organization
from luoshi.work import actions, rules
from luoshi.work.choices import ExtensionStatus, OccurrenceStatus
from luoshi.work.filters import OccurrenceFilters, occurrences_for
from luoshi.work.models import Duty, ExtensionRequest, Occurrence, Report, StatusChange

router = Router(tags=["责任事项"])


def org_json(o: Organization | None) -> dict[str, Any] | None:
    return {"id": o.pk, "name": o.name} if o else None


class Paged(Schema):
    items: list[dict[str, Any]]
    count: int


class OccurrenceQuery(Schema):
    """The ledger's filters, by the same names (see luoshi.work.filters); numbers and dates
    are typed and bounded, so a bad one answers 422 like every other parameter."""

    plan: Id | None = None
    section: str | None = Field(None, max_length=200)
    task: Id | None = None
    org: Id | None = None
    lead: Id | None = None
    status: str | None = Field(None, max_length=20)
    due_after: dt.date | None = None
    due_before: dt.date | None = None
    q: str | None = Field(None, max_length=200)
    mine: bool | None = None


def _filters(query: OccurrenceQuery) -> OccurrenceFilters:
    """The shared filters; a value they refuse (an unknown status, a reversed date range)
    is a parameter problem, 422 as pydantic's are."""
    try:
        return OccurrenceFilters.from_query(query.dict(exclude_none=True))
    except ActionRefused as refused:
        raise HttpError(422, str(refused)) from None


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
        "original_due": o.original_due,
        "missed_due": o.missed_due,
        "was_late": o.was_late,
        "change_mark": o.change_mark,
        "change_mark_label": o.get_change_mark_display() if o.change_mark else "",
        "version": o.version,
    }


def change_json(c: StatusChange) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "old": c.old,
        "new": c.new,
        "old_due": c.old_due,
        "new_due": c.new_due,
        "related": c.related_id,
        "by": (c.by.display_name or c.by.username) if c.by else None,
        "reason": c.reason,
        "at": c.at,
    }


@router.get("/occurrences", response=responses(Paged))
def list_occurrences(
    request: HttpRequest, filters: Query[OccurrenceQuery], limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """Occurrences in scope. `status` takes a state, a bucket (late, soon, returned, waiting,
    later, done) or open; `mine=1` narrows to what the caller's organisation owes."""
    parsed = _filters(filters)
    rows = occurrences_for(request.user, parsed).select_related("duty__task", "org")
    count, page = page_of(rows.order_by("due_date", "id"), limit, offset)
    return {"items": [occurrence_json(o) for o in page], "count": count}


@router.get("/occurrences/counts", response=responses(dict[str, int]))
def occurrence_counts(request: HttpRequest, filters: Query[OccurrenceQuery]) -> dict[str, int]:
    """The count of each bucket and the total, with the same filters as the list."""
    parsed = _filters(filters)
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


@router.get("/occurrences/{int:occurrence_id}", response=responses(dict[str, Any], 404))
def get_occurrence(request: HttpRequest, occurrence_id: Id) -> dict[str, Any]:
    """One occurrence with its reports; another organisation's answers 404 and is audited."""
    reports = Report.objects.select_related("author").prefetch_related("evidence")
    occ = get_scoped_or_404(
        Occurrence.objects.visible_to(request.user)
        .select_related("duty__task", "org")
        .prefetch_related(Prefetch("reports", queryset=reports)),
        request.user,
        pk=occurrence_id,
    )
    return occurrence_json(occ) | {
        "can_report": rules.can_report(request.user, occ),
        "can_review": rules.can_review(request.user, occ),
        "can_request_extension": rules.can_request_extension(request.user, occ),
        "can_adjust": rules.can_adjust(request.user, occ),
        "reports": [report_json(r) for r in occ.reports.all()],
        "history": [change_json(c) for c in occ.changes.select_related("by")],
    }


@router.post(
    "/occurrences/{int:occurrence_id}/reports",
    response=responses(dict[str, Any], 400, 403, 404, 409, 413, status=201),
)
def create_report(
    request: HttpRequest,
    occurrence_id: Id,
    text: Form[str],
    count: Form[Count | None] = None,
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    """A progress report with evidence files (PDF, Word, Excel, JPG, PNG)."""
    occ = get_scoped_or_404(Occurrence.objects.visible_to(request.user), request.user, pk=occurrence_id)
    report = actions.submit_report(
        acting_user=request.user, occurrence=occ, text=text, count=count, files=files or []
    )
    return Status(201, report_json(report))


class ReviewIn(Schema):
    decision: str = Field(max_length=20)
    comment: str = Field("", max_length=2000)


@router.post("/reports/{int:report_id}/review", response=responses(dict[str, Any], 400, 403, 404, 409))
def review(request: HttpRequest, report_id: Id, payload: ReviewIn) -> dict[str, Any]:
    """Accepts or returns a report; the occurrence becomes 已完成 or 已退回. A report of
    another organisation answers 404 and is audited."""
    report = get_scoped_or_404(
        Report.objects.filter(occurrence__in=Occurrence.objects.visible_to(request.user)).select_related(
            "occurrence__duty", "author"
        ),
        request.user,
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


@router.get("/reviews", response=responses(Paged))
def review_queue(request: HttpRequest, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """待我审核: occurrences whose reports wait for the caller's review, oldest first."""
    rows = rules.reviewable_by(request.user).select_related("duty__task", "org").order_by("updated_at", "id")
    count, page = page_of(rows, limit, offset)
    return {"items": [occurrence_json(o) for o in page], "count": count}


# A file answer: the document says a 200 carries a file, of the type it was stored with.
FILE_200 = {
    "responses": {
        200: {
            "description": "佐证材料文件（附件下载，类型为上传时核验的类型）",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get("/evidence/{int:evidence_id}", response=responses(None, 404), openapi_extra=FILE_200)
def get_evidence(request: HttpRequest, evidence_id: Id) -> Any:
    """An evidence file, as an attachment, within the caller's scope; the download is
    audited, and one of another organisation answers 404 and is audited as a denial."""
    from luoshi.work.views import evidence_download

    return evidence_download(request, evidence_id)


@router.post("/reports/{int:report_id}/edit", response=responses(dict[str, Any], 400, 403, 404, 409, 413))
def edit_report(
    request: HttpRequest,
    report_id: Id,
    version: Form[Count],
    text: Form[str],
    count: Form[Count | None] = None,
    remove: Form[list[Id]] = [],  # noqa: B006 - ninja reads the default, never mutates it
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> dict[str, Any]:
    """The author changes a report not yet reviewed (text, count, files added or removed by
    id); a stale `version` answers 409. Another organisation's report answers 404, audited."""
    report = get_scoped_or_404(
        Report.objects.filter(occurrence__in=Occurrence.objects.visible_to(request.user))
        .select_related("occurrence__duty", "occurrence__org", "author")
        .prefetch_related("evidence"),
        request.user,
        pk=report_id,
    )
    report = actions.edit_report(
        acting_user=request.user,
        report=report,
        expected_version=version,
        text=text,
        count=count,
        add_files=files or [],
        remove_evidence=remove,
    )
    return report_json(Report.objects.prefetch_related("evidence").select_related("author").get(pk=report.pk))


# --- changes after publishing --------------------------------------------------------------


def extension_json(e: ExtensionRequest) -> dict[str, Any]:
    return {
        "id": e.pk,
        "occurrence": e.occurrence_id,
        "task_title": e.occurrence.duty.title,
        "org": org_json(e.occurrence.org),
        "period": e.occurrence.period,
        "requested_by": e.requested_by.display_name or e.requested_by.username,
        "requested_at": e.created_at,
        "reason": e.reason,
        "due_at_request": e.due_at_request,
        "wished_due": e.wished_due,
        "status": e.status,
        "status_label": e.get_status_display(),
        "granted_due": e.granted_due,
        "decided_by": (e.decided_by.display_name or e.decided_by.username) if e.decided_by else None,
        "decided_at": e.decided_at,
        "comment": e.decision_comment,
    }


EXTENSION_RELATED = ("occurrence__duty", "occurrence__org", "requested_by", "decided_by")


class ExtensionIn(Schema):
    wished_due: dt.date
    reason: str = Field(max_length=500)


class ExtensionQuery(Schema):
    status: str | None = Field(None, max_length=20)


@router.get("/occurrences/{int:occurrence_id}/extensions", response=responses(Paged, 404))
def list_occurrence_extensions(request: HttpRequest, occurrence_id: Id) -> dict[str, Any]:
    """The extension requests (申请延期) of one occurrence, newest first."""
    occ = get_scoped_or_404(Occurrence.objects.visible_to(request.user), request.user, pk=occurrence_id)
    rows = ExtensionRequest.objects.filter(occurrence=occ).select_related(*EXTENSION_RELATED)
    return {"items": [extension_json(e) for e in rows], "count": len(rows)}


@router.post(
    "/occurrences/{int:occurrence_id}/extensions",
    response=responses(dict[str, Any], 400, 403, 404, status=201),
)
def create_extension(request: HttpRequest, occurrence_id: Id, payload: ExtensionIn) -> Status:
    """申请延期 before the due date: `wished_due` later than the due date, a `reason`. The
    plan office decides (POST /api/extensions/{id}/decision)."""
    occ = get_scoped_or_404(Occurrence.objects.visible_to(request.user), request.user, pk=occurrence_id)
    extension = actions.request_extension(
        acting_user=request.user, occurrence=occ, wished_due=payload.wished_due, reason=payload.reason
    )
    return Status(
        201, extension_json(ExtensionRequest.objects.select_related(*EXTENSION_RELATED).get(pk=extension.pk))
    )


@router.get("/extensions", response=responses(Paged))
def list_extensions(
    request: HttpRequest, query: Query[ExtensionQuery], limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """延期申请 in the caller's scope, newest first; `status=pending` for those waiting
    for the plan office's decision."""
    rows = ExtensionRequest.objects.visible_to(request.user).select_related(*EXTENSION_RELATED)
    if query.status:
        if query.status not in ExtensionStatus.values:
            raise HttpError(422, "“status”取值无效。")
        rows = rows.filter(status=query.status)
    count, page = page_of(rows, limit, offset)
    return {"items": [extension_json(e) for e in page], "count": count}


class DecisionIn(Schema):
    decision: str = Field(max_length=20)
    due: dt.date | None = None
    comment: str = Field("", max_length=500)


@router.post("/extensions/{int:extension_id}/decision", response=responses(dict[str, Any], 400, 403, 404))
def decide_extension(request: HttpRequest, extension_id: Id, payload: DecisionIn) -> dict[str, Any]:
    """The plan office's decision: `grant` (to `due`, or the wished date) or `refuse` with
    a `comment`."""
    extension = get_scoped_or_404(
        ExtensionRequest.objects.visible_to(request.user).select_related(*EXTENSION_RELATED),
        request.user,
        pk=extension_id,
    )
    actions.decide_extension(
        acting_user=request.user,
        extension=extension,
        decision=payload.decision,
        granted_due=payload.due,
        comment=payload.comment,
    )
    return extension_json(ExtensionRequest.objects.select_related(*EXTENSION_RELATED).get(pk=extension.pk))


def _org_in_scope(request: HttpRequest, org_id: int) -> Organization:
    return get_scoped_or_404(Organization.objects.visible_to(request.user), request.user, pk=org_id)


def _duty_in_scope(request: HttpRequest, duty_id: int) -> Duty:
    return get_scoped_or_404(
        Duty.objects.visible_to(request.user).select_related("unit"), request.user, pk=duty_id
    )


class ReassignIn(Schema):
    org: Id
    reason: str = Field(max_length=500)
    due: dt.date | None = None


@router.post(
    "/occurrences/{int:occurrence_id}/reassign",
    response=responses(dict[str, Any], 400, 403, 404, status=201),
)
def reassign(request: HttpRequest, occurrence_id: Id, payload: ReassignIn) -> Status:
    """改派 to another organisation: this occurrence is withdrawn (kept), the new
    organisation's occurrence is answered."""
    occ = get_scoped_or_404(
        Occurrence.objects.visible_to(request.user).select_related("duty__unit"),
        request.user,
        pk=occurrence_id,
    )
    new = actions.reassign_occurrence(
        acting_user=request.user,
        occurrence=occ,
        org=_org_in_scope(request, payload.org),
        reason=payload.reason,
        due_date=payload.due,
    )
    return Status(201, occurrence_json(Occurrence.objects.select_related("duty__task", "org").get(pk=new.pk)))


class DutyOrgIn(Schema):
    org: Id
    reason: str = Field(max_length=500)


@router.post("/duties/{int:duty_id}/orgs", response=responses(Paged, 400, 403, 404, status=201))
def add_org(request: HttpRequest, duty_id: Id, payload: DutyOrgIn) -> Status:
    """增加责任单位: the organisation owes the duty's remaining periods; answers them."""
    created = actions.add_org_to_duty(
        acting_user=request.user,
        duty=_duty_in_scope(request, duty_id),
        org=_org_in_scope(request, payload.org),
        reason=payload.reason,
    )
    rows = Occurrence.objects.filter(pk__in=[o.pk for o in created]).select_related("duty__task", "org")
    return Status(201, {"items": [occurrence_json(o) for o in rows], "count": len(created)})


class WithdrawIn(Schema):
    reason: str = Field(max_length=500)


@router.post(
    "/duties/{int:duty_id}/orgs/{int:org_id}/withdraw", response=responses(dict[str, int], 400, 403, 404)
)
def withdraw_org(request: HttpRequest, duty_id: Id, org_id: Id, payload: WithdrawIn) -> dict[str, int]:
    """撤回责任单位: its open occurrences of the duty are withdrawn (kept, counted nowhere)."""
    withdrawn = actions.withdraw_org_from_duty(
        acting_user=request.user,
        duty=_duty_in_scope(request, duty_id),
        org=_org_in_scope(request, org_id),
        reason=payload.reason,
    )
    return {"withdrawn": withdrawn}


class RescheduleIn(Schema):
    period: str = Field(max_length=40)
    due: dt.date
    reason: str = Field(max_length=500)


@router.post("/duties/{int:duty_id}/reschedule", response=responses(dict[str, int], 400, 403, 404))
def reschedule(request: HttpRequest, duty_id: Id, payload: RescheduleIn) -> dict[str, int]:
    """调整: one period's due date for every organisation whose occurrence is still open;
    reported and done ones keep theirs."""
    moved = actions.reschedule_period(
        acting_user=request.user,
        duty=_duty_in_scope(request, duty_id),
        period=payload.period,
        due_date=payload.due,
        reason=payload.reason,
    )
    return {"moved": moved}
