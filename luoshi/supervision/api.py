"""API for supervision orders and random draws (in scope; a sealed draw is hidden from
those it may concern; the seed only once revealed)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.access import get_visible_or_404
from luoshi.core.api import Id, Limit, Offset, page_of, responses
from luoshi.core.errors import ActionRefused
from luoshi.orgs.models import Organization
from luoshi.supervision import actions, documents
from luoshi.supervision.actions import verify_draw
from luoshi.supervision.filters import DrawFilter, OrderFilter
from luoshi.supervision.models import Draw, DrawStatus, OrderSource, OrderStatus, SupervisionOrder
from luoshi.work import rules
from luoshi.work.models import Occurrence

router = Router(tags=["督查督办"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class Paged(Schema):
    items: list[dict[str, Any]]
    count: int


def order_json(o: SupervisionOrder, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": o.pk,
        "number": o.doc_number,
        "title": o.duty.title,
        "level": o.level.name,
        "level_rank": o.level.rank,
        "source": o.source,
        "status": o.status,
        "status_label": o.get_status_display(),
        "answer_due": o.answer_due,
        "finish_by": o.finish_by,
        "lead": o.duty.lead_org.name if o.duty.lead_org else None,
        "issued_at": o.issued_at,
        "duty": o.duty_id,
    }
    if detail:
        answers = Occurrence.objects.filter(duty=o.duty).select_related("org")
        data["subject"] = o.subject
        data["answers"] = [
            {
                "occurrence": a.pk,
                "org": a.org.name,
                "period": a.period,
                "due": a.due_date,
                "status": a.status,
                "light": rules.light_of(a).colour,
            }
            for a in answers
        ]
        data["occurrences"] = list(o.occurrences.values_list("pk", flat=True))
        data["decomposition"] = [
            {
                "seq": s.seq,
                "content": s.content,
                "org": s.org.name,
                "owner": s.owner,
                "due": s.due_date,
                "occurrence": s.occurrence_id,
            }
            for s in o.plan.select_related("org")
        ]
        data["bulletin_orgs"] = actions.bulletin_orgs(o) if o.level.public else []
        data["steps"] = [
            {"action": s.action, "level": s.level.name, "note": s.note, "at": s.at}
            for s in o.steps.select_related("level")
        ]
    return data


@router.get("/supervision-orders", response=responses(Paged, 400))
def list_orders(
    request: HttpRequest,
    status: str | None = None,
    level: Annotated[int, Field(ge=1, le=9)] | None = None,
    source: str | None = None,
    org: Id | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    q: Annotated[str, Field(max_length=100)] | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Orders in scope, newest first; the filters of the orders page: `status` (decompose
    待分解, open, closed), `level` (1–4), `source` (plan, instruction, meeting, superior),
    `org` (addressed to it or below it), issued `since`/`until` (dates), `q` (words)."""
    chosen = OrderFilter(
        status=status if status in OrderStatus.values else "",
        level=level,
        source=source if source in OrderSource.values else "",
        org=org,
        since=since,
        until=until,
        q=(q or "").strip(),
    )
    rows = chosen.apply(
        SupervisionOrder.objects.visible_to(request.user).select_related("duty__lead_org", "level")
    )
    count, page = page_of(rows, limit, offset)
    return {"items": [order_json(o) for o in page], "count": count}


class ItemIn(Schema):
    source: str
    title: Annotated[str, Field(max_length=200)]
    subject: Annotated[str, Field(max_length=5000)] = ""
    lead: Id
    cooperating: Annotated[list[Id], Field(max_length=200)] = []
    finish_by: dt.date
    level: Annotated[int, Field(ge=1, le=9)] = 3


