"""Tasks, their occurrences (one per organisation per period), progress reports with
evidence, status changes, and the working-day calendar."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from luoshi.core.models import ScopedQuerySet, TimeStampedModel, VersionedModel
from luoshi.core.scope import scope_path
from luoshi.tasks.choices import Frequency, OccurrenceStatus, ReportStatus, ScheduleKind


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


class TaskQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> TaskQuerySet:
        """Tasks of the department for department-wide roles; for everyone else the tasks
        their organisations lead or have occurrences of."""
        from luoshi.accounts.choices import Role

        root = scope_path(user)
        if root is None:
            return self.none()
        if user.role in Role.department_wide():
            return self.filter(plan__org__path__startswith=root)
        mine = Occurrence.objects.filter(org__path__startswith=root).values("task_id")
        return self.filter(Q(lead_org__path__startswith=root) | Q(pk__in=mine))


class Task(TimeStampedModel):
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="tasks")
    measure = models.ForeignKey(
        "plans.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    order = models.PositiveIntegerField("顺序", default=0)
    section = models.CharField("所属部分", max_length=200, blank=True)
    title = models.CharField("工作任务", max_length=500)
    measure_text = models.TextField("具体措施", blank=True)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    lead_org = models.ForeignKey(
        "orgs.Organization", verbose_name="牵头单位", null=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_orgs = models.ManyToManyField("orgs.Organization", verbose_name="责任单位", related_name="+")
    related_orgs = models.ManyToManyField(
        "orgs.Organization", verbose_name="涉及单位", blank=True, related_name="+"
    )
    schedule_kind = models.CharField("时间类型", max_length=16, choices=ScheduleKind.choices, blank=True)
    freq = models.CharField("周期", max_length=16, choices=Frequency.choices, blank=True)
    when = models.CharField("时间", max_length=16, blank=True)
    day = models.PositiveSmallIntegerField("日", null=True, blank=True)
    schedule_text = models.CharField("时间原文", max_length=100, blank=True)
    target_count = models.PositiveIntegerField("目标数", null=True, blank=True)
    target_unit = models.CharField("目标单位", max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = "任务"

    def __str__(self) -> str:
        return self.title[:60]

    @property
    def needs_decision(self) -> bool:
        return self.schedule_kind in (ScheduleKind.EVENT, ScheduleKind.PERIODIC) and not self.freq

    def schedule_label(self) -> str:
        if self.freq:
            return Frequency(self.freq).label
        if self.schedule_kind == ScheduleKind.EVENT:
            return "事件触发"
        if self.schedule_kind == ScheduleKind.PERIODIC:
            return "定期（待定）"
        return self.schedule_text or {
            "mid-year": "年中",
            "year-end": "年底前",
            "first-half": "上半年",
            "second-half": "下半年",
        }.get(self.when, self.when or "年底前")


class OccurrenceQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> OccurrenceQuerySet:
        """An organisation's own occurrences, and those of the tasks it leads (it reviews them)."""
        root = scope_path(user)
        if root is None:
            return self.none()
        return self.filter(Q(org__path__startswith=root) | Q(task__lead_org__path__startswith=root))


class Occurrence(TimeStampedModel, VersionedModel):
    """A task for one organisation in one period, with its due date."""

    scope_path_field = "org__path"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="occurrences")
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

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "org__path"]
        verbose_name = "任务事项"
        constraints = [
            models.UniqueConstraint(
                fields=["task", "org", "period"],
                name="occurrence_unique_period",
                violation_error_message="该单位在此期间已有同一任务事项。",
            ),
        ]
        indexes = [models.Index(fields=["org", "status", "due_date"], name="occ_org_status_due")]

    def __str__(self) -> str:
        return f"{self.task} · {self.org} · {self.period}"


class StatusChange(models.Model):
    """Every status change of an occurrence: the history, and the data for statistics."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="changes")
    old = models.CharField(max_length=16, choices=OccurrenceStatus.choices, blank=True)
    new = models.CharField(max_length=16, choices=OccurrenceStatus.choices)
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
