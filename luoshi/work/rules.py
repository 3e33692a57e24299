"""One definition of each rule about work that is owed: which bucket an occurrence is in
(returned, late, due soon, waiting for review, later, done), its traffic light, what a
user's organisation owes, who may report and who may review. Home, 我的待办, the ledger,
the API and the exports all count with these, so they show the same numbers.

The buckets are exclusive and cover every occurrence, so their counts add up to the total.
A returned occurrence stays "returned" even past its due date (its light is then red):
the organisation's next step is the correction the reviewer asked for. A withdrawn
occurrence (已撤回: its organisation withdrawn from the duty, or the occurrence reassigned)
counts nowhere: in no bucket count, not in the total, not open.

Lateness is judged against `due_date`, the due date in force: without a granted
extension (or the plan office's 调整) that is the original one. Once missed, the date is
kept in `missed_due` after the work is done (see Occurrence), for assessment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.core.scope import scope_path
from luoshi.work.choices import Bucket, DutyKind, OccurrenceStatus
from luoshi.work.models import Occurrence

# Owed and not yet reported: the states a due date applies to.
OWED = (OccurrenceStatus.NOT_STARTED, OccurrenceStatus.IN_PROGRESS, OccurrenceStatus.OVERDUE)


def due_soon_days() -> int:
    """The one "due soon" window (calendar days), the same on every page: LUOSHI_DUE_SOON_DAYS."""
    return int(getattr(settings, "LUOSHI_DUE_SOON_DAYS", 14))


# The buckets that are counted: every one but 已撤回, which counts nowhere.
COUNTED_BUCKETS = [b for b in Bucket.values if b != Bucket.WITHDRAWN]


def counted_q(prefix: str = "") -> Q:
    """Every occurrence that counts (all but the withdrawn): the total of the buckets."""
    return ~Q(**{f"{prefix}status": OccurrenceStatus.WITHDRAWN})


def bucket_q(bucket: str, today: dt.date | None = None, prefix: str = "") -> Q:
    """The filter of one bucket; `prefix` reaches occurrences from another model."""
    today = today or timezone.localdate()
    soon_end = today + dt.timedelta(days=due_soon_days())

    def q(**lookups: Any) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    if bucket == Bucket.RETURNED:
        return q(status=OccurrenceStatus.RETURNED)
    if bucket == Bucket.WAITING:
        return q(status=OccurrenceStatus.SUBMITTED)
    if bucket == Bucket.DONE:
        return q(status=OccurrenceStatus.DONE)
    if bucket == Bucket.WITHDRAWN:
        return q(status=OccurrenceStatus.WITHDRAWN)
    if bucket == Bucket.LATE:
        return q(status__in=OWED, due_date__lt=today)
    if bucket == Bucket.SOON:
        return q(status__in=OWED, due_date__gte=today, due_date__lte=soon_end)
    if bucket == Bucket.LATER:
        return q(status__in=OWED, due_date__gt=soon_end)
    raise ValueError(f"unknown bucket: {bucket}")


def red_q(today: dt.date | None = None, prefix: str = "") -> Q:
    """The occurrences whose light is red (逾期, `light_of`): late, or returned and past due."""
    today = today or timezone.localdate()
    return bucket_q(Bucket.LATE, today, prefix) | (
        bucket_q(Bucket.RETURNED, today, prefix) & Q(**{f"{prefix}due_date__lt": today})
    )


def open_q(prefix: str = "") -> Q:
    """Everything not done: owed, returned or waiting for review (never the withdrawn)."""
    return ~Q(**{f"{prefix}status__in": (OccurrenceStatus.DONE, OccurrenceStatus.WITHDRAWN)})


def bucket_of(o: Occurrence, today: dt.date | None = None) -> str:
    """The bucket of one occurrence; the same rule as bucket_q, without a query."""
    today = today or timezone.localdate()
    if o.status == OccurrenceStatus.RETURNED:
        return Bucket.RETURNED
    if o.status == OccurrenceStatus.SUBMITTED:
        return Bucket.WAITING
    if o.status == OccurrenceStatus.DONE:
        return Bucket.DONE
    if o.status == OccurrenceStatus.WITHDRAWN:
        return Bucket.WITHDRAWN
    if o.due_date < today:
        return Bucket.LATE
    if o.due_date <= today + dt.timedelta(days=due_soon_days()):
        return Bucket.SOON
    return Bucket.LATER


@dataclass(frozen=True)
class Light:
    """A traffic light: red when late, yellow when due soon, returned, waiting for
    review or lagging (progress behind the time elapsed), green when done or on track; grey when there is nothing to judge."""

    colour: str
    label: str


def lag_margin() -> float:
    """How far reported progress may trail the time elapsed before it counts as lagging
    (LUOSHI_LAG_MARGIN, a fraction; 0.3 means 30 percentage points)."""
    return float(getattr(settings, "LUOSHI_LAG_MARGIN", 0.3))


def lagging(
    *, achieved: int, target: int | None, start: dt.date, due: dt.date, today: dt.date, status: str
) -> bool:
    """Reported progress lags the time elapsed: an owed occurrence with a target of more
    than one, at least half its period gone, and achieved/target below the share of the
    period elapsed minus `lag_margin()` (2/9 with 80 % of the period gone is lagging)."""
    if status not in OWED or not target or target < 2 or achieved >= target or not start <= today <= due:
        return False
    elapsed = (today - start).days / max(1, (due - start).days)
    return elapsed >= 0.5 and achieved / target < elapsed - lag_margin()


def is_lagging(o: Occurrence, today: dt.date | None = None) -> bool:
    return lagging(
        achieved=o.achieved_count,
        target=o.target_count,
        start=o.period_start,
        due=o.due_date,
        today=today or timezone.localdate(),
        status=o.status,
    )


def light_of(o: Occurrence, today: dt.date | None = None) -> Light:
    today = today or timezone.localdate()
    bucket = bucket_of(o, today)
    if bucket == Bucket.WITHDRAWN:
        return Light("grey", Bucket.WITHDRAWN.label)
    if bucket == Bucket.LATE or (bucket == Bucket.RETURNED and o.due_date < today):
        return Light("red", "逾期")
    if bucket in (Bucket.SOON, Bucket.RETURNED, Bucket.WAITING):
        return Light("yellow", Bucket(bucket).label)
    if is_lagging(o, today):
        return Light("yellow", "进度滞后")
    return Light("green", Bucket(bucket).label if bucket == Bucket.DONE else "按期推进")


def rolled_up_light(counts: dict[str, int]) -> Light:
    """The light of a group (a duty, an organisation, a section) from its bucket counts."""
    total = counts.get("total", 0)
    if not total:
        return Light("grey", "无事项")
    if counts.get(Bucket.LATE, 0) or counts.get("returned_late", 0):
        return Light("red", f"逾期{counts.get(Bucket.LATE, 0) + counts.get('returned_late', 0)}项")
    if counts.get(Bucket.DONE, 0) == total:
        return Light("green", "已完成")
    for bucket in (Bucket.SOON, Bucket.RETURNED, Bucket.WAITING):
        if counts.get(bucket, 0):
            return Light("yellow", f"{Bucket(bucket).label}{counts[bucket]}项")
    # "lagging" is counted by callers that have it (is_lagging per occurrence).
    if counts.get("lagging", 0):
        return Light("yellow", f"进度滞后{counts['lagging']}项")
    return Light("green", "按期推进")


def count_annotations(today: dt.date | None = None, prefix: str = "") -> dict[str, Any]:
    """Count expressions for every counted bucket, the total (without the withdrawn), and
    returned-past-due (for lights)."""
    today = today or timezone.localdate()
    counts: dict[str, Any] = {"total": Count(f"{prefix}id" if prefix else "id", filter=counted_q(prefix))}
    for bucket in COUNTED_BUCKETS:
        counts[bucket] = Count(f"{prefix}id" if prefix else "id", filter=bucket_q(bucket, today, prefix))
    counts["returned_late"] = Count(
        f"{prefix}id" if prefix else "id",
        filter=bucket_q(Bucket.RETURNED, today, prefix) & Q(**{f"{prefix}due_date__lt": today}),
    )
    return counts


def bucket_counts(occurrences: QuerySet[Occurrence], today: dt.date | None = None) -> dict[str, int]:
    """Every bucket's count and the total, in one aggregate query."""
    return dict(occurrences.aggregate(**count_annotations(today)))


