"""Supervision orders (督办单) and random draws: each operation checks its user, runs in
one transaction and writes its audit row there."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.errors import ActionRefused, refuse_access
from luoshi.core.scope import scope_path
from luoshi.exports.actions import department_of
from luoshi.exports.official import next_document_number
from luoshi.notify.actions import notify, notify_org
from luoshi.supervision import draws
from luoshi.supervision.models import (
    Audience,
    DecompositionStep,
    Draw,
    DrawStatus,
    Level,
    OrderSource,
    OrderStatus,
    OrderStep,
    SupervisionOrder,
)
from luoshi.work import actions as work
from luoshi.work import rules
from luoshi.work.calendar import CalendarMissing
from luoshi.work.choices import DutyKind, OccurrenceStatus, ScheduleKind
from luoshi.work.models import Occurrence

ISSUERS = {Role.PLAN_OFFICE, Role.DISCIPLINE}
# 发文代字 of supervision orders: 机党督〔2026〕3号, from the counter of luoshi.exports.
NUMBER_PREFIX = "机党督"

# The ladder as first seeded; the rows are data, an office may change wording and days.
LADDER = [
    (1, "提醒", "请按时限要求推进以下事项，并及时报送进展。", "app", 5, Audience.HANDLER, False),
    (
        2,
        "催办",
        "以下事项已逾期或进度滞后，请于答复时限前书面说明情况并报送佐证材料。",
        "app,email,sms,webhook",
        3,
        Audience.HANDLER,
        False,
    ),
    (
        3,
        "督办",
        "以下事项经催办仍未落实，现予督办，请分管领导亲自过问，限期办结并书面报告。",
        "app,email,sms,webhook",
        3,
        Audience.LEADER,
        False,
    ),
    (
        4,
        "通报",
        "以下单位事项经督办仍未落实，现予通报。请主要负责人切实履行责任，限期整改。",
        "app,email,sms,webhook",
        5,
        Audience.HEAD,
        True,
    ),
]


def ensure_ladder() -> list[Level]:
    for rank, name, wording, channels, days, audience, public in LADDER:
        Level.objects.get_or_create(
            rank=rank,
            defaults={
                "name": name,
                "wording": wording,
                "channels": channels,
                "answer_days": days,
                "audience": audience,
                "public": public,
            },
        )
    return list(Level.objects.order_by("rank"))


def _require_issuer(user: Any) -> None:
    if getattr(user, "role", None) not in ISSUERS or scope_path(user) is None:
        raise refuse_access("只有机关党委管理员或纪检人员可以下发督办单。", actor=user)


def _answer_due(level: Level, today: dt.date) -> dt.date:
    try:
        cal = work.load_calendar([today.year])
    except CalendarMissing as missing:
        raise ActionRefused(str(missing)) from None
    day, count = today, 0
    while count < level.answer_days:
        day += dt.timedelta(days=1)
        if cal._is_workday_lenient(day):
            count += 1
    return day


def audience_of(level: Level, org: Any) -> list[Any]:
    """Who is told at this level, widening as it climbs: the organisation's staff
    (承办人); from 督办 also the department's leaders (分管领导); at 通报 also every
    account of the organisation itself (its 主要负责人 among them). The accounts model has
    no "分管" link yet, so 分管领导 are the department's leader accounts."""
    from luoshi.accounts.models import User
    from luoshi.core.scope import root_path_of

    people = list(User.objects.filter(org=org, role=Role.ORG_STAFF, is_active=True))
    if level.audience in (Audience.LEADER, Audience.HEAD):
        root = root_path_of(org.path)
        people += list(User.objects.filter(role=Role.LEADER, is_active=True, org__path__startswith=root))
    if level.audience == Audience.HEAD:
        people += list(User.objects.filter(org=org, is_active=True).exclude(role__in=Role.administrators()))
    return list({p.pk: p for p in people}.values())


def answer_label(level: Level) -> str:
    """The period of the answers owed at a level (催办答复, 通报答复…): it also tells which
    organisations a 通报 names."""
    return f"{level.name}答复"


def bulletin_orgs(order: SupervisionOrder) -> list[str]:
    """The organisations a 通报 names: those owing its answer at the public level."""
    return list(
        Occurrence.objects.filter(duty=order.duty, period=answer_label(order.level))
        .order_by("org__path")
        .values_list("org__name", flat=True)
    )


