"""Records that count toward a target: "对9家单位开展内部巡察" moves n/9 when a round's
organisations are confirmed inspected, not when someone types a number.

A part names the record (its model label and id, and a label a person reads); the credit
is kept as a `TargetCredit` row, so crediting the same record twice counts once, and the
occurrence's achieved count can always be traced to its records.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.errors import ActionRefused, refuse_access
from luoshi.core.scope import scope_path
from luoshi.work.choices import OccurrenceStatus
from luoshi.work.models import Occurrence, TargetCredit


def credit_target(
    *, acting_user: Any, occurrence: Occurrence, record_obj: Any, label: str, count: int = 1
) -> bool:
    """Counts `record_obj` toward the occurrence's target, once. Returns True when it was
    counted now, False when it had been counted before (nothing changes then). The
    occurrence becomes 已完成 when the target is reached, 进行中 before."""
    root = scope_path(acting_user)
    if root is None or not occurrence.org.path.startswith(root):
        raise refuse_access("该目标超出您的管理范围。", actor=acting_user, obj=occurrence)
    if count < 1:
        raise ActionRefused("计数应为正整数。")
    record_type, record_id = record_obj._meta.label_lower, str(record_obj.pk)
    with transaction.atomic():
        occ = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        if TargetCredit.objects.filter(occurrence=occ, record_type=record_type, record_id=record_id).exists():
            return False
        try:
            with transaction.atomic():
                TargetCredit.objects.create(
                    occurrence=occ,
                    record_type=record_type,
                    record_id=record_id,
                    record_label=label[:200],
                    count=count,
                    by=acting_user,
                )
        except IntegrityError:
            return False
        from luoshi.work.actions import _change_status

        occ.achieved_count += count
        finished = occ.target_count is not None and occ.achieved_count >= occ.target_count
        if occ.status != OccurrenceStatus.DONE:
            _change_status(
                occ,
                OccurrenceStatus.DONE if finished else OccurrenceStatus.IN_PROGRESS,
                by=acting_user,
                reason=f"计入：{label}"[:300],
            )
            if finished:
                occ.completed_at = timezone.now()
        occ.version += 1
        occ.save(update_fields=["status", "achieved_count", "completed_at", "version", "updated_at"])
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=occ,
            object_repr=f"目标计数：{occ}"[:200],
            message=f"计入{count}：{label}"[:300],
            after={"record": f"{record_type}:{record_id}", "achieved": occ.achieved_count},
        )
    occurrence.refresh_from_db()
    return True


def credits_of(occurrence: Occurrence) -> list[TargetCredit]:
    """What the occurrence's achieved count is made of, oldest first."""
    return list(occurrence.credits.all())
