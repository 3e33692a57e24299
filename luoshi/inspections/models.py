"""Inspections (巡察): rounds, their findings, the rectification measures that close them,
and the follow-up rounds (回头看) that re-check closed findings.

Findings are confidential: they are read through `visible_to(user)` only — discipline
staff, the plan office and leaders for the department, an inspected organisation for its
own, a team member for the round they are on. A rectification measure owns a Duty of kind
RECTIFICATION, so it is reminded, coloured and reported on like any other work.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from luoshi.core.models import TimeStampedModel
from luoshi.core.scope import scope_path
from luoshi.inspections.choices import (
    EventKind,
    FindingStatus,
    RecheckResult,
    RoundKind,
    Severity,
    StageKind,
)
from luoshi.work.models import Duty, Occurrence

# Roles that read every finding of their department.
READERS = {"discipline", "plan_office", "leader"}


def _team_q(user: Any, prefix: str = "") -> Q:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return Q(pk__in=[])
    return Q(**{f"{prefix}leader_id": person_id}) | Q(**{f"{prefix}members__id": person_id})


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> RoundQuerySet:
        """Readers see the department's rounds; a team member their rounds; an inspected
        organisation's staff the rounds that inspected it."""
        root = scope_path(user)
        if root is None or user.role in ("sysadmin", "secadmin", "auditadmin"):
            return self.none()
        mine = self.filter(unit__path__startswith=root[:7])
        if user.role in READERS:
            return mine
        q = _team_q(user)
        if user.role == "org_staff":
            q |= Q(orgs__path__startswith=user.org.path)
        return mine.filter(pk__in=Round.objects.filter(q).values("pk"))


class FollowUpDraw(models.Model):
    """A verifiable draw (supervision's commit-reveal `Draw`) of the organisations a 回头看
    round re-checks, from those inspected in earlier rounds. The draw keeps the pool, the
    commitment, the seed and the result; this row maps its labels back to organisations."""

    draw = models.OneToOneField("supervision.Draw", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    labels = models.JSONField("单位名称对照", help_text="{抽取范围中的名称: 组织ID}")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "回头看单位抽取"

    def __str__(self) -> str:
        return str(self.draw)

    def drawn_org_ids(self) -> list[int]:
        """The organisations drawn, in the order drawn (empty until the seed is revealed)."""
        return [self.labels[item["label"]] for item in (self.draw.result or [])]


class Round(TimeStampedModel):
    """One inspection round: which organisations, by which team, when."""

    unit = models.ForeignKey(
        "orgs.Organization", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    batch = models.PositiveSmallIntegerField("批次", default=1)
    kind = models.CharField("类型", max_length=16, choices=RoundKind.choices, default=RoundKind.REGULAR)
    title = models.CharField("名称", max_length=200)
    orgs = models.ManyToManyField(
        "orgs.Organization", verbose_name="被巡察单位", through="InspectedOrg", related_name="+"
    )
    leader = models.ForeignKey(
        "orgs.Person", verbose_name="组长", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField("orgs.Person", verbose_name="组员", blank=True, related_name="+")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    target = models.ForeignKey(
        Occurrence,
        verbose_name="计入目标",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="确认巡察后计入的任务目标",
    )
    target_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    follow_up_draw = models.OneToOneField(
        FollowUpDraw,
        verbose_name="抽取记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="round",
        help_text="回头看单位由随机抽取产生时的抽取",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-batch", "id"]
        verbose_name = "巡察轮次"

    def __str__(self) -> str:
        return self.title


class InspectedOrg(models.Model):
    """An organisation a round inspects; confirmed once the inspection has been done."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="inspected")
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("确认巡察时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["round", "org__path"]
        constraints = [models.UniqueConstraint(fields=["round", "org"], name="inspected_once_per_round")]

    def __str__(self) -> str:
        return f"{self.round}：{self.org}"


class Stage(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField("阶段", max_length=16, choices=StageKind.choices)
    starts_on = models.DateField("开始日期", null=True, blank=True)
    ends_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        ordering = ["round", "starts_on", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "kind"], name="stage_once_per_round")]

    def __str__(self) -> str:
        return self.get_kind_display()


class FindingCategory(models.Model):
    """问题类别, configurable by discipline staff; the usual six are seeded on first use."""

    name = models.CharField("类别", max_length=40, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "问题类别"

    def __str__(self) -> str:
        return self.name


class FindingQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> FindingQuerySet:
        """Readers see the department's findings; an inspected organisation its own; a team
        member the findings of their rounds. Nobody else, not even the system administrator."""
        root = scope_path(user)
        if root is None or user.role in ("sysadmin", "secadmin", "auditadmin"):
            return self.none()
        mine = self.filter(org__path__startswith=root[:7])
        if user.role in READERS:
            return mine
        q = Q(round__in=Round.objects.filter(_team_q(user)))
        if user.role == "org_staff":
            q |= Q(org__path__startswith=user.org.path)
        return mine.filter(q)


class Finding(TimeStampedModel):
    """One problem found in one inspected organisation (问题清单的一行)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="findings")
    org = models.ForeignKey(
        "orgs.Organization", verbose_name="被巡察单位", on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveIntegerField("序号")
    category = models.ForeignKey(FindingCategory, verbose_name="问题类别", on_delete=models.PROTECT)
    severity = models.CharField("严重程度", max_length=16, choices=Severity.choices, default=Severity.GENERAL)
    description = models.TextField("问题描述")
    evidence = models.TextField("事实依据", blank=True)
    clause = models.CharField("违反条款", max_length=300, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_comment = models.CharField("销号意见", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["round", "seq"]
        verbose_name = "巡察问题"
        constraints = [models.UniqueConstraint(fields=["round", "seq"], name="finding_seq_per_round")]

    def __str__(self) -> str:
        return f"{self.round} 第{self.seq}项"


class MeasureQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> MeasureQuerySet:
        return self.filter(finding__in=Finding.objects.visible_to(user))


class Measure(TimeStampedModel):
    """A rectification measure (整改措施): the duty an organisation owes by its deadline."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="measures")
    duty = models.OneToOneField(Duty, on_delete=models.PROTECT, related_name="rectification")
    text = models.TextField("整改措施")
    responsible_person = models.CharField("责任人", max_length=50, blank=True)
    deadline = models.DateField("整改时限")
    after_recheck = models.BooleanField("回头看后重新整改", default=False)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["finding", "id"]
        verbose_name = "整改措施"

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def occurrence(self) -> Occurrence:
        return self.duty.occurrences.all()[0]


class FindingEvent(models.Model):
    """The history of a finding: recorded, measures, verification, 销号, re-checks."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    comment = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["finding", "at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class RectificationReport(TimeStampedModel):
    """整改情况报告: an inspected organisation's report on its rectification as a whole."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="reports")
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("整改情况")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["round", "org__path", "-created_at"]
        verbose_name = "整改情况报告"

    def __str__(self) -> str:
        return f"{self.org}整改情况报告"


class Recheck(models.Model):
    """A follow-up round's re-check of one closed finding."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="rechecks")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="rechecks")
    result = models.CharField("结论", max_length=16, choices=RecheckResult.choices)
    reason = models.CharField("理由", max_length=500)
    measure = models.OneToOneField(
        Measure, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "at", "id"]
        verbose_name = "回头看复查"
        constraints = [models.UniqueConstraint(fields=["round", "finding"], name="recheck_once_per_round")]

    def __str__(self) -> str:
        return f"{self.finding} {self.get_result_display()}"
