"""Operations on work that is owed: the calendar, duties and their fan-out, overdue
marking, reports and their review.

Each action takes `acting_user` by keyword, checks that the user may do it (jobs, the API
and tests call actions directly), runs in one transaction, and writes its status changes
and audit rows in that transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.errors import ActionRefused, refuse_access
from luoshi.core.scope import scope_path
from luoshi.work import rules
from luoshi.work.calendar import CalendarMissing, WorkCalendar, package_exceptions
from luoshi.work.choices import (
    ChangeKind,
    ChangeMark,
    DutyKind,
    ExtensionDecision,
    ExtensionStatus,
    OccurrenceStatus,
    ReportStatus,
    ReviewDecision,
)
from luoshi.work.models import (
    CalendarDay,
    CalendarYear,
    Duty,
    Evidence,
    ExtensionRequest,
    Occurrence,
    Report,
    ScheduleFields,
    StatusChange,
)
from luoshi.work.schedules import periods
from luoshi.work.uploads import discard, store_upload

# --- calendar ------------------------------------------------------------------------

CALENDAR_YEARS = range(2000, 2101)


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


def _require_calendar_admin(user: Any) -> None:
    if getattr(user, "role", None) != Role.SYSADMIN:
        raise refuse_access("只有系统管理员可以修改工作日历。", actor=user)


def set_calendar_day(*, acting_user: Any, date: dt.date, is_workday: bool | None, note: str = "") -> None:
    """Marks one day as working or rest; None returns it to the Monday–Friday default."""
    _require_calendar_admin(acting_user)
    if date.year not in CALENDAR_YEARS:
        raise ActionRefused("日期应在2000年至2100年之间。")
    with transaction.atomic():
        CalendarYear.objects.get_or_create(year=date.year, defaults={"source": "manual"})
        CalendarDay.objects.filter(date=date).delete()
        if is_workday is not None and is_workday != (date.weekday() < 5):
            CalendarDay.objects.create(date=date, is_workday=is_workday, note=note[:50])
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            object_type="work.calendarday",
            object_id=date.isoformat(),
            object_repr=f"工作日历 {date}",
            after={"is_workday": is_workday, "note": note},
        )


def confirm_calendar_year(*, acting_user: Any, year: int) -> None:
    """Declares a year entered by hand (for years chinese-calendar does not know yet)."""
    _require_calendar_admin(acting_user)
    if year not in CALENDAR_YEARS:
        raise ActionRefused("年份应在2000年至2100年之间。")
    with transaction.atomic():
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "manual"})
        record(
            AuditAction.CREATE,
            actor=acting_user,
            object_type="work.calendaryear",
            object_id=str(year),
            object_repr=f"{year}年工作日历",
            message="手工录入并确认",
        )


# --- duties and their fan-out -----------------------------------------------------------

# Who may put work on organisations, by duty kind.
CREATORS = {
    DutyKind.TASK: {Role.PLAN_OFFICE},
    DutyKind.SUPERVISION: {Role.PLAN_OFFICE, Role.DISCIPLINE},
    DutyKind.RECTIFICATION: {Role.PLAN_OFFICE, Role.DISCIPLINE},
    DutyKind.MEETING: {Role.PLAN_OFFICE},
    DutyKind.LETTER: {Role.PLAN_OFFICE},
    DutyKind.PRACTICAL: {Role.PLAN_OFFICE},
}


@dataclass
class DutySpec:
    """A duty to create: its title, lead, the organisations that owe it, and its schedule
    (any ScheduleFields holder, such as a reviewed proposal, or a dict of those fields)."""

    title: str
    lead_org: Any
    responsible: Sequence[Any]
    schedule: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, title: str, lead_org: Any, responsible: Sequence[Any], source: ScheduleFields) -> DutySpec:
        return cls(title, lead_org, responsible, source.schedule_values())


def create_duties(
    *, acting_user: Any, unit: Any, year: int, kind: str, specs: Sequence[DutySpec]
) -> tuple[list[Duty], int]:
    """Creates the duties and fans each out to its occurrences: one per responsible
    organisation per period of `year`, due on the working-day calendar. Returns the
    duties (in the order of `specs`) and the number of occurrences.

    Runs inside the caller's transaction, so a publish is all or nothing. Costs a few bulk
    INSERTs whatever the number of duties. ActionRefused when the calendar of `year` is
    not entered, or when the user may not put this kind of work on these organisations.
    """
    if acting_user.role not in CREATORS.get(kind, set()):
        raise refuse_access("您不能下发此类事项。", actor=acting_user)
    root = scope_path(acting_user)
    orgs = {
        o.pk: o for spec in specs for o in [*spec.responsible, *([spec.lead_org] if spec.lead_org else [])]
    }
    if (
        root is None
        or not unit.path.startswith(root)
        or any(not o.path.startswith(root) for o in orgs.values())
    ):
        raise refuse_access("责任单位超出您的管理范围。", actor=acting_user)
    empty = [s for s in specs if not s.responsible]
    if empty:
        raise ActionRefused(f"“{empty[0].title[:30]}”还没有责任单位，请先补充。")
    try:
        calendar = load_calendar([year])
    except CalendarMissing as missing:
        raise ActionRefused(str(missing)) from None
    with transaction.atomic():
        duties = Duty.objects.bulk_create(
            [
                Duty(
                    kind=kind,
                    title=spec.title[:500],
                    unit=unit,
                    year=year,
                    lead_org=spec.lead_org,
                    created_by=acting_user,
                    **{k: v for k, v in spec.schedule.items() if k in ScheduleFields.SCHEDULE_FIELDS},
                )
                for spec in specs
            ]
        )
        through = Duty.responsible_orgs.through
        through.objects.bulk_create(
            [
                through(duty_id=duty.pk, organization_id=o.pk)
                for duty, spec in zip(duties, specs, strict=True)
                for o in spec.responsible
            ]
        )
        occurrences = [
            Occurrence(
                duty=duty,
                org=org,
                period=period.label,
                period_start=period.start,
                due_date=period.due,
                target_count=duty.target_per_occurrence,
            )
            for duty, spec in zip(duties, specs, strict=True)
            for period in periods(duty.schedule, year, calendar)
            for org in spec.responsible
        ]
        Occurrence.objects.bulk_create(occurrences, batch_size=1000)
    return duties, len(occurrences)


def fire_duty(*, acting_user: Any, duty: Duty, due_date: dt.date, orgs: list[Any], label: str = "") -> int:
    """The event of an event-triggered duty happened: occurrences for these organisations,
    due on `due_date`. Returns how many were created (an organisation that already has
    this period is left as it is)."""
    if acting_user.role not in CREATORS.get(duty.kind, set()):
        raise refuse_access("只有机关党委管理员可以发起事件任务。", actor=acting_user, obj=duty)
    if not Duty.objects.visible_to(acting_user).filter(pk=duty.pk).exists():
        raise refuse_access("您不能发起该事项。", actor=acting_user, obj=duty)
    if not orgs:
        raise ActionRefused("请选择责任单位。")
    root = scope_path(acting_user) or "-"
    if any(not o.path.startswith(root) for o in orgs):
        raise refuse_access("责任单位超出您的管理范围。", actor=acting_user, obj=duty)
    if due_date < timezone.localdate():
        raise ActionRefused("完成时限不能早于今天。")
    label = (label or f"{due_date.year}年{due_date.month}月{due_date.day}日前")[:40]
    with transaction.atomic():
        existing = set(
            Occurrence.objects.filter(duty=duty, period=label)
            .exclude(status=OccurrenceStatus.WITHDRAWN)
            .values_list("org_id", flat=True)
        )
        created = Occurrence.objects.bulk_create(
            [
                Occurrence(
                    duty=duty,
                    org=o,
                    period=label,
                    period_start=timezone.localdate(),
                    due_date=due_date,
                    target_count=duty.target_per_occurrence,
                )
                for o in orgs
                if o.pk not in existing
            ]
        )
        record(AuditAction.CREATE, actor=acting_user, obj=duty, message=f"发起事件任务：{len(created)}个事项")
    return len(created)


@dataclass
class StepSpec:
    """One step of a decomposed duty: its period label (unique within the duty for its
    organisation), the organisation that does it and its due date."""

    label: str
    org: Any
    due_date: dt.date


def fan_out_steps(*, acting_user: Any, duty: Duty, steps: Sequence[StepSpec]) -> list[Occurrence]:
    """The lead organisation decomposes a duty into steps (待分解 → 办理): one occurrence per
    step, owed by the step's organisation — the lead or one of the duty's responsible
    organisations — by the step's date, within the duty's year. Runs in the caller's
    transaction; one INSERT whatever the number of steps."""
    if not rules.can_decompose(acting_user, duty):
        raise refuse_access("只有牵头单位可以分解该事项。", actor=acting_user, obj=duty)
    if not steps:
        raise ActionRefused("请至少填写一个工作步骤。")
    allowed = set(duty.responsible_orgs.values_list("pk", flat=True)) | {duty.lead_org_id}
    today = timezone.localdate()
    for step in steps:
        if step.org.pk not in allowed:
            raise ActionRefused(f"“{step.org.name}”不是该事项的牵头或配合单位。")
        if not today <= step.due_date <= dt.date(duty.year, 12, 31):
            raise ActionRefused(f"“{step.label[:20]}”的完成时限应在今天至{duty.year}年12月31日之间。")
    with transaction.atomic():
        created = Occurrence.objects.bulk_create(
            [
                Occurrence(
                    duty=duty,
                    org=step.org,
                    period=step.label[:40],
                    period_start=today,
                    due_date=step.due_date,
                    target_count=duty.target_per_occurrence,
                )
                for step in steps
            ]
        )
        record(AuditAction.CREATE, actor=acting_user, obj=duty, message=f"分解为{len(created)}个工作步骤")
    return created


# --- status --------------------------------------------------------------------------


def _change_status(occurrence: Occurrence, new: str, *, by: Any, reason: str = "") -> None:
    old = occurrence.status
    if old == new:
        return
    occurrence.status = new
    StatusChange.objects.create(occurrence=occurrence, old=old, new=new, by=by, reason=reason[:300])


def _note_lateness(occurrence: Occurrence, today: dt.date) -> None:
    """Keeps the missed due date when work is reported or closed after it (the caller saves
    `missed_due`); the first one missed stays."""
    if occurrence.missed_due is None and occurrence.due_date < today:
        occurrence.missed_due = occurrence.due_date


def mark_overdue(today: dt.date | None = None) -> int:
    """Flips not-started and in-progress occurrences past their due date to 逾期, each
    with a status-change row. Claims rows with a conditional UPDATE, so two workers never
    double-write. Returns how many changed. A job, not a user's action: no acting user."""
    today = today or timezone.localdate()
    changed = 0
    due = Occurrence.objects.filter(
        due_date__lt=today, status__in=[OccurrenceStatus.NOT_STARTED, OccurrenceStatus.IN_PROGRESS]
    ).values_list("pk", "status")
    for pk, old in due.iterator():
        with transaction.atomic():
            if Occurrence.objects.filter(pk=pk, status=old).update(
                status=OccurrenceStatus.OVERDUE,
                missed_due=Coalesce("missed_due", "due_date"),
                version=F("version") + 1,
            ):
                StatusChange.objects.create(
                    occurrence_id=pk, old=old, new=OccurrenceStatus.OVERDUE, reason="超过完成时限"
                )
                changed += 1
    # A returned occurrence past its due date stays 已退回 (its next step is the
    # correction) but has missed the date all the same.
    Occurrence.objects.filter(
        status=OccurrenceStatus.RETURNED, due_date__lt=today, missed_due__isnull=True
    ).update(missed_due=F("due_date"))
    return changed


