"""Organisation and person operations, each audited in its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from luoshi.audit.actions import record, snapshot
from luoshi.audit.choices import AuditAction
from luoshi.core.concurrency import save_versioned
from luoshi.core.errors import ActionRefused
from luoshi.orgs.models import Organization, Person

ORG_AUDIT_FIELDS = ["name", "short_name", "kind", "parent", "aliases", "duty_keywords", "order", "is_active"]


def _check_parent(org: Organization | None, parent: Organization | None) -> None:
    if parent is not None and org is not None and org.pk and parent.path.startswith(org.path):
        raise ActionRefused("不能把组织移到它自己或它的下级组织之下。")


def create_org(*, acting_user: Any, **fields: Any) -> Organization:
    _check_parent(None, fields.get("parent"))
    org = Organization(**fields)
    try:
        with transaction.atomic():
            org.save()
            record(AuditAction.CREATE, actor=acting_user, obj=org, after=snapshot(org, ORG_AUDIT_FIELDS))
    except IntegrityError:
        raise ActionRefused("同一上级组织下已有同名组织。") from None
    return org


def update_org(*, acting_user: Any, org: Organization, expected_version: int, **changes: Any) -> Organization:
    """Saves changes under optimistic locking; a new parent rewrites the subtree's paths."""
    _check_parent(org, changes.get("parent", org.parent))
    before = snapshot(org, ORG_AUDIT_FIELDS)
    for name, value in changes.items():
        setattr(org, name, value)
    try:
        with transaction.atomic():
            save_versioned(org, expected_version, list(changes))
            if "parent" in changes:
                org.save(update_fields=["parent"])  # recomputes the subtree's paths
            record(
                AuditAction.UPDATE,
                actor=acting_user,
                obj=org,
                before=before,
                after=snapshot(org, ORG_AUDIT_FIELDS),
            )
    except IntegrityError:
        raise ActionRefused("同一上级组织下已有同名组织。") from None
    return org


def reveal_person(*, acting_user: Any, person: Person) -> dict[str, str]:
    """The unmasked mobile and ID number; every call is audited (个人信息查看)."""
    record(AuditAction.REVEAL, actor=acting_user, obj=person, message="查看完整手机号码和身份证号")
    return {"mobile": person.mobile, "id_number": person.id_number}


def can_reveal(user: Any, person: Person) -> bool:
    """Plan office staff, and the staff of the person's own organisation subtree."""
    from luoshi.accounts.choices import Role

    if user.role == Role.PLAN_OFFICE:
        return True
    return user.role == Role.ORG_STAFF and user.org is not None and person.org.path.startswith(user.org.path)
