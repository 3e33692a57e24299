"""Plans, their measures and the findings on the draft, and the proposals a person
reviews before anything becomes a task."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from luoshi.core.models import ScopedQuerySet, TimeStampedModel, VersionedModel
from luoshi.core.scope import root_path_of, scope_path
from luoshi.plans.choices import FindingKind, PlanStatus
from luoshi.work.models import ScheduleFields


class PlanQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> PlanQuerySet:
        """Department-wide roles see every plan of the department; everyone else sees the
        published plans of the department their organisation belongs to."""
        from luoshi.accounts.choices import Role

        root = scope_path(user)
        if root is None:
            return self.none()
        if user.role in Role.department_wide():
            return self.filter(org__path__startswith=root)
        return self.filter(org__path=root_path_of(user.org.path), status=PlanStatus.PUBLISHED)


class Plan(TimeStampedModel, VersionedModel):
    scope_path_field = "org__path"

    title = models.CharField("标题", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    org = models.ForeignKey(
        "orgs.Organization", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "orgs.Organization",
        verbose_name="机关党委",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="牵头审核的机关党委（导入者所在组织）",
    )
    source_name = models.CharField("原文件名", max_length=200, blank=True)
    text = models.TextField("文本")
    parsed = models.JSONField("解析结果")
    previous = models.ForeignKey(
        "self",
        verbose_name="上一年度要点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_plans",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = "工作要点"

    def __str__(self) -> str:
        return f"{self.title}（{self.year}）"


class Measure(models.Model):
    """One sentence of the plan under a heading, with its facts and source span."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    seq = models.PositiveIntegerField("序号")
    section = models.CharField("所属部分", max_length=200, help_text="一级标题，如“一、深入学习贯彻……”")
    heading = models.CharField("所属条目", max_length=200, blank=True)
    text = models.TextField("原文")
    span_start = models.PositiveIntegerField()
    span_end = models.PositiveIntegerField()
    facts = models.JSONField(default=dict)
    from_heading = models.BooleanField(default=False, help_text="条目本身即任务（无具体措施句）")

    class Meta:
        ordering = ["plan", "seq"]
        constraints = [models.UniqueConstraint(fields=["plan", "seq"], name="measure_unique_seq")]

    def __str__(self) -> str:
        return self.text[:40]


class PlanFinding(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField("类型", max_length=32, choices=FindingKind.choices)
    message = models.CharField("说明", max_length=300)
    spans = models.JSONField(default=list)
    dismissed = models.BooleanField("已忽略", default=False)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return self.message


class Proposal(TimeStampedModel, VersionedModel, ScheduleFields):
    """A proposed task: what the parser suggests and a person confirms, edits, splits,
    merges or drops. Nothing here is real work until the plan is published."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="proposals")
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    order = models.PositiveIntegerField("顺序", default=0)
    section = models.CharField("所属部分", max_length=200, blank=True)
    title = models.CharField("任务", max_length=500)
    clause_start = models.PositiveIntegerField(null=True, blank=True)
    clause_end = models.PositiveIntegerField(null=True, blank=True)
    lead_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name="牵头单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responsible_orgs = models.ManyToManyField(
        "orgs.Organization", verbose_name="责任单位", blank=True, related_name="+"
    )
    related_orgs = models.ManyToManyField(
        "orgs.Organization", verbose_name="涉及单位", blank=True, related_name="+"
    )
    owner_source = models.CharField("责任单位来源", max_length=32, blank=True)
    dropped = models.BooleanField("不作为任务", default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已合并到",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
        help_text="合并时被并入的任务；合并的任务同时标为不作为任务，发布时不下发",
    )

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.title[:40]