# --- who owes, who reports, who reviews ------------------------------------------------

# Roles that act for their own organisation only, not for the subtree below it: the plan
# office's own 待办 are 机关党委's, not every branch's; a leader's are the Party group's. A
# member sees what their branch owes, as its secretary does (read-only).
OWN_ORG_ONLY = {Role.PLAN_OFFICE, Role.LEADER, Role.DISCIPLINE}


def owed_by(user: Any) -> QuerySet[Occurrence]:
    """What the user's organisation owes: the list of 我的待办 and of home's own counts.
    Organisation staff act for their organisation and those below it."""
    if user.org is None or scope_path(user) is None or user.role == Role.SYSADMIN:
        return Occurrence.objects.none()
    if user.role in OWN_ORG_ONLY:
        return Occurrence.objects.filter(org=user.org)
    return Occurrence.objects.filter(org__path__startswith=user.org.path)


def report_scope(user: Any) -> Q | None:
    """The occurrences the user may report on (before their state is considered):
    organisation staff for their subtree, the plan office for its own organisation. A
    reviewer does not report for the organisations it reviews."""
    if user.org is None or not user.is_active:
        return None
    if user.role == Role.PLAN_OFFICE:
        return Q(org=user.org)
    if user.role == Role.ORG_STAFF:
        return Q(org__path__startswith=user.org.path)
    return None