def _tell(order: SupervisionOrder, orgs: Sequence[Any]) -> None:
    level = order.level
    url = reverse("supervision:order", args=[order.pk])
    ask = "报送分解方案" if order.status == OrderStatus.DECOMPOSING else "答复"
    for org in orgs:
        notify(
            kind=f"order_{level.rank}",
            title=f"【{level.name}】{order.doc_number} {order.duty.title[:60]}，请于{order.answer_due:%m月%d日}前{ask}",
            body=level.wording,
            url=url,
            key=f"order:{order.pk}:{level.rank}:{org.pk}",
            users=audience_of(level, org),
            orgs=[org] if "webhook" in level.channels else [],
        )


def _validate_wording(title: str, subject: str) -> tuple[str, str]:
    title, subject = (title or "").strip(), (subject or "").strip()
    if not title or len(title) > 200:
        raise ActionRefused("请填写督办事项名称（不超过200字）。")
    if len(subject) > 5000:
        raise ActionRefused("督办事由不超过5000字。")
    return title, subject


def _level(rank: int) -> Level:
    levels = {lv.rank: lv for lv in ensure_ladder()}
    if rank not in levels:
        raise ActionRefused("督办级别无效。")
    return levels[rank]


def _create_order(
    *,
    acting_user: Any,
    level: Level,
    title: str,
    subject: str,
    source: str,
    lead_org: Any,
    responsible: Sequence[Any],
    owing: Sequence[Any],
    label: str,
    status: str = OrderStatus.OPEN,
    finish_by: dt.date | None = None,
) -> SupervisionOrder:
    """The order and its SUPERVISION duty, with the occurrences `owing` owes first (their
    answers, or the lead's 分解方案), numbered from the unit's per-year counter of official documents; in the caller's
    transaction, with its first history step and audit row."""
    today = timezone.localdate()
    due = _answer_due(level, today)
    duties, _ = work.create_duties(
        acting_user=acting_user,
        unit=department_of(acting_user),
        year=today.year,
        kind=DutyKind.SUPERVISION,
        specs=[
            work.DutySpec(
                f"{level.name}：{title}"[:500],
                lead_org,
                list(responsible),
                {"schedule_kind": ScheduleKind.EVENT},
            )
        ],
    )
    duty = duties[0]
    work.fire_duty(acting_user=acting_user, duty=duty, due_date=due, orgs=list(owing), label=label)
    unit = duty.unit
    order = SupervisionOrder.objects.create(
        duty=duty,
        year=today.year,
        document_number=next_document_number(unit, NUMBER_PREFIX, today.year),
        level=level,
        source=source,
        subject=subject,
        answer_due=due,
        finish_by=finish_by,
        status=status,
        issued_by=acting_user,
    )
    OrderStep.objects.create(order=order, level=level, action="下发", note=subject[:500], by=acting_user)
    record(
        AuditAction.CREATE,
        actor=acting_user,
        obj=order,
        object_repr=f"{level.name}单{order.doc_number}：{title}"[:200],
        after={
            "source": source,
            "orgs": [o.name for o in responsible],
            "lead": getattr(lead_org, "name", ""),
        },
    )
    return order


def issue_order(
    *,
    acting_user: Any,
    title: str,
    subject: str,
    level_rank: int = 2,
    occurrences: Sequence[Occurrence] = (),
) -> SupervisionOrder:
    """Issues an order for late or weak occurrences of the plan: their organisations
    answer. The order owns a SUPERVISION duty whose occurrences, one per organisation,
    are the answers owed."""
    _require_issuer(acting_user)
    title, subject = _validate_wording(title, subject)
    if not occurrences:
        raise ActionRefused("请选择要督办的事项。")
    root = scope_path(acting_user) or "-"
    if any(not o.org.path.startswith(root) for o in occurrences):
        raise refuse_access("督办事项超出您的管理范围。", actor=acting_user)
    targets = list({o.org.pk: o.org for o in occurrences}.values())
    level = _level(level_rank)
    with transaction.atomic():
        order = _create_order(
            acting_user=acting_user,
            level=level,
            title=title,
            subject=subject,
            source=OrderSource.PLAN,
            lead_org=acting_user.org,
            responsible=targets,
            owing=targets,
            label=answer_label(level),
        )
        order.occurrences.set(occurrences)
        _tell(order, targets)
    return order


ITEM_SOURCES = (OrderSource.INSTRUCTION, OrderSource.MEETING, OrderSource.SUPERIOR)
DECOMPOSITION = "分解方案"
MAX_STEPS = 30


