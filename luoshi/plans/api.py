from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from luoshi.core.api import page_of
from luoshi.plans import actions
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
        "version": p.version,
    }


@router.post("", response={201: ImportOut})
def import_plan(request: HttpRequest, file: File[UploadedFile], year: Form[int | None] = None) -> Status:
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


@router.get("", response=PlanList)
def list_plans(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    count, rows = page_of(Plan.objects.visible_to(request.user), limit, offset)
    return {"items": rows, "count": count}


@router.get("/{plan_id}")
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """The plan, its plan JSON and the proposed tasks."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=plan_id)
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


@router.post("/{plan_id}/publish", response=PublishOut)
def publish(request: HttpRequest, plan_id: int) -> dict[str, int]:
    """Publishes the proposals as they stand, all or nothing."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=plan_id)
    return actions.publish_plan(acting_user=request.user, plan=plan)
