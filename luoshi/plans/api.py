from __future__ import annotations

from typing import Annotated, Any

import pydantic
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from luoshi.core.access import get_scoped_or_404
from luoshi.core.api import Count, Id, Limit, Offset, page_of, responses
from luoshi.core.numbers import CALENDAR_YEARS
from luoshi.plans import actions
from luoshi.plans import publish_checks as checks
from luoshi.plans.models import Plan

router = Router(tags=["工作要点"])


class PlanOut(Schema):
    id: int
    title: str
    year: int
    status: str


class PlanList(Schema):
    items: list[PlanOut]
    count: int


class ImportOut(Schema):
    id: int
    status: str
    measures: int
    proposals: int
    findings: int


def proposal_json(p: Any) -> dict[str, Any]:
    return {
        "id": p.id,
        "order": p.order,
        "section": p.section,
        "title": p.title,
        "measure_span": [p.clause_start, p.clause_end] if p.clause_start is not None else None,
        "lead_org": p.lead_org_id,
        "responsible_orgs": [o.id for o in p.responsible_orgs.all()],
        "related_orgs": [o.id for o in p.related_orgs.all()],
        "owner_source": p.owner_source,
        "schedule": {
            "kind": p.schedule_kind or None,
            "freq": p.freq or None,
            "when": p.when or None,
            "day": p.day,
            "count": p.count_per_period,
            "text": p.schedule_text,
        },
        "needs_decision": p.needs_decision,
        "target": {"count": p.target_count, "unit": p.target_unit} if p.target_count else None,
        "dropped": p.dropped,
        "merged_into": p.merged_into_id,
        "version": p.version,
    }


# A plan's year: the years the working-day calendar can hold.
Year = Annotated[int, Field(ge=CALENDAR_YEARS[0], le=CALENDAR_YEARS[1])]


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    """A plan in the caller's scope; another department's answers 404, audited."""
    return get_scoped_or_404(Plan.objects.visible_to(request.user), request.user, pk=plan_id)


@router.post("", response=responses(ImportOut, 400, 403, 413, status=201))
def import_plan(request: HttpRequest, file: File[UploadedFile], year: Form[Year | None] = None) -> Status:
    """Imports and parses a plan document (.txt .docx .pdf) as a draft with proposed tasks."""
    plan = actions.import_plan(
        acting_user=request.user,
        data=file.read(actions.MAX_PLAN_BYTES + 1),
        filename=file.name or "plan.txt",
        year=year,
    )
    return Status(
        201,
        {
            "id": plan.pk,
            "status": plan.status,
            "measures": plan.measures.count(),
            "proposals": plan.proposals.count(),
            "findings": plan.findings.count(),
        },
    )


@router.post("/{int:plan_id}/replace", response=responses(ImportOut, 400, 403, 404, 413, status=201))
def replace(request: HttpRequest, plan_id: Id, file: File[UploadedFile]) -> Status:
    """Replaces a draft by a corrected document, parsed afresh."""
    plan = _plan(request, plan_id)
    new = actions.replace_draft(
        acting_user=request.user,
        plan=plan,
        data=file.read(actions.MAX_PLAN_BYTES + 1),
        filename=file.name or "plan.txt",
    )
    return Status(
        201,
        {
            "id": new.pk,
            "status": new.status,
            "measures": new.measures.count(),
            "proposals": new.proposals.count(),
            "findings": new.findings.count(),
        },
    )


