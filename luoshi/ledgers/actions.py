"""Operations on the ledgers: meeting rules and the duties they become, recording a
meeting with its attendance (which closes the period's occurrence), attaching a meeting
to any other occurrence, and members' study and service records.

Each takes `acting_user` by keyword, checks permission itself, runs in one transaction
and writes its audit row there; a refused input saves nothing (files included).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.errors import ActionRefused, refuse_access
from luoshi.core.scope import scope_path
from luoshi.ledgers.choices import MeetingKind, StudyMethod
from luoshi.ledgers.models import (
    Attendance,
    Meeting,
    MeetingDuty,
    MeetingFile,
    MeetingLink,
    MeetingRule,
    ServiceRecord,
    StudyRecord,
)
from luoshi.orgs.choices import OrgKind, PartyStatus, PostKind
from luoshi.orgs.models import Organization, Person
from luoshi.work import actions as work_actions
from luoshi.work.calendar import CalendarMissing
from luoshi.work.choices import DutyKind, Frequency, OccurrenceStatus, ScheduleKind
from luoshi.work.models import Occurrence
from luoshi.work.uploads import discard

# The usual frequencies (三会一课, 主题党日) for a 党支部; changed on the rules page.
DEFAULT_RULES = [
    (MeetingKind.GENERAL, OrgKind.BRANCH, Frequency.QUARTERLY),
    (MeetingKind.COMMITTEE, OrgKind.BRANCH, Frequency.MONTHLY),
    (MeetingKind.GROUP, OrgKind.BRANCH, Frequency.MONTHLY),
    (MeetingKind.LECTURE, OrgKind.BRANCH, Frequency.QUARTERLY),
    (MeetingKind.THEME_DAY, OrgKind.BRANCH, Frequency.MONTHLY),
]


def filing_workdays() -> int:
    """Working days after a meeting within which its record is to be filed."""
    return int(getattr(settings, "LUOSHI_MEETING_FILING_WORKDAYS", 5))


def ensure_default_rules() -> None:
    if not MeetingRule.objects.exists():
        MeetingRule.objects.bulk_create(
            [MeetingRule(meeting_kind=m, org_kind=o, freq=f) for m, o, f in DEFAULT_RULES],
            ignore_conflicts=True,
        )


def _require_office(user: Any, message: str) -> None:
    if getattr(user, "role", None) != Role.PLAN_OFFICE:
        raise refuse_access(message, actor=user)


def set_rule(*, acting_user: Any, meeting_kind: str, org_kind: str, freq: str | None, count: int = 1) -> None:
    """Sets (or, with no frequency, removes) the required frequency of a meeting kind."""
    _require_office(acting_user, "只有机关党委管理员可以设置会议频次。")
    if meeting_kind not in MeetingKind.values or org_kind not in OrgKind.values:
        raise ActionRefused("会议类型或组织类型无效。")
    if freq and freq not in Frequency.values:
        raise ActionRefused("频次无效。")
    if not 1 <= count <= 31:
        raise ActionRefused("每期次数应为 1 至 31。")
    with transaction.atomic():
        if not freq:
            MeetingRule.objects.filter(meeting_kind=meeting_kind, org_kind=org_kind).delete()
        else:
            MeetingRule.objects.update_or_create(
                meeting_kind=meeting_kind,
                org_kind=org_kind,
                defaults={"freq": freq, "count_per_period": count},
            )
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            object_type="ledgers.meetingrule",
            object_id=f"{meeting_kind}/{org_kind}",
            object_repr=f"会议频次：{OrgKind(org_kind).label}{MeetingKind(meeting_kind).label}",
            after={"freq": freq, "count": count},
        )


def schedule_meeting_duties(*, acting_user: Any, unit: Organization, year: int) -> tuple[int, int]:
    """Turns every meeting rule into a MEETING duty of `year` for the active organisations
    of its kind under `unit`, so they are reminded and coloured like any task. A rule
    already scheduled for the year is skipped. Returns (duties, occurrences) created."""
    _require_office(acting_user, "只有机关党委管理员可以生成会议任务。")
    ensure_default_rules()
    done = set(
        MeetingDuty.objects.filter(duty__unit=unit, duty__year=year).values_list("meeting_kind", "org_kind")
    )
    rules = [r for r in MeetingRule.objects.all() if (r.meeting_kind, r.org_kind) not in done]
    specs, kept = [], []
    for rule in rules:
        orgs = list(unit.subtree().filter(kind=rule.org_kind, is_active=True).order_by("path"))
        if not orgs:
            continue
        schedule = {
            "schedule_kind": ScheduleKind.RECURRING,
            "freq": rule.freq,
            "count_per_period": rule.count_per_period,
            "schedule_text": rule.label,
        }
        title = f"{rule.get_meeting_kind_display()}（{rule.label}）"
        specs.append(work_actions.DutySpec(title, acting_user.org, orgs, schedule))
        kept.append(rule)
    if not specs:
        return 0, 0
    with transaction.atomic():
        try:
            duties, count = work_actions.create_duties(
                acting_user=acting_user, unit=unit, year=year, kind=DutyKind.MEETING, specs=specs
            )
        except CalendarMissing as missing:
            raise ActionRefused(str(missing)) from None
        MeetingDuty.objects.bulk_create(
            [
                MeetingDuty(duty=d, meeting_kind=r.meeting_kind, org_kind=r.org_kind)
                for d, r in zip(duties, kept, strict=True)
            ]
        )
        record(
            AuditAction.CREATE,
            actor=acting_user,
            object_type="ledgers.meetingduty",
            object_repr=f"{year}年会议任务",
            message=f"生成{len(duties)}项会议任务、{count}个事项",
        )
    return len(duties), count


# --- the roster ------------------------------------------------------------------------


def roster(org: Organization, on: dt.date) -> QuerySet[Person]:
    """The members of `org` on a day: a 党员 post begun by then and not yet ended. Members
    join and leave over time, so a meeting's roster is the one of its date."""
    posts = Q(posts__org=org, posts__kind=PostKind.MEMBER) & (
        Q(posts__started_on__isnull=True) | Q(posts__started_on__lte=on)
    )
    posts &= Q(posts__ended_on__isnull=True) | Q(posts__ended_on__gte=on)
    return Person.objects.filter(posts).exclude(party_status=PartyStatus.NONE).distinct().order_by("id")