def review_scope(user: Any) -> Q | None:
    """The occurrences whose reports the user may review: the plan office for the
    department; discipline staff the department's rectification measures (the inspecting
    side verifies them, 验收); organisation staff for the duties their organisation (or one
    below it) leads, except the lead's own occurrences (those go to the plan office)."""
    if user.org is None or not user.is_active:
        return None
    if user.role == Role.PLAN_OFFICE:
        return Q(org__path__startswith=scope_path(user)) | Q(
            duty__lead_org__path__startswith=scope_path(user)
        )
    if user.role == Role.DISCIPLINE:
        return Q(duty__kind=DutyKind.RECTIFICATION, org__path__startswith=scope_path(user))
    if user.role == Role.ORG_STAFF:
        return Q(duty__lead_org__path__startswith=user.org.path) & ~Q(org_id=F("duty__lead_org_id"))
    return None


def can_decompose(user: Any, duty: Any) -> bool:
    """Who breaks a duty into steps (待分解): the staff of its lead organisation (or of one
    above it), or the plan office of its department for a lead that cannot."""
    if user.org is None or not user.is_active or duty.lead_org is None:
        return False
    if user.role == Role.ORG_STAFF:
        return bool(duty.lead_org.path.startswith(user.org.path))
    root = scope_path(user)
    return user.role == Role.PLAN_OFFICE and root is not None and duty.unit.path.startswith(root)


REPORTABLE = (*OWED, OccurrenceStatus.RETURNED)


def can_report(user: Any, occurrence: Occurrence) -> bool:
    """The user may report now: in their report scope, and the occurrence is owed or returned."""
    scope = report_scope(user)
    if scope is None or occurrence.status not in REPORTABLE:
        return False
    return Occurrence.objects.filter(scope, pk=occurrence.pk).exists()


def can_review(user: Any, occurrence: Occurrence) -> bool:
    scope = review_scope(user)
    return scope is not None and Occurrence.objects.filter(scope, pk=occurrence.pk).exists()


def reviewable_by(user: Any) -> QuerySet[Occurrence]:
    """Occurrences waiting for this user's review (待我审核)."""
    scope = review_scope(user)
    if scope is None:
        return Occurrence.objects.none()
    return Occurrence.objects.filter(scope, status=OccurrenceStatus.SUBMITTED)


def can_request_extension(user: Any, occurrence: Occurrence, today: dt.date | None = None) -> bool:
    """申请延期: whoever may report the occurrence, while it is owed or returned and its due
    date has not passed (an extension is asked before the due date, not after)."""
    today = today or timezone.localdate()
    return occurrence.due_date >= today and can_report(user, occurrence)


def can_adjust(user: Any, occurrence: Occurrence) -> bool:
    """The plan office changes work after publishing (decides extensions, reassigns,
    adds or withdraws organisations, moves due dates) for occurrences of its department."""
    return (
        user.role == Role.PLAN_OFFICE
        and user.is_active
        and Occurrence.objects.visible_to(user).filter(pk=occurrence.pk).exists()
    )


def can_adjust_duty(user: Any, duty: Any) -> bool:
    """The same rule for a whole duty: the plan office of the department it belongs to."""
    root = scope_path(user)
    return (
        user.role == Role.PLAN_OFFICE
        and user.is_active
        and root is not None
        and duty.unit.path.startswith(root)
    )
