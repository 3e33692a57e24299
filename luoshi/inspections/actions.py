"""Operations on inspections: rounds, findings, measures, verification and 销号, the
organisation's rectification report, and the follow-up re-checks.

Each takes `acting_user` by keyword, checks the permission itself, runs in one transaction
and writes its audit row there. Refusals are Chinese; nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.errors import ActionRefused, refuse_access
from luoshi.core.scope import root_path_of, scope_path
from luoshi.inspections.choices import (
    DEFAULT_CATEGORIES,
    EventKind,
    FindingStatus,
    RecheckResult,
    RoundKind,
    Severity,
    StageKind,
)
from luoshi.inspections.models import (
    Finding,
    FindingCategory,
    FindingEvent,
    FollowUpDraw,
    InspectedOrg,
    Measure,
    Recheck,
    RectificationReport,
    Round,
    Stage,
)
from luoshi.orgs.models import Organization
from luoshi.supervision.actions import create_draw, issue_order, reveal_draw
from luoshi.supervision.models import Draw, DrawStatus, SupervisionOrder
from luoshi.work import rules
from luoshi.work.actions import create_single_duty, review_report
from luoshi.work.choices import DutyKind, ReportStatus
from luoshi.work.models import Occurrence, Report
from luoshi.work.targets import credit_target

# --- who may do what ---------------------------------------------------------------------


def _in_scope(user: Any, org: Organization) -> bool:
    root = scope_path(user)
    return root is not None and org.path.startswith(root_path_of(root))


def on_team(user: Any, round_: Round) -> bool:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return False
    return round_.leader_id == person_id or round_.members.filter(pk=person_id).exists()


def can_manage(user: Any, round_: Round) -> bool:
    """Discipline staff of the department, and the round's own team, run a round."""
    if not getattr(user, "is_active", False) or scope_path(user) is None:
        return False
    if user.role in Role.without_business_scope() or user.role == Role.SYSADMIN:
        return False
    if user.role == Role.DISCIPLINE and _in_scope(user, round_.unit):
        return True
    return on_team(user, round_)


def _require_manager(user: Any, round_: Round) -> None:
    if not can_manage(user, round_):
        raise refuse_access("只有纪检人员或本轮巡察组成员可以办理。", actor=user, obj=round_)


def _require_discipline(user: Any) -> None:
    if getattr(user, "role", None) != Role.DISCIPLINE or scope_path(user) is None:
        raise refuse_access("只有纪检人员可以办理。", actor=user)


def can_rectify_for(user: Any, org: Organization) -> bool:
    """An inspected organisation's staff act on its own findings."""
    return (
        getattr(user, "role", None) == Role.ORG_STAFF
        and user.is_active
        and user.org is not None
        and org.path.startswith(user.org.path)
    )


def record_view(user: Any, obj: Any, what: str) -> None:
    """Every view of a round, a finding or a measure is audited (findings are confidential),
    as 查看 with what was seen (查看巡察问题), apart from 查看个人敏感信息."""
    if obj is None:
        record(
            AuditAction.VIEW, actor=user, object_type="inspections", object_repr=what, message=f"查看{what}"
        )
    else:
        record(AuditAction.VIEW, actor=user, obj=obj, message=f"查看{what}"[:300])


# --- categories ----------------------------------------------------------------------------


def categories() -> list[FindingCategory]:
    """The active categories; the usual six the first time."""
    if not FindingCategory.objects.exists():
        FindingCategory.objects.bulk_create(
            [FindingCategory(name=n, order=i) for i, n in enumerate(DEFAULT_CATEGORIES)],
            ignore_conflicts=True,
        )
    return list(FindingCategory.objects.filter(is_active=True))


def add_category(*, acting_user: Any, name: str) -> FindingCategory:
    _require_discipline(acting_user)
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise ActionRefused("类别名称应为1至40个字。")
    categories()
    with transaction.atomic():
        category, created = FindingCategory.objects.get_or_create(
            name=name, defaults={"order": FindingCategory.objects.count()}
        )
        if not created and category.is_active:
            raise ActionRefused(f"类别“{name}”已存在。")
        category.is_active = True
        category.save(update_fields=["is_active"])
        record(AuditAction.CREATE, actor=acting_user, obj=category, object_repr=f"问题类别：{name}")
    return category


# --- rounds --------------------------------------------------------------------------------


