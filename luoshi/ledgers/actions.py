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
    CommunityRegistration,
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
from luoshi.work.rules import REPORTABLE
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
            # A period already done, or waiting for the review of a report, keeps its state:
            # the meeting is recorded all the same.
            if occurrence is not None and occurrence.status in REPORTABLE:
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


def register_community(
    *, acting_user: Any, community: str, date: dt.date, person: Person | None = None
) -> CommunityRegistration:
    """双报到: a member registers with a community (replacing an earlier registration)."""
    person = _person_for(acting_user, person)
    _check_date(date)
    community = (community or "").strip()[:100]
    if not community:
        raise ActionRefused("请填写报到社区。")
    with transaction.atomic():
        before = (
            CommunityRegistration.objects.filter(person=person).values_list("community", flat=True).first()
        )
        registration, _ = CommunityRegistration.objects.update_or_create(
            person=person,
            defaults={
                "org": person.org,
                "community": community,
                "registered_on": date,
                "created_by": acting_user,
            },
        )
        record(
            AuditAction.UPDATE if before else AuditAction.CREATE,
            actor=acting_user,
            obj=registration,
            object_repr=f"社区报到：{person.name}"[:200],
            before={"community": before} if before else None,
            after={"community": community, "date": date.isoformat()},
        )
    return registration


def record_service(
    *,
    acting_user: Any,
    date: dt.date,
    community: str,
    hours: Any,
    content: str,
    person: Person | None = None,
) -> ServiceRecord:
    """双报到: service given in the community, with hours; the community defaults to the
    one the member registered with."""
    person = _person_for(acting_user, person)
    _check_date(date)
    if not (community or "").strip():
        community = (
            CommunityRegistration.objects.filter(person=person).values_list("community", flat=True).first()
            or ""
        )
    if not (community or "").strip():
        raise ActionRefused("请填写报到社区（或先登记社区报到）。")
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


# --- 三个清单 ----------------------------------------------------------------------------


def save_list(*, acting_user: Any, org: Organization, year: int, kind: str, items: Sequence[str]) -> Any:
    """Replaces the items of one of an organisation's 三个清单 for a year."""
    from luoshi.ledgers.choices import ListKind
    from luoshi.ledgers.models import ResponsibilityItem, ResponsibilityList

    if not can_record_for(acting_user, org):
        raise refuse_access("您不能维护该组织的责任清单。", actor=acting_user, obj=org)
    if kind not in ListKind.values:
        raise ActionRefused("请选择清单类型。")
    texts = [t.strip()[:500] for t in items if t and t.strip()]
    if not texts:
        raise ActionRefused("清单至少应有一项责任内容。")
    if len(texts) > 200:
        raise ActionRefused("一份清单最多200项。")
    with transaction.atomic():
        found, _ = ResponsibilityList.objects.update_or_create(
            org=org, year=year, kind=kind, defaults={"updated_by": acting_user}
        )
        before = list(found.items.values_list("text", flat=True))
        found.items.all().delete()
        ResponsibilityItem.objects.bulk_create(
            [ResponsibilityItem(responsibility_list=found, order=i, text=t) for i, t in enumerate(texts, 1)]
        )
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=found,
            object_repr=str(found)[:200],
            before={"items": before},
            after={"items": texts},
        )
    return found


# --- 责任书 ------------------------------------------------------------------------------

PARTY_KINDS = (OrgKind.PARTY_GROUP, OrgKind.PARTY_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)
LETTER_TEMPLATE = (
    "{year}年度党风廉政建设责任书\n\n"
    "为深入推进全面从严治党，落实党风廉政建设主体责任，{issuer}与{signer}签订本责任书。\n"
    "一、{signer}对本组织党风廉政建设负主体责任，书记为第一责任人，班子成员履行“一岗双责”。\n"
    "二、按照主体责任清单、第一责任人清单、一岗双责清单抓好落实，年底前报告履责情况。\n"
    "三、本责任书一式两份，{issuer}、{signer}各执一份。"
)


def _issuer_of(org: Organization, parties: dict[int, Organization]) -> Organization | None:
    for pk in reversed(org.ancestor_ids()):
        if pk in parties:
            return parties[pk]
    return None