def register_item(
    *,
    acting_user: Any,
    source: str,
    title: str,
    subject: str,
    lead_org: Any,
    cooperating: Sequence[Any] = (),
    finish_by: dt.date,
    level_rank: int = 3,
) -> SupervisionOrder:
    """Registers a supervised item that does not come from the plan (领导批示, 会议决定事项,
    上级交办): a duty led by `lead_org` with its cooperating units. It waits for the
    lead's decomposition (待分解): the lead owes a 分解方案 by the level's answer deadline,
    reminded and counted like any work, and only once it is entered (decompose_item) do
    the steps run."""
    _require_issuer(acting_user)
    title, subject = _validate_wording(title, subject)
    if source not in ITEM_SOURCES:
        raise ActionRefused("请选择督办事项来源（领导批示、会议决定事项或上级交办）。")
    if lead_org is None:
        raise ActionRefused("请选择牵头单位。")
    helpers = [o for o in {o.pk: o for o in cooperating}.values() if o.pk != lead_org.pk]
    today = timezone.localdate()
    if not today < finish_by <= dt.date(today.year, 12, 31):
        raise ActionRefused(f"办结时限应在明天至{today.year}年12月31日之间。")
    level = _level(level_rank)
    with transaction.atomic():
        order = _create_order(
            acting_user=acting_user,
            level=level,
            title=title,
            subject=subject,
            source=source,
            lead_org=lead_org,
            responsible=[lead_org, *helpers],
            owing=[lead_org],
            label=DECOMPOSITION,
            status=OrderStatus.DECOMPOSING,
            finish_by=finish_by,
        )
        if order.answer_due > finish_by:
            raise ActionRefused(
                f"办结时限早于分解方案的报送时限（{order.answer_due:%Y-%m-%d}），请放宽办结时限。"
            )
        _tell(order, [lead_org])
    return order


@dataclass
class PlannedStep:
    """A step as the lead unit enters it on the decomposition form or in the API."""

    content: str
    org: Any
    due_date: dt.date
    owner: str = ""


def decompose_item(
    *, acting_user: Any, order: SupervisionOrder, steps: Sequence[PlannedStep]
) -> SupervisionOrder:
    """The lead unit's decomposition (分解): its steps, each with an organisation (the lead
    or a cooperating unit), the person answering for it there, and a date by the item's
    办结时限. The lead's 分解方案 is done by it, each step becomes an occurrence of the
    order's duty (reminded, late, counted), the order runs (办理中) until every step is
    accepted, and the organisations with steps are told."""
    if not SupervisionOrder.objects.visible_to(acting_user).filter(pk=order.pk).exists():
        raise refuse_access("您不能分解该督办事项。", actor=acting_user, obj=order)
    if not rules.can_decompose(acting_user, order.duty):
        raise refuse_access("只有牵头单位可以分解该督办事项。", actor=acting_user, obj=order)
    if order.status != OrderStatus.DECOMPOSING:
        raise ActionRefused("该督办事项已分解，不能重复分解。")
    if not 1 <= len(steps) <= MAX_STEPS:
        raise ActionRefused(f"请填写1至{MAX_STEPS}个工作步骤。")
    for n, step in enumerate(steps, 1):
        if not step.content.strip() or len(step.content.strip()) > 300:
            raise ActionRefused(f"第{n}步：请填写工作内容（不超过300字）。")
        if len(step.owner.strip()) > 30:
            raise ActionRefused(f"第{n}步：责任人不超过30字。")
        if order.finish_by and step.due_date > order.finish_by:
            raise ActionRefused(f"第{n}步：完成时限不能晚于办结时限{order.finish_by:%Y-%m-%d}。")
    with transaction.atomic():
        locked = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
        if locked.status != OrderStatus.DECOMPOSING:
            raise ActionRefused("该督办事项已被分解，请刷新后查看。")
        plan = Occurrence.objects.get(duty=order.duty, org=order.duty.lead_org, period=DECOMPOSITION)
        work.satisfy_occurrence(
            acting_user=acting_user, occurrence=plan, record_label=f"{DECOMPOSITION}（{len(steps)}个步骤）"
        )
        created = work.fan_out_steps(
            acting_user=acting_user,
            duty=order.duty,
            steps=[
                work.StepSpec(f"第{n}步：{s.content.strip()}"[:40], s.org, s.due_date)
                for n, s in enumerate(steps, 1)
            ],
        )
        DecompositionStep.objects.bulk_create(
            [
                DecompositionStep(
                    order=locked,
                    seq=n,
                    content=s.content.strip(),
                    org=s.org,
                    owner=s.owner.strip(),
                    due_date=s.due_date,
                    occurrence=occ,
                )
                for n, (s, occ) in enumerate(zip(steps, created, strict=True), 1)
            ]
        )
        locked.status = OrderStatus.OPEN
        locked.answer_due = max(s.due_date for s in steps)
        locked.save(update_fields=["status", "answer_due"])
        OrderStep.objects.create(
            order=locked, level=locked.level, action="分解", note=f"分解为{len(steps)}个步骤", by=acting_user
        )
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=locked,
            object_repr=f"分解督办事项：{locked.doc_number}"[:200],
            after={"steps": [[s.content[:60], s.org.name, s.owner, s.due_date.isoformat()] for s in steps]},
        )
        url = reverse("supervision:order", args=[locked.pk])
        for org in {s.org.pk: s.org for s in steps}.values():
            notify_org(
                org,
                kind="order_steps",
                title=f"{locked.doc_number} {locked.duty.title[:60]}已分解，请按步骤时限办理",
                url=url,
                key=f"order:{locked.pk}:steps:{org.pk}",
            )
    return locked


