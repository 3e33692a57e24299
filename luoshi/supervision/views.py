"""Pages: traffic lights rolled up by organisation and plan section, supervision orders
(list, issue, one order with its answers, raise, close) and random draws (publish,
reveal, verify in the browser)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.accounts.choices import Role
from luoshi.core.access import deny, get_visible_or_404, require_role
from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.core.paging import paginate
from luoshi.core.scope import scope_path
from luoshi.supervision import actions
from luoshi.supervision.models import Draw, DrawStatus, OrderSource, OrderStatus, SupervisionOrder
from luoshi.work import rules
from luoshi.work.choices import Bucket
from luoshi.work.models import Occurrence

OVERSEERS = (Role.PLAN_OFFICE, Role.DISCIPLINE, Role.LEADER)
BUSINESS = (Role.PLAN_OFFICE, Role.DISCIPLINE, Role.LEADER, Role.ORG_STAFF)


def _department(user: Any) -> Any:
    root = scope_path(user)
    return Occurrence.objects.filter(org__path__startswith=root) if root else Occurrence.objects.none()


@require_role(*OVERSEERS)
def lights(request: HttpRequest) -> HttpResponse:
    """The department's lights rolled up by organisation and by plan section, counted
    with the rules of work.rules (one definition), plus lagging (rules.is_lagging)."""
    today = timezone.localdate()
    year = today.year
    rows = _department(request.user).filter(due_date__year=year)
    by_org = list(
        rows.values("org_id", "org__name").annotate(**rules.count_annotations(today)).order_by("org__path")
    )
    by_section = list(
        rows.exclude(duty__task__isnull=True)
        .values("duty__task__section")
        .annotate(**rules.count_annotations(today))
        .order_by("duty__task__section")
    )
    lag_org: dict[int, int] = defaultdict(int)
    lag_section: dict[str, int] = defaultdict(int)
    candidates = rows.filter(target_count__gte=2, status__in=rules.OWED, due_date__gte=today).select_related(
        "duty__task"
    )
    for o in candidates.only(
        "org_id",
        "status",
        "target_count",
        "achieved_count",
        "period_start",
        "due_date",
        "duty__task__section",
    ):
        if rules.is_lagging(o, today):
            lag_org[o.org_id] += 1
            task = getattr(o.duty, "task", None)
            lag_section[task.section if task else ""] += 1
    for r in by_org:
        r["lagging"] = lag_org.get(r["org_id"], 0)
        r["light"] = rules.rolled_up_light(r)
    for r in by_section:
        r["lagging"] = lag_section.get(r["duty__task__section"], 0)
        r["light"] = rules.rolled_up_light(r)
    totals = rules.bucket_counts(rows, today)
    totals["lagging"] = sum(lag_org.values())
    return render(
        request,
        "supervision/lights.html",
        {
            "by_org": by_org,
            "by_section": by_section,
            "totals": totals,
            "year": year,
            "light": rules.rolled_up_light(totals),
        },
    )


@require_role(*BUSINESS)
def orders(request: HttpRequest) -> HttpResponse:
    rows = SupervisionOrder.objects.visible_to(request.user).select_related("duty", "level")
    status = request.GET.get("status", "")
    if status in OrderStatus.values:
        rows = rows.filter(status=status)
    level = request.GET.get("level", "")
    if level.isdigit() and len(level) < 3:
        rows = rows.filter(level__rank=int(level))
    can_issue = request.user.role in actions.ISSUERS
    return render(
        request,
        "supervision/orders.html",
        {
            "page": paginate(request, rows),
            "status": status,
            "level": level,
            "can_issue": can_issue,
            "proposed": actions.proposed_raises() if can_issue else [],
            "levels": actions.ensure_ladder(),
        },
    )


@require_http_methods(["GET", "POST"])
@require_role(*actions.ISSUERS)
def order_new(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    candidates = (
        _department(request.user)
        .filter(rules.bucket_q(Bucket.LATE, today) | rules.bucket_q(Bucket.RETURNED, today))
        .exclude(duty__kind="supervision")
        .select_related("duty", "org")
        .order_by("due_date", "org__path")[:300]
    )
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("occurrences") if i.isdigit() and len(i) < 18]
        chosen = list(_department(request.user).filter(pk__in=ids).select_related("org"))
        rank = request.POST.get("level", "2")
        try:
            order = actions.issue_order(
                acting_user=request.user,
                title=request.POST.get("title", ""),
                subject=request.POST.get("subject", ""),
                level_rank=int(rank) if rank.isdigit() and len(rank) < 3 else 0,
                occurrences=chosen,
            )
        except AccessRefused as refused:
            return deny(request, str(refused))
        except ActionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"已下发{order.level.name}单{order.doc_number}。")
            return redirect("supervision:order", pk=order.pk)
    return render(
        request,
        "supervision/order_new.html",
        {"candidates": candidates, "levels": actions.ensure_ladder(), "form": request.POST},
    )


@require_role(*BUSINESS)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_visible_or_404(SupervisionOrder.objects.select_related("duty", "level"), request.user, pk=pk)
    answers = (
        Occurrence.objects.filter(duty=order.duty).select_related("org").order_by("due_date", "org__path")
    )
    if request.user.role not in Role.department_wide():
        answers = answers.filter(org__path__startswith=request.user.org.path)
    rows = [(a, rules.light_of(a), rules.can_report(request.user, a)) for a in answers]
    return render(
        request,
        "supervision/order_detail.html",
        {
            "order": order,
            "answers": rows,
            "targets": order.occurrences.select_related("duty", "org"),
            "steps": order.steps.select_related("level", "by"),
            "can_manage": request.user.role in actions.ISSUERS and order.status == OrderStatus.OPEN,
        },
    )


def _order_action(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    order = get_visible_or_404(SupervisionOrder.objects.select_related("duty", "level"), request.user, pk=pk)
    try:
        run(order)
    except AccessRefused as refused:
        return deny(request, str(refused))
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect("supervision:order", pk=pk)


@require_POST
@require_role(*actions.ISSUERS)
def order_raise(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_action(
        request,
        pk,
        lambda o: actions.raise_level(
            acting_user=request.user, order=o, reason=request.POST.get("reason", "")
        ),
        "督办单已升级，已通知相关单位。",
    )


@require_POST
@require_role(*actions.ISSUERS)
def order_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_action(
        request,
        pk,
        lambda o: actions.close_order(acting_user=request.user, order=o, note=request.POST.get("note", "")),
        "督办单已办结。",
    )


@require_http_methods(["GET", "POST"])
@require_role(*BUSINESS)
def draws_page(request: HttpRequest) -> HttpResponse:
    can_draw = request.user.role in actions.ISSUERS
    if request.method == "POST":
        if not can_draw:
            return deny(request, "只有机关党委管理员或纪检人员可以发起随机抽取。")
        count, rounds = request.POST.get("count", ""), request.POST.get("exclude_rounds", "0") or "0"
        visit: dt.date | None = None
        try:
            raw = request.POST.get("visit_date", "")
            if raw:
                try:
                    visit = dt.date.fromisoformat(raw)
                except ValueError:
                    raise ActionRefused("调研日期格式应为 2026-01-31。") from None
            if not (count.isdigit() and len(count) < 5) or not (rounds.isdigit() and len(rounds) < 3):
                raise ActionRefused("抽取数量和排除轮数应为整数。")
            d = actions.create_draw(
                acting_user=request.user,
                title=request.POST.get("title", ""),
                pool_text=request.POST.get("pool", ""),
                count=int(count),
                exclude_rounds=int(rounds),
                rule=request.POST.get("rule", ""),
                unannounced=request.POST.get("unannounced") == "on",
                visit_date=visit,
            )
        except AccessRefused as refused:
            return deny(request, str(refused))
        except ActionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "已冻结抽取范围并公布承诺值，揭示种子后即得结果。")
            return redirect("supervision:draw", pk=d.pk)
    rows = Draw.objects.visible_to(request.user)
    return render(
        request,
        "supervision/draws.html",
        {"page": paginate(request, rows), "can_draw": can_draw, "form": request.POST},
    )


@require_role(*BUSINESS)
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    d = get_visible_or_404(Draw.objects, request.user, pk=pk)
    revealed = d.status == DrawStatus.REVEALED
    return render(
        request,
        "supervision/draw_detail.html",
        {
            "draw": d,
            "revealed": revealed,
            "problems": actions.verify_draw(d) if revealed else [],
            "draw_data": {
                "pool": d.pool,
                "count": d.count,
                "seed": d.seed,
                "pool_hash": d.pool_hash,
                "commitment": d.commitment,
                "result": d.result or [],
            }
            if revealed
            else None,
            "can_reveal": request.user.role in actions.ISSUERS and not revealed,
        },
    )


@require_POST
@require_role(*actions.ISSUERS)
def draw_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    d = get_visible_or_404(Draw.objects, request.user, pk=pk)
    try:
        actions.reveal_draw(acting_user=request.user, draw=d)
    except AccessRefused as refused:
        return deny(request, str(refused))
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "种子已揭示，结果已生成，任何人可按公布的数据复核。")
    return redirect("supervision:draw", pk=pk)
