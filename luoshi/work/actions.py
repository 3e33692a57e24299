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
from django.db.models import F
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.errors import ActionRefused, refuse_access
from luoshi.core.scope import scope_path
from luoshi.work import rules
from luoshi.work.calendar import CalendarMissing, WorkCalendar, package_exceptions
from luoshi.work.choices import DutyKind, OccurrenceStatus, ReportStatus, ReviewDecision
from luoshi.work.models import (
    CalendarDay,
    CalendarYear,
    Duty,
    Evidence,
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
        existing = set(Occurrence.objects.filter(duty=duty, period=label).values_list("org_id", flat=True))
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
                status=OccurrenceStatus.OVERDUE, version=F("version") + 1
            ):
                StatusChange.objects.create(
                    occurrence_id=pk, old=old, new=OccurrenceStatus.OVERDUE, reason="超过完成时限"
                )
                changed += 1
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
        reviewed(report=report, occurrence=occ, status=new_status, comment=comment)
    report.refresh_from_db()
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


def review_rectification_report(
    *, acting_user: Any, report: Report, decision: str, comment: str = ""
) -> Report:
    """The inspecting side (discipline staff) verifies a report on a rectification measure:
    the same review as `review_report`, for a reviewer the plan's review scope does not
    name. Other duties, and other users, go through `review_report`."""
    occurrence = report.occurrence
    if occurrence.duty.kind != DutyKind.RECTIFICATION or acting_user.role != Role.DISCIPLINE:
        return review_report(acting_user=acting_user, report=report, decision=decision, comment=comment)
    root = scope_path(acting_user)
    if root is None or not occurrence.org.path.startswith(root):
        raise refuse_access("您不能审核该报告。", actor=acting_user, obj=report)
    if decision not in ReviewDecision.values:
        raise ActionRefused("审核结论只能是“通过”或“退回”。")
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
            _change_status(occ, OccurrenceStatus.DONE, by=acting_user, reason="验收通过")
            occ.completed_at = now
        else:
            _change_status(occ, OccurrenceStatus.RETURNED, by=acting_user, reason=f"退回：{comment}")
        occ.version += 1
        occ.save(update_fields=["status", "completed_at", "version", "updated_at"])
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=report,
            object_repr=f"验收整改报告：{occ}"[:200],
            before={"status": ReportStatus.SUBMITTED},
            after={"status": new_status, "comment": comment},
        )
    report.refresh_from_db()
    return report


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
        _change_status(locked, OccurrenceStatus.DONE, by=acting_user, reason=f"以记录办结：{record_label}")
        locked.achieved_count = max(locked.achieved_count, locked.target_count or 1)
        locked.completed_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "achieved_count", "completed_at", "version", "updated_at"])
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=locked,
            object_repr=f"以记录办结：{locked}"[:200],
            after={"status": OccurrenceStatus.DONE, "record": record_label[:200]},
        )
    return locked


# --- hooks -----------------------------------------------------------------------------

# Called inside review_report's transaction once a report is accepted or returned, with
# (report=, occurrence=, status=, comment=): the notices part tells the reporting
# organisation. Other parts append to this list in their AppConfig.ready().
ON_REVIEWED: list[Any] = []


def reviewed(*, report: Report, occurrence: Occurrence, status: str, comment: str) -> None:
    for hook in ON_REVIEWED:
        hook(report=report, occurrence=occurrence, status=status, comment=comment)
