"""Supervision: reminders that go out once, supervision orders on a ladder kept as data,
and random draws that anyone can verify (DESIGN.md "Supervision").

A supervision order owns a Duty of kind SUPERVISION (one-to-one): each organisation it
is addressed to owes an occurrence of that duty, so the order shows in the
organisation's 我的待办, is reminded, goes late and is counted like any other work; the
organisation answers by reporting on it with evidence, and the office reviews.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from luoshi.core.scope import scope_path


class ReminderKind(models.TextChoices):
    LEAD = "lead", "到期提醒"
    LATE = "late", "逾期提醒"
    LAG = "lag", "进度滞后提醒"


class ReminderPolicy(models.Model):
    """Lead times of one duty, in working days before its due dates (otherwise the global
    LUOSHI_REMINDER_LEAD_DAYS)."""

    duty = models.OneToOneField("work.Duty", on_delete=models.CASCADE, related_name="reminder_policy")
    lead_days = models.CharField("提前提醒（工作日）", max_length=40, default="7,1")

    class Meta:
        verbose_name = "提醒设置"

    def __str__(self) -> str:
        return f"{self.duty} 提前{self.lead_days}个工作日"

    def leads(self) -> list[int]:
        return parse_leads(self.lead_days)


def parse_leads(text: str) -> list[int]:
    """ "7,1" → [7, 1]: distinct working-day counts from 1 to 60, largest first."""
    values = set()
    for part in str(text).replace("，", ",").split(","):
        part = part.strip()
        if part.isdigit() and 1 <= int(part) <= 60:
            values.add(int(part))
    return sorted(values, reverse=True)


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"


class Reminder(models.Model):
    """One reminder owed for one occurrence: unique per occurrence, kind, lead and due
    date, so a sweep run twice writes it once; a moved due date is reminded again."""

    # No index of its own: the unique constraint below leads with it, and a sweep writes
    # (and claims) a quarter of a million rows, each index costing its share.
    occurrence = models.ForeignKey(
        "work.Occurrence", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField("类型", max_length=8, choices=ReminderKind.choices)
    lead_days = models.PositiveSmallIntegerField(default=0)
    due_date = models.DateField()
    status = models.CharField(max_length=8, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    claimed_by = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "kind", "lead_days", "due_date"], name="reminder_once"
            )
        ]
        indexes = [models.Index(fields=["status", "id"], name="reminder_pending")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.occurrence_id}"


class Audience(models.TextChoices):
    HANDLER = "handler", "承办人"
    LEADER = "leader", "承办人、分管领导"
    HEAD = "head", "承办人、分管领导、主要负责人"


class Level(models.Model):
    """A rung of the ladder 提醒 → 催办 → 督办 → 通报, kept as data: its wording, the
    channels it uses, how many working days the organisation has to answer, and who is
    told (the audience widens as the rank climbs)."""

    rank = models.PositiveSmallIntegerField("级别", unique=True)
    name = models.CharField("名称", max_length=10)
    wording = models.CharField("措辞", max_length=300)
    channels = models.CharField("渠道", max_length=60, default="app")
    answer_days = models.PositiveSmallIntegerField("答复时限（工作日）", default=5)
    audience = models.CharField("告知范围", max_length=16, choices=Audience.choices, default=Audience.HANDLER)
    public = models.BooleanField("全单位公开", default=False)

    class Meta:
        ordering = ["rank"]
        verbose_name = "督办级别"

    def __str__(self) -> str:
        return self.name


class OrderSource(models.TextChoices):
    PLAN = "plan", "计划事项"
    INSTRUCTION = "instruction", "领导批示"
    MEETING = "meeting", "会议决定事项"
    SUPERIOR = "superior", "上级交办"


class OrderStatus(models.TextChoices):
    DECOMPOSING = "decompose", "待分解"
    OPEN = "open", "办理中"
    CLOSED = "closed", "已办结"


class OrderQuerySet(models.QuerySet["SupervisionOrder"]):
    def visible_to(self, user: Any) -> OrderQuerySet:
        """Department-wide roles see the department's orders; organisation staff those
        addressed to their organisation (or below); a 通报 is public to the department."""
        from luoshi.accounts.choices import Role

        root = scope_path(user)
        if root is None:
            return self.none()
        if user.role in Role.department_wide():
            return self.filter(duty__unit__path__startswith=root)
        own = user.org.path if user.org is not None else "-"
        mine = Q(duty__occurrences__org__path__startswith=own) | Q(
            duty__responsible_orgs__path__startswith=own
        )
        public = Q(level__public=True, duty__unit__path__startswith=root)
        return self.filter(mine | public).distinct()


class SupervisionOrder(models.Model):
    duty = models.OneToOneField("work.Duty", on_delete=models.PROTECT, related_name="supervision_order")
    year = models.PositiveSmallIntegerField("年度")
    document_number = models.CharField("文号", max_length=40)
    level = models.ForeignKey(Level, verbose_name="级别", on_delete=models.PROTECT, related_name="+")
    source = models.CharField("来源", max_length=16, choices=OrderSource.choices, default=OrderSource.PLAN)
    subject = models.TextField("督办事由")
    occurrences = models.ManyToManyField(
        "work.Occurrence", verbose_name="督办事项", related_name="+", blank=True
    )
    answer_due = models.DateField("答复时限")
    finish_by = models.DateField("办结时限", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("下发时间", auto_now_add=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = "督办单"

    def __str__(self) -> str:
        return f"{self.level.name}单 {self.doc_number}"

    @property
    def doc_number(self) -> str:
        return self.document_number


class OrderStep(models.Model):
    """The order's history: issued, raised, answered, closed — who, when, why."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="steps")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "at", "id"]

    def __str__(self) -> str:
        return f"{self.order} {self.action}"


