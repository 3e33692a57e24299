"""The department's document format (read by anyone who prints its documents, changed by
the plan office)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from luoshi.exports.actions import department_of, require_profile_editor, save_profile
from luoshi.exports.models import profile_for
from luoshi.exports.official import DEVIATIONS

router = Router(tags=["公文格式"])


class ProfileIn(Schema):
    issuer: str = ""
    title_font: str = ""
    body_font: str = ""
    heading1_font: str = ""
    heading2_font: str = ""
    heading3_bold: bool = False
    page_number_font: str = ""


def _profile_json(unit: Any) -> dict[str, Any]:
    profile = profile_for(unit)
    return {
        "unit": unit.name,
        **{name: getattr(profile, name) for name in profile.field_names()},
        "deviations": DEVIATIONS,
    }


@router.get("/document-profile", response=dict[str, Any], summary="本单位公文格式（含与国家标准不同之处）")
def get_profile(request: HttpRequest) -> dict[str, Any]:
    require_profile_editor(request.user)
    return _profile_json(department_of(request.user))


@router.put(
    "/document-profile", response=dict[str, Any], summary="修改本单位公文格式（留空的字体用标准字体）"
)
def put_profile(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    profile = save_profile(acting_user=request.user, values=payload.dict())
    return _profile_json(profile.unit)