def create_round(
    *,
    acting_user: Any,
    year: int,
    batch: int,
    kind: str,
    title: str,
    orgs: Sequence[Organization],
    starts_on: dt.date,
    ends_on: dt.date,
    leader: Any = None,
    members: Sequence[Any] = (),
    stages: dict[str, tuple[dt.date | None, dt.date | None]] | None = None,
    follow_up_draw: FollowUpDraw | None = None,
) -> Round:
    """A round with its organisations, team and stages. Proposes the plan target it counts
    toward; the target counts only once a person confirms it (`set_target`). A 回头看 may
    take its organisations from a revealed draw: exactly those drawn, the draw linked."""
    _require_discipline(acting_user)
    title = (title or "").strip()
    if kind not in RoundKind.values:
        raise ActionRefused("巡察类型无效。")
    if follow_up_draw is not None:
        _check_draw(acting_user, follow_up_draw, kind, orgs)
    if not 2000 <= year <= 2100 or not 1 <= batch <= 99:
        raise ActionRefused("年度或批次无效。")
    if not orgs:
        raise ActionRefused("请选择被巡察单位。")
    if ends_on < starts_on:
        raise ActionRefused("结束日期不能早于开始日期。")
    if any(not _in_scope(acting_user, o) for o in orgs):
        raise refuse_access("被巡察单位超出您的管理范围。", actor=acting_user)
    people = [p for p in [leader, *members] if p is not None]
    if any(not _in_scope(acting_user, p.org) for p in people):
        raise refuse_access("巡察组成员超出您的管理范围。", actor=acting_user)
    stages = stages or {}
    for key, (start, end) in stages.items():
        if key not in StageKind.values:
            raise ActionRefused("巡察阶段无效。")
        if start and end and end < start:
            raise ActionRefused(f"“{StageKind(key).label}”阶段的结束日期早于开始日期。")
    unit = Organization.objects.get(path=root_path_of(orgs[0].path))
    title = title or f"{year}年第{batch}轮{RoundKind(kind).label}"
    with transaction.atomic():
        round_ = Round.objects.create(
            unit=unit,
            year=year,
            batch=batch,
            kind=kind,
            title=title[:200],
            leader=leader,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=acting_user,
            target=propose_target(year, kind, unit),
            follow_up_draw=follow_up_draw,
        )
        round_.members.set(members)
        InspectedOrg.objects.bulk_create([InspectedOrg(round=round_, org=o) for o in dict.fromkeys(orgs)])
        Stage.objects.bulk_create(
            [Stage(round=round_, kind=k, starts_on=s, ends_on=e) for k, (s, e) in stages.items()]
        )
        record(
            AuditAction.CREATE,
            actor=acting_user,
            obj=round_,
            after={
                "orgs": [o.name for o in orgs],
                "kind": kind,
                "leader": str(leader or ""),
                "draw": follow_up_draw.draw_id if follow_up_draw else None,
            },
        )
    return round_


def _check_draw(user: Any, follow_up_draw: FollowUpDraw, kind: str, orgs: Sequence[Organization]) -> None:
    if not Draw.objects.visible_to(user).filter(pk=follow_up_draw.draw_id).exists():
        raise refuse_access("该抽取超出您的管理范围。", actor=user)
    if kind != RoundKind.FOLLOW_UP:
        raise ActionRefused("只有“回头看”轮次可以按抽取结果确定被巡察单位。")
    if follow_up_draw.draw.status != DrawStatus.REVEALED:
        raise ActionRefused("抽取尚未揭示种子，还没有结果。")
    if Round.objects.filter(follow_up_draw=follow_up_draw).exists():
        raise ActionRefused("该抽取结果已用于其他“回头看”轮次。")
    if {o.pk for o in orgs} != set(follow_up_draw.drawn_org_ids()):
        raise ActionRefused("被巡察单位应与抽取结果一致。")


def _phrase_after_number(title: str, count: int) -> str:
    """The clause of the task's text that carries its number: "9家单位开展内部巡察"."""
    match = re.search(rf"{count}家[^，。；,;]*", title)
    return match.group(0) if match else ""


