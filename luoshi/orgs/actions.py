"""Organisation and person operations, each audited in its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from luoshi.audit.actions import record, snapshot
from luoshi.audit.choices import AuditAction
from luoshi.core.concurrency import save_versioned
from luoshi.core.errors import ActionRefused, refuse_access
from luoshi.core.scope import scope_path
from luoshi.orgs.models import Organization, Person, Post

ORG_AUDIT_FIELDS = Organization.EDITABLE_FIELDS


def _check_parent(org: Organization | None, parent: Organization | None) -> None:
    if parent is not None and org is not None and org.pk and parent.path.startswith(org.path):
        raise ActionRefused("不能把组织移到它自己或它的下级组织之下。")


def _require_org_admin(user: Any, parent: Organization | None, obj: Any = None) -> None:
    """Only the system administrator maintains the organisation tree, inside their department."""
    from luoshi.accounts.choices import Role

    root = scope_path(user)
    if getattr(user, "role", None) != Role.SYSADMIN or root is None:
        raise refuse_access("只有系统管理员可以维护组织机构。", actor=user, obj=obj)
    if parent is not None and not parent.path.startswith(root):
        raise refuse_access("上级组织超出您的管理范围。", actor=user, obj=obj)


def create_org(*, acting_user: Any, **fields: Any) -> Organization:
    _require_org_admin(acting_user, fields.get("parent"))
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
    _require_org_admin(acting_user, changes.get("parent", org.parent) or org, obj=org)
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


PERSON_AUDIT_FIELDS = Person.EDITABLE_FIELDS


def can_manage_people(user: Any, org: Organization) -> bool:
    """The plan office manages the department's people; organisation staff their own subtree."""
    from luoshi.accounts.choices import Role

    if user.org is None:
        return False
    if user.role == Role.PLAN_OFFICE:
        return org.path.startswith(user.org.path[:7])
    return user.role == Role.ORG_STAFF and org.path.startswith(user.org.path)


def save_person(
    *, acting_user: Any, person: Person | None, expected_version: int | None = None, **fields: Any
) -> Person:
    """Creates or changes a person; personal fields enter the audit log only as digests."""
    from luoshi.core.errors import refuse_access

    if not can_manage_people(acting_user, fields.get("org") or person.org):  # type: ignore[union-attr]
        raise refuse_access("您不能管理该组织的人员。", actor=acting_user, obj=person)
    if person is None:
        person = Person(**fields)
        with transaction.atomic():
            person.save()
            record(
                AuditAction.CREATE, actor=acting_user, obj=person, after=snapshot(person, PERSON_AUDIT_FIELDS)
            )
        return person
    if not can_manage_people(acting_user, person.org):
        raise refuse_access("您不能管理该组织的人员。", actor=acting_user, obj=person)
    before = snapshot(person, PERSON_AUDIT_FIELDS)
    changed = [name for name, value in fields.items() if getattr(person, name) != value]
    for name in changed:
        setattr(person, name, fields[name])
    if changed:
        with transaction.atomic():
            save_versioned(person, expected_version or 0, changed)
            record(
                AuditAction.UPDATE,
                actor=acting_user,
                obj=person,
                before=before,
                after=snapshot(person, PERSON_AUDIT_FIELDS),
            )
    return person


def add_post(
    *, acting_user: Any, person: Person, org: Organization, kind: str, started_on: Any = None
) -> Post:
    from luoshi.core.errors import refuse_access

    if not can_manage_people(acting_user, org):
        raise refuse_access("您不能管理该组织的人员。", actor=acting_user, obj=person)
    if Post.objects.filter(person=person, org=org, kind=kind, ended_on__isnull=True).exists():
        raise ActionRefused("此人在该组织已担任该职务。")
    with transaction.atomic():
        post = Post.objects.create(person=person, org=org, kind=kind, started_on=started_on)
        record(AuditAction.CREATE, actor=acting_user, obj=post, after={"org": org.pk, "kind": kind})
    return post


def end_post(*, acting_user: Any, post: Post, ended_on: Any) -> None:
    from luoshi.core.errors import refuse_access

    if not can_manage_people(acting_user, post.org):
        raise refuse_access("您不能管理该组织的人员。", actor=acting_user, obj=post)
    with transaction.atomic():
        Post.objects.filter(pk=post.pk, ended_on__isnull=True).update(ended_on=ended_on)
        record(AuditAction.UPDATE, actor=acting_user, obj=post, message=f"离任 {ended_on}")
