from typing import Any


class ActionRefused(Exception):
    """A business rule said no; the message is Chinese and shown to the user as it is."""


def refuse_access(message: str, *, actor: Any = None, obj: Any = None) -> ActionRefused:
    """An ActionRefused for a permission refusal, written to the audit log first (every
    denied access is audited)."""
    from luoshi.audit.actions import record
    from luoshi.audit.choices import AuditAction

    record(AuditAction.DENIED, actor=actor, obj=obj, message=message[:300])
    return ActionRefused(message)