def propose_target(year: int, kind: str, unit: Organization) -> Occurrence | None:
    """The plan task a round most likely counts toward: in the year's plan, a target counted
    in 家单位 whose clause mentions 巡察 (常规/专项) or 回头看 (回头看). A proposal only."""
    from luoshi.tasks.models import Task

    follow_up = kind == RoundKind.FOLLOW_UP
    tasks = Task.objects.filter(
        plan__org__path__startswith=unit.path,
        duty__year=year,
        duty__target_unit__startswith="家单位",
        duty__target_count__isnull=False,
    ).select_related("duty")
    for task in tasks.order_by("order", "id"):
        phrase = _phrase_after_number(task.title, task.duty.target_count or 0)
        fits = "回头看" in phrase if follow_up else ("巡察" in phrase and "回头看" not in phrase)
        if fits:
            occ = task.duty.occurrences.order_by("due_date", "id").first()
            if occ is not None:
                return occ
    return None


def set_target(*, acting_user: Any, round_: Round, occurrence: Occurrence | None) -> Round:
    """The plan office (or discipline staff) confirms which target the round counts toward;
    organisations confirmed inspected before are counted now."""
    if acting_user.role not in (Role.PLAN_OFFICE, Role.DISCIPLINE) or not _in_scope(acting_user, round_.unit):
        raise refuse_access("只有机关党委管理员或纪检人员可以指定计入的目标。", actor=acting_user, obj=round_)
    if occurrence is not None:
        if not _in_scope(acting_user, occurrence.org) or occurrence.duty.kind != DutyKind.TASK:
            raise ActionRefused("只能计入本单位工作要点任务的目标。")
        if round_.target_confirmed_by_id and round_.target_id and round_.target_id != occurrence.pk:
            if round_.inspected.filter(confirmed_at__isnull=False).exists():
                raise ActionRefused("本轮已有单位计入原目标，不能改为其他目标。")
    with transaction.atomic():
        round_.target = occurrence
        round_.target_confirmed_by = acting_user if occurrence else None
        round_.save(update_fields=["target", "target_confirmed_by", "updated_at"])
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=round_,
            message=f"计入目标：{occurrence.duty.title[:60] if occurrence else '不计入'}",
        )
        _credit_confirmed(acting_user, round_)
    return round_


def _credit_confirmed(user: Any, round_: Round) -> int:
    if not (round_.target_id and round_.target_confirmed_by_id):
        return 0
    counted = 0
    for inspected in round_.inspected.filter(confirmed_at__isnull=False).select_related("org"):
        counted += credit_target(
            acting_user=user,
            occurrence=round_.target,  # type: ignore[arg-type]
            record_obj=inspected,
            label=f"{round_.title}：{inspected.org.name}",
        )
    return counted


def confirm_inspected(*, acting_user: Any, round_: Round, orgs: Iterable[Organization] | None = None) -> int:
    """The inspection of these organisations (all, by default) is done: each counts toward
    the round's confirmed target, once. Returns how many counted now."""
    _require_discipline(acting_user)
    if not _in_scope(acting_user, round_.unit):
        raise refuse_access("该巡察轮次超出您的管理范围。", actor=acting_user, obj=round_)
    rows = round_.inspected.all()
    if orgs is not None:
        rows = rows.filter(org__in=list(orgs))
    with transaction.atomic():
        now = timezone.now()
        changed = rows.filter(confirmed_at__isnull=True).update(confirmed_at=now, confirmed_by=acting_user)
        record(AuditAction.UPDATE, actor=acting_user, obj=round_, message=f"确认巡察完成：{changed}家单位")
        return _credit_confirmed(acting_user, round_)


# --- findings --------------------------------------------------------------------------


def _check_org(round_: Round, org: Organization) -> None:
    if not round_.inspected.filter(org=org).exists():
        raise ActionRefused(f"“{org.name}”不是本轮被巡察单位。")


def _event(finding: Finding, kind: str, user: Any, comment: str = "") -> None:
    FindingEvent.objects.create(finding=finding, kind=kind, by=user, comment=comment[:500])


def _next_seq(round_: Round) -> int:
    return (round_.findings.aggregate(m=Max("seq"))["m"] or 0) + 1


