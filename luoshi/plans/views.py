from __future__ import annotations

from collections import Counter, OrderedDict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.accounts.choices import Role
from luoshi.core.access import deny, get_scoped_or_404, get_visible_or_404
from luoshi.core.concurrency import ConflictError
from luoshi.core.errors import ActionRefused
from luoshi.core.htmx import render_page_or_fragment
from luoshi.core.numbers import parse_int
from luoshi.orgs.models import Organization
from luoshi.plans import actions
from luoshi.plans.choices import PlanStatus
from luoshi.plans.forms import (
    ImportForm,
    ManualProposalForm,
    NextYearForm,
    ProposalForm,
    SectionAssignForm,
    SplitForm,
)
from luoshi.plans.models import Plan, Proposal
from luoshi.plans.publish_checks import PublishWarning, WarningCode, publish_warnings, warnings_digest
from luoshi.work.actions import load_calendar
from luoshi.work.calendar import CalendarMissing, WorkCalendar
from luoshi.work.choices import Frequency
from luoshi.work.schedules import periods


def _office_only(request: HttpRequest) -> HttpResponse | None:
    if request.user.role != Role.PLAN_OFFICE:
        return deny(request, "只有机关党委管理员可以管理工作要点。")
    return None


def plan_list(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.visible_to(request.user).select_related("created_by").defer("text", "parsed")
    return render(
        request, "plans/plan_list.html", {"plans": plans, "can_import": request.user.role == Role.PLAN_OFFICE}
    )


@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    if refused := _office_only(request):
        return refused
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            plan = actions.import_plan(
                acting_user=request.user,
                data=upload.read(actions.MAX_PLAN_BYTES + 1),
                filename=upload.name,
                year=form.cleaned_data["year"],
            )
        except ActionRefused as refused:
            form.add_error("file", str(refused))
        else:
            messages.success(
                request, f"已导入“{plan.title}”：{plan.proposals.count()}条建议任务，请逐条审定后发布。"
            )
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_import.html", {"form": form})


def highlighted_text(plan: Plan) -> SafeString:
    """The plan text as HTML with each measure in a <mark> that the proposals link to."""
    text = plan.text
    marks = sorted((m.span_start, m.span_end, m.seq) for m in plan.measures.all())
    out, pos = [], 0
    for start, end, seq in marks:
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        out.append(f'<mark class="measure" id="m-{seq}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of plan text above is escaped


def _due_preview(calendar: WorkCalendar | None, proposal: Proposal, year: int) -> str:
    if calendar is None:
        return ""
    found = periods(proposal.schedule, year, calendar)
    if not found:
        return "待定"
    if len(found) == 1:
        return f"{found[0].due:%Y-%m-%d}"
    return f"{len(found)}期，首期 {found[0].due:%m-%d}，末期 {found[-1].due:%m-%d}"


def _finding_rows(findings: list[Any]) -> list[Any]:
    """One row per distinct finding ("第13行留有占位符“XX”" four times is one row, 4处);
    its 忽略 dismisses all of them."""
    rows: dict[tuple[str, str], Any] = {}
    for f in findings:
        if not f.dismissed:
            row = rows.setdefault((f.kind, f.message), f)
            row.same = getattr(row, "same", 0) + 1
    return list(rows.values())


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(Plan.objects.all(), request.user, pk=pk)
    return _render_detail(request, plan)


def _render_detail(
    request: HttpRequest, plan: Plan, manual_form: ManualProposalForm | None = None, status: int = 200
) -> HttpResponse:
    """The review page; `manual_form` is a refused 手工新增 form shown again with its errors
    and what was typed."""
    proposals = list(
        plan.proposals.select_related("lead_org", "measure", "merged_into").prefetch_related(
            "responsible_orgs", "related_orgs"
        )
    )
    findings = list(plan.findings.all())
    calendar_warning = ""
    try:
        calendar: WorkCalendar | None = load_calendar([plan.year])
    except CalendarMissing as missing:
        calendar, calendar_warning = None, str(missing)
    sections: OrderedDict[str, list[Proposal]] = OrderedDict()
    for p in proposals:
        p.due_preview = _due_preview(calendar, p, plan.year)
        sections.setdefault(p.section or "其他", []).append(p)
    editable = plan.status == PlanStatus.DRAFT and request.user.role == Role.PLAN_OFFICE
    context = {
        "plan": plan,
        "sections": sections,
        "text_html": highlighted_text(plan),
        "findings": [f for f in findings if not f.dismissed],
        "finding_rows": _finding_rows(findings),
        "finding_counts": Counter(f.get_kind_display() for f in findings if not f.dismissed).most_common(),
        "dismissed_count": sum(1 for f in findings if f.dismissed),
        "editable": editable,
        "active_count": sum(1 for p in proposals if not p.dropped),
        "decision_count": sum(1 for p in proposals if not p.dropped and p.needs_decision),
        "calendar_warning": calendar_warning,
        "assign_form": SectionAssignForm(orgs=Organization.objects.assignable_by(request.user), auto_id=False)
        if editable
        else None,
        "manual_form": manual_form
        or (ManualProposalForm(orgs=Organization.objects.assignable_by(request.user), auto_id="new-%s"))
        if editable
        else None,
        "next_form": NextYearForm(initial={"year": plan.year + 1}),
        "can_manage": request.user.role == Role.PLAN_OFFICE,
    }
    return render(request, "plans/plan_detail.html", context, status=status)


def _proposal(request: HttpRequest, pk: int, proposal_pk: int) -> tuple[Plan, Proposal]:
    plan = get_visible_or_404(Plan.objects.all(), request.user, pk=pk)
    return plan, get_scoped_or_404(plan.proposals.select_related("lead_org"), request.user, pk=proposal_pk)


@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    if refused := _office_only(request):
        return refused
    plan, proposal = _proposal(request, pk, proposal_pk)
    initial = {
        "title": proposal.title,
        "lead_org": proposal.lead_org,
        "responsible": list(proposal.responsible_orgs.all()),
        "schedule_kind": proposal.schedule_kind,
        "freq": proposal.freq,
        "when": proposal.when,
        "day": proposal.day,
        "target_count": proposal.target_count,
        "target_unit": proposal.target_unit,
        "dropped": proposal.dropped,
        "version": proposal.version,
    }
    form = ProposalForm(
        request.POST or None,
        initial=initial,
        orgs=Organization.objects.assignable_by(request.user),
        auto_id=f"p{proposal.pk}-%s",  # several forms open on one page keep their labels apart
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            k: (
                data[k]
                if data[k] is not None
                else ("" if k in ("when", "freq", "schedule_kind", "target_unit") else None)
            )
            for k in actions.PROPOSAL_FIELDS
            if data.get(k) != initial.get(k)
        }
        responsible = (
            list(data["responsible"]) if set(data["responsible"]) != set(initial["responsible"]) else None
        )
        try:
            actions.update_proposal(
                acting_user=request.user,
                proposal=proposal,
                expected_version=data["version"],
                responsible=responsible,
                **changes,
            )
        except (ActionRefused, ConflictError) as refused:
            form.add_error(None, str(refused))
            status = 409 if isinstance(refused, ConflictError) else 400
        else:
            if request.htmx:
                return _with_counts(request, plan, _proposal_card(request, plan, proposal_pk))
            messages.success(request, "已保存。")
            return redirect(f"/plans/{plan.pk}/#p-{proposal.pk}")
    elif request.method == "POST":
        status = 400
    return render_page_or_fragment(
        request,
        "plans/proposal_edit.html",
        "htmx/proposal_form.html",
        {"plan": plan, "proposal": proposal, "form": form},
        status=status,
    )


def _with_counts(request: HttpRequest, plan: Plan, *cards: HttpResponse) -> HttpResponse:
    """Cards swapped in place, and the page's task counts (the publish button, the note)
    updated out of band, so a split or a drop never leaves the page counting the old number."""
    counts = render(
        request, "htmx/plan_counts_oob.html", {"active_count": plan.proposals.filter(dropped=False).count()}
    )
    return HttpResponse(b"".join(card.content for card in cards) + counts.content)


def _proposal_card(request: HttpRequest, plan: Plan, proposal_pk: int) -> HttpResponse:
    proposal = (
        plan.proposals.select_related("lead_org", "measure", "merged_into")
        .prefetch_related("responsible_orgs", "related_orgs")
        .get(pk=proposal_pk)
    )
    try:
        proposal.due_preview = _due_preview(load_calendar([plan.year]), proposal, plan.year)
    except CalendarMissing:
        proposal.due_preview = ""
    editable = plan.status == PlanStatus.DRAFT and request.user.role == Role.PLAN_OFFICE
    return render(request, "htmx/proposal_card.html", {"plan": plan, "p": proposal, "editable": editable})


def proposal_card(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    plan, proposal = _proposal(request, pk, proposal_pk)
    return _proposal_card(request, plan, proposal.pk)


@require_http_methods(["GET", "POST"])
def proposal_split(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """Splitting in place: GET shows the proposal's text cut at its most natural clause
    break (or at `?at=`, one of the marked breaks) as two editable parts; POST saves them
    as two proposals and, for htmx, answers both cards in the place of the form."""
    if refused := _office_only(request):
        return refused
    plan, proposal = _proposal(request, pk, proposal_pk)
    if plan.status != PlanStatus.DRAFT:
        messages.error(request, "工作要点已发布，不能再修改任务分解。")
        return redirect("plans:detail", pk=plan.pk)
    text = proposal.title
    at_param = request.GET.get("at", "")
    at = parse_int(at_param, maximum=len(text))
    if at is None:
        at = actions.natural_split(text)
    first, second = actions.divide_text(text, at)
    form = SplitForm(
        request.POST or None,
        initial={"first": first, "second": second, "version": proposal.version},
        auto_id=f"split{proposal.pk}-%s",
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                kept, new = actions.split_proposal(
                    acting_user=request.user,
                    proposal=proposal,
                    expected_version=data["version"],
                    first=data["first"],
                    second=data["second"],
                )
            except (ActionRefused, ConflictError) as refused:
                form.add_error(None, str(refused))
                status = 409 if isinstance(refused, ConflictError) else 400
            else:
                if request.htmx:
                    return _with_counts(
                        request,
                        plan,
                        _proposal_card(request, plan, kept.pk),
                        _proposal_card(request, plan, new.pk),
                    )
                messages.success(request, "已拆分为两条任务。")
                return redirect(f"/plans/{plan.pk}/#p-{kept.pk}")
        else:
            status = 400
    points = actions.split_points(text)
    pieces, start = [], 0
    for point in points:
        pieces.append({"text": text[start:point], "at": point, "chosen": point == at})
        start = point
    pieces.append({"text": text[start:], "at": None, "chosen": False})
    return render_page_or_fragment(
        request,
        "plans/proposal_split.html",
        "htmx/proposal_split.html",
        {"plan": plan, "proposal": proposal, "form": form, "pieces": pieces},
        status=status,
    )


@require_POST
def proposal_merge(request: HttpRequest, pk: int) -> HttpResponse:
    if refused := _office_only(request):
        return refused
    plan = get_visible_or_404(Plan.objects.all(), request.user, pk=pk)
    ids = [n for i in request.POST.getlist("ids")[:1000] if (n := parse_int(i, minimum=1)) is not None]
    chosen = sorted(plan.proposals.filter(pk__in=ids), key=lambda p: p.order)
    try:
        keep = actions.merge_proposals(acting_user=request.user, proposals=chosen)
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return redirect("plans:detail", pk=plan.pk)
    messages.success(request, f"已合并{len(chosen)}条任务。")
    return redirect(f"/plans/{plan.pk}/#p-{keep.pk}")


@require_POST
def proposal_add(request: HttpRequest, pk: int) -> HttpResponse:
    if refused := _office_only(request):
        return refused
    plan = get_visible_or_404(Plan.objects.all(), request.user, pk=pk)
    form = ManualProposalForm(
        request.POST, orgs=Organization.objects.assignable_by(request.user), auto_id="new-%s"
    )
    if form.is_valid():
        try:
            p = actions.add_proposal(
                acting_user=request.user,
                plan=plan,
                title=form.cleaned_data["title"],
                section=form.cleaned_data["section"],
                responsible=list(form.cleaned_data["responsible"]),
            )
        except ActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "已新增任务。")
            return redirect(f"/plans/{plan.pk}/#p-{p.pk}")
    return _render_detail(request, plan, manual_form=form, status=400)


@require_POST
def section_assign(request: HttpRequest, pk: int) -> HttpResponse:
    if refused := _office_only(request):
        return refused
    plan = get_visible_or_404(Plan.objects.all(), request.user, pk=pk)
    form = SectionAssignForm(request.POST, orgs=Organization.objects.assignable_by(request.user))
    if not form.is_valid():
        messages.error(request, "请选择责任单位。")
        return redirect("plans:detail", pk=plan.pk)
    try:
        n = actions.assign_section(
            acting_user=request.user,
            plan=plan,
            section=form.cleaned_data["section"],
            responsible=list(form.cleaned_data["responsible"]),
            lead=form.cleaned_data["lead"],
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已为该部分的{n}条任务分配责任单位。")
    return redirect("plans:detail", pk=plan.pk)


@require_POST
def finding_dismiss(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    if refused := _office_only(request):
        return refused
    plan = get_visible_or_404(Plan.objects.all(), request.user, pk=pk)
    finding = get_scoped_or_404(plan.findings.all(), request.user, pk=finding_pk)
    same = list(plan.findings.filter(kind=finding.kind, message=finding.message, dismissed=False))
    for f in same or [finding]:
        actions.dismiss_finding(acting_user=request.user, finding=f)
    messages.info(request, f"已忽略该问题（{len(same)}处）。" if len(same) > 1 else "已忽略该问题。")
    return redirect("plans:detail", pk=plan.pk)


@require_POST
def plan_replace(request: HttpRequest, pk: int) -> HttpResponse:
    if refused := _office_only(request):
        return refused
    plan = get_visible_or_404(Plan.objects.all(), request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择修改后的文档。")
        return redirect("plans:detail", pk=plan.pk)
    try:
        new = actions.replace_draft(
            acting_user=request.user,
            plan=plan,
            data=upload.read(actions.MAX_PLAN_BYTES + 1),
            filename=upload.name,
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return redirect("plans:detail", pk=plan.pk)
    messages.success(
        request,
        f"已用修改后的文档重新解析：{new.proposals.count()}条建议任务，草稿问题{new.findings.count()}处。",
    )
    return redirect("plans:detail", pk=new.pk)


YEAR_CODES = (WarningCode.YEAR_OVER, WarningCode.YEAR_MISMATCH)


def _publish_choices(plan: Plan, warnings: list[PublishWarning], data: Any) -> dict[str, Any]:
    """The confirmation step's rows, each warning with the answer given so far (from the
    posted form, so nothing typed is lost when the page comes back with an error)."""
    duplicates = [
        {"warning": w, "name": f"dup-{w.proposals[0]}", "value": data.get(f"dup-{w.proposals[0]}", "")}
        for w in warnings
        if w.code == WarningCode.DUPLICATE
    ]
    no_occurrences = [
        {"warning": w, "name": f"sched-{w.proposals[0]}", "value": data.get(f"sched-{w.proposals[0]}", "")}
        for w in warnings
        if w.code == WarningCode.NO_OCCURRENCES
    ]
    year_warnings = [w for w in warnings if w.code in YEAR_CODES]
    years = sorted({y for w in year_warnings for y in w.years})
    return {
        "duplicates": duplicates,
        "no_occurrences": no_occurrences,
        "year_warnings": year_warnings,
        "years": years,
        "year_value": data.get("year", ""),
        "frequencies": Frequency.choices,
    }


def _decisions(choices: dict[str, Any]) -> tuple[actions.PublishDecisions, list[str]]:
    decisions, missing = actions.PublishDecisions(), []
    for row in choices["duplicates"]:
        if row["value"] == "merge":
            decisions.merge.append(row["warning"].proposals[0])
        elif row["value"] != "keep":
            missing.append(f"重复任务“{row['warning'].titles[0][:20]}”")
    for row in choices["no_occurrences"]:
        if row["value"] in Frequency.values:
            decisions.schedules[row["warning"].proposals[0]] = row["value"]
        elif row["value"] != "event":
            missing.append(f"“{row['warning'].titles[0][:20]}”的时间")
    if choices["years"]:
        value = choices["year_value"]
        if (year := parse_int(value)) is not None and year in choices["years"]:
            decisions.year = year
        else:
            missing.append("发布年度")
    return decisions, missing


@require_http_methods(["GET", "POST"])
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation step: what will be published, each warning with its decision;
    POST applies the decisions and publishes in one go (actions.publish_with_decisions)."""
    if refused := _office_only(request):
        return refused
    plan = get_visible_or_404(Plan.objects.select_related("previous"), request.user, pk=pk)
    if plan.status != PlanStatus.DRAFT:
        messages.info(request, "该工作要点已经发布。")
        return redirect("plans:detail", pk=plan.pk)
    warnings = publish_warnings(plan)
    choices = _publish_choices(plan, warnings, request.POST if request.method == "POST" else {})
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        decisions, missing = _decisions(choices)
        if request.POST.get("seen") != warnings_digest(warnings):
            errors.append("确认期间任务分解已被修改，提醒已更新，请重新确认。")
            status = 409
        elif missing:
            errors.append(
                "请为每项提醒作出选择：" + "、".join(missing[:5]) + ("等" if len(missing) > 5 else "") + "。"
            )
            status = 400
        else:
            try:
                result = actions.publish_with_decisions(
                    acting_user=request.user, plan=plan, decisions=decisions, seen=request.POST.get("seen")
                )
            except actions.PublishNeedsConfirmation as changed:
                errors.append("确认期间任务分解已被修改，提醒已更新，请重新确认。")
                warnings = changed.warnings
                choices = _publish_choices(plan, warnings, {})
                status = 409
            except (ActionRefused, ConflictError) as refused:
                errors.append(str(refused))
                status = 400
            else:
                messages.success(
                    request,
                    f"已发布：{result['tasks']}项任务、{result['occurrences']}个任务事项已下发到各单位。",
                )
                return redirect(f"/tasks/ledger/?plan={plan.pk}")
    plan.refresh_from_db()
    context = {
        "plan": plan,
        "warnings": warnings,
        "seen": warnings_digest(warnings),
        "errors": errors,
        "active_count": plan.proposals.filter(dropped=False).count(),
        "missing_orgs": plan.proposals.filter(dropped=False, responsible_orgs=None).count(),
        **choices,
    }
    return render(request, "plans/plan_publish.html", context, status=status)


@require_POST
def plan_next_year(request: HttpRequest, pk: int) -> HttpResponse:
    if refused := _office_only(request):
        return refused
    plan = get_visible_or_404(Plan.objects.all(), request.user, pk=pk)
    form = NextYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写有效的年度。")
        return redirect("plans:detail", pk=plan.pk)
    try:
        new = actions.start_next_plan(acting_user=request.user, plan=plan, year=form.cleaned_data["year"])
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return redirect("plans:detail", pk=plan.pk)
    messages.success(request, f"已由{plan.year}年要点生成{new.year}年草稿，任务已复制，请审定。")
    return redirect("plans:detail", pk=new.pk)


def plan_compare(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.visible_to(request.user).only("id", "title", "year")
    a_id, b_id = request.GET.get("a", ""), request.GET.get("b", "")
    rows: list[dict[str, Any]] = []
    old = new = None
    a_pk, b_pk = parse_int(a_id, minimum=1), parse_int(b_id, minimum=1)
    if a_pk is not None and b_pk is not None:
        old = get_visible_or_404(Plan.objects.all(), request.user, pk=a_pk)
        new = get_visible_or_404(Plan.objects.all(), request.user, pk=b_pk)
        rows = actions.compare_plans(old, new)
    counts = {
        k: sum(1 for r in rows if r["status"] == k) for k in ("unchanged", "changed", "added", "removed")
    }
    return render(
        request,
        "plans/plan_compare.html",
        {"plans": plans, "rows": rows, "old": old, "new": new, "counts": counts, "a": a_id, "b": b_id},
    )
