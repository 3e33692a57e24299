"""Writing and verifying the audit log.

`record` joins the caller's transaction: the event exists exactly when the change does.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from luoshi.audit.models import GENESIS, AuditChainHead, AuditEvent
from luoshi.core.crypto import audit_key, get_provider
from luoshi.core.middleware import client_address, current_request


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so that the hash is computed on what the database keeps."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _to_milliseconds(moment: dt.datetime) -> dt.datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def record(
    action: str,
    *,
    actor: Any = None,
    obj: Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    object_repr: str = "",
    message: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    request = current_request.get()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            # Milliseconds: what both databases and Django's JSON (backups) keep exactly,
            # so the hash computed now still holds after a backup is restored.
            at=_to_milliseconds(timezone.now().astimezone(dt.UTC)),
            actor_id=getattr(actor, "pk", None),
            actor_name=getattr(actor, "username", "") or "",
            actor_role=getattr(actor, "role", "") or "",
            address=client_address(request) if request is not None else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id or ""),
            object_repr=object_repr[:200],
            message=message[:300],
            before=_jsonable(before),
            after=_jsonable(after),
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        AuditChainHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
        from luoshi.audit.anchor import after_commit

        seq = event.seq
        transaction.on_commit(lambda: after_commit(seq))
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    reason: str = ""


def verify_chain() -> VerifyResult:
    """Walk the chain in order; the first row whose link or keyed hash does not hold is named.
    A row changed and its chain recomputed without the audit key fails here at that row.

    Costs one pass over the table, streamed.
    """
    key = audit_key()
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"缺少序号 {expected_seq} 的记录")
        if event.prev_hash != prev:
            return VerifyResult(False, checked, event.seq, "与前一条记录的链接不符")
        if event.compute_hash(key) != event.hash:
            return VerifyResult(False, checked, event.seq, "记录内容与其哈希不符（已被改动）")
        prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != prev):
        return VerifyResult(False, checked, checked + 1, "链尾与链头记录不符（末尾记录被删除）")
    return VerifyResult(True, checked)


def snapshot(obj: Model, fields: list[str]) -> dict[str, Any]:
    """The fields of a record as the audit log keeps them (foreign keys by id)."""
    from luoshi.core.fields import EncryptedCharField

    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        if isinstance(field, EncryptedCharField):
            # Personal data never enters the log; a keyed digest shows that it changed.
            value = get_provider().blind_index(value)[:16] if value else ""
        out[name] = value
    return out


def record_denial(
    *,
    actor: Any = None,
    obj: Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    message: str = "",
) -> None:
    """The core's "access denied" (luoshi.core.registry), as an audit row."""
    from luoshi.audit.choices import AuditAction

    record(
        AuditAction.DENIED,
        actor=actor,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        message=message,
    )
