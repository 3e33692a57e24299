"""Pages for inspections: the discipline staff's workspace (rounds and open findings), a
round with its flow at a glance, a finding with its measures and history. Every read is
scoped (404 outside) and audited; every change goes through luoshi.inspections.actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.access import deny, get_visible_or_404
from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.core.paging import paginate
from luoshi.inspections import actions, stats
from luoshi.inspections.choices import FindingStatus, RecheckResult, RoundKind, Severity, StageKind
from luoshi.inspections.exports import ledger_xlsx
from luoshi.inspections.importer import ImportRefused, import_findings
from luoshi.inspections.models import Finding, FindingCategory, FollowUpDraw, Measure, Recheck, Round
from luoshi.orgs.models import Organization, Person
from luoshi.supervision.actions import ISSUERS, ensure_ladder
from luoshi.supervision.models import Draw, DrawStatus
from luoshi.work import rules
from luoshi.work.choices import DutyKind
from luoshi.work.models import Occurrence

OPEN_STATES = [FindingStatus.OPEN, FindingStatus.RECTIFYING, FindingStatus.REOPENED]


def _refused(request: HttpRequest, refused: ActionRefused) -> HttpResponse | None:
    """A permission refusal is a 403 page; a broken rule a message on the same page."""
    if isinstance(refused, AccessRefused):
        return deny(request, str(refused))
    messages.error(request, str(refused))
    return None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def home(request: HttpRequest) -> HttpResponse:
    """Discipline staff: their rounds and the open findings; an organisation: its own
    findings and measures."""
    user = request.user
    rounds = Round.objects.visible_to(user).select_related("target__duty")
    findings = Finding.objects.visible_to(user).select_related("org", "category", "round")
    if (
        user.role not in (Role.DISCIPLINE, Role.PLAN_OFFICE, Role.LEADER, Role.ORG_STAFF)
        and not rounds.exists()
    ):
        return deny(request, "您没有查看巡察整改的权限。")
    actions.record_view(user, None, "巡察整改工作台")
    open_findings = findings.filter(status__in=OPEN_STATES).order_by("round", "seq")
    measures = (
        Measure.objects.visible_to(user)
        .filter(duty__occurrences__in=Occurrence.objects.exclude(status="done"))
        .select_related("finding__org")
        .prefetch_related("duty__occurrences")
        .order_by("deadline")
    )
    return render(
        request,
        "inspections/home.html",
        {
            "rounds": rounds.order_by("-year", "-batch", "id")[:30],
            "open_page": paginate(request, open_findings),
            "open_count": open_findings.count(),
            "measures": [(m, rules.light_of(m.occurrence)) for m in measures[:50]],
            "can_create": user.role == Role.DISCIPLINE,
            "held": stats.held_counts(Recheck.objects.filter(finding__in=findings)),
        },
    )


def _follow_up_draw(request: HttpRequest, raw: str | None) -> FollowUpDraw | None:
    """The draw a new 回头看 is made of (?draw=), 404 outside the user's draws."""
    if not (raw or "").isdigit() or len(raw or "") > 18:
        return None
    drawn = FollowUpDraw.objects.filter(pk=int(raw or 0)).first()
    if drawn is None:
        raise Http404("抽取不存在。")
    drawn.draw = get_visible_or_404(Draw.objects, request.user, pk=drawn.draw_id)
    return drawn


def home_panel(request: HttpRequest) -> str:
    """Discipline staff's panel on the workspace: the rounds still open (a finding not
    closed, one it reopened, or an organisation not yet confirmed inspected), the measures
    waiting for their verification (the same as 待我审核) and the late ones (red)."""
    user = request.user
    if user.role != Role.DISCIPLINE:
        return ""
    today = timezone.localdate()
    findings = Finding.objects.visible_to(user)
    rounds = (
        Round.objects.visible_to(user)
        .filter(
            Q(findings__in=findings.filter(status__in=OPEN_STATES))
            | Q(rechecks__finding__in=findings.filter(status=FindingStatus.REOPENED))
            | Q(inspected__confirmed_at__isnull=True)
        )
        .distinct()
        .order_by("-year", "-batch", "id")
    )
    measures = Occurrence.objects.filter(duty__rectification__finding__in=findings)
    return render_to_string(
        "inspections/home_panel.html",
        {
            "rounds": list(rounds[:5]),
            "round_count": rounds.count(),
            "to_verify": rules.reviewable_by(user).filter(duty__kind=DutyKind.RECTIFICATION).count(),
            "late": measures.filter(rules.red_q(today)).count(),
        },
        request=request,
    )