@router.get("", response=responses(PlanList))
def list_plans(request: HttpRequest, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    count, rows = page_of(Plan.objects.visible_to(request.user), limit, offset)
    return {"items": rows, "count": count}


@router.get("/{int:plan_id}", response=responses(dict[str, Any], 404))
def get_plan(request: HttpRequest, plan_id: Id) -> dict[str, Any]:
    """The plan, its plan JSON and the proposed tasks."""
    plan = _plan(request, plan_id)
    proposals = plan.proposals.select_related("lead_org").prefetch_related("responsible_orgs", "related_orgs")
    return {
        "id": plan.pk,
        "title": plan.title,
        "year": plan.year,
        "status": plan.status,
        "plan": plan.parsed,
        "findings": [
            {"id": f.pk, "kind": f.kind, "message": f.message, "spans": f.spans, "dismissed": f.dismissed}
            for f in plan.findings.all()
        ],
        "proposals": [proposal_json(p) for p in proposals],
    }


class PublishOut(Schema):
    tasks: int
    occurrences: int


class PublishWarningOut(Schema):
    code: str
    message: str
    proposals: list[int]
    years: list[int]


class PublishRefusal(Schema):
    detail: str
    warnings: list[PublishWarningOut]


class PublishIn(Schema):
    """The same answers as the confirmation page: `confirm` to publish despite the
    warnings; optionally `merge` (duplicate groups by the id of their first proposal),
    `schedules` ({proposal id: frequency} for tasks that would have no occurrences) and
    `year` (the year to publish under)."""

    confirm: bool = False
    merge: list[Id] = Field([], max_length=1000)
    schedules: dict[Id, Annotated[str, Field(max_length=20)]] = Field({}, max_length=1000)
    year: Year | None = None


@router.get("/{int:plan_id}/publish-warnings", response=responses(list[PublishWarningOut], 403, 404))
def publish_warnings(request: HttpRequest, plan_id: Id) -> list[dict[str, object]]:
    """What publishing would warn about, without publishing."""
    plan = _plan(request, plan_id)
    actions.require_plan_office(request.user)
    return [w.as_json() for w in checks.publish_warnings(plan)]


@router.post(
    "/{int:plan_id}/publish",
    response=responses(PublishOut, 400, 403, 404) | {409: PublishRefusal},
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": PublishIn.model_json_schema()}},
        }
    },
)
def publish(request: HttpRequest, plan_id: Id) -> Any:
    """Publishes the proposals as they stand, all or nothing. With warnings (identical
    tasks, tasks without occurrences, a past year, a document of another year) it answers
    409 with them and publishes nothing, unless the JSON body (PublishIn, optional) says
    `"confirm": true`."""
    plan = _plan(request, plan_id)
    try:
        is_json = request.content_type == "application/json" and request.body.strip()
        payload = PublishIn.model_validate_json(request.body) if is_json else PublishIn()
    except pydantic.ValidationError:
        raise HttpError(422, "请求参数无效：confirm、merge、schedules、year") from None
    try:
        if not payload.confirm:
            return actions.publish_plan(acting_user=request.user, plan=plan)
        decisions = actions.PublishDecisions(
            merge=payload.merge, schedules=payload.schedules, year=payload.year
        )
        return actions.publish_with_decisions(acting_user=request.user, plan=plan, decisions=decisions)
    except actions.PublishNeedsConfirmation as needs:
        return Status(409, {"detail": str(needs), "warnings": [w.as_json() for w in needs.warnings]})


class ProposalIn(Schema):
    version: Count
    title: str | None = Field(None, max_length=500)
    lead_org: Id | None = None
    responsible_orgs: list[Id] | None = Field(None, max_length=1000)
    schedule_kind: str | None = Field(None, max_length=20)
    freq: str | None = Field(None, max_length=20)
    when: str | None = Field(None, max_length=20)
    day: Annotated[int, Field(ge=1, le=31)] | None = None
    target_count: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    target_unit: str | None = Field(None, max_length=20)
    dropped: bool | None = None


def _plan_and_proposal(request: HttpRequest, plan_id: int, proposal_id: int) -> tuple[Plan, Any]:
    plan = _plan(request, plan_id)
    return plan, get_scoped_or_404(plan.proposals.all(), request.user, pk=proposal_id)


