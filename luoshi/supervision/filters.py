"""The filters of the orders and draws lists, one reading for the pages, their .xlsx
exports and the API, so a filtered export holds exactly the rows the page shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from luoshi.core.errors import ActionRefused
from luoshi.supervision.models import DrawStatus, OrderSource, OrderStatus


def _date(value: str, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ActionRefused(f"{label}格式应为 2026-01-31。") from None


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 12 else None


@dataclass
class OrderFilter:
    """status (待分解, 办理中, 已办结), level rank (1–4), source, an organisation the order
    is addressed to (with those below it), issued between two dates, words of the title."""

    status: str = ""
    level: int | None = None
    source: str = ""
    org: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""

    @classmethod
    def read(cls, params: Mapping[str, Any]) -> OrderFilter:
        """From a query string; ActionRefused (in Chinese) for a malformed date."""

        def text(name: str) -> str:
            return str(params.get(name) or "").strip()

        return cls(
            status=text("status") if text("status") in OrderStatus.values else "",
            level=_number(text("level")),
            source=text("source") if text("source") in OrderSource.values else "",
            org=_number(text("org")),
            since=_date(text("since"), "下发日期（起）"),
            until=_date(text("until"), "下发日期（止）"),
            q=text("q")[:100],
        )

    def apply(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        if self.status:
            rows = rows.filter(status=self.status)
        if self.level is not None:
            rows = rows.filter(level__rank=self.level)
        if self.source:
            rows = rows.filter(source=self.source)
        if self.org is not None:
            from luoshi.orgs.models import Organization

            org = Organization.objects.filter(pk=self.org).first()
            path = org.path if org else "-"
            rows = rows.filter(
                Q(duty__responsible_orgs__path__startswith=path)
                | Q(duty__occurrences__org__path__startswith=path)
            ).distinct()
        if self.since:
            rows = rows.filter(issued_at__date__gte=self.since)
        if self.until:
            rows = rows.filter(issued_at__date__lte=self.until)
        if self.q:
            rows = rows.filter(Q(duty__title__icontains=self.q) | Q(subject__icontains=self.q))
        return rows

    def described(self) -> str:
        """The filter in words, for the export's title line ("" when none)."""
        parts = [
            f"状态：{OrderStatus(self.status).label}" if self.status else "",
            f"来源：{OrderSource(self.source).label}" if self.source else "",
            f"下发日期：{self.since or ''}至{self.until or ''}" if self.since or self.until else "",
            f"关键词：{self.q}" if self.q else "",
        ]
        return "；".join(p for p in parts if p)


@dataclass
class DrawFilter:
    """status (committed, revealed), published between two dates, words of the title."""

    status: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""

    @classmethod
    def read(cls, params: Mapping[str, Any]) -> DrawFilter:
        def text(name: str) -> str:
            return str(params.get(name) or "").strip()

        return cls(
            status=text("status") if text("status") in DrawStatus.values else "",
            since=_date(text("since"), "公布日期（起）"),
            until=_date(text("until"), "公布日期（止）"),
            q=text("q")[:100],
        )

    def apply(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        if self.status:
            rows = rows.filter(status=self.status)
        if self.since:
            rows = rows.filter(created_at__date__gte=self.since)
        if self.until:
            rows = rows.filter(created_at__date__lte=self.until)
        if self.q:
            rows = rows.filter(title__icontains=self.q)
        return rows
