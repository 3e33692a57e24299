"""API for the caller's own notices."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from luoshi.core.api import Id, Limit, Offset, page_of
from luoshi.notify import actions
from luoshi.notify.models import Notice

router = Router(tags=["通知"])


class Paged(Schema):
    items: list[dict[str, Any]]
    count: int
    unread: int


class ReadBody(Schema):
    ids: list[Id] | None = None


def notice_json(n: Notice) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "created_at": n.created_at,
        "read": n.read_at is not None,
    }


@router.get("/notices", response=Paged)
def list_notices(
    request: HttpRequest, unread: bool = False, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    """The caller's notices, newest first; `unread=true` for the unread ones only."""
    rows = Notice.objects.filter(user=request.user)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    count, page = page_of(rows, limit, offset)
    return {
        "items": [notice_json(n) for n in page],
        "count": count,
        "unread": actions.unread_count(request.user),
    }


@router.post("/notices/read", response=dict[str, int])
def read_notices(request: HttpRequest, body: ReadBody) -> dict[str, int]:
    """Marks the caller's notices read: those in `ids`, or all when `ids` is absent."""
    return {"marked": actions.mark_read(acting_user=request.user, ids=body.ids)}