# --- meetings --------------------------------------------------------------------------


def can_record_for(user: Any, org: Organization) -> bool:
    """Organisation staff record for their subtree; the plan office for the department."""
    root = scope_path(user)
    if root is None or not org.path.startswith(root):
        return False
    if user.role == Role.PLAN_OFFICE:
        return True
    return user.role == Role.ORG_STAFF and user.org is not None and org.path.startswith(user.org.path)


@dataclass
class MeetingInput:
    org: Organization
    kind: str
    date: dt.date
    place: str
    topic: str
    host: Person | None = None
    recorder: Person | None = None
    content: str = ""
    first_topic: bool = False
    studied: str = ""
    leader: Person | None = None
    vote_held: bool = False
    present: Sequence[int] = ()
    absent: dict[int, str] = field(default_factory=dict)


def _store_files(files: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    from luoshi.work.uploads import store_upload

    stored: list[dict[str, Any]] = []
    try:
        for kind, upload in files:
            stored.append(store_upload(upload) | {"kind": kind})
    except Exception:
        for item in stored:
            discard(item["stored_name"])
        raise
    return stored


def _validate_meeting(data: MeetingInput, today: dt.date) -> tuple[list[Person], dict[int, bool]]:
    if data.kind not in MeetingKind.values:
        raise ActionRefused("请选择会议类型。")
    if data.date > today:
        raise ActionRefused("会议日期不能晚于今天：先开会，后登记。")
    if data.date.year < 2000:
        raise ActionRefused("会议日期无效。")
    if not data.place.strip():
        raise ActionRefused("请填写会议地点。")
    if not data.topic.strip():
        raise ActionRefused("请填写会议主题。")
    if data.kind == MeetingKind.CENTRE_GROUP and data.first_topic and not data.studied.strip():
        raise ActionRefused("第一议题请填写所学内容（如学习的讲话、文件）。")
    if data.kind == MeetingKind.DUAL and data.leader is None:
        raise ActionRefused("双重组织生活请选择参加的领导干部。")
    members = list(roster(data.org, data.date))
    ids = {p.pk for p in members}
    present, absent = set(data.present), set(data.absent)
    strangers = (present | absent) - ids
    if strangers:
        names = "、".join(Person.objects.filter(pk__in=strangers).values_list("name", flat=True)[:5])
        raise ActionRefused(f"{names or '所选人员'}不在{data.date}的党员名册中。")
    if present & absent:
        raise ActionRefused("同一人不能既到会又缺席。")
    missing = [p.name for p in members if p.pk not in present and not (data.absent.get(p.pk) or "").strip()]
    if missing:
        raise ActionRefused(f"请填写缺席原因：{'、'.join(missing[:10])}。")
    for person, role in ((data.host, "主持人"), (data.recorder, "记录人")):
        if person is not None and person.pk not in ids and person.pk != getattr(data.leader, "pk", None):
            raise ActionRefused(f"{role}应为本组织党员。")
    return members, {p.pk: p.pk in present for p in members}


def quorum_met(members: Sequence[Person], present: dict[int, bool]) -> bool:
    """到会过半数: present full members (预备党员 have no vote) exceed half of the full members."""
    voters = [p for p in members if p.party_status == PartyStatus.FULL]
    return 2 * sum(1 for p in voters if present.get(p.pk)) > len(voters)


def _occurrence_for(meeting: Meeting) -> Occurrence | None:
    """The open occurrence of the meeting duty this meeting meets: same organisation and
    kind, the period containing its date."""
    return (
        Occurrence.objects.filter(
            org=meeting.org,
            duty__meeting_duty__meeting_kind=meeting.kind,
            duty__year=meeting.date.year,
            period_start__lte=meeting.date,
        )
        .select_related("duty")
        .order_by("-period_start")
        .first()
    )


def record_meeting(*, acting_user: Any, data: MeetingInput, files: Iterable[tuple[str, Any]] = ()) -> Meeting:
    """Records a meeting held, with attendance from the roster of its date, minutes and
    photos; the period's occurrence of the matching meeting duty is done. The record's
    lateness (filed more than N working days after the meeting) and, for a vote, the
    quorum are kept on it."""
    if not can_record_for(acting_user, data.org):
        raise refuse_access("您不能为该组织登记会议。", actor=acting_user, obj=data.org)
    today = timezone.localdate()
    members, present = _validate_meeting(data, today)
    met = quorum_met(members, present)
    if data.vote_held and data.kind != MeetingKind.GENERAL:
        raise ActionRefused("只有支部党员大会可以进行表决。")
    try:
        calendar = work_actions.load_calendar({data.date.year, today.year})
        workdays = calendar.workdays_between(data.date, today)
    except CalendarMissing:
        workdays = (today - data.date).days
    stored = _store_files(files)
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                org=data.org,
                kind=data.kind,
                date=data.date,
                place=data.place.strip()[:100],
                host=data.host,
                recorder=data.recorder,
                topic=data.topic.strip()[:200],
                content=data.content.strip()[:10000],
                first_topic=data.first_topic,
                studied=data.studied.strip()[:500],
                leader=data.leader,
                vote_held=data.vote_held,
                quorum_met=met,
                expected=len(members),
                present=sum(present.values()),
                filed_on=today,
                filed_workdays=workdays,
                filed_late=workdays > filing_workdays(),
                created_by=acting_user,
            )
            Attendance.objects.bulk_create(
                [
                    Attendance(
                        meeting=meeting,
                        person=p,
                        present=present[p.pk],
                        reason="" if present[p.pk] else data.absent.get(p.pk, "").strip()[:100],
                    )
                    for p in members
                ]
            )
            MeetingFile.objects.bulk_create([MeetingFile(meeting=meeting, **item) for item in stored])
            record(
                AuditAction.CREATE,
                actor=acting_user,
                obj=meeting,
                object_repr=f"会议记录：{meeting.label}"[:200],
                after={"present": meeting.present, "expected": meeting.expected, "files": len(stored)},
            )
            occurrence = _occurrence_for(meeting)
            if occurrence is not None and occurrence.status != OccurrenceStatus.DONE:
                _link(acting_user, meeting, occurrence)
    except Exception:
        for item in stored:
            discard(item["stored_name"])
        raise
    return meeting


