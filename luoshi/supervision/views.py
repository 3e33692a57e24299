"""Pages: traffic lights rolled up by organisation and plan section, supervision orders
(list, issue, one order with its answers, raise, close) and random draws (publish,
reveal, verify in the browser)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.access import deny, get_visible_or_404, require_role
from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.core.paging import paginate
from luoshi.core.scope import scope_path
from luoshi.orgs.models import Organization
from luoshi.supervision import actions, documents
from luoshi.supervision.filters import DrawFilter, OrderFilter
from luoshi.supervision.models import Draw, DrawStatus, OrderSource, OrderStatus, SupervisionOrder
from luoshi.work import rules
from luoshi.work.choices import Bucket
from luoshi.work.models import Occurrence

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
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


def _filtered_orders(request: HttpRequest) -> tuple[Any, OrderFilter]:
    """The orders in scope under the page's filters; a malformed date is shown, not raised."""
    try:
        chosen = OrderFilter.read(request.GET)
    except ActionRefused as refused:
        messages.error(request, str(refused))
        chosen = OrderFilter()
    rows = SupervisionOrder.objects.visible_to(request.user).select_related("duty", "level")
    return chosen.apply(rows), chosen


@require_role(*BUSINESS)
def orders(request: HttpRequest) -> HttpResponse:
    rows, chosen = _filtered_orders(request)
    can_issue = request.user.role in actions.ISSUERS
    return render(
        request,
        "supervision/orders.html",
        {
            "page": paginate(request, rows),
            "chosen": chosen,
            "query": request.GET.urlencode(),
            "can_issue": can_issue,
            "proposed": actions.proposed_raises() if can_issue else [],
            "levels": actions.ensure_ladder(),
            "statuses": OrderStatus.choices,
            "sources": OrderSource.choices,
            "orgs": Organization.objects.assignable_by(request.user) if can_issue else [],
        },
    )


def _download(request: HttpRequest, data: bytes, filename: str, content_type: str, what: str) -> HttpResponse:
    """A generated file as an attachment, its export audited."""
    record(AuditAction.EXPORT, actor=request.user, object_type="supervision.export", object_repr=what[:200])
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_role(*actions.ISSUERS)
def orders_export(request: HttpRequest) -> HttpResponse:
    """The orders the page shows, under its filters, as .xlsx (plan office and discipline staff)."""
    rows, chosen = _filtered_orders(request)
    today = timezone.localdate()
    data = documents.orders_xlsx(documents.with_answer_counts(rows), today, chosen.described())
    return _download(request, data, f"督办单台账{today:%Y%m%d}.xlsx", XLSX, "导出督办单台账")


@require_role(*BUSINESS, Role.MEMBER)
def bulletins(request: HttpRequest) -> HttpResponse:
    """The 通报 of the department: each public-level order with the organisations it names,
    readable by everyone in the department."""
    rows = (
        SupervisionOrder.objects.visible_to(request.user)
        .filter(level__public=True)
        .select_related("duty", "level")
    )
    page = paginate(request, rows)
    items = [(o, actions.bulletin_orgs(o)) for o in page.object_list]
    return render(request, "supervision/bulletins.html", {"page": page, "items": items})


@require_role(*BUSINESS, Role.MEMBER)
def order_docx(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_visible_or_404(
        SupervisionOrder.objects.select_related("duty__unit", "level"), request.user, pk=pk
    )
    return _download(
        request,
        documents.order_docx(order),
        f"{order.level.name}单{order.doc_number}.docx",
        DOCX,
        f"打印{order.level.name}单{order.doc_number}",
    )


@require_http_methods(["GET", "POST"])
@require_role(*actions.ISSUERS)
def item_new(request: HttpRequest) -> HttpResponse:
    """Registers a supervised item not from the plan (领导批示, 会议决定事项, 上级交办)."""
    orgs = Organization.objects.assignable_by(request.user)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("cooperating") if i.isdigit() and len(i) < 18]
        lead = request.POST.get("lead", "")
        rank = request.POST.get("level", "3")
        try:
            order = actions.register_item(
                acting_user=request.user,
                source=request.POST.get("source", ""),
                title=request.POST.get("title", ""),
                subject=request.POST.get("subject", ""),
                lead_org=orgs.filter(pk=int(lead)).first() if lead.isdigit() and len(lead) < 18 else None,
                cooperating=list(orgs.filter(pk__in=ids)),
                finish_by=_date_field(request.POST.get("finish_by", ""), "办结时限"),
                level_rank=int(rank) if rank.isdigit() and len(rank) < 3 else 0,
            )
        except AccessRefused as refused:
            return deny(request, str(refused))
        except ActionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"已登记督办事项{order.doc_number}，待牵头单位分解。")
            return redirect("supervision:order", pk=order.pk)
    return render(
        request,
        "supervision/item_new.html",
        {
            "orgs": orgs,
            "sources": [(s, OrderSource(s).label) for s in actions.ITEM_SOURCES],
            "levels": actions.ensure_ladder(),
            "form": request.POST,
            "cooperating": request.POST.getlist("cooperating"),
        },
    )