# --- reports -------------------------------------------------------------------------


def _store_all(files: Iterable[Any]) -> list[dict[str, Any]]:
    """Stores every file or none: a refused file discards those stored before it."""
    stored: list[dict[str, Any]] = []
    try:
        for upload in files:
            stored.append(store_upload(upload))
    except Exception:
        for item in stored:
            discard(item["stored_name"])
        raise
    return stored


def _validate_report(text: str, count: int | None) -> str:
    text = (text or "").strip()
    if not text:
        raise ActionRefused("请填写进展情况。")
    if count is not None and not 0 <= count <= 1_000_000:
        raise ActionRefused("完成数量应为 0 至 1000000 之间的整数。")
    return text[:5000]


def submit_report(
    *,
    acting_user: Any,
    occurrence: Occurrence,
    text: str,
    count: int | None = None,
    files: list[Any] | None = None,
) -> Report:
    """A progress report with evidence; the occurrence waits for review (待审核)."""
    text = _validate_report(text, count)
    if (
        rules.report_scope(acting_user) is None
        or not Occurrence.objects.filter(rules.report_scope(acting_user), pk=occurrence.pk).exists()
    ):
        raise refuse_access("您不能为该事项报送进展。", actor=acting_user, obj=occurrence)
    stored = _store_all(files or [])
    try:
        with transaction.atomic():
            locked = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
            if locked.status == OccurrenceStatus.SUBMITTED:
                raise ActionRefused("上一次报送尚待审核，请等待审核后再报送。")
            if locked.status == OccurrenceStatus.DONE:
                raise ActionRefused("该事项已完成。")
            report = Report.objects.create(occurrence=locked, author=acting_user, text=text, count=count)
            Evidence.objects.bulk_create([Evidence(report=report, **item) for item in stored])
            if locked.status == OccurrenceStatus.WITHDRAWN:
                raise ActionRefused("该事项已撤回，无需报送。")
            _change_status(locked, OccurrenceStatus.SUBMITTED, by=acting_user, reason="报送进展")
            _note_lateness(locked, timezone.localdate())
            locked.version += 1
            locked.save(update_fields=["status", "missed_due", "version", "updated_at"])
            record(
                AuditAction.CREATE,
                actor=acting_user,
                obj=report,
                object_repr=f"进展报告：{locked}"[:200],
                after={"count": count, "files": [s["original_name"] for s in stored]},
            )
    except Exception:
        for item in stored:
            discard(item["stored_name"])
        raise
    occurrence.refresh_from_db()
    return report


