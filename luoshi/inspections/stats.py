"""The numbers of a round at a glance, and of the follow-ups: findings by category and
status, late measures, reopened after 回头看, and how many closed findings held."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from luoshi.inspections.choices import FindingStatus, RecheckResult, RoundKind
from luoshi.inspections.models import Finding, Recheck, Round
from luoshi.work import rules
from luoshi.work.choices import Bucket
from luoshi.work.models import Occurrence


def round_stats(round_: Round, visible: QuerySet[Finding]) -> dict[str, Any]:
    """Counted over the findings the reader may see (an organisation: its own)."""
    findings = visible.filter(round=round_).select_related("category")
    by_status = Counter(f.status for f in findings)
    by_category = Counter(f.category.name for f in findings)
    occs = Occurrence.objects.filter(duty__rectification__finding__in=findings)
    late = (
        occs.filter(rules.bucket_q(Bucket.LATE)).count()
        + occs.filter(rules.bucket_q(Bucket.RETURNED), due_date__lt=timezone.localdate()).count()
    )
    data: dict[str, Any] = {
        "findings": sum(by_status.values()),
        "by_status": {s.label: by_status.get(s.value, 0) for s in FindingStatus},
        "by_category": dict(by_category),
        "measures": occs.count(),
        "late_measures": late,
        "reopened": visible.filter(round=round_, rechecks__result=RecheckResult.REOPENED).distinct().count(),
    }
    if round_.kind == RoundKind.FOLLOW_UP:
        data["rechecks"] = held_counts(Recheck.objects.filter(round=round_, finding__in=visible))
    return data


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
