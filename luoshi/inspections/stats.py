"""The numbers of a round at a glance, and of the follow-ups: findings by category and
status, late measures, reopened after 回头看, and how many closed findings held."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from luoshi.inspections.choices import FindingStatus, RecheckResult, RoundKind
from luoshi.inspections.models import Finding, Measure, Recheck, Round
from luoshi.work import rules
from luoshi.work.models import Occurrence


def round_stats(round_: Round, visible: QuerySet[Finding]) -> dict[str, Any]:
    """Counted over the findings the reader may see (an organisation: its own)."""
    findings = visible.filter(round=round_).select_related("category")
    by_status = Counter(f.status for f in findings)
    by_category = Counter(f.category.name for f in findings)
    occs = Occurrence.objects.filter(duty__rectification__finding__in=findings)
    data: dict[str, Any] = {
        "findings": sum(by_status.values()),
        "by_status": {s.label: by_status.get(s.value, 0) for s in FindingStatus},
        "by_category": dict(by_category),
        "measures": occs.count(),
        "late_measures": occs.filter(rules.red_q()).count(),
        "reopened": visible.filter(round=round_, rechecks__result=RecheckResult.REOPENED).distinct().count(),
    }
    if round_.kind == RoundKind.FOLLOW_UP:
        data["rechecks"] = held_counts(Recheck.objects.filter(round=round_, finding__in=visible))
    return data


def slow_measures(round_: Round, visible: QuerySet[Finding], today: dt.date | None = None) -> list[Any]:
    """The round's measures a 督办 is for: open, and late (red light) or lagging — by work's
    rules, never recounted here. Each as (measure, occurrence, light), the latest deadline last."""
    today = today or timezone.localdate()
    measures = (
        Measure.objects.filter(finding__in=visible.filter(round=round_))
        .filter(duty__occurrences__in=Occurrence.objects.filter(rules.open_q()))
        .select_related("finding__org", "duty")
        .prefetch_related("duty__occurrences__org")
        .order_by("deadline", "id")
        .distinct()
    )
    rows = []
    for m in measures:
        occ = m.occurrence
        light = rules.light_of(occ, today)
        if light.colour == "red" or rules.is_lagging(occ, today):
            rows.append((m, occ, light))
    return rows


def held_counts(rechecks: QuerySet[Recheck]) -> dict[str, Any]:
    """How many re-checked closed findings held (整改成效巩固率)."""
    total = rechecks.count()
    held = rechecks.filter(result=RecheckResult.HELD).count()
    return {
        "checked": total,
        "held": held,
        "reopened": total - held,
        "held_rate": f"{held * 100 / total:.0f}%" if total else "—",
    }
