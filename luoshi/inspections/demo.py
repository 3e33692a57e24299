"""Demo inspections: 2022's round of nine organisations and its follow-up (回头看) of six,
with findings in every state — open, rectifying (reported, returned, overdue), closed,
re-checked and held, reopened — counted toward the plan's two 巡察 targets through the
rounds themselves (9/9, 6/6). One reopened finding of 办公室党支部 is due in the coming
weeks, so zhibu1 finds it in 我的待办.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.inspections import actions
from luoshi.inspections.choices import RecheckResult, RoundKind
from luoshi.inspections.models import Measure
from luoshi.orgs.models import Organization, Person
from luoshi.work.actions import submit_report
from luoshi.work.choices import OccurrenceStatus
from luoshi.work.models import Occurrence, StatusChange, TargetCredit

FINDINGS = [
    (
        "政治建设",
        "学习贯彻党的二十大精神不够深入，第一议题制度落实有缺项。",
        "《中国共产党党组工作条例》第二十一条",
    ),
    (
        "组织建设",
        "“三会一课”记录不完整，部分组织生活会会前谈心谈话未开展。",
        "《中国共产党支部工作条例（试行）》第十九条",
    ),
    ("作风建设", "督查检查考核事项偏多，基层负担仍然较重。", "中央八项规定精神"),
    ("纪律建设", "公务接待审批单填写不规范，个别接待无公函。", "《党政机关国内公务接待管理规定》第六条"),
    ("制度建设", "内部控制制度修订滞后，采购管理存在漏洞。", "《行政事业单位内部控制规范》"),
    (
        "思想建设",
        "意识形态工作责任制落实不到位，阵地管理存在薄弱环节。",
        "《党委（党组）意识形态工作责任制实施办法》",
    ),
]


def _fake_dates(measure: Measure, deadline: dt.date) -> Occurrence:
    """The measure was set in 2022: its deadline and occurrence moved to that date."""
    occ = measure.occurrence
    label = f"{deadline.year}年{deadline.month}月{deadline.day}日前"
    Measure.objects.filter(pk=measure.pk).update(deadline=deadline)
    Occurrence.objects.filter(pk=occ.pk).update(
        due_date=deadline, period=label, period_start=deadline - dt.timedelta(days=60)
    )
    measure.duty.__class__.objects.filter(pk=measure.duty_id).update(year=deadline.year, schedule_text=label)
    occ.refresh_from_db()
    return occ


def _measure(jijian: User, finding: Any, text: str, deadline: dt.date) -> tuple[Measure, Occurrence]:
    far = timezone.localdate() + dt.timedelta(days=365)
    measure = actions.add_measure(
        acting_user=jijian, finding=finding, text=text, deadline=far, responsible_person="支部书记"
    )
    return measure, _fake_dates(measure, deadline)


def _staff(org: Organization) -> User:
    from luoshi.demo_year import _staff_for

    return _staff_for(org, {})


def _rectify(jijian: User, finding: Any, deadline: dt.date, state: str) -> None:
    """Plays a finding's rectification to `state`: reported, returned, overdue or closed."""
    measure, occ = _measure(jijian, finding, "制定整改方案，逐项整改并建立长效机制。", deadline)
    if state == "overdue":
        Occurrence.objects.filter(pk=occ.pk).update(status=OccurrenceStatus.OVERDUE)
        StatusChange.objects.create(
            occurrence=occ,
            old=OccurrenceStatus.NOT_STARTED,
            new=OccurrenceStatus.OVERDUE,
            reason="超过完成时限",
        )
        return
    staff = _staff(finding.org)
    submit_report(acting_user=staff, occurrence=occ, text="已按整改方案完成整改，相关制度已修订印发。")
    if state == "reported":
        return
    if state == "returned":
        actions.verify_measure(
            acting_user=jijian, measure=measure, decision="return", comment="佐证材料不足，请补充制度文件。"
        )
        return
    actions.verify_measure(acting_user=jijian, measure=measure, decision="accept", comment="整改到位。")
    actions.close_finding(acting_user=jijian, finding=finding, comment="经核查，整改到位，同意销号。")