def _date_field(raw: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ActionRefused(f"请填写{label}（格式 2026-01-31）。") from None


FORM_STEPS = 10


@require_POST
@require_role(Role.ORG_STAFF, Role.PLAN_OFFICE)
def order_decompose(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead unit's decomposition form: up to FORM_STEPS rows; blank rows are skipped."""
    order = get_visible_or_404(SupervisionOrder.objects.select_related("duty__lead_org"), request.user, pk=pk)
    allowed = {o.pk: o for o in order.duty.responsible_orgs.all()}
    try:
        steps = []
        for n in range(1, FORM_STEPS + 1):
            content = request.POST.get(f"content_{n}", "").strip()
            if not content:
                continue
            org = request.POST.get(f"org_{n}", "")
            if not (org.isdigit() and int(org) in allowed):
                raise ActionRefused(f"第{n}行：请选择责任单位。")
            steps.append(
                actions.PlannedStep(
                    content=content,
                    org=allowed[int(org)],
                    owner=request.POST.get(f"owner_{n}", ""),
                    due_date=_date_field(request.POST.get(f"due_{n}", ""), f"第{n}行的完成时限"),
                )
            )
        actions.decompose_item(acting_user=request.user, order=order, steps=steps)
    except AccessRefused as refused:
        return deny(request, str(refused))
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "已分解，各步骤已下达责任单位。")
    return redirect("supervision:order", pk=pk)


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
    decomposing = order.status == OrderStatus.DECOMPOSING
    # The lead answers its 分解方案 with the decomposition form, not with a report.
    rows = [
        (a, rules.light_of(a), rules.can_report(request.user, a) and a.period != actions.DECOMPOSITION)
        for a in answers
    ]
    return render(
        request,
        "supervision/order_detail.html",
        {
            "order": order,
            "plan": order.plan.select_related("org", "occurrence"),
            "can_decompose": decomposing and rules.can_decompose(request.user, order.duty),
            "step_rows": range(1, FORM_STEPS + 1),
            "step_orgs": order.duty.responsible_orgs.order_by("path") if decomposing else [],
            "answers": rows,
            "targets": order.occurrences.select_related("duty", "org"),
            "steps": order.steps.select_related("level", "by"),
            "can_manage": request.user.role in actions.ISSUERS and order.status != OrderStatus.CLOSED,
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
    rows, chosen = _filtered_draws(request)
    return render(
        request,
        "supervision/draws.html",
        {
            "page": paginate(request, rows),
            "can_draw": can_draw,
            "form": request.POST,
            "chosen": chosen,
            "query": request.GET.urlencode(),
            "statuses": DrawStatus.choices,
        },
    )


def _filtered_draws(request: HttpRequest) -> tuple[Any, DrawFilter]:
    try:
        chosen = DrawFilter.read(request.GET)
    except ActionRefused as refused:
        messages.error(request, str(refused))
        chosen = DrawFilter()
    return chosen.apply(Draw.objects.visible_to(request.user)), chosen


@require_role(*actions.ISSUERS)
def draws_export(request: HttpRequest) -> HttpResponse:
    rows, _ = _filtered_draws(request)
    today = timezone.localdate()
    return _download(
        request,
        documents.draws_xlsx(rows, today),
        f"随机抽取记录{today:%Y%m%d}.xlsx",
        XLSX,
        "导出随机抽取记录",
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