def add_finding(
    *,
    acting_user: Any,
    round_: Round,
    org: Organization,
    category: FindingCategory,
    description: str,
    severity: str = Severity.GENERAL,
    evidence: str = "",
    clause: str = "",
    seq: int | None = None,
) -> Finding:
    _require_manager(acting_user, round_)
    description = (description or "").strip()
    if not description:
        raise ActionRefused("请填写问题描述。")
    if severity not in Severity.values:
        raise ActionRefused("严重程度无效。")
    if not category.is_active:
        raise ActionRefused(f"问题类别“{category.name}”已停用。")
    _check_org(round_, org)
    with transaction.atomic():
        Round.objects.select_for_update().filter(pk=round_.pk).first()
        if seq is not None and round_.findings.filter(seq=seq).exists():
            raise ActionRefused(f"序号{seq}已被本轮其他问题使用。")
        finding = Finding.objects.create(
            round=round_,
            org=org,
            seq=seq or _next_seq(round_),
            category=category,
            severity=severity,
            description=description[:5000],
            evidence=(evidence or "").strip()[:5000],
            clause=(clause or "").strip()[:300],
            created_by=acting_user,
        )
        _event(finding, EventKind.CREATED, acting_user)
        record(
            AuditAction.CREATE,
            actor=acting_user,
            obj=finding,
            after={"org": org.name, "category": category.name},
        )
    return finding


def check_deadline(deadline: dt.date | None) -> dt.date:
    if deadline is None:
        raise ActionRefused("请填写整改时限。")
    if deadline < timezone.localdate():
        raise ActionRefused("整改时限不能早于今天。")
    return deadline


def add_measure(
    *,
    acting_user: Any,
    finding: Finding,
    text: str,
    deadline: dt.date | None,
    responsible_person: str = "",
    after_recheck: bool = False,
) -> Measure:
    """A measure owed by the finding's organisation by its deadline: a RECTIFICATION duty,
    so it shows in the organisation's 我的待办 with its light, and is reported like any work."""
    _require_manager(acting_user, finding.round)
    text = (text or "").strip()
    if not text:
        raise ActionRefused("请填写整改措施。")
    deadline = check_deadline(deadline)
    if finding.status == FindingStatus.CLOSED and not after_recheck:
        raise ActionRefused("该问题已销号，不能再增加整改措施。")
    lead = acting_user.org if acting_user.role == Role.DISCIPLINE else finding.round.created_by.org
    with transaction.atomic():
        occurrence = create_single_duty(
            acting_user=acting_user,
            unit=finding.round.unit,
            year=deadline.year,
            kind=DutyKind.RECTIFICATION,
            title=f"巡察整改：{text}"[:500],
            lead_org=lead,
            org=finding.org,
            due_date=deadline,
        )
        measure = Measure.objects.create(
            finding=finding,
            duty=occurrence.duty,
            text=text[:5000],
            responsible_person=(responsible_person or "").strip()[:50],
            deadline=deadline,
            after_recheck=after_recheck,
        )
        if finding.status == FindingStatus.OPEN:
            finding.status = FindingStatus.RECTIFYING
            finding.save(update_fields=["status", "updated_at"])
        _event(finding, EventKind.MEASURE, acting_user, text)
        record(AuditAction.CREATE, actor=acting_user, obj=measure, object_repr=f"整改措施：{text}"[:200])
    return measure


def verify_measure(*, acting_user: Any, measure: Measure, decision: str, comment: str = "") -> Report:
    """The inspecting side accepts the measure's latest report, or sends it back: the one
    review of work (`review_report`, whose scope gives discipline staff the department's
    measures); the finding's history is written by `measure_reviewed`, so a review from
    待我审核 counts the same."""
    _require_manager(acting_user, measure.finding.round)
    report = measure.occurrence.reports.filter(status=ReportStatus.SUBMITTED).order_by("-created_at").first()
    if report is None:
        raise ActionRefused("该整改措施还没有待验收的整改进展。")
    return review_report(acting_user=acting_user, report=report, decision=decision, comment=comment)


def measure_reviewed(*, report: Report, occurrence: Occurrence, status: str, comment: str) -> None:
    """Hook of work's review (ON_REVIEWED): a reviewed report on a measure enters the
    finding's history as verified or sent back."""
    if occurrence.duty.kind != DutyKind.RECTIFICATION:
        return
    measure = Measure.objects.filter(duty_id=occurrence.duty_id).select_related("finding").first()
    if measure is not None:
        kind = EventKind.VERIFIED if status == ReportStatus.ACCEPTED else EventKind.SENT_BACK
        _event(measure.finding, kind, report.reviewed_by, comment)


