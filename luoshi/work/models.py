"""Work that is owed, whatever asked for it (DESIGN.md "Duty").

A Duty says who owes what, on which schedule, with which target, reviewed by whom. It
fans out to Occurrences — one organisation, one period, one due date — on which the
organisation reports progress with evidence and someone reviews it. Every part that
creates obligations (plan tasks now; supervision orders, rectification measures, meeting
requirements and responsibility letters later) owns a Duty through a one-to-one field of
its own, so reminders, traffic lights, 我的待办 and assessment treat them alike without a
generic foreign key.

The working-day calendar lives here too: due dates are computed on it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from luoshi.core.models import ScopedQuerySet, TimeStampedModel, VersionedModel
from luoshi.core.scope import scope_path
from luoshi.work.choices import (
    ChangeKind,
    ChangeMark,
    DutyKind,
    ExtensionStatus,
    Frequency,
    OccurrenceStatus,
    ReportStatus,
    ScheduleKind,
)
from luoshi.work.schedules import Schedule


class CalendarYear(models.Model):
    """A year whose holidays are entered; without it nothing is scheduled in that year."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("来源", max_length=32, default="chinese-calendar")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from Monday–Friday: a holiday on a weekday or a make-up working day."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("工作日")
    note = models.CharField("说明", max_length=50, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'}"


WHEN_LABELS = {"mid-year": "年中", "year-end": "年底前", "first-half": "上半年", "second-half": "下半年"}


class ScheduleFields(models.Model):
    """The schedule and target of work, defined once: a proposal carries them while a
    person reviews it, a duty carries them once published. `SCHEDULE_FIELDS` lists them so
    that copying from one to the other never misses one."""

    SCHEDULE_FIELDS = (
        "schedule_kind",
        "freq",
        "when",
        "day",
        "count_per_period",
        "schedule_text",
        "target_count",
        "target_unit",
    )

    schedule_kind = models.CharField("时间类型", max_length=16, choices=ScheduleKind.choices, blank=True)
    freq = models.CharField("周期", max_length=16, choices=Frequency.choices, blank=True)
    when = models.CharField("时间", max_length=16, blank=True)
    day = models.PositiveSmallIntegerField("日", null=True, blank=True)
    count_per_period = models.PositiveSmallIntegerField("每期次数", null=True, blank=True)
    schedule_text = models.CharField("时间原文", max_length=100, blank=True)
    target_count = models.PositiveIntegerField("目标数", null=True, blank=True)
    target_unit = models.CharField("目标单位", max_length=40, blank=True)

    class Meta:
        abstract = True

    def schedule_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.SCHEDULE_FIELDS}

    @property
    def schedule(self) -> Schedule:
        return Schedule(
            kind=self.schedule_kind or None, freq=self.freq or None, when=self.when or None, day=self.day
        )

    @property
    def needs_decision(self) -> bool:
        """Event-triggered, or 定期 without a period: no occurrences until a person decides."""
        return self.schedule.needs_decision

    @property
    def target_per_occurrence(self) -> int | None:
        """What one occurrence must achieve: the target, or several times a period (每季度2次)."""
        if self.target_count:
            return self.target_count
        return self.count_per_period if (self.count_per_period or 0) > 1 else None

    def schedule_label(self) -> str:
        if self.freq:
            return Frequency(self.freq).label
        if self.schedule_kind == ScheduleKind.EVENT:
            return "事件触发"
        if self.schedule_kind == ScheduleKind.PERIODIC:
            return "定期（待定）"
        return self.schedule_text or WHEN_LABELS.get(self.when, self.when or "年底前")


class DutyQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> DutyQuerySet:
        """Department-wide roles see the department's duties; everyone else the duties
        their organisations lead or owe."""
        from luoshi.accounts.choices import Role

        root = scope_path(user)
        if root is None:
            return self.none()
        if user.role in Role.department_wide():
            return self.filter(unit__path__startswith=root)
        mine = Occurrence.objects.filter(org__path__startswith=root).values("duty_id")
        return self.filter(Q(lead_org__path__startswith=root) | Q(pk__in=mine))