def edit_report(
    *,
    acting_user: Any,
    report: Report,
    expected_version: int,
    text: str,
    count: int | None,
    add_files: list[Any] | None = None,
    remove_evidence: Iterable[int] = (),
) -> Report:
    """The author changes a report not yet reviewed: its text, its count, and its
    attachments (add new ones, remove some). A stale version is a conflict."""
    from luoshi.core.concurrency import save_versioned

    if report.author_id != acting_user.pk:
        raise refuse_access("只能修改自己报送的报告。", actor=acting_user, obj=report)
    if report.status != ReportStatus.SUBMITTED:
        raise ActionRefused("报告已审核，不能再修改。")
    text = _validate_report(text, count)
    remove = set(remove_evidence)
    before = {"text": report.text, "count": report.count}
    stored = _store_all(add_files or [])
    try:
        with transaction.atomic():
            report.text, report.count = text, count
            save_versioned(report, expected_version, ["text", "count"])
            removed = list(report.evidence.filter(pk__in=remove))
            report.evidence.filter(pk__in=[e.pk for e in removed]).delete()
            Evidence.objects.bulk_create([Evidence(report=report, **item) for item in stored])
            record(
                AuditAction.UPDATE,
                actor=acting_user,
                obj=report,
                object_repr="进展报告",
                before=before | {"files": [e.original_name for e in removed]},
                after={"text": report.text, "count": count, "files": [s["original_name"] for s in stored]},
            )
    except Exception:
        for item in stored:
            discard(item["stored_name"])
        raise
    for evidence in removed:
        transaction.on_commit(lambda name=evidence.stored_name: discard(name))
    return report