def round_new(request: HttpRequest) -> HttpResponse:
    """A new round; a 回头看 may take its organisations from a verifiable draw (E) of
    those inspected before: the draw is made and revealed here, its result fixes the list."""
    user = request.user
    if user.role != Role.DISCIPLINE:
        return deny(request, "只有纪检人员可以新建巡察轮次。")
    orgs = Organization.objects.visible_to(user).filter(is_active=True).order_by("path")
    people = Person.objects.visible_to(user).select_related("org").order_by("org__path", "name")
    drawn = _follow_up_draw(request, request.POST.get("draw") or request.GET.get("draw"))
    values: dict[str, Any] = {
        "year": drawn.year if drawn else timezone.localdate().year,
        "batch": 1,
        "kind": RoundKind.FOLLOW_UP if drawn else RoundKind.REGULAR,
    }
    if drawn is not None:
        orgs = orgs.filter(pk__in=drawn.drawn_org_ids())
    if request.method == "POST":
        post = request.POST
        values = post.dict()
        try:
            year, batch = int(post.get("year", "")), int(post.get("batch", "") or 1)
        except ValueError:
            messages.error(request, "年度和批次应为整数。")
        else:
            chosen = list(orgs.filter(pk__in=[i for i in post.getlist("orgs") if i.isdigit()]))
            leader = (
                people.filter(pk=post.get("leader") or 0).first()
                if (post.get("leader") or "").isdigit()
                else None
            )
            members = list(people.filter(pk__in=[i for i in post.getlist("members") if i.isdigit()]))
            starts_on, ends_on = _date(post.get("starts_on")), _date(post.get("ends_on"))
            stages = {
                k: (_date(post.get(f"stage_{k}_start")), _date(post.get(f"stage_{k}_end")))
                for k in StageKind.values
                if post.get(f"stage_{k}_start") or post.get(f"stage_{k}_end")
            }
            if starts_on is None or ends_on is None:
                messages.error(request, "请填写巡察的开始和结束日期。")
            else:
                try:
                    round_ = actions.create_round(
                        acting_user=user,
                        year=year,
                        batch=batch,
                        kind=post.get("kind", ""),
                        title=post.get("title", ""),
                        orgs=chosen,
                        starts_on=starts_on,
                        ends_on=ends_on,
                        leader=leader,
                        members=members,
                        stages=stages,
                        follow_up_draw=drawn,
                    )
                except ActionRefused as refused:
                    if (answer := _refused(request, refused)) is not None:
                        return answer
                else:
                    messages.success(request, "已新建巡察轮次。")
                    return redirect("inspections:round", pk=round_.pk)
    year = int(values["year"]) if str(values.get("year", "")).isdigit() else timezone.localdate().year
    return render(
        request,
        "inspections/round_new.html",
        {
            "orgs": orgs,
            "people": people[:500],
            "kinds": [(k, label) for k, label in RoundKind.choices if not drawn or k == RoundKind.FOLLOW_UP],
            "stage_kinds": StageKind.choices,
            "values": values,
            "chosen": set(request.POST.getlist("orgs")),
            "drawn": drawn,
            "revealed": drawn is not None and drawn.draw.status == DrawStatus.REVEALED,
            "pool": actions.follow_up_pool(user, year) if drawn is None else [],
            "pool_year": year,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def follow_up_draw_new(request: HttpRequest) -> HttpResponse:
    """Freezes the pool and publishes the commitment of a 回头看 draw, then back to the
    new-round page to reveal it."""
    year, count = request.POST.get("year", ""), request.POST.get("count", "")
    try:
        if not (year.isdigit() and len(year) == 4 and count.isdigit() and len(count) < 5):
            raise ActionRefused("年度和抽取数量应为整数。")
        drawn = actions.start_follow_up_draw(acting_user=request.user, year=int(year), count=int(count))
    except ActionRefused as refused:
        if (answer := _refused(request, refused)) is not None:
            return answer
        return redirect("inspections:round_new")
    messages.success(request, "已冻结抽取范围并公布承诺值。揭示种子即得抽取结果。")
    return redirect(f"{reverse('inspections:round_new')}?draw={drawn.pk}")


@require_POST
def follow_up_draw_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    drawn = _follow_up_draw(request, str(pk))
    assert drawn is not None  # a path's <int:pk> is digits
    try:
        actions.reveal_follow_up_draw(acting_user=request.user, follow_up_draw=drawn)
    except ActionRefused as refused:
        if (answer := _refused(request, refused)) is not None:
            return answer
    else:
        messages.success(request, "种子已揭示，抽取结果已确定，可在抽取记录中复核。")
    return redirect(f"{reverse('inspections:round_new')}?draw={drawn.pk}")


def _round(request: HttpRequest, pk: int) -> Round:
    return get_visible_or_404(
        Round.objects.select_related("leader", "target__duty", "unit", "follow_up_draw__draw"),
        request.user,
        pk=pk,
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    round_ = _round(request, pk)
    actions.record_view(user, round_, "巡察轮次")
    visible = Finding.objects.visible_to(user)
    findings = visible.filter(round=round_).select_related("org", "category").order_by("seq")
    manage = actions.can_manage(user, round_)
    inspected = list(round_.inspected.select_related("org"))
    own_orgs = [i.org for i in inspected if actions.can_rectify_for(user, i.org)]
    context: dict[str, Any] = {
        "round": round_,
        "findings": findings,
        "stats": stats.round_stats(round_, visible),
        "inspected": inspected,
        "unconfirmed": any(i.confirmed_at is None for i in inspected),
        "stages": round_.stages.all(),
        "members": round_.members.all(),
        "manage": manage,
        "categories": actions.categories(),
        "severities": Severity.choices,
        "own_orgs": own_orgs,
        "reports": round_.reports.filter(
            org__in=[
                i.org
                for i in inspected
                if manage or actions.can_rectify_for(user, i.org) or user.role in ("plan_office", "leader")
            ]
        ).select_related("org", "submitted_by"),
        "can_target": user.role in (Role.PLAN_OFFICE, Role.DISCIPLINE),
        "proposed": actions.propose_target(round_.year, round_.kind, round_.unit)
        if not round_.target_confirmed_by_id
        else None,
        "target_choices": Occurrence.objects.filter(
            duty__kind="task",
            duty__year=round_.year,
            org__path__startswith=round_.unit.path,
            duty__target_unit__startswith="家单位",
        ).select_related("duty")[:50],
        "follow_up": round_.kind == RoundKind.FOLLOW_UP,
        "today": timezone.localdate(),
        "can_order": user.role in ISSUERS,
        "slow": stats.slow_measures(round_, visible) if user.role in ISSUERS else [],
        "orders": actions.orders_for(round_, user),
        "levels": ensure_ladder() if user.role in ISSUERS else [],
    }
    if round_.kind == RoundKind.FOLLOW_UP:
        context["to_recheck"] = actions.closed_findings_for(round_) if manage else []
        context["rechecks"] = Recheck.objects.filter(round=round_, finding__in=visible).select_related(
            "finding__org"
        )
        context["results"] = RecheckResult.choices
    return render(request, "inspections/round_detail.html", context)


def _act(request: HttpRequest, pk: int, do: Any, done: str) -> HttpResponse:
    try:
        do()
    except ActionRefused as refused:
        if (answer := _refused(request, refused)) is not None:
            return answer
    else:
        messages.success(request, done)
    return redirect("inspections:round", pk=pk)


@require_POST
def round_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    ids = [i for i in request.POST.getlist("orgs") if i.isdigit()]
    orgs = list(Organization.objects.filter(pk__in=ids)) if ids else None
    return _act(
        request,
        pk,
        lambda: actions.confirm_inspected(acting_user=request.user, round_=round_, orgs=orgs),
        "已确认巡察完成，并计入目标。",
    )


@require_POST
def round_order(request: HttpRequest, pk: int) -> HttpResponse:
    """督办 of the chosen slow measures, issued by supervision; on to the order."""
    round_ = _round(request, pk)
    ids = [int(i) for i in request.POST.getlist("occurrences") if i.isdigit() and len(i) < 18]
    rank = request.POST.get("level", "2")
    try:
        order = actions.supervise_measures(
            acting_user=request.user,
            round_=round_,
            occurrences=list(Occurrence.objects.visible_to(request.user).filter(pk__in=ids)),
            level_rank=int(rank) if rank.isdigit() and len(rank) < 3 else 0,
            subject=request.POST.get("subject", ""),
        )
    except ActionRefused as refused:
        if (answer := _refused(request, refused)) is not None:
            return answer
        return redirect("inspections:round", pk=pk)
    messages.success(request, f"已下发{order.level.name}单{order.doc_number}。")
    return redirect("supervision:order", pk=order.pk)


@require_POST
def round_target(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    raw = request.POST.get("occurrence", "")
    occ = get_visible_or_404(Occurrence.objects.all(), request.user, pk=int(raw)) if raw.isdigit() else None
    return _act(
        request,
        pk,
        lambda: actions.set_target(acting_user=request.user, round_=round_, occurrence=occ),
        "已确认计入的目标。",
    )


@require_POST
def finding_new(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    post = request.POST
    category = (
        FindingCategory.objects.filter(pk=post.get("category") or 0, is_active=True).first()
        if (post.get("category") or "").isdigit()
        else None
    )
    org = (
        round_.inspected.filter(org_id=post.get("org") or 0).first()
        if (post.get("org") or "").isdigit()
        else None
    )

    def do() -> None:
        if category is None or org is None:
            raise ActionRefused("请选择被巡察单位和问题类别。")
        actions.add_finding(
            acting_user=request.user,
            round_=round_,
            org=org.org,
            category=category,
            description=post.get("description", ""),
            severity=post.get("severity", Severity.GENERAL),
            evidence=post.get("evidence", ""),
            clause=post.get("clause", ""),
        )

    return _act(request, pk, do, "已录入问题。")


@require_POST
def finding_import(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要导入的 .xlsx 文件。")
        return redirect("inspections:round", pk=pk)
    try:
        created = import_findings(
            acting_user=request.user, round_=round_, content=upload.read(), filename=upload.name or ""
        )
    except ImportRefused as refused:
        messages.error(request, "导入未完成，文件中的问题：")
        for problem in refused.problems[:50]:
            messages.error(request, problem)
    except ActionRefused as refused:
        if (answer := _refused(request, refused)) is not None:
            return answer
    else:
        messages.success(request, f"已导入{len(created)}项问题。")
    return redirect("inspections:round", pk=pk)


@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    raw = request.POST.get("org", "")
    org = round_.inspected.filter(org_id=int(raw)).first() if raw.isdigit() else None

    def do() -> None:
        if org is None:
            raise ActionRefused("请选择单位。")
        actions.submit_rectification_report(
            acting_user=request.user, round_=round_, org=org.org, text=request.POST.get("text", "")
        )

    return _act(request, pk, do, "已报送整改情况报告。")


@require_POST
def recheck(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    raw = request.POST.get("finding", "")
    finding = get_visible_or_404(Finding.objects.all(), request.user, pk=int(raw)) if raw.isdigit() else None

    def do() -> None:
        if finding is None:
            raise ActionRefused("请选择要复查的问题。")
        actions.recheck(
            acting_user=request.user,
            round_=round_,
            finding=finding,
            result=request.POST.get("result", ""),
            reason=request.POST.get("reason", ""),
            new_deadline=_date(request.POST.get("new_deadline")),
            measure_text=request.POST.get("measure", ""),
        )

    return _act(request, pk, do, "已记录复查结论。")


def export(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    round_ = _round(request, pk)
    if which not in ("findings", "ledger"):
        return deny(request, "导出类型无效。")
    findings = Finding.objects.visible_to(request.user).filter(round=round_).order_by("seq")
    content = ledger_xlsx(round_, findings, ledger=which == "ledger")
    name = "整改台账" if which == "ledger" else "问题清单"
    record(AuditAction.EXPORT, actor=request.user, obj=round_, message=f"导出{name}")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{round_.title}{name}.xlsx')}"
    return response


def document(request: HttpRequest, pk: int, org: int, which: str) -> HttpResponse:
    """反馈意见 (feedback) or 整改情况报告 (report) of one inspected organisation, .docx."""
    from urllib.parse import quote

    from luoshi.inspections.documents import feedback_docx, rectification_report_docx

    round_ = _round(request, pk)
    inspected = round_.inspected.select_related("org").filter(org_id=org).first()
    if inspected is None or which not in ("feedback", "report"):
        return deny(request, "该单位不是本轮被巡察单位。")
    findings = list(
        Finding.objects.visible_to(request.user)
        .filter(round=round_, org=inspected.org)
        .select_related("category")
        .prefetch_related("measures__duty__occurrences")
    )
    if not findings and not actions.can_manage(request.user, round_):
        return deny(request, "您无权查看该单位的巡察问题。")
    today = timezone.localdate()
    if which == "feedback":
        content, name = feedback_docx(round_, inspected.org, findings, today), "反馈意见"
    else:
        report = round_.reports.filter(org=inspected.org).first()
        content, name = (
            rectification_report_docx(round_, inspected.org, findings, report, today),
            "整改情况报告",
        )
    record(AuditAction.EXPORT, actor=request.user, obj=round_, message=f"导出{inspected.org.name}{name}")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    filename = quote(f"{inspected.org.name}{name}.docx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _finding(request: HttpRequest, pk: int) -> Finding:
    return get_visible_or_404(Finding.objects.select_related("round", "org", "category"), request.user, pk=pk)


def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    finding = _finding(request, pk)
    actions.record_view(user, finding, "巡察问题")
    measures = list(finding.measures.prefetch_related("duty__occurrences__reports"))
    rows = []
    for m in measures:
        occ = m.occurrence
        rows.append(
            {
                "m": m,
                "occ": occ,
                "light": rules.light_of(occ),
                "submitted": any(r.status == "submitted" for r in occ.reports.all()),
            }
        )
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "f": finding,
            "rows": rows,
            "events": finding.events.select_related("by"),
            "rechecks": finding.rechecks.select_related("round"),
            "manage": actions.can_manage(user, finding.round),
            "rectify": actions.can_rectify_for(user, finding.org),
            "today": timezone.localdate(),
        },
    )


def _finding_act(request: HttpRequest, pk: int, do: Any, done: str) -> HttpResponse:
    try:
        do()
    except ActionRefused as refused:
        if (answer := _refused(request, refused)) is not None:
            return answer
    else:
        messages.success(request, done)
    return redirect("inspections:finding", pk=pk)


@require_POST
def measure_new(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    post = request.POST
    return _finding_act(
        request,
        pk,
        lambda: actions.add_measure(
            acting_user=request.user,
            finding=finding,
            text=post.get("text", ""),
            deadline=_date(post.get("deadline")),
            responsible_person=post.get("responsible_person", ""),
        ),
        "已下发整改措施，已进入被巡察单位的待办。",
    )


@require_POST
def finding_close(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    return _finding_act(
        request,
        pk,
        lambda: actions.close_finding(
            acting_user=request.user, finding=finding, comment=request.POST.get("comment", "")
        ),
        "已销号。",
    )


@require_POST
def measure_verify(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_visible_or_404(Measure.objects.select_related("finding__round"), request.user, pk=pk)
    decision = request.POST.get("decision", "")
    return _finding_act(
        request,
        measure.finding_id,
        lambda: actions.verify_measure(
            acting_user=request.user,
            measure=measure,
            decision=decision,
            comment=request.POST.get("comment", ""),
        ),
        "已验收通过。" if decision == "accept" else "已退回整改。",
    )