def _link(acting_user: Any, meeting: Meeting, occurrence: Occurrence) -> MeetingLink:
    work_actions.satisfy_occurrence(
        acting_user=acting_user, occurrence=occurrence, record_label=meeting.label
    )
    return MeetingLink.objects.create(meeting=meeting, occurrence=occurrence, linked_by=acting_user)


def attach_meeting(*, acting_user: Any, meeting: Meeting, occurrence: Occurrence) -> MeetingLink:
    """A meeting answers another occurrence (one record, every duty it meets): the
    occurrence is done, naming the meeting. The occurrence must be the meeting's
    organisation's (or above it) and still open; each occurrence is answered once."""
    if not Meeting.objects.visible_to(acting_user).filter(pk=meeting.pk).exists():
        raise refuse_access("您不能使用该会议记录。", actor=acting_user, obj=meeting)
    if not meeting.org.path.startswith(occurrence.org.path):
        raise ActionRefused("会议记录只能用于本组织或上级组织的事项。")
    if MeetingLink.objects.filter(occurrence=occurrence).exists():
        raise ActionRefused("该事项已关联会议记录，不能重复报送。")
    with transaction.atomic():
        return _link(acting_user, meeting, occurrence)


def attachable_occurrences(user: Any, meeting: Meeting) -> QuerySet[Occurrence]:
    """Open occurrences the user may close with this meeting."""
    from luoshi.work import rules

    scope = rules.report_scope(user)
    if scope is None:
        return Occurrence.objects.none()
    ancestors = [meeting.org.path[:i] for i in range(7, len(meeting.org.path) + 1, 7)]
    return (
        Occurrence.objects.filter(
            scope, org__path__in=ancestors, status__in=rules.REPORTABLE, duty__year=meeting.date.year
        )
        .exclude(meeting_link__isnull=False)
        .select_related("duty", "org")
        .order_by("due_date", "id")
    )


