"""Task operations: the calendar, occurrences, reports and their review.

Each action takes `acting_user` by keyword, runs in one transaction, writes its status
changes and audit rows in that transaction, and re-checks scope inside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.errors import ActionRefused, refuse_access
from luoshi.tasks.calendar import WorkCalendar, package_exceptions
from luoshi.tasks.choices import OccurrenceStatus, ReportStatus, ReviewDecision
from luoshi.tasks.models import CalendarDay, CalendarYear, Evidence, Occurrence, Report, StatusChange, Task
from luoshi.tasks.uploads import store_upload

# --- calendar ------------------------------------------------------------------------


def ensure_calendar_year(year: int) -> None:
    """Seeds a year from chinese-calendar the first time it is needed; CalendarMissing
    when the package does not know it and nobody has entered it."""
    if CalendarYear.objects.filter(year=year).exists():
        return
    exceptions = package_exceptions(year)
    with transaction.atomic():
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "chinese-calendar"})
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(date=d, is_workday=w, note="调休上班" if w else "法定节假日")
                for d, w in exceptions.items()
            ],
            ignore_conflicts=True,
        )


def load_calendar(years: Iterable[int]) -> WorkCalendar:
    years = sorted(set(years))
    for year in years:
        ensure_calendar_year(year)
    days = CalendarDay.objects.filter(date__year__in=years)
    return WorkCalendar({d.date: d.is_workday for d in days}, years)


def set_calendar_day(*, acting_user: Any, date: dt.date, is_workday: bool | None, note: str = "") -> None:
    """Marks one day as working or rest; None returns it to the Monday–Friday default."""
    with transaction.atomic():
        CalendarYear.objects.get_or_create(year=date.year, defaults={"source": "manual"})
        CalendarDay.objects.filter(date=date).delete()
        if is_workday is not None and is_workday != (date.weekday() < 5):
            CalendarDay.objects.create(date=date, is_workday=is_workday, note=note[:50])
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            object_type="tasks.calendarday",
            object_id=date.isoformat(),
            object_repr=f"工作日历 {date}",
            after={"is_workday": is_workday, "note": note},
        )


def confirm_calendar_year(*, acting_user: Any, year: int) -> None:
    """Declares a year entered by hand (for years chinese-calendar does not know yet)."""
    with transaction.atomic():
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "manual"})
        record(
            AuditAction.CREATE,
            actor=acting_user,
            object_type="tasks.calendaryear",
            object_id=str(year),
            object_repr=f"{year}年工作日历",
            message="手工录入并确认",
        )


# --- status --------------------------------------------------------------------------


def _change_status(occurrence: Occurrence, new: str, *, by: Any, reason: str = "") -> None:
    old = occurrence.status
    if old == new:
        return
    occurrence.status = new
    StatusChange.objects.create(occurrence=occurrence, old=old, new=new, by=by, reason=reason[:300])


def mark_overdue(today: dt.date | None = None) -> int:
    """Flips not-started and in-progress occurrences past their due date to 逾期, each
    with a status-change row. Claims rows with a conditional UPDATE, so two workers never
    double-write. Returns how many changed."""
    today = today or timezone.localdate()
    changed = 0
    due = Occurrence.objects.filter(
        due_date__lt=today, status__in=[OccurrenceStatus.NOT_STARTED, OccurrenceStatus.IN_PROGRESS]
    ).values_list("pk", "status")
    for pk, old in due.iterator():
        with transaction.atomic():
            if Occurrence.objects.filter(pk=pk, status=old).update(
                status=OccurrenceStatus.OVERDUE, version=F("version") + 1
            ):
                StatusChange.objects.create(
                    occurrence_id=pk, old=old, new=OccurrenceStatus.OVERDUE, reason="超过完成时限"
                )
                changed += 1
    return changed


# --- reports -------------------------------------------------------------------------

REPORTING_ROLES = {Role.ORG_STAFF, Role.PLAN_OFFICE}


def can_report(user: Any, occurrence: Occurrence) -> bool:
    """Staff of the responsible organisation (or above it), and the plan office."""
    if user.role not in REPORTING_ROLES or occurrence.status == OccurrenceStatus.DONE or user.org is None:
        return False
    if user.role == Role.PLAN_OFFICE:
        return True
    return occurrence.org.path.startswith(user.org.path)


def can_review(user: Any, occurrence: Occurrence) -> bool:
    """The plan office, or the staff of the task's lead organisation (or one above it)."""
    if user.role == Role.PLAN_OFFICE:
        return Occurrence.objects.visible_to(user).filter(pk=occurrence.pk).exists()
    lead = occurrence.task.lead_org
    return (
        user.role == Role.ORG_STAFF
        and lead is not None
        and user.org is not None
        and lead.path.startswith(user.org.path)
        and lead.pk != occurrence.org_id
    )