def issue_letters(
    *, acting_user: Any, unit: Organization, year: int, template: str = "", due_month: int = 3
) -> int:
    """Generates the year's letters level by level — each Party organisation under `unit`
    with the one above it — from the template ({year}, {issuer}, {signer}); each letter is
    a LETTER duty of its signer, due at the end of `due_month`. Organisations that already
    have the year's letter are skipped. Returns how many were issued."""
    from luoshi.ledgers.models import Letter

    _require_office(acting_user, "只有机关党委管理员可以下发责任书。")
    template = (template or LETTER_TEMPLATE).strip()
    if not 1 <= due_month <= 12:
        raise ActionRefused("签订时限月份应为1至12。")
    try:
        template.format(year=year, issuer="", signer="")
    except (KeyError, IndexError, ValueError):
        raise ActionRefused("责任书模板只能使用 {year}、{issuer}、{signer} 三个占位符。") from None
    parties = {o.pk: o for o in unit.subtree().filter(kind__in=PARTY_KINDS, is_active=True)}
    have = set(Letter.objects.filter(year=year).values_list("signer_id", flat=True))
    pairs = [
        (issuer, org)
        for org in sorted(parties.values(), key=lambda o: o.path)
        if org.pk != unit.pk and org.pk not in have and (issuer := _issuer_of(org, parties)) is not None
    ]
    if not pairs:
        return 0
    specs = [
        work_actions.DutySpec(
            f"签订{year}年党风廉政建设责任书（{issuer.display_name}—{org.display_name}）",
            issuer,
            [org],
            {"schedule_kind": ScheduleKind.ONCE, "when": f"{year}-{due_month:02d}"},
        )
        for issuer, org in pairs
    ]
    with transaction.atomic():
        try:
            duties, _count = work_actions.create_duties(
                acting_user=acting_user, unit=unit, year=year, kind=DutyKind.LETTER, specs=specs
            )
        except CalendarMissing as missing:
            raise ActionRefused(str(missing)) from None
        Letter.objects.bulk_create(
            [
                Letter(
                    duty=duty,
                    year=year,
                    issuer=issuer,
                    signer=org,
                    text=template.format(year=year, issuer=issuer.name, signer=org.name),
                )
                for duty, (issuer, org) in zip(duties, pairs, strict=True)
            ]
        )
        record(
            AuditAction.CREATE,
            actor=acting_user,
            object_type="ledgers.letter",
            object_repr=f"{year}年党风廉政建设责任书",
            message=f"下发{len(pairs)}份责任书",
        )
    return len(pairs)


def can_sign(user: Any, letter: Any) -> bool:
    """The signer's organisation staff, or the plan office for any letter of the department."""
    return can_record_for(user, letter.signer)


def sign_letter(*, acting_user: Any, letter: Any, signer_name: str, scan: Any = None) -> Any:
    """Signs a letter: an uploaded scan of the paper letter, or the signer's in-system
    confirmation (their name). Level by level: the letter above must be signed first. The
    letter's duty is done."""
    from luoshi.ledgers.choices import LetterStatus
    from luoshi.ledgers.models import Letter

    if not can_sign(acting_user, letter):
        raise refuse_access("您不能签订该责任书。", actor=acting_user, obj=letter)
    signer_name = (signer_name or "").strip()[:50]
    if not signer_name:
        raise ActionRefused("请填写签订人姓名（本组织书记）。")
    above = Letter.objects.filter(year=letter.year, signer=letter.issuer).first()
    if above is not None and above.status != LetterStatus.SIGNED:
        raise ActionRefused(f"上级“{above.signer.name}”的责任书尚未签订，请按层级逐级签订。")
    stored = _store_files([("scan", scan)])[0] if scan is not None else None
    try:
        with transaction.atomic():
            locked = Letter.objects.select_for_update().get(pk=letter.pk)
            if locked.status == LetterStatus.SIGNED:
                raise ActionRefused("该责任书已签订。")
            locked.status = LetterStatus.SIGNED
            locked.signed_by, locked.signed_at, locked.signer_name = acting_user, timezone.now(), signer_name
            if stored:
                for name in ("original_name", "stored_name", "content_type", "size", "sha256"):
                    setattr(locked, name, stored[name])
            locked.save()
            record(
                AuditAction.UPDATE,
                actor=acting_user,
                obj=locked,
                object_repr=str(locked)[:200],
                after={"signer": signer_name, "scan": stored["original_name"] if stored else None},
            )
            occurrence = locked.duty.occurrences.filter(org=locked.signer).first()
            if occurrence is not None and occurrence.status in REPORTABLE:
                work_actions.satisfy_occurrence(
                    acting_user=acting_user, occurrence=occurrence, record_label=str(locked)
                )
    except Exception:
        if stored:
            discard(stored["stored_name"])
        raise
    return locked


# --- 为民实事 ----------------------------------------------------------------------------

PRACTICAL_TITLE = "结合处室（单位）职能，确定1件为民实事"


def set_practical_target(*, acting_user: Any, unit: Organization, year: int) -> Any:
    """The year's target: every active division owes one practical matter by year end."""
    from luoshi.ledgers.models import PracticalTarget

    _require_office(acting_user, "只有机关党委管理员可以下达为民实事目标。")
    existing = PracticalTarget.objects.filter(year=year).first()
    if existing:
        return existing
    divisions = list(unit.subtree().filter(kind=OrgKind.DIVISION, is_active=True).order_by("path"))
    if not divisions:
        raise ActionRefused("没有在用的处室（单位）。")
    with transaction.atomic():
        try:
            (duty,), _ = work_actions.create_duties(
                acting_user=acting_user,
                unit=unit,
                year=year,
                kind=DutyKind.PRACTICAL,
                specs=[
                    work_actions.DutySpec(PRACTICAL_TITLE, acting_user.org, divisions, {"when": "year-end"})
                ],
            )
        except CalendarMissing as missing:
            raise ActionRefused(str(missing)) from None
        target = PracticalTarget.objects.create(duty=duty, year=year)
        record(AuditAction.CREATE, actor=acting_user, obj=target, object_repr=str(target))
    return target


