from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.audit.models import AuditEvent
from luoshi.core.api import ErrorOut, Limit, Offset, page_of

router = Router(tags=["审计"])


class AuditOut(Schema):
    seq: int
    at: dt.datetime
    actor_name: str
    actor_role: str
    address: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    message: str
    before: dict | None
    after: dict | None
    hash: str


class AuditList(Schema):
    items: list[AuditOut]
    count: int


@router.get("", response={200: AuditList, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut})
def list_audit(
    request: HttpRequest, since: dt.datetime | None = None, limit: Limit = 100, offset: Offset = 0
) -> dict:
    """Audit events, newest first; the audit administrator only."""
    if request.user.role != Role.AUDITADMIN:
        record(
            AuditAction.DENIED,
            object_type="url",
            object_id=request.path[:64],
            message="非审计管理员读取审计日志",
        )
        raise HttpError(403, "只有审计管理员可以查看审计日志。")
    events = AuditEvent.objects.order_by("-seq")
    if since is not None:
        # In UTC before it reaches SQL: PostgreSQL refuses offsets such as +19:08 (a 500).
        try:
            since = since.astimezone(dt.UTC) if since.tzinfo else timezone.make_aware(since)
        except (OverflowError, ValueError):
            raise HttpError(422, "请求参数无效：since 超出允许范围") from None
        events = events.filter(at__gte=since)
    count, rows = page_of(events, limit, offset)
    return {"items": rows, "count": count}
