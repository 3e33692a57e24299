from django.db import models


class ScheduleKind(models.TextChoices):
    RECURRING = "recurring", "周期性"
    ONCE = "once", "一次性"
    EVENT = "event", "事件触发"
    PERIODIC = "periodic", "定期（未定周期）"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "每周"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    SEMIANNUAL = "semiannual", "每半年"
    ANNUAL = "annual", "每年"


class OccurrenceStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "进行中"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    DONE = "done", "已完成"
    OVERDUE = "overdue", "逾期"

    @classmethod
    def open_states(cls) -> list[str]:
        """Work still owed by the organisation."""
        return [cls.NOT_STARTED, cls.IN_PROGRESS, cls.RETURNED, cls.OVERDUE]


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    ACCEPTED = "accepted", "已通过"
    RETURNED = "returned", "已退回"


class ReviewDecision(models.TextChoices):
    ACCEPT = "accept", "通过"
    RETURN = "return", "退回"
