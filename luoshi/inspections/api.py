"""API for inspections: rounds, findings, rectification measures and follow-up re-checks.
Every read is scoped (out of scope answers 404) and audited; every change goes through
luoshi.inspections.actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from luoshi.core.api import Id, Limit, Offset, page_of
from luoshi.core.errors import ActionRefused
from luoshi.inspections import actions, stats
from luoshi.inspections.importer import ImportRefused, import_findings
from luoshi.inspections.models import Finding, FindingCategory, Measure, Round
from luoshi.orgs.models import Organization, Person
from luoshi.work import rules
from luoshi.work.models import Occurrence

router = Router(tags=["巡察整改"])


class Paged(Schema):
    items: list[dict[str, Any]]
    count: int


def _org(o: Organization) -> dict[str, Any]:
    return {"id": o.pk, "name": o.name}


def round_json(r: Round) -> dict[str, Any]:
    return {
        "id": r.pk,
        "title": r.title,
        "year": r.year,
        "batch": r.batch,
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "starts_on": r.starts_on,
        "ends_on": r.ends_on,
        "leader": r.leader.name if r.leader else None,
        "members": [p.name for p in r.members.all()],
        "orgs": [
            {**_org(i.org), "confirmed": i.confirmed_at is not None}
            for i in r.inspected.select_related("org")
        ],
        "stages": [
            {"kind": s.kind, "label": s.get_kind_display(), "starts_on": s.starts_on, "ends_on": s.ends_on}
            for s in r.stages.all()
        ],
        "target": (
            {
                "occurrence": r.target_id,
                "title": r.target.duty.title,
                "achieved": r.target.achieved_count,
                "target": r.target.target_count,
                "confirmed": r.target_confirmed_by_id is not None,
            }
            if r.target
            else None
        ),
    }


def measure_json(m: Measure) -> dict[str, Any]:
    occ = m.occurrence
    light = rules.light_of(occ)
    return {
        "id": m.pk,
        "finding": m.finding_id,
        "text": m.text,
        "org": _org(m.finding.org),
        "responsible_person": m.responsible_person,
        "deadline": m.deadline,
        "after_recheck": m.after_recheck,
        "occurrence": occ.pk,
        "status": occ.status,
        "status_label": occ.get_status_display(),
        "light": {"colour": light.colour, "label": light.label},
    }


def finding_json(f: Finding, *, full: bool = False) -> dict[str, Any]:
    data = {
        "id": f.pk,
        "round": f.round_id,
        "seq": f.seq,
        "org": _org(f.org),
        "category": f.category.name,
        "severity": f.severity,
        "severity_label": f.get_severity_display(),
        "description": f.description,
        "status": f.status,
        "status_label": f.get_status_display(),
    }
    if full:
        data |= {
            "evidence": f.evidence,
            "clause": f.clause,
            "close_comment": f.close_comment,
            "measures": [measure_json(m) for m in f.measures.all()],
            "history": [
                {"kind": e.kind, "label": e.get_kind_display(), "comment": e.comment, "at": e.at}
                for e in f.events.all()
            ],
        }
    return data


@router.get("/inspections", response=Paged)
def list_rounds(
    request: HttpRequest, year: int | None = None, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    """巡察轮次 in the caller's scope."""
    rows = Round.objects.visible_to(request.user).select_related("leader", "target__duty")
    if year:
        rows = rows.filter(year=year)
    count, page = page_of(rows.order_by("-year", "-batch", "id"), limit, offset)
    if count:
        actions.record_view(request.user, None, "巡察轮次列表")
    return {"items": [round_json(r) for r in page], "count": count}


@router.get("/inspections/{round_id}")
def get_round(request: HttpRequest, round_id: Id) -> dict[str, Any]:
    r = get_object_or_404(Round.objects.visible_to(request.user), pk=round_id)
    actions.record_view(request.user, r, "巡察轮次")
    return round_json(r) | {"stats": stats.round_stats(r, Finding.objects.visible_to(request.user))}


class RoundIn(Schema):
    year: int
    batch: int = 1
    kind: str
    title: str = ""
    orgs: list[Id]
    starts_on: dt.date
    ends_on: dt.date
    leader: Id | None = None
    members: list[Id] = []
    stages: dict[str, tuple[dt.date | None, dt.date | None]] = {}