class DecompositionStep(models.Model):
    """One step of a supervised item as its lead unit decomposed it (分解): what is done,
    by which organisation (the lead or a cooperating unit), who answers for it there, and
    by when. Each step is an occurrence of the order's duty, so it is reminded, goes late
    and is counted like any other work."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="plan")
    seq = models.PositiveSmallIntegerField("序号")
    content = models.CharField("工作步骤", max_length=300)
    org = models.ForeignKey(
        "orgs.Organization", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    owner = models.CharField("责任人", max_length=30, blank=True)
    due_date = models.DateField("完成时限")
    occurrence = models.OneToOneField(
        "work.Occurrence", null=True, on_delete=models.PROTECT, related_name="decomposition_step"
    )

    class Meta:
        ordering = ["order", "seq"]
        verbose_name = "分解步骤"
        constraints = [models.UniqueConstraint(fields=["order", "seq"], name="decomposition_step_once")]

    def __str__(self) -> str:
        return f"{self.order} 第{self.seq}步"


class DrawStatus(models.TextChoices):
    COMMITTED = "committed", "已公布承诺，待揭示"
    REVEALED = "revealed", "已揭示"


class DrawQuerySet(models.QuerySet["Draw"]):
    def visible_to(self, user: Any) -> DrawQuerySet:
        """Department-wide roles see every draw of the department; others only those not
        sealed (an unannounced draw is sealed until its visit date)."""
        import datetime as dt

        from django.utils import timezone

        from luoshi.accounts.choices import Role
        from luoshi.core.scope import root_path_of

        if scope_path(user) is None:
            return self.none()
        # A draw belongs to the department (its root), which all of it may read.
        rows = self.filter(unit__path__startswith=root_path_of(user.org.path))
        if user.role in Role.department_wide():
            return rows
        today: dt.date = timezone.localdate()
        return rows.filter(Q(unannounced=False) | Q(visit_date__lte=today))


class Draw(models.Model):
    """A random draw (随机调研, 双随机) with commit-reveal.

    The pool is frozen and its SHA-256 published with the commitment (SHA-256 of a secret
    seed) before the draw; the seed is revealed after, and anyone recomputes the result
    from pool + seed (luoshi.supervision.draws). Never deleted; a redraw is a new Draw
    pointing at this one, under the rule published with it.
    """

    unit = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("名称", max_length=200)
    pool = models.JSONField("抽取范围")
    pool_hash = models.CharField("范围哈希", max_length=64)
    count = models.PositiveSmallIntegerField("抽取数量")
    commitment = models.CharField("承诺值", max_length=64)
    seed = models.CharField("种子", max_length=128, blank=True)
    result = models.JSONField("抽取结果", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=DrawStatus.choices, default=DrawStatus.COMMITTED)
    rule = models.CharField("重抽规则", max_length=300, blank=True)
    unannounced = models.BooleanField("不打招呼（结果对被抽单位保密至调研日）", default=False)
    visit_date = models.DateField("调研日期", null=True, blank=True)
    redraw_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="redraws"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("公布时间", auto_now_add=True)
    revealed_at = models.DateTimeField("揭示时间", null=True, blank=True)

    objects = DrawQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "随机抽取"

    def __str__(self) -> str:
        return self.title