def submit_report(
    *,
    acting_user: Any,
    occurrence: Occurrence,
    text: str,
    count: int | None = None,
    files: list[Any] | None = None,
) -> Report:
    """A progress report with evidence; the occurrence waits for review (待审核)."""
    text = (text or "").strip()
    if not text:
        raise ActionRefused("请填写进展情况。")
    if count is not None and count < 0:
        raise ActionRefused("完成数量不能为负数。")
    if not can_report(acting_user, occurrence):
        raise refuse_access("您不能为该事项报送进展。", actor=acting_user, obj=occurrence)
    stored: list[dict[str, Any]] = []
    try:
        for upload in files or []:
            stored.append(store_upload(upload))
        with transaction.atomic():
            locked = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
            if locked.status == OccurrenceStatus.SUBMITTED:
                raise ActionRefused("上一次报送尚待审核，请等待审核后再报送。")
            if locked.status == OccurrenceStatus.DONE:
                raise ActionRefused("该事项已完成。")
            report = Report.objects.create(
                occurrence=locked, author=acting_user, text=text[:5000], count=count
            )
            for item in stored:
                Evidence.objects.create(report=report, **item)
            _change_status(locked, OccurrenceStatus.SUBMITTED, by=acting_user, reason="报送进展")
            locked.version += 1
            locked.save(update_fields=["status", "version", "updated_at"])
            record(
                AuditAction.CREATE,
                actor=acting_user,
                obj=report,
                object_repr=f"进展报告：{locked}"[:200],
                after={"count": count, "files": [s["original_name"] for s in stored]},
            )
    except Exception:
        from luoshi.tasks.uploads import discard

        for item in stored:
            discard(item["stored_name"])
        raise
    occurrence.refresh_from_db()
    return report


def edit_report(
    *, acting_user: Any, report: Report, expected_version: int, text: str, count: int | None
) -> Report:
    """The author changes a report not yet reviewed; a stale version is a conflict."""
    from luoshi.core.concurrency import save_versioned

    if report.author_id != acting_user.pk or report.status != ReportStatus.SUBMITTED:
        raise ActionRefused("只能修改自己报送、尚未审核的报告。")
    if not (text or "").strip():
        raise ActionRefused("请填写进展情况。")
    before = {"text": report.text, "count": report.count}
    report.text, report.count = text.strip()[:5000], count
    with transaction.atomic():
        save_versioned(report, expected_version, ["text", "count"])
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=report,
            object_repr="进展报告",
            before=before,
            after={"text": report.text, "count": count},
        )
    return report


def review_report(*, acting_user: Any, report: Report, decision: str, comment: str = "") -> Report:
    """Accepts or returns a report, exactly once: the conditional UPDATE on the report's
    status lets one of any number of concurrent reviewers through."""
    if decision not in ReviewDecision.values:
        raise ActionRefused("审核结论只能是“通过”或“退回”。")
    occurrence = report.occurrence
    if not can_review(acting_user, occurrence):
        raise refuse_access("您不能审核该报告。", actor=acting_user, obj=report)
    comment = (comment or "").strip()
    if decision == ReviewDecision.RETURN and not comment:
        raise ActionRefused("退回时请填写审核意见，说明需要补充或修改的内容。")
    new_status = ReportStatus.ACCEPTED if decision == ReviewDecision.ACCEPT else ReportStatus.RETURNED
    now = timezone.now()
    with transaction.atomic():
        claimed = Report.objects.filter(pk=report.pk, status=ReportStatus.SUBMITTED).update(
            status=new_status,
            reviewed_by=acting_user,
            reviewed_at=now,
            review_comment=comment[:500],
            version=F("version") + 1,
        )
        if claimed != 1:
            raise ActionRefused("该报告已被审核，无需重复操作。")
        occ = Occurrence.objects.select_for_update().select_related("task").get(pk=occurrence.pk)
        if decision == ReviewDecision.ACCEPT:
            occ.achieved_count += report.count or 0
            target = occ.target_count
            finished = target is None or occ.achieved_count >= target
            _change_status(
                occ,
                OccurrenceStatus.DONE if finished else OccurrenceStatus.IN_PROGRESS,
                by=acting_user,
                reason="审核通过" if finished else f"审核通过，已完成{occ.achieved_count}/{target}",
            )
            if finished:
                occ.completed_at = now
        else:
            _change_status(occ, OccurrenceStatus.RETURNED, by=acting_user, reason=f"退回：{comment}")
        occ.version += 1
        occ.save(update_fields=["status", "achieved_count", "completed_at", "version", "updated_at"])
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=report,
            object_repr=f"审核进展报告：{occ}"[:200],
            before={"status": ReportStatus.SUBMITTED},
            after={"status": new_status, "comment": comment},
        )
    report.refresh_from_db()
    return report


def fire_event_task(
    *, acting_user: Any, task: Task, due_date: dt.date, orgs: list[Any], label: str = ""
) -> int:
    """Creates occurrences for an event-triggered task when its event happens."""
    if acting_user.role != Role.PLAN_OFFICE:
        raise refuse_access("只有机关党委管理员可以发起事件任务。", actor=acting_user, obj=task)
    if not orgs:
        raise ActionRefused("请选择责任单位。")
    label = label or f"{due_date:%Y年%m月%d日}前"
    with transaction.atomic():
        created = Occurrence.objects.bulk_create(
            [
                Occurrence(
                    task=task,
                    org=o,
                    period=label[:40],
                    period_start=timezone.localdate(),
                    due_date=due_date,
                    target_count=task.target_count,
                )
                for o in orgs
            ],
            ignore_conflicts=True,
        )
        record(AuditAction.CREATE, actor=acting_user, obj=task, message=f"发起事件任务：{len(created)}个事项")
    return len(created)