def _orgs_of(request: HttpRequest, ids: list[int]) -> list[Any]:
    found = list(Organization.objects.assignable_by(request.user).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ActionRefused("所选单位不存在或超出您的管理范围。")
    return found


@router.post("/supervision-items", response=responses(dict[str, Any], 400, 403, status=201))
def register_item(request: HttpRequest, payload: ItemIn) -> Status:
    """Registers a supervised item not from the plan (`source` instruction 领导批示, meeting
    会议决定事项, superior 上级交办) with its lead and cooperating units; it waits for the
    lead's decomposition (status decompose)."""
    order = actions.register_item(
        acting_user=request.user,
        source=payload.source,
        title=payload.title,
        subject=payload.subject,
        lead_org=_orgs_of(request, [payload.lead])[0],
        cooperating=_orgs_of(request, payload.cooperating),
        finish_by=payload.finish_by,
        level_rank=payload.level,
    )
    return Status(201, order_json(order, detail=True))


class StepIn(Schema):
    content: Annotated[str, Field(max_length=300)]
    org: Id
    owner: Annotated[str, Field(max_length=30)] = ""
    due_date: dt.date


class DecompositionIn(Schema):
    steps: Annotated[list[StepIn], Field(max_length=actions.MAX_STEPS)]


@router.post(
    "/supervision-orders/{order_id}/decomposition", response=responses(dict[str, Any], 400, 403, 404)
)
def decompose(request: HttpRequest, order_id: Id, payload: DecompositionIn) -> dict[str, Any]:
    """The lead unit's decomposition: each step's content, organisation (the lead or a
    cooperating unit), person answering for it and due date. The order then runs."""
    order = get_visible_or_404(SupervisionOrder.objects.select_related("duty"), request.user, pk=order_id)
    allowed = {o.pk: o for o in order.duty.responsible_orgs.all()}
    missing = [s.org for s in payload.steps if s.org not in allowed]
    if missing:
        raise ActionRefused(f"单位（编号{missing[0]}）不是该事项的牵头或配合单位。")
    order = actions.decompose_item(
        acting_user=request.user,
        order=order,
        steps=[
            actions.PlannedStep(content=s.content, org=allowed[s.org], owner=s.owner, due_date=s.due_date)
            for s in payload.steps
        ],
    )
    return order_json(order, detail=True)


DOCX_200 = {
    "responses": {
        200: {
            "description": "督办单（Word 公文，GB/T 9704）",
            "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get("/supervision-orders/{order_id}/docx", response=responses(None, 404), openapi_extra=DOCX_200)
def order_docx(request: HttpRequest, order_id: Id) -> HttpResponse:
    """The order printed as an official document (.docx), its document number included."""
    order = get_visible_or_404(
        SupervisionOrder.objects.select_related("duty__unit", "level"), request.user, pk=order_id
    )
    record(
        AuditAction.EXPORT,
        actor=request.user,
        object_type="supervision.export",
        object_repr=f"打印{order.level.name}单{order.doc_number}"[:200],
    )
    response = HttpResponse(documents.order_docx(order), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(order.doc_number)}.docx"
    return response


@router.get("/supervision-orders/{order_id}", response=responses(dict[str, Any], 404))
def get_order(request: HttpRequest, order_id: Id) -> dict[str, Any]:
    order = get_visible_or_404(
        SupervisionOrder.objects.select_related("duty__lead_org", "level"), request.user, pk=order_id
    )
    return order_json(order, detail=True)


def draw_json(d: Draw, detail: bool = False) -> dict[str, Any]:
    revealed = d.status == DrawStatus.REVEALED
    data: dict[str, Any] = {
        "id": d.pk,
        "title": d.title,
        "status": d.status,
        "count": d.count,
        "pool_hash": d.pool_hash,
        "commitment": d.commitment,
        "seed": d.seed if revealed else None,
        "result": [i["label"] for i in d.result or []] if revealed else None,
        "created_at": d.created_at,
        "revealed_at": d.revealed_at,
        "rule": d.rule,
        "redraw_of": d.redraw_of_id,
    }
    if detail:
        data["pool"] = d.pool
        data["algorithm"] = "sha256(seed:counter) 256位整数，拒绝采样，按权重不放回抽取"
        data["verified"] = not verify_draw(d) if revealed else None
    return data


@router.get("/draws", response=responses(Paged))
def list_draws(
    request: HttpRequest,
    status: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    q: Annotated[str, Field(max_length=100)] | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Draws in scope (a sealed one hidden from those it may concern), newest first;
    `status` (committed, revealed), published `since`/`until`, `q` (words of the title)."""
    chosen = DrawFilter(
        status=status if status in DrawStatus.values else "", since=since, until=until, q=(q or "").strip()
    )
    rows = chosen.apply(Draw.objects.visible_to(request.user))
    count, page = page_of(rows, limit, offset)
    return {"items": [draw_json(d) for d in page], "count": count}


@router.get("/draws/{draw_id}", response=responses(dict[str, Any], 404))
def get_draw(request: HttpRequest, draw_id: Id) -> dict[str, Any]:
    return draw_json(get_visible_or_404(Draw.objects, request.user, pk=draw_id), detail=True)