def _orgs(user: Any, ids: list[int]) -> list[Organization]:
    found = {o.pk: o for o in Organization.objects.visible_to(user).filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise ActionRefused("所选单位不存在或超出您的管理范围。")
    return [found[i] for i in dict.fromkeys(ids)]


def _people(user: Any, ids: list[int]) -> list[Person]:
    found = {p.pk: p for p in Person.objects.visible_to(user).filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise ActionRefused("所选人员不存在或超出您的管理范围。")
    return [found[i] for i in dict.fromkeys(ids)]


@router.post("/inspections", response={201: dict})
def create_round(request: HttpRequest, payload: RoundIn) -> Status:
    """A new round: organisations inspected, team picked from people, period and stages."""
    leader = _people(request.user, [payload.leader])[0] if payload.leader else None
    r = actions.create_round(
        acting_user=request.user,
        year=payload.year,
        batch=payload.batch,
        kind=payload.kind,
        title=payload.title,
        orgs=_orgs(request.user, payload.orgs),
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        leader=leader,
        members=_people(request.user, payload.members),
        stages=payload.stages,
    )
    return Status(201, round_json(r))


class ConfirmIn(Schema):
    orgs: list[Id] | None = None


@router.post("/inspections/{round_id}/confirm")
def confirm(request: HttpRequest, round_id: Id, payload: ConfirmIn) -> dict[str, Any]:
    """Confirms organisations inspected; each counts toward the round's confirmed target once."""
    r = get_object_or_404(Round.objects.visible_to(request.user), pk=round_id)
    orgs = _orgs(request.user, payload.orgs) if payload.orgs else None
    counted = actions.confirm_inspected(acting_user=request.user, round_=r, orgs=orgs)
    r.refresh_from_db()
    return round_json(r) | {"counted": counted}


class TargetIn(Schema):
    occurrence: Id | None = None


@router.post("/inspections/{round_id}/target")
def set_target(request: HttpRequest, round_id: Id, payload: TargetIn) -> dict[str, Any]:
    """Confirms (or changes) the plan target the round counts toward; null for none."""
    r = get_object_or_404(Round.objects.visible_to(request.user), pk=round_id)
    occ = (
        get_object_or_404(Occurrence.objects.visible_to(request.user), pk=payload.occurrence)
        if payload.occurrence
        else None
    )
    actions.set_target(acting_user=request.user, round_=r, occurrence=occ)
    r.refresh_from_db()
    return round_json(r)


class FindingIn(Schema):
    org: Id
    category: str
    description: str
    severity: str = "general"
    evidence: str = ""
    clause: str = ""


@router.post("/inspections/{round_id}/findings", response={201: dict})
def add_finding(request: HttpRequest, round_id: Id, payload: FindingIn) -> Status:
    r = get_object_or_404(Round.objects.visible_to(request.user), pk=round_id)
    actions.categories()
    category = FindingCategory.objects.filter(name=payload.category, is_active=True).first()
    if category is None:
        raise ActionRefused(f"问题类别“{payload.category}”不存在。")
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=payload.org)
    f = actions.add_finding(
        acting_user=request.user,
        round_=r,
        org=org,
        category=category,
        description=payload.description,
        severity=payload.severity,
        evidence=payload.evidence,
        clause=payload.clause,
    )
    return Status(201, finding_json(f, full=True))


@router.post("/inspections/{round_id}/import", response={201: dict, 400: dict})
def import_xlsx(request: HttpRequest, round_id: Id, file: File[UploadedFile]) -> Status:
    """问题清单 from .xlsx; all rows or none, every bad row listed in `problems`."""
    r = get_object_or_404(Round.objects.visible_to(request.user), pk=round_id)
    try:
        created = import_findings(
            acting_user=request.user, round_=r, content=file.read(), filename=file.name or ""
        )
    except ImportRefused as refused:
        return Status(400, {"detail": str(refused), "problems": refused.problems})
    return Status(201, {"count": len(created), "items": [finding_json(f) for f in created]})


class ReportIn(Schema):
    org: Id
    text: str


@router.post("/inspections/{round_id}/reports", response={201: dict})
def rectification_report(request: HttpRequest, round_id: Id, payload: ReportIn) -> Status:
    """整改情况报告 of an inspected organisation, as a whole."""
    r = get_object_or_404(Round.objects.visible_to(request.user), pk=round_id)
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=payload.org)
    rep = actions.submit_rectification_report(acting_user=request.user, round_=r, org=org, text=payload.text)
    return Status(201, {"id": rep.pk, "org": _org(org), "submitted_at": rep.created_at})


class RecheckPage(Paged):
    held: dict[str, Any]


