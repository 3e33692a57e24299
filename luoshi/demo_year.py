"""A year of plausible activity on the reference plan (YEAR.md): the plan office imports
and publishes the 2022 plan; about 85 % of occurrences are reported and accepted (most on
time, some 1–10 days late), 5 % returned once and then accepted, 5 % wait for review and
5 % are overdue; reports in the short style branch secretaries write, some with a PDF or a
photo attached. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.accounts.models import User
from luoshi.core.samplefiles import pdf_bytes, png_bytes
from luoshi.orgs.models import Organization
from luoshi.plans import actions as plan_actions
from luoshi.work.actions import fire_duty, load_calendar
from luoshi.work.calendar import CalendarMissing
from luoshi.work.choices import OccurrenceStatus, ReportStatus
from luoshi.work.models import Evidence, Occurrence, Report, StatusChange
from luoshi.work.uploads import store_upload

REFERENCE_PLAN = Path(__file__).parent / "data" / "2022-ziranziyuanting-jiguan-dangjian.txt"
REPORT_TEXTS = [
    "本季度召开支委会3次，组织集中学习2次，已按要求完成。",
    "已按要求组织学习讨论，党员全部参加，形成学习记录。",
    "已完成，相关材料已归档，附会议记录。",
    "结合处室工作实际推进落实，阶段性任务已完成。",
    "书记已专题汇报主体责任落实情况，班子成员逐一发言。",
    "已组织开展活动，参加党员{n}人，照片附后。",
]
RETURN_COMMENTS = ["请补充会议记录扫描件。", "请说明具体参加人数和学习内容。", "佐证材料不完整，请补充。"]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _staff_for(org: Organization, cache: dict[int, User]) -> User:
    """The organisation's staff account: a demo login where one exists, else an account
    without a usable password (a system administrator enables it by resetting it)."""
    if org.pk in cache:
        return cache[org.pk]
    user = User.objects.filter(org=org, role=Role.ORG_STAFF).first()
    if user is None:
        user = User(
            username=f"org{org.pk}",
            role=Role.ORG_STAFF,
            org=org,
            display_name=f"{org.display_name}党务工作者",
            must_change_password=True,
        )
        user.set_unusable_password()
        user.save()
    cache[org.pk] = user
    return user


def _evidence(report: Report, rng: random.Random) -> None:
    if rng.random() < 0.5:
        upload = SimpleUploadedFile("会议记录.pdf", pdf_bytes(["Meeting record", f"Report {report.pk}"]))
    else:
        upload = SimpleUploadedFile("活动照片.png", png_bytes(16, 12, (rng.randrange(256), 120, 60)))
    Evidence.objects.create(report=report, **store_upload(upload))


# The hours of the day things happen in the demo, so that a report, its review and the
# history rows of an occurrence tell one story.
SENT_HOUR, RETURN_HOUR, ACCEPT_HOUR = 11, 10, 15


def _report(occ: Occurrence, author: User, day: dt.date, rng: random.Random) -> Report:
    text = rng.choice(REPORT_TEXTS).format(n=rng.randint(8, 15))
    report = Report.objects.create(occurrence=occ, author=author, text=text, count=occ.target_count)
    Report.objects.filter(pk=report.pk).update(created_at=_at(day, SENT_HOUR), updated_at=_at(day, SENT_HOUR))
    return report


def _change(
    occ: Occurrence, old: str, new: str, by: User | None, day: dt.date, reason: str, hour: int = SENT_HOUR
) -> None:
    change = StatusChange.objects.create(occurrence=occ, old=old, new=new, by=by, reason=reason)
    StatusChange.objects.filter(pk=change.pk).update(at=_at(day, hour))


def current_demo_year(today: dt.date) -> tuple[int, str]:
    """The year of the machine's date, or the latest year the calendar knows (with a note)
    when chinese-calendar has no holidays for it yet (they are published in November)."""
    for year in range(today.year, 2021, -1):
        try:
            load_calendar([year])
        except CalendarMissing:
            continue
        note = "" if year == today.year else f"节假日数据尚未包含{today.year}年，演示使用{year}年。"
        return year, note
    return 2022, f"节假日数据尚未包含{today.year}年，演示使用2022年。"


def build_years(seed: int = 2022) -> list[dict[str, Any]]:
    """The reference plan twice: 2022 as a finished year, and the current year with activity
    up to today, so that due-soon, late and returned work shows on the day anyone runs it."""
    today = timezone.localdate()
    current, note = current_demo_year(today)
    results = [build_year(seed, 2022, as_of=min(today, dt.date(2023, 1, 31)))]
    if current != 2022:
        results.append(build_year(seed + 1, current, as_of=today, lands_zhibu1=True))
    results[-1]["note"] = note
    return results


def _event_due_soon(plan: Any, office: User, today: dt.date) -> None:
    """An event the office fires this week (a cadre changed posts: update the 主体责任清单),
    due in five working days, so the branches have something due soon whatever the date."""
    event = plan.tasks.filter(duty__schedule_kind="event").select_related("duty").first()
    if event is None or event.duty.year != today.year:
        return
    calendar = load_calendar([today.year])
    due = today
    for _ in range(5):
        due = calendar.next_workday_on_or_after(due + dt.timedelta(days=1))
    if due.year != today.year:
        return
    first_branch = User.objects.get(username="zhibu1").org
    branches = Organization.objects.filter(parent=first_branch.parent, kind=first_branch.kind, is_active=True)
    orgs = list(branches.order_by("path")[:8])
    fire_duty(acting_user=office, duty=event.duty, due_date=due, orgs=orgs, label=f"{today.month}月人事调整")


def build_year(seed: int, year: int, as_of: dt.date, lands_zhibu1: bool = False) -> dict[str, Any]:
    """Imports and publishes the reference plan for `year`, then plays out every occurrence
    due before `as_of`."""
    office = User.objects.get(username="jgdw")
    plan = plan_actions.import_plan(
        acting_user=office, data=REFERENCE_PLAN.read_bytes(), filename=REFERENCE_PLAN.name, year=year
    )
    result: dict[str, Any] = plan_actions.publish_plan(acting_user=office, plan=plan, confirmed=True)
    result["year"] = year
    rng = random.Random(seed)
    staff: dict[int, User] = {}
    today = as_of
    # The first branch secretary (zhibu1) lands on something to do: the latest two past-due
    # occurrences of the branch are one returned for correction and one overdue.
    first_branch = User.objects.get(username="zhibu1").org
    forced: dict[int, float] = {}
    if lands_zhibu1:
        latest = Occurrence.objects.filter(
            duty__task__plan=plan, org=first_branch, due_date__lt=today
        ).order_by("-due_date", "-id")[:2]
        forced = {o.pk: roll for o, roll in zip(latest, (0.87, 0.99), strict=False)}
    # A year long past has nothing left waiting for review: the office closed it.
    finished_year = as_of > dt.date(year, 12, 31)
    with transaction.atomic():
        if lands_zhibu1:
            _event_due_soon(plan, office, today)
        for occ in (
            Occurrence.objects.filter(duty__task__plan=plan)
            .select_related("org", "duty")
            .order_by("due_date", "id")
        ):
            if occ.due_date >= today:
                continue
            author = _staff_for(occ.org, staff)
            roll = forced.get(occ.pk, rng.random())
            late = rng.random() < 0.2
            sent = (
                occ.due_date + dt.timedelta(days=rng.randint(1, 10))
                if late
                else occ.due_date - dt.timedelta(days=rng.randint(0, 12))
            )
            if roll >= 0.95:
                occ.status = OccurrenceStatus.OVERDUE
                _change(
                    occ,
                    OccurrenceStatus.NOT_STARTED,
                    OccurrenceStatus.OVERDUE,
                    None,
                    occ.due_date + dt.timedelta(days=1),
                    "超过完成时限",
                )
                occ.save(update_fields=["status"])
                continue
            first = _report(occ, author, sent, rng)
            if rng.random() < 0.3:
                _evidence(first, rng)
            _change(occ, OccurrenceStatus.NOT_STARTED, OccurrenceStatus.SUBMITTED, author, sent, "报送进展")
            if roll >= 0.90 and not finished_year:
                occ.status = OccurrenceStatus.SUBMITTED
                occ.save(update_fields=["status"])
                continue
            reviewed = sent + dt.timedelta(days=rng.randint(1, 4))
            if roll >= 0.85:
                comment = rng.choice(RETURN_COMMENTS)
                Report.objects.filter(pk=first.pk).update(
                    status=ReportStatus.RETURNED,
                    reviewed_by=office,
                    reviewed_at=_at(reviewed, RETURN_HOUR),
                    review_comment=comment,
                )
                _change(
                    occ,
                    OccurrenceStatus.SUBMITTED,
                    OccurrenceStatus.RETURNED,
                    office,
                    reviewed,
                    f"退回：{comment}",
                    RETURN_HOUR,
                )
                if occ.pk in forced:
                    occ.status = OccurrenceStatus.RETURNED
                    occ.save(update_fields=["status"])
                    continue
                sent = reviewed + dt.timedelta(days=rng.randint(1, 5))
                first = _report(occ, author, sent, rng)
                _evidence(first, rng)
                _change(
                    occ, OccurrenceStatus.RETURNED, OccurrenceStatus.SUBMITTED, author, sent, "补充后重新报送"
                )
                reviewed = sent + dt.timedelta(days=rng.randint(1, 3))
            Report.objects.filter(pk=first.pk).update(
                status=ReportStatus.ACCEPTED, reviewed_by=office, reviewed_at=_at(reviewed, ACCEPT_HOUR)
            )
            occ.status = OccurrenceStatus.DONE
            occ.achieved_count = occ.target_count or 0
            occ.completed_at = _at(reviewed, ACCEPT_HOUR)
            occ.save(update_fields=["status", "achieved_count", "completed_at"])
            _change(
                occ,
                OccurrenceStatus.SUBMITTED,
                OccurrenceStatus.DONE,
                office,
                reviewed,
                "审核通过",
                ACCEPT_HOUR,
            )
    return result