@router.patch(
    "/{int:plan_id}/proposals/{int:proposal_id}", response=responses(dict[str, Any], 400, 403, 404, 409)
)
def edit_proposal(request: HttpRequest, plan_id: Id, proposal_id: Id, payload: ProposalIn) -> dict[str, Any]:
    """Changes a proposed task; a stale `version` answers 409 and changes nothing."""
    from luoshi.orgs.models import Organization

    _, proposal = _plan_and_proposal(request, plan_id, proposal_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    responsible = None
    if "responsible_orgs" in data:
        ids = data.pop("responsible_orgs") or []
        responsible = list(Organization.objects.assignable_by(request.user).filter(pk__in=ids))
        if len(responsible) != len(set(ids)):
            raise HttpError(400, "责任单位不存在或不在您的数据范围内。")
    if "lead_org" in data:
        lead_id = data.pop("lead_org")
        data["lead_org"] = (
            Organization.objects.assignable_by(request.user).filter(pk=lead_id).first() if lead_id else None
        )
        if lead_id and data["lead_org"] is None:
            raise HttpError(400, "牵头单位不存在或不在您的数据范围内。")
    for text_field in ("schedule_kind", "freq", "when", "target_unit"):
        if text_field in data and data[text_field] is None:
            data[text_field] = ""
    actions.update_proposal(
        acting_user=request.user, proposal=proposal, expected_version=version, responsible=responsible, **data
    )
    proposal.refresh_from_db()
    return proposal_json(proposal)


class SplitIn(Schema):
    """As on the review page: the two texts, the first kept by the proposal."""

    version: Count
    first: str = Field(max_length=5000)
    second: str = Field(max_length=5000)


class SplitOut(Schema):
    items: list[dict[str, Any]]


@router.post(
    "/{int:plan_id}/proposals/{int:proposal_id}/split", response=responses(SplitOut, 400, 403, 404, 409)
)
def split(request: HttpRequest, plan_id: Id, proposal_id: Id, payload: SplitIn) -> dict[str, Any]:
    """Divides a proposal into two with their own texts; a stale `version` answers 409."""
    _, proposal = _plan_and_proposal(request, plan_id, proposal_id)
    kept, new = actions.split_proposal(
        acting_user=request.user,
        proposal=proposal,
        expected_version=payload.version,
        first=payload.first,
        second=payload.second,
    )
    return {"items": [proposal_json(kept), proposal_json(new)]}


class MergeIn(Schema):
    ids: list[Id] = Field(max_length=1000)


@router.post("/{int:plan_id}/proposals/merge", response=responses(dict[str, Any], 400, 403, 404, 409))
def merge(request: HttpRequest, plan_id: Id, payload: MergeIn) -> dict[str, Any]:
    """Merges proposals into the first of them (by order); the others are dropped."""
    plan = _plan(request, plan_id)
    chosen = sorted(plan.proposals.filter(pk__in=payload.ids), key=lambda p: p.order)
    return proposal_json(actions.merge_proposals(acting_user=request.user, proposals=chosen))


class DismissOut(Schema):
    id: int
    dismissed: bool


@router.post(
    "/{int:plan_id}/findings/{int:finding_id}/dismiss", response=responses(DismissOut, 400, 403, 404)
)
def dismiss(request: HttpRequest, plan_id: Id, finding_id: Id) -> dict[str, Any]:
    """Marks a finding of the parser as seen and not needing a change."""
    plan = _plan(request, plan_id)
    finding = get_scoped_or_404(plan.findings.all(), request.user, pk=finding_id)
    actions.dismiss_finding(acting_user=request.user, finding=finding)
    return {"id": finding.pk, "dismissed": True}


class NextYearIn(Schema):
    year: Year


@router.post("/{int:plan_id}/next-year", response=responses(PlanOut, 400, 403, 404, 409, status=201))
def next_year(request: HttpRequest, plan_id: Id, payload: NextYearIn) -> Status:
    """A draft for a later year from this plan, its tasks copied as proposals."""
    plan = _plan(request, plan_id)
    return Status(201, actions.start_next_plan(acting_user=request.user, plan=plan, year=payload.year))


@router.get("/{int:old_id}/compare/{int:new_id}", response=responses(dict[str, Any], 404))
def compare(request: HttpRequest, old_id: Id, new_id: Id) -> dict[str, Any]:
    """Measure by measure: unchanged, changed, added, removed."""
    rows = actions.compare_plans(_plan(request, old_id), _plan(request, new_id))
    return {
        "items": [
            {
                "status": r["status"],
                "old": r["old"].text if r["old"] else None,
                "new": r["new"].text if r["new"] else None,
            }
            for r in rows
        ],
        "count": len(rows),
    }