def review_report(*, acting_user: Any, report: Report, decision: str, comment: str = "") -> Report:
    """Accepts or returns a report, exactly once: the conditional UPDATE on the report's
    status lets one of any number of concurrent reviewers through."""
    if decision not in ReviewDecision.values:
        raise ActionRefused("审核结论只能是“通过”或“退回”。")
    occurrence = report.occurrence
    if not rules.can_review(acting_user, occurrence):
        raise refuse_access("您不能审核该报告。", actor=acting_user, obj=report)
    if report.author_id == acting_user.pk:
        raise ActionRefused("不能审核自己报送的报告，请由其他审核人审核。")
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
        occ = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
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
            message=("审核通过" if decision == ReviewDecision.ACCEPT else f"退回：{comment}")[:300],
            before={"status": ReportStatus.SUBMITTED},
            after={"status": new_status, "comment": comment},
        )
        report.refresh_from_db()
        reviewed(report=report, occurrence=occ, status=new_status, comment=comment)
    return report


def review_many(*, acting_user: Any, reports: Iterable[Report]) -> tuple[int, list[str]]:
    """Accepts several reports at once (the review queue's 批量通过). Each is reviewed on
    its own, so one that was reviewed meanwhile does not stop the others. Returns how many
    were accepted and the refusals, in Chinese."""
    accepted, refusals = 0, []
    for report in reports:
        try:
            review_report(acting_user=acting_user, report=report, decision=ReviewDecision.ACCEPT)
        except ActionRefused as refused:
            refusals.append(f"{report.occurrence}：{refused}")
        else:
            accepted += 1
    return accepted, refusals


# --- one duty for one organisation (rectification measures) ----------------------------


def create_single_duty(
    *,
    acting_user: Any,
    unit: Any,
    year: int,
    kind: str,
    title: str,
    lead_org: Any,
    org: Any,
    due_date: dt.date,
    period_label: str = "",
) -> Occurrence:
    """A duty owed by one organisation by one explicit date (a rectification measure with
    its 整改时限): the duty and its single occurrence, in the caller's transaction. The
    schedule is "once", so reminders and lights treat it like any one-off task."""
    if acting_user.role not in CREATORS.get(kind, set()):
        raise refuse_access("您不能下发此类事项。", actor=acting_user)
    root = scope_path(acting_user)
    if root is None or any(
        not o.path.startswith(root) for o in (unit, org, *([lead_org] if lead_org else []))
    ):
        raise refuse_access("责任单位超出您的管理范围。", actor=acting_user)
    title = (title or "").strip()
    if not title:
        raise ActionRefused("请填写事项内容。")
    label = (period_label or f"{due_date.year}年{due_date.month}月{due_date.day}日前")[:40]
    with transaction.atomic():
        duty = Duty.objects.create(
            kind=kind,
            title=title[:500],
            unit=unit,
            year=year,
            lead_org=lead_org,
            created_by=acting_user,
            schedule_kind="once",
            schedule_text=label,
        )
        duty.responsible_orgs.add(org)
        occurrence = Occurrence.objects.create(
            duty=duty, org=org, period=label, period_start=timezone.localdate(), due_date=due_date
        )
        record(AuditAction.CREATE, actor=acting_user, obj=duty, message=f"下发：{org}，{label}")
    return occurrence


# --- records that answer an occurrence (ledgers) -------------------------------------------


