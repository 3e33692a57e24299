from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from luoshi.core.api import ErrorOut, Limit, Offset, page_of
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
