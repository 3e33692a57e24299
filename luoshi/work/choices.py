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
    # Taken off the organisation by the plan office (an organisation withdrawn from a duty,
    # or an occurrence reassigned to another): kept with its reports and history, counted
    # nowhere (see luoshi.work.rules).
    WITHDRAWN = "withdrawn", "已撤回"

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


class DutyKind(models.TextChoices):
    """What asked for the work. Each kind is owned by one model of its part (a Task, later a
    supervision order, a rectification measure, a meeting requirement, a letter)."""

    TASK = "task", "工作任务"
    SUPERVISION = "supervision", "督办事项"
    RECTIFICATION = "rectification", "整改措施"
    MEETING = "meeting", "会议活动"
    LETTER = "letter", "责任书"
    PRACTICAL = "practical", "为民实事"


class Bucket(models.TextChoices):
    """Where an occurrence stands for the organisation that owes it. Exactly one applies to
    each occurrence on a given day (see luoshi.work.rules), so counts of buckets add up to
    the total on every page, the API and the exports."""

    RETURNED = "returned", "已退回"
    LATE = "late", "已逾期"
    SOON = "soon", "即将到期"
    WAITING = "waiting", "待审核"
    LATER = "later", "未到期"
    DONE = "done", "已完成"
    # Outside the counts: a withdrawn occurrence is in no count and not in the total
    # (rules.COUNTED_BUCKETS); it has a label so lists that show it can say what it is.
    WITHDRAWN = "withdrawn", "已撤回"


class ChangeKind(models.TextChoices):
    """What a history row (StatusChange) records: a status change, or a change the plan
    office or the organisation made to the occurrence after publishing."""

    STATUS = "status", "状态变化"
    EXTENSION_ASKED = "extension_asked", "申请延期"
    EXTENSION_GRANTED = "extension_granted", "同意延期"
    EXTENSION_REFUSED = "extension_refused", "不同意延期"
    RESCHEDULED = "rescheduled", "调整时限"
    REASSIGNED = "reassigned", "改派"
    ADDED = "added", "增加责任单位"
    WITHDRAWN = "withdrawn", "撤回"


class ChangeMark(models.TextChoices):
    """The mark the ledger and lists show beside an occurrence whose due date or owner
    changed after publishing (the latest such change)."""

    NONE = "", "—"
    EXTENDED = "extended", "已延期"
    RESCHEDULED = "rescheduled", "已调整"
    REASSIGNED = "reassigned", "改派"
    ADDED = "added", "新增"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    GRANTED = "granted", "已同意"
    REFUSED = "refused", "不同意"
    CANCELLED = "cancelled", "已撤销"


class ExtensionDecision(models.TextChoices):
    GRANT = "grant", "同意"
    REFUSE = "refuse", "不同意"
