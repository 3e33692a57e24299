"""The audit log: one append-only, hash-chained table (SECURITY.md, 审计).

Each event's hash is HMAC-SM3(key, previous hash ‖ canonical JSON of its fields), with a key
that is not in the database (luoshi.core.crypto.audit_key): whoever holds the database
alone can change a row but cannot recompute the chain. Signed heads are also anchored
outside the database (luoshi.audit.anchor), so a cut-off tail or a rolled-back database
shows too. The chain head row is locked while an event is appended, so concurrent writers
cannot fork the chain; on SQLite the IMMEDIATE transaction mode gives the same
serialisation.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from luoshi.audit.choices import AuditAction
from luoshi.core.crypto import audit_key, hmac_sm3

GENESIS = "0" * 64


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("审计日志只能追加，不能修改。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计日志只能追加，不能删除。")


class AuditEvent(models.Model):
    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("用户ID", null=True, blank=True)
    actor_name = models.CharField("用户", max_length=150, blank=True)
    actor_role = models.CharField("角色", max_length=32, blank=True)
    address = models.CharField("地址", max_length=64, blank=True)
    action = models.CharField("操作", max_length=32, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True, db_index=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = "审计事件"

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计日志只能追加，不能删除。")

    @property
    def role_label(self) -> str:
        """The role in Chinese, as the audit administrator reads it."""
        from luoshi.accounts.choices import Role

        return dict(Role.choices).get(self.actor_role, self.actor_role)

    @property
    def object_label(self) -> str:
        """What the event was about, in Chinese even when the row names no object text
        (a denied page, a refused record): 页面 /work/…, 任务事项 #12."""
        if self.object_repr:
            return self.object_repr
        if self.object_type == "url":
            return f"页面 {self.object_id}"
        if not self.object_type:
            return "—"
        from django.apps import apps

        try:
            name = str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            name = self.object_type
        return f"{name} #{self.object_id}" if self.object_id else name

    def canonical(self) -> bytes:
        fields = {
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "actor_role": self.actor_role,
            "address": self.address,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "message": self.message,
            "before": self.before,
            "after": self.after,
        }
        return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    def compute_hash(self, key: bytes | None = None) -> str:
        return hmac_sm3(key if key is not None else audit_key(), self.prev_hash.encode() + self.canonical())


class AuditChainHead(models.Model):
    """One row: the last sequence number and hash, locked while appending."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