# --- study and service -----------------------------------------------------------------


def _hours(value: Any, label: str) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ActionRefused(f"{label}须为数字，如 1.5。") from None
    if not hours.is_finite() or not Decimal("0.5") <= hours <= Decimal("24"):
        raise ActionRefused(f"{label}应在 0.5 至 24 小时之间。")
    return hours.quantize(Decimal("0.1"))


def _person_for(acting_user: Any, person: Person | None) -> Person:
    """A member records for themself; organisation staff for a member in their subtree."""
    if acting_user.role == Role.MEMBER:
        if acting_user.person_id is None:
            raise ActionRefused("您的账户未关联党员信息，请联系组织管理员。")
        if person is not None and person.pk != acting_user.person_id:
            raise refuse_access("只能登记本人的记录。", actor=acting_user, obj=person)
        return Person.objects.select_related("org").get(pk=acting_user.person_id)
    if person is None:
        raise ActionRefused("请选择党员。")
    if acting_user.role != Role.ORG_STAFF or not person.org.path.startswith(acting_user.org.path):
        raise refuse_access("您不能为该党员登记记录。", actor=acting_user, obj=person)
    return person


def _check_date(date: dt.date) -> None:
    if date > timezone.localdate():
        raise ActionRefused("日期不能晚于今天。")
    if date.year < 2000:
        raise ActionRefused("日期无效。")


def record_study(
    *,
    acting_user: Any,
    date: dt.date,
    title: str,
    hours: Any,
    method: str,
    person: Person | None = None,
) -> StudyRecord:
    """A study record: what, when, how long, how."""
    person = _person_for(acting_user, person)
    _check_date(date)
    if not (title or "").strip():
        raise ActionRefused("请填写学习内容。")
    if method not in StudyMethod.values:
        raise ActionRefused("请选择学习方式。")
    value = _hours(hours, "学时")
    with transaction.atomic():
        study = StudyRecord.objects.create(
            person=person,
            org=person.org,
            date=date,
            title=title.strip()[:200],
            hours=value,
            method=method,
            created_by=acting_user,
        )
        record(AuditAction.CREATE, actor=acting_user, obj=study, object_repr=f"学习记录：{person.name}")
    return study


def record_service(
    *,
    acting_user: Any,
    date: dt.date,
    community: str,
    hours: Any,
    content: str,
    person: Person | None = None,
) -> ServiceRecord:
    """双报到: service given in the community, with hours."""
    person = _person_for(acting_user, person)
    _check_date(date)
    if not (community or "").strip():
        raise ActionRefused("请填写报到社区。")
    if not (content or "").strip():
        raise ActionRefused("请填写服务内容。")
    value = _hours(hours, "服务时长")
    with transaction.atomic():
        service = ServiceRecord.objects.create(
            person=person,
            org=person.org,
            community=community.strip()[:100],
            date=date,
            hours=value,
            content=content.strip()[:200],
            created_by=acting_user,
        )
        record(AuditAction.CREATE, actor=acting_user, obj=service, object_repr=f"志愿服务：{person.name}")
    return service
