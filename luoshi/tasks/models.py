"""Plan tasks, each owning the duty that fans out to occurrences (luoshi.work)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from luoshi.core.models import ScopedQuerySet, TimeStampedModel
from luoshi.core.scope import scope_path
from luoshi.work.models import Duty


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
        return self.filter(duty__in=Duty.objects.visible_to(user))


class Task(TimeStampedModel):
    """A confirmed unit of the plan's work, traced to its measure. What organisations owe
    for it — lead, responsible organisations, schedule, target, occurrences — is its Duty."""

    duty = models.OneToOneField(Duty, on_delete=models.PROTECT, related_name="task")
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
    related_orgs = models.ManyToManyField(
        "orgs.Organization", verbose_name="涉及单位", blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = "任务"

    def __str__(self) -> str:
        return self.title[:60]
