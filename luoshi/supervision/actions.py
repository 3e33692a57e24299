"""Supervision orders (督办单) and random draws: each operation checks its user, runs in
one transaction and writes its audit row there."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.errors import ActionRefused, refuse_access
from luoshi.core.scope import scope_path
from luoshi.notify.actions import notify
from luoshi.supervision import draws
from luoshi.supervision.models import (
    Audience,
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


def _department_of(user: Any) -> Any:
    """The department (root organisation) the user works in: the unit of its orders and draws."""
    from luoshi.core.scope import root_path_of
    from luoshi.orgs.models import Organization

    return Organization.objects.get(path=root_path_of(user.org.path))


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


def _tell(order: SupervisionOrder, orgs: Sequence[Any]) -> None:
    level = order.level
    url = reverse("supervision:order", args=[order.pk])
    for org in orgs:
        notify(
            kind=f"order_{level.rank}",
            title=f"【{level.name}】{order.doc_number} {order.duty.title[:60]}，请于{order.answer_due:%m月%d日}前答复",
            body=level.wording,
            url=url,
            key=f"order:{order.pk}:{level.rank}:{org.pk}",
            users=audience_of(level, org),
            orgs=[org] if "webhook" in level.channels else [],
        )


def issue_order(
    *,
    acting_user: Any,
    title: str,
    subject: str,
    level_rank: int = 2,
    occurrences: Sequence[Occurrence] = (),
    orgs: Sequence[Any] = (),
    source: str = OrderSource.PLAN,
) -> SupervisionOrder:
    """Issues an order for late or weak occurrences (their organisations answer), or for a
    supervised item not from the plan (the given organisations answer). The order owns a
    SUPERVISION duty whose occurrences, one per organisation, are the answers owed."""
    _require_issuer(acting_user)
    title, subject = (title or "").strip(), (subject or "").strip()
    if not title or len(title) > 200:
        raise ActionRefused("请填写督办事项名称（不超过200字）。")
    if len(subject) > 5000:
        raise ActionRefused("督办事由不超过5000字。")
    if source not in OrderSource.values:
        raise ActionRefused("督办来源无效。")
    if source == OrderSource.PLAN and not occurrences:
        raise ActionRefused("请选择要督办的事项。")
    root = scope_path(acting_user) or "-"
    if any(not o.org.path.startswith(root) for o in occurrences):
        raise refuse_access("督办事项超出您的管理范围。", actor=acting_user)
    targets = {o.org.pk: o.org for o in occurrences} | {o.pk: o for o in orgs}
    if not targets:
        raise ActionRefused("请选择承办单位。")
    levels = {lv.rank: lv for lv in ensure_ladder()}
    if level_rank not in levels:
        raise ActionRefused("督办级别无效。")
    level = levels[level_rank]
    today = timezone.localdate()
    due = _answer_due(level, today)
    unit = _department_of(acting_user)
    with transaction.atomic():
        duties, _ = work.create_duties(
            acting_user=acting_user,
            unit=unit,
            year=today.year,
            kind=DutyKind.SUPERVISION,
            specs=[
                work.DutySpec(
                    f"{level.name}：{title}"[:500],
                    acting_user.org,
                    list(targets.values()),
                    {"schedule_kind": ScheduleKind.EVENT},
                )
            ],
        )
        duty = duties[0]
        work.fire_duty(
            acting_user=acting_user,
            duty=duty,
            due_date=due,
            orgs=list(targets.values()),
            label=f"{level.name}答复",
        )
        number = (
            SupervisionOrder.objects.select_for_update()
            .filter(year=today.year)
            .aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
        order = SupervisionOrder.objects.create(
            duty=duty,
            year=today.year,
            number=number,
            level=level,
            source=source,
            subject=subject,
            answer_due=due,
            issued_by=acting_user,
        )
        order.occurrences.set(occurrences)
        OrderStep.objects.create(order=order, level=level, action="下发", note=subject[:500], by=acting_user)
        record(
            AuditAction.CREATE,
            actor=acting_user,
            obj=order,
            object_repr=f"{level.name}单{order.doc_number}：{title}"[:200],
            after={"orgs": [o.name for o in targets.values()], "occurrences": [o.pk for o in occurrences]},
        )
        _tell(order, list(targets.values()))
    return order


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
    if order.status != OrderStatus.OPEN:
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
            acting_user=acting_user, duty=order.duty, due_date=due, orgs=orgs, label=f"{level.name}答复"
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
        SupervisionOrder.objects.filter(
            status=OrderStatus.OPEN, answer_due__lt=today, duty__occurrences__in=late
        ).distinct()
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
            unit=_department_of(acting_user),
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