def build(year: int = 2022) -> dict[str, int]:
    jijian = User.objects.get(username="jijian")
    discipline = jijian.org
    branches = list(
        Organization.objects.filter(kind="branch", parent=discipline.parent).order_by("order", "id")
    )[:9]
    team = list(Person.objects.filter(org=discipline).order_by("id")[:3]) or list(
        Person.objects.filter(org=discipline.parent).order_by("id")[:3]
    )
    if len(branches) < 9:
        return {}
    categories = {c.name: c for c in actions.categories()}
    regular = actions.create_round(
        acting_user=jijian,
        year=year,
        batch=1,
        kind=RoundKind.REGULAR,
        title=f"{year}年第一轮内部巡察",
        orgs=branches,
        starts_on=dt.date(year, 4, 6),
        ends_on=dt.date(year, 5, 27),
        leader=team[0] if team else None,
        members=team[1:],
        stages={
            "mobilise": (dt.date(year, 4, 6), dt.date(year, 4, 6)),
            "station": (dt.date(year, 4, 7), dt.date(year, 5, 20)),
            "feedback": (dt.date(year, 5, 27), dt.date(year, 5, 27)),
            "rectify": (dt.date(year, 5, 28), dt.date(year, 8, 31)),
            "assess": (dt.date(year, 9, 1), dt.date(year, 9, 30)),
        },
    )
    # The plan's targets were played out by reports in the demo year; here they are made of
    # the rounds instead, so 9/9 and 6/6 trace to the organisations inspected.
    for occ in (regular.target, actions.propose_target(year, RoundKind.FOLLOW_UP, regular.unit)):
        if occ is not None:
            TargetCredit.objects.filter(occurrence=occ).delete()
            Occurrence.objects.filter(pk=occ.pk).update(
                achieved_count=0, status=OccurrenceStatus.IN_PROGRESS, completed_at=None
            )
    if regular.target is not None:
        actions.set_target(acting_user=jijian, round_=regular, occurrence=regular.target)
    actions.confirm_inspected(acting_user=jijian, round_=regular)
    deadline = dt.date(year, 8, 31)
    first: list[Any] = []
    # The first finding of the six later re-checked is closed; the others show each state.
    first_states = ["closed"] * 6 + ["closed", "reported", "open"]
    second_states = {0: "reported", 2: "overdue", 4: "open", 6: "closed", 8: "returned"}
    for i, org in enumerate(branches):
        name, text, clause = FINDINGS[i % len(FINDINGS)]
        f = actions.add_finding(
            acting_user=jijian,
            round_=regular,
            org=org,
            category=categories[name],
            description=text,
            clause=clause,
            evidence="查阅会议记录、台账及相关资料。",
            severity="serious" if i % 3 == 0 else "general",
        )
        first.append(f)
        if first_states[i] != "open":
            _rectify(jijian, f, deadline, first_states[i])
        if i in second_states:
            name, text, clause = FINDINGS[(i + 3) % len(FINDINGS)]
            f2 = actions.add_finding(
                acting_user=jijian,
                round_=regular,
                org=org,
                category=categories[name],
                description=text,
                clause=clause,
            )
            if second_states[i] != "open":
                _rectify(jijian, f2, dt.date(year, 9, 30), second_states[i])
    for org in branches[:3]:
        actions.submit_rectification_report(
            acting_user=_staff(org),
            round_=regular,
            org=org,
            text="本支部对照巡察反馈问题逐项制定整改措施，已完成整改并建立长效机制。",
        )
    follow_up = actions.create_round(
        acting_user=jijian,
        year=year,
        batch=2,
        kind=RoundKind.FOLLOW_UP,
        title=f"{year}年内部巡察“回头看”",
        orgs=branches[:6],
        starts_on=dt.date(year, 10, 10),
        ends_on=dt.date(year, 11, 18),
        leader=team[0] if team else None,
        members=team[1:],
    )
    if follow_up.target is not None:
        actions.set_target(acting_user=jijian, round_=follow_up, occurrence=follow_up.target)
    actions.confirm_inspected(acting_user=jijian, round_=follow_up)
    soon = timezone.localdate() + dt.timedelta(days=10)
    for i, f in enumerate(first[:6]):
        f.refresh_from_db()
        if i in (0, 3):
            actions.recheck(
                acting_user=jijian,
                round_=follow_up,
                finding=f,
                result=RecheckResult.REOPENED,
                reason="整改措施落实不到位，问题反弹。",
                new_deadline=soon + dt.timedelta(days=30 * (i > 0)),
                measure_text="针对问题反弹重新制定整改措施并落实。",
            )
        else:
            actions.recheck(
                acting_user=jijian,
                round_=follow_up,
                finding=f,
                result=RecheckResult.HELD,
                reason="整改成效巩固，未发现问题反弹。",
            )
    _forget_past_notices([regular, follow_up])
    return {"rounds": 2, "findings": regular.findings.count()}


def _forget_past_notices(rounds: list[Any]) -> None:
    """The 2022 play is history: the notices its reviews wrote (报送已通过/被退回) would
    greet the organisations today as new, so they are dropped."""
    from luoshi.notify.models import Notice
    from luoshi.work.models import Report

    reports = Report.objects.filter(occurrence__duty__rectification__finding__round__in=rounds)
    Notice.objects.filter(key__in=[f"review:{pk}" for pk in reports.values_list("pk", flat=True)]).delete()