def satisfy_occurrence(*, acting_user: Any, occurrence: Occurrence, record_label: str) -> Occurrence:
    """A record kept elsewhere (a meeting held, a letter signed) answers this occurrence:
    it is done, with a status change naming the record, and no report to review — the
    record is the evidence. Only once: an occurrence already done is refused (最多报一次).
    The caller's transaction includes it, so a refused record saves nothing."""
    scope = rules.report_scope(acting_user)
    allowed = scope is not None and Occurrence.objects.filter(scope, pk=occurrence.pk).exists()
    if not allowed and acting_user.role == Role.PLAN_OFFICE:
        allowed = Occurrence.objects.visible_to(acting_user).filter(pk=occurrence.pk).exists()
    if not allowed:
        raise refuse_access("您不能办结该事项。", actor=acting_user, obj=occurrence)
    with transaction.atomic():
        locked = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        if locked.status == OccurrenceStatus.DONE:
            raise ActionRefused(f"“{locked.duty.title[:30]}”{locked.period}已完成，无需重复报送。")
        if locked.status == OccurrenceStatus.SUBMITTED:
            raise ActionRefused(f"“{locked.duty.title[:30]}”{locked.period}已有报送待审核，请等待审核结果。")
        if locked.status == OccurrenceStatus.WITHDRAWN:
            raise ActionRefused(f"“{locked.duty.title[:30]}”{locked.period}已撤回，无需报送。")
        _change_status(locked, OccurrenceStatus.DONE, by=acting_user, reason=f"以记录办结：{record_label}")
        _note_lateness(locked, timezone.localdate())
        locked.achieved_count = max(locked.achieved_count, locked.target_count or 1)
        locked.completed_at = timezone.now()
        locked.version += 1
        locked.save(
            update_fields=["status", "achieved_count", "completed_at", "missed_due", "version", "updated_at"]
        )
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=locked,
            object_repr=f"以记录办结：{locked}"[:200],
            after={"status": OccurrenceStatus.DONE, "record": record_label[:200]},
        )
    return locked


# --- changes after publishing (申请延期, 改派, 增加/撤回责任单位, 调整) ---------------------------
#
# None of these touches a report: an occurrence already reported (待审核) or done keeps its
# due date and its owner; one taken off an organisation is withdrawn (已撤回), never
# deleted. Each writes a history row (StatusChange, with its kind, who and why) and an
# audit row in its transaction, and moves `due_date` only: reminders are keyed by due
# date, so a new one is reminded afresh (luoshi.supervision.reminders).

# States whose due date or owner the plan office may still change: owed or returned.
ADJUSTABLE = rules.REPORTABLE


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(f"请填写{what}。")
    return reason[:500]


def _valid_date(day: dt.date | None, what: str) -> dt.date:
    if day is None:
        raise ActionRefused(f"请填写{what}。")
    if day.year not in CALENDAR_YEARS:
        raise ActionRefused(f"{what}应在2000年至2100年之间。")
    if day < timezone.localdate():
        raise ActionRefused(f"{what}不能早于今天。")
    return day


def _record_change(occ: Occurrence, kind: str, *, by: Any, reason: str, new_due: dt.date | None) -> None:
    """A history row for a change that leaves the status as it is: the due date in force
    and the one asked for or set."""
    StatusChange.objects.create(
        occurrence=occ,
        kind=kind,
        old=occ.status,
        new=occ.status,
        old_due=occ.due_date,
        new_due=new_due,
        by=by,
        reason=reason[:300],
    )


def _move_due(occ: Occurrence, new_due: dt.date, *, by: Any, kind: str, reason: str) -> None:
    """Sets a new due date with its history row; an occurrence marked 逾期 whose new date
    has not passed is owed again (进行中 if it has accepted progress, else 未开始). The
    caller locks and saves `occ`."""
    _record_change(occ, kind, by=by, reason=reason, new_due=new_due)
    occ.due_date = new_due
    if occ.status == OccurrenceStatus.OVERDUE and new_due >= timezone.localdate():
        reopened = OccurrenceStatus.IN_PROGRESS if occ.achieved_count else OccurrenceStatus.NOT_STARTED
        _change_status(occ, reopened, by=by, reason="完成时限已变更，不再逾期")


def request_extension(
    *, acting_user: Any, occurrence: Occurrence, wished_due: dt.date | None, reason: str
) -> ExtensionRequest:
    """申请延期: the reporting organisation asks, before the due date, to move it to
    `wished_due`. One pending request per occurrence; the plan office decides."""
    if not rules.can_report(acting_user, occurrence):
        raise refuse_access("您不能为该事项申请延期。", actor=acting_user, obj=occurrence)
    reason = _reason(reason, "延期理由")
    wished_due = _valid_date(wished_due, "申请延至的日期")
    with transaction.atomic():
        locked = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        if not rules.can_request_extension(acting_user, locked):
            raise ActionRefused("已超过完成时限，不能再申请延期；请尽快办理并报送。")
        if wished_due <= locked.due_date:
            raise ActionRefused(f"申请延至的日期应晚于现在的完成时限（{locked.due_date:%Y-%m-%d}）。")
        if ExtensionRequest.objects.filter(occurrence=locked, status=ExtensionStatus.PENDING).exists():
            raise ActionRefused("该事项已有延期申请待审批，请等待审批结果。")
        extension = ExtensionRequest.objects.create(
            occurrence=locked,
            requested_by=acting_user,
            reason=reason,
            due_at_request=locked.due_date,
            wished_due=wished_due,
        )
        _record_change(locked, ChangeKind.EXTENSION_ASKED, by=acting_user, reason=reason, new_due=wished_due)
        record(
            AuditAction.CREATE,
            actor=acting_user,
            obj=extension,
            object_repr=f"申请延期：{locked}"[:200],
            after={
                "due": locked.due_date.isoformat(),
                "wished_due": wished_due.isoformat(),
                "reason": reason,
            },
        )
    return extension