def _require_own_order(user: Any, order: SupervisionOrder) -> None:
    _require_issuer(user)
    if not SupervisionOrder.objects.visible_to(user).filter(pk=order.pk).exists():
        raise refuse_access("您不能办理该督办单。", actor=user, obj=order)


def open_answers(order: SupervisionOrder) -> Any:
    """The organisations' answers not yet accepted (their open occurrences of the order's
    duty; a withdrawn one owes nothing)."""
    return Occurrence.objects.filter(rules.open_q(), duty=order.duty)


def raise_level(*, acting_user: Any, order: SupervisionOrder, reason: str) -> SupervisionOrder:
    """Raises the order one rung for the organisations that have not answered
    satisfactorily: a new answer is owed by the new deadline, and a wider audience is
    told. The old answers stay on record (late if late)."""
    _require_own_order(acting_user, order)
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused("请填写升级理由。")
    if order.status == OrderStatus.CLOSED:
        raise ActionRefused("督办单已办结，不能升级。")
    levels = ensure_ladder()
    higher = [lv for lv in levels if lv.rank > order.level.rank]
    if not higher:
        raise ActionRefused("已是最高级别（通报），不能再升级。")
    pending = list(open_answers(order).select_related("org"))
    orgs = list({o.org.pk: o.org for o in pending}.values())
    if not orgs:
        raise ActionRefused("各单位答复均已通过，可直接办结。")
    level = higher[0]
    due = _answer_due(level, timezone.localdate())
    with transaction.atomic():
        locked = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
        if locked.level_id != order.level_id:
            raise ActionRefused("督办单已被他人升级，请刷新后再操作。")
        work.fire_duty(
            acting_user=acting_user, duty=order.duty, due_date=due, orgs=orgs, label=answer_label(level)
        )
        locked.level, locked.answer_due = level, due
        locked.save(update_fields=["level", "answer_due"])
        OrderStep.objects.create(order=locked, level=level, action="升级", note=reason[:500], by=acting_user)
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=locked,
            object_repr=f"督办单升级为{level.name}：{locked.doc_number}",
            before={"level": order.level.name},
            after={"level": level.name, "reason": reason},
        )
        _tell(locked, orgs)
    return locked


def close_order(*, acting_user: Any, order: SupervisionOrder, note: str = "") -> SupervisionOrder:
    """Closes the order once every organisation's answer is accepted."""
    _require_own_order(acting_user, order)
    if order.status == OrderStatus.DECOMPOSING:
        raise ActionRefused("牵头单位尚未分解该事项，不能办结。")
    if order.status != OrderStatus.OPEN:
        raise ActionRefused("督办单已办结。")
    waiting = open_answers(order).count()
    if waiting:
        raise ActionRefused(f"还有{waiting}个单位的答复未审核通过，请先审核答复。")
    with transaction.atomic():
        changed = SupervisionOrder.objects.filter(pk=order.pk, status=OrderStatus.OPEN).update(
            status=OrderStatus.CLOSED, closed_at=timezone.now()
        )
        if not changed:
            raise ActionRefused("督办单已办结。")
        OrderStep.objects.create(
            order=order, level=order.level, action="办结", note=(note or "")[:500], by=acting_user
        )
        record(
            AuditAction.UPDATE, actor=acting_user, obj=order, object_repr=f"督办单办结：{order.doc_number}"
        )
    order.refresh_from_db()
    return order


def proposed_raises(today: dt.date | None = None) -> list[SupervisionOrder]:
    """Open orders past their answer deadline with answers missing: the next level is
    proposed to the office (shown on the orders page)."""
    today = today or timezone.localdate()
    late = Occurrence.objects.filter(
        status__in=(OccurrenceStatus.NOT_STARTED, OccurrenceStatus.IN_PROGRESS, OccurrenceStatus.OVERDUE)
    )
    return list(
        SupervisionOrder.objects.exclude(status=OrderStatus.CLOSED)
        .filter(answer_due__lt=today, duty__occurrences__in=late)
        .distinct()
    )