def register_matter(
    *, acting_user: Any, org: Organization, year: int, title: str, description: str = ""
) -> Any:
    """A division registers its matter; it answers the division's occurrence of the target."""
    from luoshi.ledgers.models import PracticalMatter, PracticalTarget

    if not can_record_for(acting_user, org):
        raise refuse_access("您不能为该处室登记为民实事。", actor=acting_user, obj=org)
    if org.kind != OrgKind.DIVISION:
        raise ActionRefused("为民实事由处室（单位）登记。")
    if not (title or "").strip():
        raise ActionRefused("请填写实事名称。")
    target = PracticalTarget.objects.filter(year=year).first()
    occurrence = target.duty.occurrences.filter(org=org).first() if target else None
    with transaction.atomic():
        matter = PracticalMatter.objects.create(
            org=org,
            year=year,
            title=title.strip()[:200],
            description=(description or "").strip()[:5000],
            occurrence=occurrence,
            created_by=acting_user,
        )
        if occurrence is not None and occurrence.status == OccurrenceStatus.NOT_STARTED:
            Occurrence.objects.filter(pk=occurrence.pk).update(status=OccurrenceStatus.IN_PROGRESS)
            from luoshi.work.models import StatusChange

            StatusChange.objects.create(
                occurrence=occurrence,
                old=OccurrenceStatus.NOT_STARTED,
                new=OccurrenceStatus.IN_PROGRESS,
                by=acting_user,
                reason=f"登记为民实事：{matter.title}"[:300],
            )
        record(
            AuditAction.CREATE, actor=acting_user, obj=matter, object_repr=f"为民实事：{matter.title}"[:200]
        )
    return matter


def _matter_for_update(acting_user: Any, matter: Any) -> Any:
    from luoshi.ledgers.choices import MatterStatus
    from luoshi.ledgers.models import PracticalMatter

    if not can_record_for(acting_user, matter.org):
        raise refuse_access("您不能办理该为民实事。", actor=acting_user, obj=matter)
    locked = PracticalMatter.objects.select_for_update().get(pk=matter.pk)
    if locked.status == MatterStatus.CLOSED:
        raise ActionRefused("该为民实事已办结。")
    return locked


def report_matter_progress(*, acting_user: Any, matter: Any, text: str) -> Any:
    from luoshi.ledgers.models import MatterProgress

    text = (text or "").strip()
    if not text:
        raise ActionRefused("请填写进展情况。")
    with transaction.atomic():
        locked = _matter_for_update(acting_user, matter)
        progress = MatterProgress.objects.create(matter=locked, text=text[:1000], by=acting_user)
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=locked,
            object_repr=f"为民实事进展：{locked.title}"[:200],
            after={"progress": text[:200]},
        )
    return progress


def close_matter(*, acting_user: Any, matter: Any, closure: str, files: Sequence[Any]) -> Any:
    """Closes a matter with what was done and its evidence (at least one file); the
    division's occurrence of the target is done."""
    from luoshi.ledgers.choices import MatterStatus
    from luoshi.ledgers.models import MatterFile

    closure = (closure or "").strip()
    if not closure:
        raise ActionRefused("请填写办结情况。")
    if not files:
        raise ActionRefused("请上传办结佐证材料。")
    if not can_record_for(acting_user, matter.org):
        raise refuse_access("您不能办理该为民实事。", actor=acting_user, obj=matter)
    stored = _store_files([("file", f) for f in files])
    try:
        with transaction.atomic():
            locked = _matter_for_update(acting_user, matter)
            locked.status, locked.closed_at, locked.closure = (
                MatterStatus.CLOSED,
                timezone.now(),
                closure[:5000],
            )
            locked.save()
            MatterFile.objects.bulk_create(
                [MatterFile(matter=locked, **{k: v for k, v in s.items() if k != "kind"}) for s in stored]
            )
            record(
                AuditAction.UPDATE,
                actor=acting_user,
                obj=locked,
                object_repr=f"办结为民实事：{locked.title}"[:200],
                after={"files": [s["original_name"] for s in stored]},
            )
            occ = Occurrence.objects.filter(pk=locked.occurrence_id).first() if locked.occurrence_id else None
            if occ is not None and occ.status in REPORTABLE:
                work_actions.satisfy_occurrence(
                    acting_user=acting_user, occurrence=occ, record_label=f"为民实事：{locked.title}"
                )
    except Exception:
        for s in stored:
            discard(s["stored_name"])
        raise
    return locked
