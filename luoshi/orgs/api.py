from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from luoshi.core.api import ErrorOut, Id, Limit, Offset, page_of, responses
from luoshi.orgs import roster
from luoshi.orgs.models import Organization

router = Router(tags=["组织"])


class OrgOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent: int | None
    path: str
    is_active: bool


class OrgList(Schema):
    items: list[OrgOut]
    count: int


@router.get("", response={200: OrgList, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut})
def list_orgs(
    request: HttpRequest, limit: Limit = 100, offset: Offset = 0, kind: str = ""
) -> dict[str, object]:
    """Organisations in the caller's scope; `path` names the chain from the department down."""
    visible = Organization.objects.visible_to(request.user).order_by("path")
    names = dict(Organization.objects.values_list("pk", "name").filter(pk__in=visible.values("pk")))
    queryset = visible.filter(kind=kind) if kind else visible
    count, rows = page_of(queryset, limit, offset)
    items = [
        {
            "id": o.pk,
            "name": o.name,
            "short_name": o.short_name,
            "kind": o.kind,
            "kind_label": o.get_kind_display(),
            "parent": o.parent_id,
            "path": "/".join(names.get(pk, "") for pk in [*o.ancestor_ids(), o.pk] if pk in names),
            "is_active": o.is_active,
        }
        for o in rows
    ]
    return {"items": items, "count": count}


class ImportRowOut(Schema):
    row: int
    name: str
    org: str
    action: str  # 新增 / 更新 / 无变化 / 有误
    changes: list[str]
    errors: list[str]


class ImportOut(Schema):
    imported: bool
    new: int
    update: int
    same: int
    errors: int
    rows: list[ImportRowOut]


def _import_answer(preview: Any, imported: bool) -> dict[str, Any]:
    rows = [
        {
            "row": r.number,
            "name": r.name,
            "org": (r.org.name if r.org else "") if hasattr(r, "org") else r.parent_text,
            "action": r.action,
            "changes": r.changes,
            "errors": r.errors,
        }
        for r in preview.rows
    ]
    return {
        "imported": imported,
        "new": preview.count_new,
        "update": preview.count_update,
        "same": preview.count_same,
        "errors": len(preview.errors),
        "rows": rows,
    }


@router.post("/people/import", response=responses(ImportOut, 400, 403, 404, status=200) | {201: ImportOut})
def import_people(
    request: HttpRequest,
    file: File[UploadedFile],
    org: Form[Id | None] = None,
    confirm: Form[bool] = False,
) -> Any:
    """党员花名册 from .xlsx. Without `confirm` a preview: every row with what it would do
    (新增, 更新 and which fields, 无变化) or what is wrong, nothing saved. With
    `confirm=true` the whole sheet is saved in one transaction (201), or nothing if any
    row is wrong (400, `problems` per row). `org`: where rows without 所在组织 go."""
    default_org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org) if org else None
    content = file.read(roster.MAX_BYTES + 1)
    if not confirm:
        return _import_answer(
            roster.preview_people(acting_user=request.user, content=content, default_org=default_org), False
        )
    done = roster.import_people(
        acting_user=request.user, content=content, default_org=default_org, filename=file.name or ""
    )
    return Status(201, _import_answer(done, True))


@router.post("/import", response=responses(ImportOut, 400, 403, status=200) | {201: ImportOut})
def import_orgs(request: HttpRequest, file: File[UploadedFile], confirm: Form[bool] = False) -> Any:
    """The organisation tree from .xlsx (组织名称, 上级组织, 组织类型, 简称, 排序); system
    administrator only. Preview without `confirm`; all rows or none with it."""
    content = file.read(roster.MAX_BYTES + 1)
    if not confirm:
        return _import_answer(roster.preview_orgs(acting_user=request.user, content=content), False)
    done = roster.import_orgs(acting_user=request.user, content=content, filename=file.name or "")
    return Status(201, _import_answer(done, True))


ROSTER_FILE = {
    "responses": {
        200: {
            "description": "党员花名册（.xlsx）",
            "content": {roster.XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get("/{int:org_id}/roster", response=responses(None, 403, 404), openapi_extra=ROSTER_FILE)
def export_roster(request: HttpRequest, org_id: Id) -> HttpResponse:
    """The roster of the organisation's subtree in the import's layout; numbers in full only
    for people the caller may reveal; audited."""
    from urllib.parse import quote

    target = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_id)
    data, filename = roster.roster_xlsx(acting_user=request.user, org=target)
    response = HttpResponse(data, content_type=roster.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