class Duty(TimeStampedModel, ScheduleFields):
    """Who owes what, on which schedule and target, reviewed by whom.

    `unit` is the department the duty belongs to (the top of its organisation tree): the
    data-scope key, and the key a province-wide deployment distributes by. `lead_org`
    leads the work and reviews the reports of the others; reports of the lead itself go
    to the plan office.
    """

    kind = models.CharField("类型", max_length=16, choices=DutyKind.choices, default=DutyKind.TASK)
    title = models.CharField("事项", max_length=500)
    unit = models.ForeignKey(
        "orgs.Organization", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    lead_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name="牵头单位",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="牵头并审核其他责任单位的报送",
    )
    responsible_orgs = models.ManyToManyField("orgs.Organization", verbose_name="责任单位", related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = DutyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "责任事项"

    def __str__(self) -> str:
        return self.title[:60]


class OccurrenceQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> OccurrenceQuerySet:
        """An organisation's own occurrences, and those of the duties it leads (it reviews them).
        For department-wide roles that is every occurrence of an organisation in the
        department: one join, no OR (what the ledger's aggregates cost on 20,000 rows)."""
        root = scope_path(user)
        if root is None:
            return self.none()
        if user.scope_kind() == "department":
            return self.filter(org__path__startswith=root)
        return self.filter(Q(org__path__startswith=root) | Q(duty__lead_org__path__startswith=root))

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        """Every occurrence starts with its original due date (bulk_create skips save())."""
        objs = list(objs)
        for o in objs:
            o.original_due = o.original_due or o.due_date
        return super().bulk_create(objs, *args, **kwargs)


class Occurrence(TimeStampedModel, VersionedModel):
    """A duty for one organisation in one period, with its due date.

    Facts that stay after the work is done, for assessment (luoshi.work.rules.lateness):

    - `due_date`: the due date in force — the original one, or the one a granted extension
      (申请延期) or the plan office's 调整 set. Buckets, lights and reminders use it.
    - `original_due`: the due date the occurrence was created with; never changes.
    - `missed_due`: the due date the organisation missed, set the first time it was late
      (marked 逾期, or reported, or closed by a record, after the due date in force) and
      kept when the work is later done. A granted extension asked for before that date
      lifts it (the organisation asked in time); nothing else does. Null: never late.
    - `change_mark`: the latest change after publishing (已延期, 已调整, 改派, 新增), the
      ledger's mark; the history (StatusChange rows) says who changed what and why.
    """

    scope_path_field = "org__path"

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="occurrences")
    org = models.ForeignKey(
        "orgs.Organization", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField("期间", max_length=40)
    period_start = models.DateField("期间开始")
    due_date = models.DateField("完成时限", db_index=True)
    status = models.CharField(
        "状态",
        max_length=16,
        choices=OccurrenceStatus.choices,
        default=OccurrenceStatus.NOT_STARTED,
        db_index=True,
    )
    target_count = models.PositiveIntegerField("目标数", null=True, blank=True)
    achieved_count = models.PositiveIntegerField("已完成数", default=0)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    original_due = models.DateField("原定完成时限")
    missed_due = models.DateField("逾期所对时限", null=True, blank=True)
    change_mark = models.CharField("调整标记", max_length=16, choices=ChangeMark.choices, blank=True)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "org__path"]
        verbose_name = "任务事项"
        constraints = [
            # A withdrawn occurrence keeps its record; the organisation may owe the period again.
            models.UniqueConstraint(
                fields=["duty", "org", "period"],
                condition=~Q(status="withdrawn"),
                name="occurrence_unique_period",
                violation_error_message="该单位在此期间已有同一事项。",
            ),
        ]
        indexes = [models.Index(fields=["org", "status", "due_date"], name="occ_org_status_due")]

    def __str__(self) -> str:
        return f"{self.duty} · {self.org} · {self.period}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.original_due = self.original_due or self.due_date
        super().save(*args, **kwargs)

    @property
    def was_late(self) -> bool:
        return self.missed_due is not None


class StatusChange(models.Model):
    """Every change of an occurrence: its status, and the changes after publishing (an
    extension asked, granted or refused; a due date moved; a reassignment; an
    organisation added or withdrawn) with who and why — the history, and the data for
    statistics. `old_due`/`new_due` are set when the due date moved (or was asked to);
    `related` is the other occurrence of a reassignment."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=ChangeKind.choices, default=ChangeKind.STATUS)
    old = models.CharField(max_length=16, choices=OccurrenceStatus.choices, blank=True)
    new = models.CharField(max_length=16, choices=OccurrenceStatus.choices)
    old_due = models.DateField(null=True, blank=True)
    new_due = models.DateField(null=True, blank=True)
    related = models.ForeignKey(
        Occurrence, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurrence", "at", "id"]

    def __str__(self) -> str:
        return f"{self.old}→{self.new}"


class Report(TimeStampedModel, VersionedModel):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("进展情况")
    count = models.PositiveIntegerField("完成数量", null=True, blank=True)
    status = models.CharField(
        "审核状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.CharField("审核意见", max_length=500, blank=True)

    class Meta:
        ordering = ["occurrence", "created_at"]
        verbose_name = "进展报告"
        indexes = [models.Index(fields=["status", "created_at"], name="report_status_created")]

    def __str__(self) -> str:
        return f"{self.occurrence} 报告"


class Evidence(models.Model):
    """An evidence file, stored under a random name outside any served folder."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    original_name = models.CharField("文件名", max_length=200)
    stored_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "id"]
        verbose_name = "佐证材料"

    def __str__(self) -> str:
        return self.original_name


class TargetCredit(models.Model):
    """One record counted toward an occurrence's target (a round's inspected organisation
    toward "对9家单位开展内部巡察"): the record is named, so the count can be traced and a
    record never counts twice (see luoshi.work.targets)."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="credits")
    record_type = models.CharField("记录类型", max_length=64)
    record_id = models.CharField("记录编号", max_length=64)
    record_label = models.CharField("记录", max_length=200)
    count = models.PositiveIntegerField("计数", default=1)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurrence", "at", "id"]
        verbose_name = "目标计数"
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "record_type", "record_id"],
                name="target_credit_once",
                violation_error_message="该记录已计入此目标。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_label} → {self.occurrence}"


class ExtensionRequestQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> ExtensionRequestQuerySet:
        """The requests on the occurrences the user sees."""
        return self.filter(occurrence__in=Occurrence.objects.visible_to(user))


class ExtensionRequest(TimeStampedModel):
    """申请延期: an organisation asks, before the due date, for more time on one occurrence;
    the plan office grants a new due date (not necessarily the wished one) or refuses with
    a reason. `due_at_request` is the due date in force when it was asked."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("延期理由", max_length=500)
    due_at_request = models.DateField("申请时的完成时限")
    wished_due = models.DateField("申请延至")
    status = models.CharField(
        "审批状态", max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    granted_due = models.DateField("批准延至", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_comment = models.CharField("审批意见", max_length=500, blank=True)

    objects = ExtensionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "延期申请"
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence"],
                condition=Q(status="pending"),
                name="extension_one_pending",
                violation_error_message="该事项已有延期申请待审批。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurrence} 延期申请"
