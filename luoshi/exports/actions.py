"""Changing a unit's document format: the plan office of the department, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record, snapshot
from luoshi.audit.choices import AuditAction
from luoshi.core.errors import ActionRefused, refuse_access
from luoshi.exports.models import DocumentProfile

FONT_FIELDS = ["title_font", "body_font", "heading1_font", "heading2_font", "page_number_font"]


def department_of(user: Any) -> Any:
    """The department (root organisation) whose documents `user` prints."""
    from luoshi.core.scope import root_path_of
    from luoshi.orgs.models import Organization

    return Organization.objects.get(path=root_path_of(user.org.path))


def require_profile_editor(user: Any) -> None:
    if getattr(user, "role", None) != Role.PLAN_OFFICE or getattr(user, "org", None) is None:
        raise refuse_access("只有机关党委管理员可以设置公文格式。", actor=user)


def save_profile(*, acting_user: Any, values: dict[str, Any]) -> DocumentProfile:
    """Stores the department's overrides; a blank font means the standard's."""
    require_profile_editor(acting_user)
    cleaned: dict[str, Any] = {}
    for name in DocumentProfile.FIELDS:
        value = values.get(name)
        if name == "heading3_bold":
            cleaned[name] = bool(value)
            continue
        text = str(value or "").strip()
        limit = 60 if name == "issuer" else 30
        if len(text) > limit:
            raise ActionRefused(
                f"“{DocumentProfile._meta.get_field(name).verbose_name}”不能超过{limit}个字。"
            )
        if any(ch in text for ch in '<>&"'):
            raise ActionRefused('字体名称和发文机关不能包含 < > & " 等符号。')
        cleaned[name] = text
    with transaction.atomic():
        profile, _ = DocumentProfile.objects.select_for_update().get_or_create(
            unit=department_of(acting_user)
        )
        before = snapshot(profile, DocumentProfile.FIELDS)
        for name, value in cleaned.items():
            setattr(profile, name, value)
        profile.save()
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=profile,
            message="修改公文格式",
            before=before,
            after=snapshot(profile, DocumentProfile.FIELDS),
        )
    return profile
