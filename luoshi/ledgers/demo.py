"""Demo ledgers: the current year's meeting duties, every branch's meetings with
attendance up to today (two branches missed a month, so those months are red), a 中心组
学习 with its 第一议题, and dangyuan1's study and service. Bulk inserts, so the demo stays
quick to build; deterministic by seed."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.ledgers.actions import roster, schedule_meeting_duties
from luoshi.ledgers.choices import MeetingKind, StudyMethod
from luoshi.ledgers.models import (
    Attendance,
    CommunityRegistration,
    Meeting,
    MeetingLink,
    ServiceRecord,
    StudyRecord,
)
from luoshi.orgs.choices import OrgKind
from luoshi.orgs.models import Organization
from luoshi.work.actions import load_calendar, mark_overdue
from luoshi.work.choices import OccurrenceStatus
from luoshi.work.models import Occurrence, StatusChange

MONTHLY = [
    (MeetingKind.COMMITTEE, 8, "研究支部月度工作"),
    (MeetingKind.GROUP, 12, "学习交流"),
    (MeetingKind.THEME_DAY, 20, "主题党日活动"),
]
QUARTERLY = [(MeetingKind.GENERAL, 15, "支部党员大会"), (MeetingKind.LECTURE, 22, "书记讲党课")]
REASONS = ["公差", "病假", "年休假", "参加培训"]
# (branch index in tree order, meeting kind, month): meetings the demo leaves out.
MISSED = {(3, MeetingKind.THEME_DAY, 3), (7, MeetingKind.COMMITTEE, 6)}


def build(seed: int = 2022) -> dict[str, Any]:
    from luoshi.demo_year import current_demo_year

    today = timezone.localdate()
    year, _note = current_demo_year(today)
    office = User.objects.get(username="jgdw")
    unit = Organization.objects.get(path=office.org.path[:7])
    schedule_meeting_duties(acting_user=office, unit=unit, year=year)
    calendar = load_calendar([year])
    rng = random.Random(seed)
    last_month = today.month - 1 if year == today.year else 12
    occurrences = {
        (o.duty.meeting_duty.meeting_kind, o.org_id, o.period): o
        for o in Occurrence.objects.filter(duty__year=year, duty__meeting_duty__isnull=False).select_related(
            "duty__meeting_duty"
        )
    }
    branches = list(Organization.objects.filter(kind=OrgKind.BRANCH, is_active=True).order_by("path"))
    meetings: list[Meeting] = []
    plans: list[tuple[Meeting, list[Any], str]] = []
    for index, branch in enumerate(branches):
        members = list(roster(branch, dt.date(year, 1, 1)))
        if not members:
            continue
        for month in range(1, last_month + 1):
            wanted = [(k, d, t, f"{year}年{month}月") for k, d, t in MONTHLY]
            if month % 3 == 0:
                wanted += [(k, d, t, f"{year}年第{month // 3}季度") for k, d, t in QUARTERLY]
            for kind, day, topic, period in wanted:
                if (index, kind, month) in MISSED:
                    continue
                date = calendar.last_workday_on_or_before(dt.date(year, month, day))
                absent = set(rng.sample(range(len(members)), rng.choice((0, 1, 1, 2))))
                m = Meeting(
                    org=branch,
                    kind=kind,
                    date=date,
                    place="支部活动室",
                    host=members[0],
                    recorder=members[min(2, len(members) - 1)],
                    topic=f"{month}月{topic}",
                    content="传达学习上级精神，研究部署支部工作。",
                    first_topic=kind == MeetingKind.COMMITTEE,
                    studied="习近平总书记最新重要讲话精神" if kind == MeetingKind.COMMITTEE else "",
                    expected=len(members),
                    present=len(members) - len(absent),
                    filed_on=calendar.next_workday_on_or_after(date + dt.timedelta(days=1)),
                    filed_workdays=1,
                    created_by=office,
                )
                meetings.append(m)
                plans.append((m, [(p, i not in absent) for i, p in enumerate(members)], period))
    leaders = list(roster(unit, dt.date(year, 1, 1)))
    for month in (m for m in (2, 5, 8, 11) if m <= last_month and leaders):
        m = Meeting(
            org=unit,
            kind=MeetingKind.CENTRE_GROUP,
            date=calendar.last_workday_on_or_before(dt.date(year, month, 25)),
            place="厅第一会议室",
            host=leaders[0],
            recorder=leaders[-1],
            topic=f"{year}年第{(month + 1) // 3}次理论学习中心组学习",
            content="围绕第一议题集体学习并交流研讨。",
            first_topic=True,
            studied="习近平总书记关于全面从严治党的重要论述",
            expected=len(leaders),
            present=len(leaders),
            filed_on=calendar.next_workday_on_or_after(dt.date(year, month, 26)),
            filed_workdays=1,
            created_by=office,
        )
        meetings.append(m)
        plans.append((m, [(p, True) for p in leaders], ""))
    Meeting.objects.bulk_create(meetings, batch_size=500)
    attendance, links, changes, done = [], [], [], []
    now = timezone.now()
    for m, marks, period in plans:
        attendance += [
            Attendance(meeting=m, person=p, present=ok, reason="" if ok else rng.choice(REASONS))
            for p, ok in marks
        ]
        occ = occurrences.get((m.kind, m.org_id, period))
        if occ is not None and occ.status != OccurrenceStatus.DONE:
            links.append(MeetingLink(meeting=m, occurrence=occ, linked_by=office))
            changes.append(
                StatusChange(
                    occurrence=occ,
                    old=occ.status,
                    new=OccurrenceStatus.DONE,
                    by=office,
                    reason=f"以记录办结：{m.label}",
                )
            )
            occ.status = OccurrenceStatus.DONE
            done.append(occ.pk)
    Attendance.objects.bulk_create(attendance, batch_size=1000)
    MeetingLink.objects.bulk_create(links, batch_size=1000)
    StatusChange.objects.bulk_create(changes, batch_size=1000)
    Occurrence.objects.filter(pk__in=done).update(
        status=OccurrenceStatus.DONE, achieved_count=1, completed_at=now
    )
    _letters_and_matters(year, unit, office)
    mark_overdue(today)
    _personal(year, today, office)
    return {"meetings": len(meetings), "attendance": len(attendance)}


def _personal(year: int, today: dt.date, office: User) -> None:
    member = User.objects.select_related("person__org").get(username="dangyuan1")
    person = member.person
    if person is None:
        return
    last = today if year == today.year else dt.date(year, 12, 31)
    StudyRecord.objects.bulk_create(
        [
            StudyRecord(
                person=person,
                org=person.org,
                date=dt.date(year, month, 10),
                title=title,
                hours=Decimal(hours),
                method=method,
                created_by=member,
            )
            for month, title, hours, method in [
                (1, "党章党规党纪学习", "2.0", StudyMethod.SELF),
                (3, "学习强国专题学习", "1.5", StudyMethod.ONLINE),
                (5, "支部集体学习", "3.0", StudyMethod.COLLECTIVE),
            ]
            if dt.date(year, month, 10) <= last
        ]
    )
    if dt.date(year, 4, 18) <= last:
        CommunityRegistration.objects.create(
            person=person,
            org=person.org,
            community="青秀区民主路社区",
            registered_on=dt.date(year, 3, 5),
            created_by=member,
        )
        ServiceRecord.objects.create(
            person=person,
            org=person.org,
            community="青秀区民主路社区",
            date=dt.date(year, 4, 18),
            hours=Decimal("3.0"),
            content="社区环境整治志愿服务",
            created_by=member,
        )


# Letters the demo leaves unsigned (by organisation name), so the missing list is not empty.
UNSIGNED = {"确权登记处党支部", "信息中心第二党支部", "地质调查院党支部"}


def _letters_and_matters(year: int, unit: Organization, office: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luoshi.core.samplefiles import pdf_bytes
    from luoshi.ledgers import actions
    from luoshi.ledgers.choices import ListKind
    from luoshi.ledgers.models import Letter

    actions.issue_letters(acting_user=office, unit=unit, year=year)
    for letter in (
        Letter.objects.filter(year=year)
        .select_related("signer", "issuer")
        .order_by("signer__depth", "signer__path")
    ):
        if letter.signer.name not in UNSIGNED:
            actions.sign_letter(
                acting_user=office, letter=letter, signer_name=f"{letter.signer.display_name}书记"
            )
    zhibu1 = User.objects.select_related("org").get(username="zhibu1")
    for kind, items in [
        (ListKind.MAIN, ["定期研究党风廉政建设工作", "落实“三会一课”制度", "抓好党员教育管理"]),
        (ListKind.FIRST, ["书记带头讲党课", "督促班子成员履行一岗双责"]),
        (ListKind.DUAL, ["分管业务领域廉政风险防控", "开展廉政谈话"]),
    ]:
        actions.save_list(acting_user=zhibu1, org=zhibu1.org, year=year, kind=kind, items=items)
    actions.set_practical_target(acting_user=office, unit=unit, year=year)
    divisions = list(unit.subtree().filter(kind=OrgKind.DIVISION).order_by("path"))
    for i, division in enumerate(divisions[:10]):
        matter = actions.register_matter(
            acting_user=office,
            org=division,
            year=year,
            title=f"{division.name}便民服务事项",
            description="优化办事流程",
        )
        actions.report_matter_progress(acting_user=office, matter=matter, text="已制定工作方案")
        if i % 2 == 0:
            scan = SimpleUploadedFile("closure.pdf", pdf_bytes(["closed"]), content_type="application/pdf")
            actions.close_matter(acting_user=office, matter=matter, closure="已按期办结", files=[scan])
