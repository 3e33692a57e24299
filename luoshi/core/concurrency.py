"""Optimistic locking: the second of two people editing one record gets a conflict."""

from __future__ import annotations

from typing import Any

from django.db.models import F


class ConflictError(Exception):
    message = "该记录已被他人修改，请刷新后重试。"


def save_versioned(obj: Any, expected_version: int, fields: list[str]) -> None:
    """Write `fields` of `obj` only if its stored version is still `expected_version`.

    One UPDATE … WHERE version = expected; zero rows means someone saved in between,
    and nothing is written. On success the object carries the new version.
    """
    values = {name: getattr(obj, name) for name in fields}
    updated = (
        type(obj)
        ._base_manager.filter(pk=obj.pk, version=expected_version)
        .update(version=F("version") + 1, **values)
    )
    if updated != 1:
        raise ConflictError(ConflictError.message)
    obj.version = expected_version + 1