def decide_extension(
    *,
    acting_user: Any,
    extension: ExtensionRequest,
    decision: str,
    granted_due: dt.date | None = None,
    comment: str = "",
) -> ExtensionRequest:
    """The plan office grants a new due date (the wished one unless it names another) or
    refuses with a reason, exactly once (a conditional UPDATE claims the pending request).
    A grant moves the due date; a lateness mark against the date that was asked about is
    lifted, since the organisation asked in time. A refusal leaves the due date as it was."""
    if decision not in ExtensionDecision.values:
        raise ActionRefused("审批结论只能是“同意”或“不同意”。")
    occurrence = extension.occurrence
    if not rules.can_adjust(acting_user, occurrence):
        raise refuse_access("您不能审批该延期申请。", actor=acting_user, obj=extension)
    comment = (comment or "").strip()[:500]
    grant = decision == ExtensionDecision.GRANT
    if grant:
        granted_due = _valid_date(granted_due or extension.wished_due, "批准延至的日期")
    elif not comment:
        raise ActionRefused("不同意延期时请填写理由。")
    with transaction.atomic():
        occ = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        if grant and granted_due is not None:
            if occ.status not in ADJUSTABLE:
                raise ActionRefused(f"该事项{occ.get_status_display()}，不能再延期；请选择不同意并说明理由。")
            if granted_due <= occ.due_date:
                raise ActionRefused(f"批准延至的日期应晚于现在的完成时限（{occ.due_date:%Y-%m-%d}）。")
        claimed = ExtensionRequest.objects.filter(pk=extension.pk, status=ExtensionStatus.PENDING).update(
            status=ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED,
            granted_due=granted_due if grant else None,
            decided_by=acting_user,
            decided_at=timezone.now(),
            decision_comment=comment,
        )
        if claimed != 1:
            raise ActionRefused("该延期申请已审批，无需重复操作。")
        if grant and granted_due is not None:
            _move_due(
                occ,
                granted_due,
                by=acting_user,
                kind=ChangeKind.EXTENSION_GRANTED,
                reason=comment or f"同意延期至{granted_due:%Y-%m-%d}",
            )
            if occ.missed_due is not None and occ.missed_due >= extension.due_at_request:
                occ.missed_due = None
            occ.change_mark = ChangeMark.EXTENDED
            occ.version += 1
            occ.save(
                update_fields=["due_date", "status", "missed_due", "change_mark", "version", "updated_at"]
            )
        else:
            _record_change(
                occ,
                ChangeKind.EXTENSION_REFUSED,
                by=acting_user,
                reason=comment,
                new_due=extension.wished_due,
            )
        extension.refresh_from_db()
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=extension,
            object_repr=f"审批延期申请：{occ}"[:200],
            message=(f"同意延期至{granted_due:%Y-%m-%d}" if grant and granted_due else f"不同意：{comment}")[
                :300
            ],
            before={"status": ExtensionStatus.PENDING, "due": extension.due_at_request.isoformat()},
            after={"status": extension.status, "due": occ.due_date.isoformat(), "comment": comment},
        )
        for hook in ON_EXTENSION_DECIDED:
            hook(extension=extension, occurrence=occ)
    return extension


def _cancel_pending_extensions(occ: Occurrence, by: Any, why: str) -> None:
    ExtensionRequest.objects.filter(occurrence=occ, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.CANCELLED, decided_by=by, decided_at=timezone.now(), decision_comment=why[:500]
    )


def _withdraw(occ: Occurrence, *, by: Any, reason: str, related: Occurrence | None = None) -> None:
    """Takes the occurrence off its organisation: 已撤回, kept with its reports."""
    StatusChange.objects.create(
        occurrence=occ,
        kind=ChangeKind.REASSIGNED if related else ChangeKind.WITHDRAWN,
        old=occ.status,
        new=OccurrenceStatus.WITHDRAWN,
        related=related,
        by=by,
        reason=reason[:300],
    )
    occ.status = OccurrenceStatus.WITHDRAWN
    occ.version += 1
    occ.save(update_fields=["status", "version", "updated_at"])
    _cancel_pending_extensions(occ, by, "事项已撤回")


def _check_org(acting_user: Any, org: Any, duty: Duty) -> None:
    root = scope_path(acting_user) or "-"
    if org is None or not org.path.startswith(root) or not org.path.startswith(duty.unit.path):
        raise refuse_access("责任单位超出您的管理范围。", actor=acting_user, obj=duty)