def close_finding(*, acting_user: Any, finding: Finding, comment: str) -> Finding:
    """销号: every measure verified, with the inspecting side's comment."""
    _require_manager(acting_user, finding.round)
    comment = (comment or "").strip()
    if not comment:
        raise ActionRefused("销号时请填写意见。")
    if finding.status == FindingStatus.CLOSED:
        raise ActionRefused("该问题已销号。")
    occs = Occurrence.objects.filter(duty__rectification__finding=finding)
    if not occs.exists():
        raise ActionRefused("该问题还没有整改措施，不能销号。")
    pending = occs.filter(rules.open_q()).count()  # a withdrawn measure owes nothing
    if pending:
        raise ActionRefused(f"还有{pending}项整改措施未验收通过，不能销号。")
    with transaction.atomic():
        before = finding.status
        finding.status = FindingStatus.CLOSED
        finding.closed_at = timezone.now()
        finding.closed_by = acting_user
        finding.close_comment = comment[:500]
        finding.save(update_fields=["status", "closed_at", "closed_by", "close_comment", "updated_at"])
        _event(finding, EventKind.CLOSED, acting_user, comment)
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=finding,
            message="销号",
            before={"status": before},
            after={"status": FindingStatus.CLOSED, "comment": comment},
        )
    return finding


def submit_rectification_report(
    *, acting_user: Any, round_: Round, org: Organization, text: str
) -> RectificationReport:
    """整改情况报告: an inspected organisation reports on its rectification as a whole."""
    if not can_rectify_for(acting_user, org):
        raise refuse_access("只有被巡察单位的组织管理员可以报送整改情况报告。", actor=acting_user, obj=round_)
    _check_org(round_, org)
    text = (text or "").strip()
    if not text:
        raise ActionRefused("请填写整改情况。")
    with transaction.atomic():
        report = RectificationReport.objects.create(
            round=round_, org=org, text=text[:20000], submitted_by=acting_user
        )
        record(AuditAction.CREATE, actor=acting_user, obj=report)
    return report


# --- 督办 of slow measures (through supervision) ------------------------------------------


def supervise_measures(
    *,
    acting_user: Any,
    round_: Round,
    occurrences: Sequence[Occurrence],
    level_rank: int = 2,
    subject: str = "",
) -> Any:
    """A 督办 (supervision order) for the round's late or lagging measures: supervision's
    own `issue_order`, which checks the issuer, numbers the order, owes the answers and tells
    the organisations. Only measures of this round may be named."""
    wanted = {o.pk for o in occurrences}
    if not wanted:
        raise ActionRefused("请勾选要督办的整改措施。")
    chosen = list(
        Occurrence.objects.filter(pk__in=wanted, duty__rectification__finding__round=round_).select_related(
            "org"
        )
    )
    if len(chosen) != len(wanted):
        raise ActionRefused("所选事项不是本轮巡察的整改措施。")
    subject = (subject or "").strip() or (
        f"{round_.title}反馈问题的以下整改措施已逾期或进度滞后，请抓紧整改，按时限答复整改进展并报送佐证材料。"
    )
    return issue_order(
        acting_user=acting_user,
        title=f"{round_.title}整改措施",
        subject=subject,
        level_rank=level_rank,
        occurrences=chosen,
    )


def orders_for(round_: Round, user: Any) -> Any:
    """The supervision orders issued for the round's measures that the user may read."""
    return (
        SupervisionOrder.objects.visible_to(user)
        .filter(occurrences__duty__rectification__finding__round=round_)
        .select_related("level", "duty")
        .distinct()
        .order_by("-issued_at", "-id")
    )


# --- follow-up (回头看) ------------------------------------------------------------------