# --- random draws ------------------------------------------------------------------------

MAX_POOL = 2000


def _parse_pool(lines: str) -> list[dict[str, Any]]:
    """One item a line, optionally "名称*权重" (weight 1–100)."""
    pool, seen = [], set()
    for raw in (lines or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        label, _, weight = line.partition("*")
        label = label.strip()[:100]
        if not weight.strip():
            w = 1
        elif weight.strip().isdigit() and 1 <= int(weight.strip()) <= 100:
            w = int(weight.strip())
        else:
            raise ActionRefused(f"“{line[:30]}”的权重应为1至100的整数。")
        if label in seen:
            raise ActionRefused(f"“{label[:30]}”重复出现。")
        seen.add(label)
        pool.append({"label": label, "weight": w})
    return pool


def create_draw(
    *,
    acting_user: Any,
    title: str,
    pool_text: str,
    count: int,
    exclude_rounds: int = 0,
    rule: str = "",
    unannounced: bool = False,
    visit_date: dt.date | None = None,
    redraw_of: Draw | None = None,
) -> Draw:
    """Freezes the pool (its hash published) and publishes the commitment, the SHA-256 of
    a secret seed. Items drawn in the last `exclude_rounds` draws of the same name are
    left out of the pool."""
    _require_issuer(acting_user)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ActionRefused("请填写抽取名称（不超过200字）。")
    pool = _parse_pool(pool_text)
    if not 0 <= exclude_rounds <= 20:
        raise ActionRefused("排除轮数应为0至20。")
    if exclude_rounds:
        recent = Draw.objects.filter(title=title, status=DrawStatus.REVEALED).order_by("-revealed_at")[
            :exclude_rounds
        ]
        drawn = {item["label"] for d in recent for item in (d.result or [])}
        pool = [item for item in pool if item["label"] not in drawn]
    if not pool:
        raise ActionRefused("抽取范围为空，请每行填写一个对象。")
    if len(pool) > MAX_POOL:
        raise ActionRefused(f"抽取范围不超过{MAX_POOL}项。")
    if not 1 <= count <= len(pool):
        raise ActionRefused(f"抽取数量应为1至{len(pool)}。")
    if unannounced and visit_date is None:
        raise ActionRefused("不打招呼的调研请填写调研日期（结果保密至该日）。")
    if redraw_of is not None and not redraw_of.rule:
        raise ActionRefused("原抽取没有公布重抽规则，不能重抽。")
    seed = secrets.token_hex(32)
    with transaction.atomic():
        d = Draw.objects.create(
            unit=department_of(acting_user),
            title=title,
            pool=pool,
            pool_hash=draws.pool_hash(pool),
            count=count,
            commitment=draws.commitment(seed),
            seed=seed,
            rule=(rule or "").strip()[:300],
            unannounced=unannounced,
            visit_date=visit_date,
            redraw_of=redraw_of,
            created_by=acting_user,
        )
        record(
            AuditAction.CREATE,
            actor=acting_user,
            obj=d,
            object_repr=f"随机抽取：{title}"[:200],
            after={"pool_hash": d.pool_hash, "commitment": d.commitment, "count": count},
        )
    return d


def reveal_draw(*, acting_user: Any, draw: Draw) -> Draw:
    """Reveals the seed and computes the result from it — once; the result is never
    recomputed or deleted."""
    _require_issuer(acting_user)
    if not Draw.objects.visible_to(acting_user).filter(pk=draw.pk).exists():
        raise refuse_access("您不能操作该抽取。", actor=acting_user, obj=draw)
    with transaction.atomic():
        locked = Draw.objects.select_for_update().get(pk=draw.pk)
        if locked.status != DrawStatus.COMMITTED:
            raise ActionRefused("该抽取已揭示，结果不能更改。")
        locked.result = draws.draw(locked.pool, locked.count, locked.seed)
        locked.status, locked.revealed_at = DrawStatus.REVEALED, timezone.now()
        locked.save(update_fields=["result", "status", "revealed_at"])
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=locked,
            object_repr=f"揭示随机抽取：{locked.title}"[:200],
            after={"seed": locked.seed, "result": [i["label"] for i in locked.result]},
        )
    return locked


def verify_draw(d: Draw) -> list[str]:
    if d.status != DrawStatus.REVEALED:
        return ["尚未揭示种子，暂不能验证。"]
    return draws.verify(
        pool=d.pool,
        count=d.count,
        seed=d.seed,
        pool_digest=d.pool_hash,
        commit=d.commitment,
        result=d.result or [],
    )