def _sync_responsible(duty: Duty, org: Any) -> None:
    """An organisation is among the duty's responsible ones while some of it is open for it."""
    if duty.occurrences.filter(rules.open_q(), org=org).exists():
        duty.responsible_orgs.add(org)
    else:
        duty.responsible_orgs.remove(org)


def reassign_occurrence(
    *, acting_user: Any, occurrence: Occurrence, org: Any, reason: str, due_date: dt.date | None = None
) -> Occurrence:
    """改派: the occurrence goes to another organisation. The old one is withdrawn with its
    reports and history; the new organisation gets a fresh occurrence of the same period,
    due on `due_date` or the old due date (which must not have passed). Returns the new one."""
    if not rules.can_adjust(acting_user, occurrence):
        raise refuse_access("您不能改派该事项。", actor=acting_user, obj=occurrence)
    duty = occurrence.duty
    _check_org(acting_user, org, duty)
    reason = _reason(reason, "改派理由")
    with transaction.atomic():
        old = Occurrence.objects.select_for_update().select_related("org").get(pk=occurrence.pk)
        if old.status not in ADJUSTABLE:
            raise ActionRefused(f"该事项{old.get_status_display()}，不能改派。")
        if old.org_id == org.pk:
            raise ActionRefused("请选择另一个责任单位。")
        due = _valid_date(due_date, "新的完成时限") if due_date else old.due_date
        if due < timezone.localdate():
            raise ActionRefused("原完成时限已过，请为新的责任单位确定完成时限。")
        if (
            Occurrence.objects.filter(duty=duty, org=org, period=old.period)
            .exclude(status=OccurrenceStatus.WITHDRAWN)
            .exists()
        ):
            raise ActionRefused(f"{org.name}在{old.period}已有该事项。")
        new = Occurrence.objects.create(
            duty=duty,
            org=org,
            period=old.period,
            period_start=old.period_start,
            due_date=due,
            target_count=old.target_count,
            change_mark=ChangeMark.REASSIGNED,
        )
        StatusChange.objects.create(
            occurrence=new,
            kind=ChangeKind.REASSIGNED,
            new=OccurrenceStatus.NOT_STARTED,
            new_due=due,
            related=old,
            by=acting_user,
            reason=f"由{old.org.name}改派：{reason}"[:300],
        )
        _withdraw(old, by=acting_user, reason=f"改派给{org.name}：{reason}", related=new)
        _sync_responsible(duty, org)
        _sync_responsible(duty, old.org)
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=old,
            object_repr=f"改派：{old}"[:200],
            message=reason[:300],
            before={"org": old.org.name, "due": old.due_date.isoformat()},
            after={"org": org.name, "due": due.isoformat(), "occurrence": new.pk},
        )
        adjusted(kind=ChangeKind.REASSIGNED, occurrences=[new], reason=reason)
        adjusted(kind=ChangeKind.WITHDRAWN, occurrences=[old], reason=f"改派给{org.name}：{reason}")
    return new


def _remaining_periods(duty: Duty, today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The duty's periods still to come (due today or later), as (label, start, due): the
    periods its occurrences have, each with its latest due date (a 调整 may have moved
    it), or the schedule's periods for a duty without any."""
    rows = (
        duty.occurrences.exclude(status=OccurrenceStatus.WITHDRAWN)
        .values("period", "period_start")
        .annotate(due=Max("due_date"))
        .order_by("due")
    )
    found = [(r["period"], r["period_start"], r["due"]) for r in rows]
    if not found and not duty.needs_decision:
        calendar = load_calendar([duty.year])
        found = [(p.label, p.start, p.due) for p in periods(duty.schedule, duty.year, calendar)]
    return [(label, start, due) for label, start, due in found if due >= today]


def add_org_to_duty(*, acting_user: Any, duty: Duty, org: Any, reason: str) -> list[Occurrence]:
    """增加责任单位: the organisation owes the duty's remaining periods (those due today or
    later), not the ones already past. Returns the new occurrences."""
    if not rules.can_adjust_duty(acting_user, duty):
        raise refuse_access("您不能调整该事项的责任单位。", actor=acting_user, obj=duty)
    _check_org(acting_user, org, duty)
    reason = _reason(reason, "增加责任单位的理由")
    today = timezone.localdate()
    with transaction.atomic():
        Duty.objects.select_for_update().get(pk=duty.pk)
        owed = set(
            duty.occurrences.filter(org=org)
            .exclude(status=OccurrenceStatus.WITHDRAWN)
            .values_list("period", flat=True)
        )
        remaining = [p for p in _remaining_periods(duty, today) if p[0] not in owed]
        if not remaining:
            raise ActionRefused(
                f"{org.name}已是该事项的责任单位。"
                if owed
                else "该事项已没有未到期的期间，无法增加责任单位。"
            )
        created = Occurrence.objects.bulk_create(
            [
                Occurrence(
                    duty=duty,
                    org=org,
                    period=label,
                    period_start=start,
                    due_date=due,
                    target_count=duty.target_per_occurrence,
                    change_mark=ChangeMark.ADDED,
                )
                for label, start, due in remaining
            ]
        )
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    occurrence=o,
                    kind=ChangeKind.ADDED,
                    new=OccurrenceStatus.NOT_STARTED,
                    new_due=o.due_date,
                    by=acting_user,
                    reason=reason[:300],
                )
                for o in created
            ]
        )
        duty.responsible_orgs.add(org)
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=duty,
            message=f"增加责任单位{org.name}（{len(created)}个期间）：{reason}"[:300],
            after={"org": org.name, "periods": [o.period for o in created]},
        )
        adjusted(kind=ChangeKind.ADDED, occurrences=created, reason=reason)
    return created