def recheck(
    *,
    acting_user: Any,
    round_: Round,
    finding: Finding,
    result: str,
    reason: str,
    new_deadline: dt.date | None = None,
    measure_text: str = "",
) -> Recheck:
    """A follow-up round re-checks a closed finding: held, or reopened with a reason — then
    it goes back to rectification with a new measure and deadline, its history kept."""
    _require_manager(acting_user, round_)
    if round_.kind != RoundKind.FOLLOW_UP:
        raise ActionRefused("只有“回头看”轮次可以复查已销号问题。")
    if result not in RecheckResult.values:
        raise ActionRefused("复查结论只能是“成效巩固”或“重新整改”。")
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused("请填写复查理由。")
    if finding.status != FindingStatus.CLOSED:
        raise ActionRefused("只能复查已销号的问题。")
    if finding.round_id == round_.pk:
        raise ActionRefused("不能在发现问题的同一轮次中复查。")
    _check_org(round_, finding.org)
    if Recheck.objects.filter(round=round_, finding=finding).exists():
        raise ActionRefused("本轮已复查过该问题。")
    reopen = result == RecheckResult.REOPENED
    if reopen:
        check_deadline(new_deadline)
    with transaction.atomic():
        measure = None
        if reopen:
            finding.status = FindingStatus.REOPENED
            finding.save(update_fields=["status", "updated_at"])
            measure = add_measure(
                acting_user=acting_user,
                finding=finding,
                text=measure_text or f"回头看重新整改：{reason}",
                deadline=new_deadline,
                after_recheck=True,
            )
        check = Recheck.objects.create(
            round=round_, finding=finding, result=result, reason=reason[:500], measure=measure, by=acting_user
        )
        _event(finding, EventKind.REOPENED if reopen else EventKind.HELD, acting_user, reason)
        record(
            AuditAction.CREATE,
            actor=acting_user,
            obj=check,
            object_repr=f"回头看复查：{finding}"[:200],
            after={"result": result, "reason": reason},
        )
    return check


def follow_up_pool(user: Any, year: int) -> list[Organization]:
    """Whom a 回头看 of `year` may draw: the organisations confirmed inspected by a regular
    or special round of that year or before, in the user's department."""
    root = scope_path(user)
    if root is None:
        return []
    inspected = InspectedOrg.objects.filter(
        confirmed_at__isnull=False, round__year__lte=year, round__unit__path__startswith=root_path_of(root)
    ).exclude(round__kind=RoundKind.FOLLOW_UP)
    return list(
        Organization.objects.filter(pk__in=inspected.values("org_id"), is_active=True)
        .select_related("parent")
        .order_by("path")
    )


def _pool_labels(orgs: Sequence[Organization]) -> dict[str, int]:
    """A label per organisation for the published pool: its name, with its parent's where
    two share a name; without "*", which the pool reads as a weight."""
    names = Counter(o.name for o in orgs)
    labels: dict[str, int] = {}
    for o in orgs:
        label = o.name if names[o.name] == 1 or o.parent is None else f"{o.name}（{o.parent.name}）"
        labels[label.replace("*", "＊")[:100]] = o.pk
    return labels


def start_follow_up_draw(*, acting_user: Any, year: int, count: int) -> FollowUpDraw:
    """Freezes the pool of earlier-inspected organisations and publishes the commitment of
    a supervision draw (E) for a 回头看 of `year`; the seed is revealed next
    (`reveal_follow_up_draw`) and the round is then made of the result."""
    _require_discipline(acting_user)
    if not 2000 <= year <= 2100:
        raise ActionRefused("年度无效。")
    pool = follow_up_pool(acting_user, year)
    if not pool:
        raise ActionRefused(f"{year}年及以前还没有确认巡察完成的单位，无从抽取。")
    labels = _pool_labels(pool)
    with transaction.atomic():
        draw = create_draw(
            acting_user=acting_user,
            title=f"{year}年巡察“回头看”单位抽取",
            pool_text="\n".join(labels),
            count=count,
            rule="被抽中单位已撤并的，在其余单位中按同一方法重抽。",
        )
        return FollowUpDraw.objects.create(
            draw=draw, unit=draw.unit, year=year, labels=labels, created_by=acting_user
        )


def reveal_follow_up_draw(*, acting_user: Any, follow_up_draw: FollowUpDraw) -> FollowUpDraw:
    """Reveals the seed (supervision's `reveal_draw`, once): the result is then fixed."""
    _require_discipline(acting_user)
    reveal_draw(acting_user=acting_user, draw=follow_up_draw.draw)
    follow_up_draw.draw.refresh_from_db()
    return follow_up_draw


def closed_findings_for(round_: Round) -> list[Finding]:
    """What a follow-up round re-checks: the closed findings of its organisations from
    earlier rounds."""
    orgs = round_.inspected.values("org_id")
    return list(
        Finding.objects.filter(org_id__in=orgs, status=FindingStatus.CLOSED)
        .exclude(round=round_)
        .exclude(rechecks__round=round_)
        .select_related("org", "category", "round")
    )
