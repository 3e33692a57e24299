"""Task ledger operations: its rows, and its exports. Each export checks that its user may
export, reads only the user's scope with the screen's filters (never more than the
screen), and writes its audit row; views and the worker's job call the same functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.errors import refuse_access
from luoshi.tasks.exports import ledger_xlsx, occurrences_xlsx
from luoshi.tasks.jobs import OCCURRENCES_TITLE
from luoshi.tasks.ledger import (
    attach_counts,
    export_title,
    ledger_occurrences,
    ledger_tasks,
    occurrence_export_rows,
    progress_text,
)
from luoshi.work.filters import OccurrenceFilters
from luoshi.work.models import Report


def require_export(user: Any) -> None:
    """Exports are for roles that read business data (not the security or audit administrator)."""
    if not getattr(user, "is_authenticated", False) or user.scope_kind() == "none":
        raise refuse_access("您的角色不能导出业务数据。", actor=user)


def ledger_rows(user: Any, filters: OccurrenceFilters, tasks: Any) -> list[dict[str, Any]]:
    """The ledger's rows: each task with its counts, light, responsible names and progress."""
    rows = []
    for t in attach_counts(user, filters, list(tasks)):
        orgs = list(t.duty.responsible_orgs.all())
        names = "、".join(o.display_name for o in orgs[:6]) + (
            f"等{len(orgs)}个单位" if len(orgs) > 6 else ""
        )
        # Without a plan chosen, the sections of each year's plan stay apart.
        group = t.section if filters.plan else f"{t.plan.year}年 · {t.section or '其他'}"
        rows.append(
            {"task": t, "group": group, "light": t.light, "responsible": names, "progress": progress_text(t)}
        )
    return rows


def completion_status(counts: dict[str, int]) -> str:
    """完成状态 of a ledger row, in words an office hands upward."""
    if counts["total"] and counts.get("done", 0) == counts["total"]:
        return "已完成"
    if counts.get("late", 0):
        return "已逾期"
    if counts.get("done", 0) or counts.get("waiting", 0) or counts.get("returned", 0):
        return "进行中"
    return "未开始" if counts["total"] else "无事项"


def _latest_report_texts(duty_ids: list[int]) -> dict[int, str]:
    """The latest report text of each duty (one query): 进展情况 carries the narrative."""
    latest: dict[int, str] = {}
    for duty_id, text, org, at in (
        Report.objects.filter(occurrence__duty_id__in=duty_ids)
        .order_by("occurrence__duty_id", "created_at")
        .values_list("occurrence__duty_id", "text", "occurrence__org__name", "created_at")
    ):
        latest[duty_id] = f"{org}（{at.date():%Y-%m-%d}）：{text}"
    return latest


def export_ledger(*, acting_user: Any, filters: OccurrenceFilters) -> tuple[str, bytes]:
    """The task ledger as .xlsx in the official layout: (title, workbook bytes)."""
    require_export(acting_user)
    tasks = (
        ledger_tasks(acting_user, filters)
        .select_related("measure")
        .prefetch_related("duty__responsible_orgs")
    )
    rows = ledger_rows(acting_user, filters, tasks)
    narratives = _latest_report_texts([r["task"].duty_id for r in rows])
    items = []
    for r in rows:
        t = r["task"]
        narrative = narratives.get(t.duty_id, "")
        items.append(
            {
                "section": t.section,
                # 工作任务 is the plan's item (（一）抓好学习贯彻), 具体措施 the task itself.
                "title": t.measure.heading if t.measure and t.measure.heading != t.section else t.title,
                "measure": t.title,
                "lead": t.duty.lead_org.display_name if t.duty.lead_org else "",
                "responsible": r["responsible"],
                "due": t.last_due if t.counts["total"] == 1 and t.last_due else t.duty.schedule_label(),
                "progress": r["progress"] + (f"\n最新进展：{narrative}" if narrative else ""),
                "status": completion_status(t.counts),
            }
        )
    title = export_title(filters, "任务台账")
    record(
        AuditAction.EXPORT,
        actor=acting_user,
        object_type="tasks.task",
        object_repr=title[:200],
        message=f"导出任务台账 {len(items)} 行",
    )
    return title, ledger_xlsx(title, items, timezone.localdate())


def occurrence_export_size(*, acting_user: Any, filters: OccurrenceFilters) -> int:
    require_export(acting_user)
    return ledger_occurrences(acting_user, filters).count()


def export_occurrences(
    *, acting_user: Any, filters: OccurrenceFilters, progress: Callable[[int], None] | None = None
) -> tuple[str, bytes]:
    """One row per occurrence of the ledger, streamed in constant memory: (title, bytes)."""
    require_export(acting_user)
    title = export_title(filters, OCCURRENCES_TITLE)
    data = occurrences_xlsx(
        title, occurrence_export_rows(acting_user, filters), timezone.localdate(), progress
    )
    record(
        AuditAction.EXPORT,
        actor=acting_user,
        object_type="work.occurrence",
        object_repr=title[:200],
        message="导出任务事项明细",
    )
    return title, data
