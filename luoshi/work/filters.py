"""One filter definition for occurrences, used by the ledger page, its exports, 我的待办 and
the API with the same parameter names (STYLE.md 13b):

plan, section, task, org, lead, status, due_after, due_before, q, mine.

`status` takes a stored state (not_started, submitted, …), a bucket of luoshi.work.rules
(late, soon, returned, waiting, later, done) or "open" (not done). Values that are not
valid are refused with a Chinese message, never silently ignored, so a user never reads
an unfiltered list as a filtered one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Q

from luoshi.core.errors import ActionRefused
from luoshi.work.choices import Bucket, OccurrenceStatus
from luoshi.work.rules import bucket_q, open_q

MAX_ID = 2**63 - 1
STATUS_CHOICES = [("open", "未完成"), *Bucket.choices]


def status_label(value: str) -> str:
    labels = dict(STATUS_CHOICES) | dict(OccurrenceStatus.choices)
    return labels.get(value, "")


@dataclass
class OccurrenceFilters:
    plan: int | None = None
    section: str = ""
    task: int | None = None
    org: int | None = None
    lead: int | None = None
    status: str = ""
    due_after: dt.date | None = None
    due_before: dt.date | None = None
    q: str = ""
    mine: bool = False

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> OccurrenceFilters:
        """From request.GET (or any mapping of strings); ActionRefused on a bad value."""

        def text(name: str, limit: int) -> str:
            value = query.get(name) or ""
            return str(value).strip()[:limit]

        def integer(name: str, label: str) -> int | None:
            value = text(name, 30)
            if not value:
                return None
            if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_ID:
                raise ActionRefused(f"“{label}”应为正整数。")
            return int(value)

        def date(name: str, label: str) -> dt.date | None:
            value = text(name, 20)
            if not value:
                return None
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise ActionRefused(f"“{label}”应为日期，如 2026-03-31。") from None

        status = text("status", 20)
        if status and status not in OccurrenceStatus.values and status not in dict(STATUS_CHOICES):
            raise ActionRefused("“状态”无效。")
        filters = cls(
            plan=integer("plan", "工作要点"),
            section=text("section", 200),
            task=integer("task", "任务"),
            org=integer("org", "责任单位"),
            lead=integer("lead", "牵头单位"),
            status=status,
            due_after=date("due_after", "完成时限起"),
            due_before=date("due_before", "完成时限止"),
            q=text("q", 50),
            mine=text("mine", 5).lower() in ("1", "true", "on", "yes"),
        )
        if filters.due_after and filters.due_before and filters.due_after > filters.due_before:
            raise ActionRefused("完成时限的起始日期不能晚于截止日期。")
        return filters

    def occurrence_q(self, today: dt.date | None = None, prefix: str = "") -> Q:
        """The filters that apply to occurrences themselves (not to their duties)."""
        q = Q()
        if self.org:
            q &= Q(**{f"{prefix}org_id": self.org})
        if self.status == "open":
            q &= open_q(prefix)
        elif self.status in Bucket.values:
            q &= bucket_q(self.status, today, prefix)
        elif self.status:
            q &= Q(**{f"{prefix}status": self.status})
        if self.due_after:
            q &= Q(**{f"{prefix}due_date__gte": self.due_after})
        if self.due_before:
            q &= Q(**{f"{prefix}due_date__lte": self.due_before})
        return q

    @property
    def narrows_occurrences(self) -> bool:
        return bool(self.org or self.status or self.due_after or self.due_before or self.mine)

    def duty_q(self, prefix: str = "duty__") -> Q:
        """The filters that apply to the duty and the task owning it."""
        q = Q()
        if self.plan:
            q &= Q(**{f"{prefix}task__plan_id": self.plan})
        if self.section:
            q &= Q(**{f"{prefix}task__section": self.section})
        if self.task:
            q &= Q(**{f"{prefix}task__id": self.task})
        if self.lead:
            q &= Q(**{f"{prefix}lead_org_id": self.lead})
        if self.q:
            q &= Q(**{f"{prefix}title__icontains": self.q})
        return q

    def as_query(self) -> dict[str, str]:
        """Back to query parameters, for links and for a queued export."""
        out = {}
        for name in self.names():
            value = getattr(self, name)
            if value in (None, "", False):
                continue
            out[name] = "1" if value is True else str(value)
        return out


def occurrences_for(user: Any, filters: OccurrenceFilters, today: dt.date | None = None) -> Any:
    """The occurrences a user sees with these filters: the rows of the API list, the
    ledger's counts and its occurrence export. `mine` narrows to what the user's
    organisation owes (我的待办)."""
    from luoshi.work.models import Occurrence
    from luoshi.work.rules import owed_by

    rows = owed_by(user) if filters.mine else Occurrence.objects.visible_to(user)
    return rows.filter(filters.occurrence_q(today), filters.duty_q())
