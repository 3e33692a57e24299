"""Abstract bases shared by every app: timestamps, data scope, optimistic locking."""

from __future__ import annotations

from typing import Any

from django.db import models

from luoshi.core.scope import scope_path


class ScopedQuerySet(models.QuerySet):
    """The only way to read organisation-owned rows for a user (STYLE.md 11).

    The model names, in `scope_path_field`, the lookup that reaches an organisation's
    materialised path ("path" on Organization, "org__path" on what an organisation owns).
    A user sees the rows whose path starts with their scope root; a user without a
    business-data scope (the security and audit administrators) sees none.
    """

    def visible_to(self, user: Any) -> ScopedQuerySet:
        root = scope_path(user)
        if root is None:
            return self.none()
        field = self.model.scope_path_field
        return self.filter(**{f"{field}__startswith": root})


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A version counter for optimistic locking; see luoshi.core.concurrency."""

    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True