@router.get("/inspections/{round_id}/rechecks", response=RecheckPage)
def list_rechecks(
    request: HttpRequest, round_id: Id, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """A follow-up round's re-checks, with how many closed findings held."""
    r = get_object_or_404(Round.objects.visible_to(request.user), pk=round_id)
    rows = r.rechecks.filter(finding__in=Finding.objects.visible_to(request.user)).select_related(
        "finding__org"
    )
    count, page = page_of(rows.order_by("at", "id"), limit, offset)
    actions.record_view(request.user, r, "回头看复查")
    items = [
        {
            "id": c.pk,
            "finding": c.finding_id,
            "org": _org(c.finding.org),
            "result": c.result,
            "reason": c.reason,
            "at": c.at,
        }
        for c in page
    ]
    return {"items": items, "count": count, "held": stats.held_counts(rows)}


class RecheckIn(Schema):
    finding: Id
    result: str
    reason: str
    new_deadline: dt.date | None = None
    measure: str = ""


@router.post("/inspections/{round_id}/rechecks", response={201: dict})
def recheck(request: HttpRequest, round_id: Id, payload: RecheckIn) -> Status:
    """回头看: a closed finding held, or reopened with a reason and a new deadline."""
    r = get_object_or_404(Round.objects.visible_to(request.user), pk=round_id)
    f = get_object_or_404(Finding.objects.visible_to(request.user), pk=payload.finding)
    check = actions.recheck(
        acting_user=request.user,
        round_=r,
        finding=f,
        result=payload.result,
        reason=payload.reason,
        new_deadline=payload.new_deadline,
        measure_text=payload.measure,
    )
    f.refresh_from_db()
    return Status(201, {"id": check.pk, "result": check.result, "finding": finding_json(f, full=True)})


@router.get("/findings", response=Paged)
def list_findings(
    request: HttpRequest,
    round: int | None = None,  # noqa: A002 — the filter's public name
    status: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """问题清单 in scope: an inspected organisation sees only its own."""
    rows = Finding.objects.visible_to(request.user).select_related("org", "category")
    if round:
        rows = rows.filter(round_id=round)
    if status:
        rows = rows.filter(status=status)
    count, page = page_of(rows.order_by("round", "seq"), limit, offset)
    if count:
        actions.record_view(request.user, None, "巡察问题列表")
    return {"items": [finding_json(f) for f in page], "count": count}


@router.get("/findings/{finding_id}")
def get_finding(request: HttpRequest, finding_id: Id) -> dict[str, Any]:
    f = get_object_or_404(
        Finding.objects.visible_to(request.user).select_related("org", "category"), pk=finding_id
    )
    actions.record_view(request.user, f, "巡察问题")
    return finding_json(f, full=True)


class MeasureIn(Schema):
    text: str
    deadline: dt.date
    responsible_person: str = ""


@router.post("/findings/{finding_id}/measures", response={201: dict})
def add_measure(request: HttpRequest, finding_id: Id, payload: MeasureIn) -> Status:
    """A rectification measure: a duty of the finding's organisation, due by its deadline."""
    f = get_object_or_404(Finding.objects.visible_to(request.user), pk=finding_id)
    m = actions.add_measure(
        acting_user=request.user,
        finding=f,
        text=payload.text,
        deadline=payload.deadline,
        responsible_person=payload.responsible_person,
    )
    return Status(201, measure_json(m))


class CommentIn(Schema):
    comment: str


@router.post("/findings/{finding_id}/close")
def close(request: HttpRequest, finding_id: Id, payload: CommentIn) -> dict[str, Any]:
    """销号, with a comment; every measure must be verified."""
    f = get_object_or_404(Finding.objects.visible_to(request.user), pk=finding_id)
    f = actions.close_finding(acting_user=request.user, finding=f, comment=payload.comment)
    return finding_json(f, full=True)


@router.get("/rectifications", response=Paged)
def list_measures(
    request: HttpRequest, finding: int | None = None, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    rows = (
        Measure.objects.visible_to(request.user)
        .select_related("finding__org")
        .prefetch_related("duty__occurrences")
    )
    if finding:
        rows = rows.filter(finding_id=finding)
    count, page = page_of(rows.order_by("deadline", "id"), limit, offset)
    if count:
        actions.record_view(request.user, None, "整改措施列表")
    return {"items": [measure_json(m) for m in page], "count": count}


@router.get("/rectifications/{measure_id}")
def get_measure(request: HttpRequest, measure_id: Id) -> dict[str, Any]:
    m = get_object_or_404(
        Measure.objects.visible_to(request.user).select_related("finding__org"), pk=measure_id
    )
    actions.record_view(request.user, m, "整改措施")
    return measure_json(m)


class VerifyIn(Schema):
    decision: str
    comment: str = ""


@router.post("/rectifications/{measure_id}/verify")
def verify(request: HttpRequest, measure_id: Id, payload: VerifyIn) -> dict[str, Any]:
    """The inspecting side accepts the measure's reported progress, or sends it back."""
    m = get_object_or_404(
        Measure.objects.visible_to(request.user).select_related("finding__round"), pk=measure_id
    )
    actions.verify_measure(
        acting_user=request.user, measure=m, decision=payload.decision, comment=payload.comment
    )
    return measure_json(Measure.objects.get(pk=m.pk))


@router.get("/finding-categories")
def list_categories(request: HttpRequest) -> list[dict[str, Any]]:
    """问题类别 in use (the usual six unless discipline staff added more)."""
    return [{"id": c.pk, "name": c.name} for c in actions.categories()]


class CategoryIn(Schema):
    name: str


@router.post("/finding-categories", response={201: dict})
def add_category(request: HttpRequest, payload: CategoryIn) -> Status:
    """Discipline staff add a category."""
    c = actions.add_category(acting_user=request.user, name=payload.name)
    return Status(201, {"id": c.pk, "name": c.name})
