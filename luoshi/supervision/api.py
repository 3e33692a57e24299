"""API for supervision orders and random draws (in scope; a sealed draw is hidden from
those it may concern; the seed only once revealed)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from luoshi.core.access import get_visible_or_404
from luoshi.core.api import Id, Limit, Offset, page_of
from luoshi.supervision.actions import verify_draw
from luoshi.supervision.models import Draw, DrawStatus, OrderStatus, SupervisionOrder
from luoshi.work import rules
from luoshi.work.models import Occurrence

router = Router(tags=["督查督办"])


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
        data["steps"] = [
            {"action": s.action, "level": s.level.name, "note": s.note, "at": s.at}
            for s in o.steps.select_related("level")
        ]
    return data


@router.get("/supervision-orders", response=Paged)
def list_orders(
    request: HttpRequest,
    status: str | None = None,
    level: int | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Orders in scope, newest first; filter by `status` (open, closed) and `level` (1–4)."""
    rows = SupervisionOrder.objects.visible_to(request.user).select_related("duty", "level")
    if status in OrderStatus.values:
        rows = rows.filter(status=status)
    if level is not None:
        rows = rows.filter(level__rank=level)
    count, page = page_of(rows, limit, offset)
    return {"items": [order_json(o) for o in page], "count": count}


@router.get("/supervision-orders/{order_id}", response=dict[str, Any])
def get_order(request: HttpRequest, order_id: Id) -> dict[str, Any]:
    order = get_visible_or_404(
        SupervisionOrder.objects.select_related("duty", "level"), request.user, pk=order_id
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


@router.get("/draws", response=Paged)
def list_draws(request: HttpRequest, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    rows = Draw.objects.visible_to(request.user)
    count, page = page_of(rows, limit, offset)
    return {"items": [draw_json(d) for d in page], "count": count}


@router.get("/draws/{draw_id}", response=dict[str, Any])
def get_draw(request: HttpRequest, draw_id: Id) -> dict[str, Any]:
    return draw_json(get_visible_or_404(Draw.objects, request.user, pk=draw_id), detail=True)