def withdraw_org_from_duty(*, acting_user: Any, duty: Duty, org: Any, reason: str) -> int:
    """撤回责任单位: the organisation's open occurrences of the duty are withdrawn (kept,
    counted nowhere); those done stay as they are. Returns how many were withdrawn."""
    if not rules.can_adjust_duty(acting_user, duty):
        raise refuse_access("您不能调整该事项的责任单位。", actor=acting_user, obj=duty)
    _check_org(acting_user, org, duty)
    reason = _reason(reason, "撤回理由")
    with transaction.atomic():
        open_ones = list(
            Occurrence.objects.select_for_update()
            .filter(rules.open_q(), duty=duty, org=org)
            .order_by("due_date")
        )
        if not open_ones:
            raise ActionRefused(f"{org.name}在该事项下没有未完成的事项可撤回。")
        for occ in open_ones:
            _withdraw(occ, by=acting_user, reason=reason)
        _sync_responsible(duty, org)
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=duty,
            message=f"撤回责任单位{org.name}（{len(open_ones)}个事项）：{reason}"[:300],
            before={"org": org.name, "occurrences": [o.pk for o in open_ones]},
        )
        adjusted(kind=ChangeKind.WITHDRAWN, occurrences=open_ones, reason=reason)
    return len(open_ones)


def reschedule_period(
    *, acting_user: Any, duty: Duty, period: str, due_date: dt.date | None, reason: str
) -> int:
    """调整: moves the due date of one period of a duty for every organisation whose
    occurrence is still open (owed or returned); those reported (待审核), done or withdrawn
    keep theirs. Returns how many moved."""
    if not rules.can_adjust_duty(acting_user, duty):
        raise refuse_access("您不能调整该事项的完成时限。", actor=acting_user, obj=duty)
    due = _valid_date(due_date, "新的完成时限")
    reason = _reason(reason, "调整理由")
    with transaction.atomic():
        rows = list(
            Occurrence.objects.select_for_update()
            .filter(duty=duty, period=period, status__in=ADJUSTABLE)
            .exclude(due_date=due)
            .order_by("org__path")
        )
        if not rows:
            raise ActionRefused("该期间没有可调整的未完成事项（已报送、已完成的事项不调整）。")
        for occ in rows:
            _move_due(occ, due, by=acting_user, kind=ChangeKind.RESCHEDULED, reason=reason)
            occ.change_mark = ChangeMark.RESCHEDULED
            occ.version += 1
            occ.save(update_fields=["due_date", "status", "change_mark", "version", "updated_at"])
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=duty,
            message=f"调整{period}完成时限至{due:%Y-%m-%d}（{len(rows)}个事项）：{reason}"[:300],
            before={"period": period, "due": sorted({o.original_due.isoformat() for o in rows})},
            after={"due": due.isoformat(), "occurrences": [o.pk for o in rows]},
        )
        adjusted(kind=ChangeKind.RESCHEDULED, occurrences=rows, reason=reason)
    return len(rows)


# --- hooks -----------------------------------------------------------------------------

# Called inside review_report's transaction once a report is accepted or returned, with
# (report=, occurrence=, status=, comment=), the report as reviewed (reviewed_by set): the
# notices part tells the reporting organisation, inspections writes the finding's history. Other parts append to this list in their AppConfig.ready().
ON_REVIEWED: list[Any] = []


def reviewed(*, report: Report, occurrence: Occurrence, status: str, comment: str) -> None:
    for hook in ON_REVIEWED:
        hook(report=report, occurrence=occurrence, status=status, comment=comment)


# Called inside decide_extension's transaction with (extension=, occurrence=): the notices
# part tells the requester and the organisation.
ON_EXTENSION_DECIDED: list[Any] = []

# Called inside the plan office's changes (reassign, add, withdraw, reschedule) with
# (kind=, occurrences=, reason=): the notices part tells each organisation concerned.
ON_ADJUSTED: list[Any] = []


def adjusted(*, kind: str, occurrences: Sequence[Occurrence], reason: str) -> None:
    for hook in ON_ADJUSTED:
        hook(kind=kind, occurrences=occurrences, reason=reason)
