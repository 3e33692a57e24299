"""Pages for work that is owed: the workspace (home), 我的待办, the review queue, an
occurrence with its reports, evidence, and the working-day calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Case, Count, Max, Prefetch, QuerySet, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core import registry
from luoshi.core.access import deny, get_scoped_or_404, get_visible_or_404, require_role
from luoshi.core.concurrency import ConflictError
from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.core.paging import paginate
from luoshi.work import actions, rules
from luoshi.work.calendar import CalendarMissing
from luoshi.work.choices import Bucket, OccurrenceStatus
from luoshi.work.filters import OccurrenceFilters
from luoshi.work.forms import (
    AddOrgForm,
    CalendarDayForm,
    ExtensionDecisionForm,
    ExtensionForm,
    ReassignForm,
    ReportEditForm,
    ReportForm,
    RescheduleForm,
    ReviewForm,
    WithdrawForm,
)
from luoshi.work.models import CalendarDay, CalendarYear, Evidence, ExtensionRequest, Occurrence, Report
from luoshi.work.previews import PREVIEWABLE, preview_png
from luoshi.work.uploads import download_url, open_stored, read_stored

# The tabs of 我的待办, in the order an organisation acts on them.
MY_WORK_TABS = [Bucket.RETURNED, Bucket.LATE, Bucket.SOON, Bucket.WAITING, Bucket.LATER, Bucket.DONE]


def occurrence_list(queryset: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
    """The columns every occurrence list shows, in one query with its duty and task."""
    return queryset.select_related("duty__task", "org").order_by("due_date", "id")


# --- workspace ---------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    """The workspace: for each role, what it acts on.

    Business roles see two sets, each labelled: what their own organisation owes (the
    same counts as 我的待办) and, for department-wide roles, the whole department (the
    same counts as the ledger and the API).
    """
    from luoshi.orgs.models import Organization

    user = request.user
    today = timezone.localdate()
    context: dict[str, Any] = {"role_label": user.get_role_display(), "today": today}
    if user.role in Role.without_business_scope() or user.role == Role.SYSADMIN:
        context["admin_links"] = _admin_links(user)
        if user.role == Role.SYSADMIN:
            from luoshi.work.capacity import outgrown_embedded_database

            context["calendar_years"] = _calendar_state(today.year)
            context["outgrown"] = outgrown_embedded_database()
        return render(request, "work/home.html", context)
    owed = rules.owed_by(user)
    context["own"] = rules.bucket_counts(owed, today)
    context["own_open"] = context["own"]["total"] - context["own"]["done"]
    context["own_returned"] = list(
        occurrence_list(owed.filter(rules.bucket_q(Bucket.RETURNED, today))).prefetch_related(
            Prefetch("reports", queryset=Report.objects.filter(status="returned").order_by("-reviewed_at"))
        )[:5]
    )
    context["to_review"] = rules.reviewable_by(user).count()
    if user.role in Role.department_wide():
        scope = Occurrence.objects.visible_to(user)
        context["scope"] = rules.bucket_counts(scope, today)
        context["behind"] = list(
            scope.filter(rules.bucket_q(Bucket.LATE, today))
            .values("org_id", "org__name")
            .annotate(late=Count("id"))
            .order_by("-late", "org__name")[:5]
        )
        context["org_count"] = Organization.objects.visible_to(user).count()
    context["panels"] = registry.home_panels(request)
    if user.role == Role.MEMBER and user.org is not None:
        branch_open = list(occurrence_list(owed.filter(rules.open_q()))[:10])
        for o in branch_open:
            o.light = rules.light_of(o, today)
        context["branch_open"] = branch_open
    return render(request, "work/home.html", context)


def _admin_links(user: Any) -> list[tuple[str, str, str]]:
    links = {
        Role.SYSADMIN: [
            ("accounts:user_list", "账户管理", "开设、停用账户，分配角色与所属组织"),
            ("work:calendar", "工作日历", "法定节假日与调休，决定任务的完成时限"),
            ("orgs:tree", "组织机构", "党组织与单位的层级"),
        ],
        Role.SECADMIN: [("accounts:user_list", "账户管理", "重置密码与身份验证器，解锁账户")],
        Role.AUDITADMIN: [("audit:list", "审计日志", "查看谁在何时做了什么，核验日志链")],
    }
    return links.get(user.role, [])


def _calendar_state(year: int) -> list[tuple[int, bool]]:
    known = set(CalendarYear.objects.filter(year__in=[year, year + 1]).values_list("year", flat=True))
    out = []
    for y in (year, year + 1):
        if y not in known:
            try:
                actions.ensure_calendar_year(y)
                known.add(y)
            except CalendarMissing:
                pass
        out.append((y, y in known))
    return out


# --- 我的待办 and the review queue ----------------------------------------------------------


def my_work(request: HttpRequest) -> HttpResponse:
    """What the user's organisation owes, by bucket, one tab at a time; paged, with the real
    count on each tab. The default tab is the first that has something."""
    user = request.user
    if user.role in Role.without_business_scope() or user.role == Role.SYSADMIN:
        return deny(request, "系统、安全和审计管理员没有业务待办。")
    today = timezone.localdate()
    owed = rules.owed_by(user)
    counts = rules.bucket_counts(owed, today)
    to_review = rules.reviewable_by(user).count()
    tab = request.GET.get("status", "")
    if tab not in MY_WORK_TABS:
        tab = next((b for b in MY_WORK_TABS[:4] if counts[b]), Bucket.SOON)
    page = paginate(request, occurrence_list(owed.filter(rules.bucket_q(tab, today))))
    for o in page.object_list:
        o.light = rules.light_of(o, today)
    tabs = [(b, Bucket(b).label, counts[b]) for b in MY_WORK_TABS]
    context = {
        "tabs": tabs,
        "tab": tab,
        "tab_label": Bucket(tab).label,
        "page": page,
        "counts": counts,
        "to_review": to_review,
        "window": rules.due_soon_days(),
        "can_act": user.role in (Role.ORG_STAFF, Role.PLAN_OFFICE),
    }
    return render(request, "work/my_work.html", context)


def review_queue(request: HttpRequest) -> HttpResponse:
    """待我审核: the reports waiting for this user's review, oldest first, paged."""
    if rules.review_scope(request.user) is None:
        return deny(request, "您没有审核权限。")
    waiting = (
        occurrence_list(rules.reviewable_by(request.user))
        .annotate(submitted_at=Max("reports__created_at"))
        .order_by("submitted_at", "id")
    )
    page = paginate(request, waiting)
    pending_extensions = (
        ExtensionRequest.objects.visible_to(request.user).filter(status="pending").count()
        if request.user.role == Role.PLAN_OFFICE
        else None
    )
    return render(request, "work/review_queue.html", {"page": page, "pending_extensions": pending_extensions})


@require_POST
def review_bulk(request: HttpRequest) -> HttpResponse:
    """批量通过: accepts the latest report of each chosen occurrence."""
    ids = [int(v) for v in request.POST.getlist("occurrences") if v.isascii() and v.isdigit() and len(v) < 19]
    if not ids:
        messages.error(request, "请先勾选要通过的事项。")
        return redirect("work:review_queue")
    reports = (
        Report.objects.filter(
            occurrence__in=rules.reviewable_by(request.user).filter(pk__in=ids), status="submitted"
        )
        .select_related("occurrence__duty", "occurrence__org")
        .order_by("created_at")
    )
    accepted, refusals = actions.review_many(acting_user=request.user, reports=list(reports))
    if accepted:
        messages.success(request, f"已通过 {accepted} 项。")
    for refusal in refusals[:5]:
        messages.error(request, refusal)
    return redirect("work:review_queue")


def _next_in_queue(user: Any, after: Occurrence) -> int | None:
    queue = rules.reviewable_by(user).exclude(pk=after.pk).order_by("updated_at", "id")
    return queue.values_list("pk", flat=True).first()


# --- an occurrence ------------------------------------------------------------------------


def _change_forms(request: HttpRequest, occ: Occurrence, bound: dict[str, Any]) -> dict[str, Any]:
    """The forms of the changes after publishing that this user may make here: 申请延期 for
    those who report it; for the plan office, the decision on a pending request, 改派,
    撤回, 调整 and 增加责任单位. A form that failed is `bound` and comes back as typed."""
    from luoshi.orgs.models import Organization

    out: dict[str, Any] = {}
    if rules.can_request_extension(request.user, occ) and not occ.pending_extension:
        out["extension_form"] = bound.get("extension_form") or ExtensionForm(prefix="ext")
    if not rules.can_adjust(request.user, occ):
        return out
    if occ.pending_extension:
        out["decision_form"] = bound.get("decision_form") or ExtensionDecisionForm(
            prefix="dec", initial={"due": occ.pending_extension.wished_due}
        )
    orgs = Organization.objects.visible_to(request.user).filter(path__startswith=occ.duty.unit.path)
    if occ.status in actions.ADJUSTABLE:
        out["reassign_form"] = bound.get("reassign_form") or ReassignForm(
            prefix="reassign", orgs=orgs.exclude(pk=occ.org_id)
        )
        out["reschedule_form"] = bound.get("reschedule_form") or RescheduleForm(prefix="resched")
    if occ.status not in (OccurrenceStatus.DONE, OccurrenceStatus.WITHDRAWN):
        out["withdraw_form"] = bound.get("withdraw_form") or WithdrawForm(prefix="withdraw")
    out["add_org_form"] = bound.get("add_org_form") or AddOrgForm(
        prefix="add", orgs=orgs.exclude(pk__in=occ.duty.responsible_orgs.values("pk"))
    )
    return out


def _occurrence_page(
    request: HttpRequest,
    occ: Occurrence,
    report_form: ReportForm | None = None,
    status: int = 200,
    **bound: Any,
) -> HttpResponse:
    """The occurrence with its reports and history; the report form only for those who owe
    it, the review form only for its reviewers, the forms of changes after publishing for
    those who may make them. A form that failed comes back with what was typed."""
    occ.pending_extension = next((e for e in occ.extensions.all() if e.status == "pending"), None)
    can_report = rules.can_report(request.user, occ)
    can_review = rules.can_review(request.user, occ)
    reports = list(occ.reports.all())
    latest_return = next((r for r in reversed(reports) if r.status == "returned"), None)
    if occ.status != OccurrenceStatus.RETURNED:
        latest_return = None
    if report_form is None and can_report and latest_return is not None:
        # Correcting a returned report starts from what was sent, not from a blank form.
        report_form = ReportForm(initial={"text": latest_return.text, "count": latest_return.count})
    context = {
        "occ": occ,
        "can_report": can_report,
        "task": getattr(occ.duty, "task", None),
        "light": rules.light_of(occ),
        "reports": reports,
        "changes": occ.changes.all(),
        "report_form": (report_form or ReportForm()) if can_report else None,
        "can_review": can_review,
        "latest_return": latest_return,
        "next_in_queue": _next_in_queue(request.user, occ) if can_review else None,
        "previewable": PREVIEWABLE,
        "extensions": occ.extensions.all(),
        **_change_forms(request, occ, bound),
    }
    return render(request, "work/occurrence_detail.html", context, status=status)


def _visible_occurrence(request: HttpRequest, pk: int) -> Occurrence:
    reports = Report.objects.select_related("author", "reviewed_by").prefetch_related("evidence")
    return get_visible_or_404(
        Occurrence.objects.select_related(
            "duty__task__plan", "duty__lead_org", "duty__unit", "org"
        ).prefetch_related(
            Prefetch("reports", queryset=reports),
            "changes__by",
            "changes__related__org",
            Prefetch(
                "extensions", queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by")
            ),
        ),
        request.user,
        pk=pk,
    )


def occurrence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _occurrence_page(request, _visible_occurrence(request, pk))


@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    occ = _visible_occurrence(request, pk)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.submit_report(
                acting_user=request.user,
                occurrence=occ,
                text=form.cleaned_data["text"],
                count=form.cleaned_data["count"],
                files=form.cleaned_data["files"],
            )
        except ActionRefused as refused:
            form.add_error("files" if "“" in str(refused) and request.FILES else None, str(refused))
        else:
            messages.success(request, "已报送，等待审核。")
            return redirect("work:occurrence", pk=occ.pk)
    if request.FILES:
        form.add_error("files", "出于安全考虑，浏览器不保留已选的附件，请重新选择。")
    return _occurrence_page(request, occ, report_form=form, status=400)


@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_scoped_or_404(
        Report.objects.filter(occurrence__in=Occurrence.objects.visible_to(request.user)).select_related(
            "occurrence__duty", "occurrence__org"
        ),
        request.user,
        pk=pk,
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审核结论。")
        return redirect("work:occurrence", pk=report.occurrence_id)
    decision = form.cleaned_data["decision"]
    try:
        actions.review_report(
            acting_user=request.user, report=report, decision=decision, comment=form.cleaned_data["comment"]
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return redirect("work:occurrence", pk=report.occurrence_id)
    messages.success(
        request, "审核通过。" if decision == "accept" else "已退回，报送单位打开该事项时会看到退回意见。"
    )
    following = _next_in_queue(request.user, report.occurrence) if request.POST.get("next") else None
    return redirect("work:occurrence", pk=following or report.occurrence_id)


@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_scoped_or_404(
        Report.objects.filter(occurrence__in=Occurrence.objects.visible_to(request.user))
        .select_related("occurrence__duty", "occurrence__org")
        .prefetch_related("evidence"),
        request.user,
        pk=pk,
    )
    initial = {"text": report.text, "count": report.count, "version": report.version}
    form = ReportEditForm(request.POST or None, request.FILES or None, initial=initial, report=report)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.edit_report(
                    acting_user=request.user,
                    report=report,
                    expected_version=form.cleaned_data["version"],
                    text=form.cleaned_data["text"],
                    count=form.cleaned_data["count"],
                    add_files=form.cleaned_data["files"],
                    remove_evidence=[e.pk for e in form.cleaned_data.get("remove", [])],
                )
            except ConflictError as conflict:
                form.add_error(None, str(conflict))
                status = 409
            except ActionRefused as refused:
                form.add_error(None, str(refused))
                status = 400
            else:
                messages.success(request, "报告已修改。")
                return redirect("work:occurrence", pk=report.occurrence_id)
        else:
            status = 400
    return render(request, "work/report_edit.html", {"form": form, "report": report}, status=status)


# --- changes after publishing --------------------------------------------------------------


def _change_view(
    request: HttpRequest,
    pk: int,
    form_name: str,
    make_form: Any,
    act: Any,
    done: str,
    office_only: bool = True,
) -> HttpResponse:
    """One POST of a change after publishing: the form validated, the action run (it checks
    the permission and audits), the occurrence page again — with a message on success, or
    the form as typed and the refusal in Chinese (status 400, nothing saved). The plan
    office's changes are refused (and audited) before the form is read."""
    occ = _visible_occurrence(request, pk)
    if office_only and not rules.can_adjust(request.user, occ):
        return deny(request, "只有机关党委管理员可以调整已下发的事项。")
    form = make_form(occ)
    if form.is_valid():
        try:
            target = act(occ, form.cleaned_data)
        except ActionRefused as refused:
            if isinstance(refused, AccessRefused):
                return render(request, "403.html", {"reason": str(refused)}, status=403)
            form.add_error(None, str(refused))
        else:
            messages.success(request, done)
            # 改派 answers the new occurrence, which is where the office goes next.
            return redirect("work:occurrence", pk=target.pk if isinstance(target, Occurrence) else occ.pk)
    return _occurrence_page(request, occ, status=400, **{form_name: form})


@require_POST
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_view(
        request,
        pk,
        "extension_form",
        lambda occ: ExtensionForm(request.POST, prefix="ext"),
        lambda occ, data: actions.request_extension(
            acting_user=request.user, occurrence=occ, wished_due=data["wished_due"], reason=data["reason"]
        ),
        "已提交延期申请，等待机关党委审批。",
        office_only=False,
    )


@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_scoped_or_404(ExtensionRequest.objects.visible_to(request.user), request.user, pk=pk)
    return _change_view(
        request,
        extension.occurrence_id,
        "decision_form",
        lambda occ: ExtensionDecisionForm(request.POST, prefix="dec"),
        lambda occ, data: actions.decide_extension(
            acting_user=request.user,
            extension=extension,
            decision=data["decision"],
            granted_due=data["due"],
            comment=data["comment"],
        ),
        "已审批延期申请，申请单位会收到通知。",
    )


def _department_orgs(request: HttpRequest) -> Any:
    from luoshi.orgs.models import Organization

    return Organization.objects.visible_to(request.user)


@require_POST
def occurrence_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_view(
        request,
        pk,
        "reassign_form",
        lambda occ: ReassignForm(request.POST, prefix="reassign", orgs=_department_orgs(request)),
        lambda occ, data: actions.reassign_occurrence(
            acting_user=request.user,
            occurrence=occ,
            org=data["org"],
            reason=data["reason"],
            due_date=data["due"],
        ),
        "已改派，原单位的事项已撤回并保留记录。",
    )


@require_POST
def occurrence_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_view(
        request,
        pk,
        "withdraw_form",
        lambda occ: WithdrawForm(request.POST, prefix="withdraw"),
        lambda occ, data: actions.withdraw_org_from_duty(
            acting_user=request.user, duty=occ.duty, org=occ.org, reason=data["reason"]
        ),
        "已撤回该单位未完成的事项，记录保留，不再计入统计。",
    )


@require_POST
def occurrence_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_view(
        request,
        pk,
        "reschedule_form",
        lambda occ: RescheduleForm(request.POST, prefix="resched"),
        lambda occ, data: actions.reschedule_period(
            acting_user=request.user,
            duty=occ.duty,
            period=occ.period,
            due_date=data["due"],
            reason=data["reason"],
        ),
        "已调整本期完成时限；已报送、已完成的事项不变。",
    )


@require_POST
def duty_add_org(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_view(
        request,
        pk,
        "add_org_form",
        lambda occ: AddOrgForm(request.POST, prefix="add", orgs=_department_orgs(request)),
        lambda occ, data: actions.add_org_to_duty(
            acting_user=request.user, duty=occ.duty, org=data["org"], reason=data["reason"]
        ),
        "已增加责任单位，其事项为本年度剩余的期间。",
    )


def extension_list(request: HttpRequest) -> HttpResponse:
    """延期申请: those waiting for a decision first, then the decided ones, newest first;
    the plan office decides on each occurrence's page."""
    if rules.report_scope(request.user) is None and request.user.role != Role.PLAN_OFFICE:
        return deny(request, "您没有延期申请可查看。")
    rows = (
        ExtensionRequest.objects.visible_to(request.user)
        .select_related("occurrence__duty", "occurrence__org", "requested_by", "decided_by")
        .order_by(Case(When(status="pending", then=0), default=1), "-created_at", "-id")
    )
    pending = rows.filter(status="pending").count()
    return render(request, "work/extensions.html", {"page": paginate(request, rows), "pending": pending})


def _visible_evidence(request: HttpRequest, pk: int) -> Evidence:
    return get_scoped_or_404(
        Evidence.objects.filter(report__occurrence__in=Occurrence.objects.visible_to(request.user)),
        request.user,
        pk=pk,
    )


def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    from luoshi.tasks.views import attachment

    evidence = _visible_evidence(request, pk)
    signed = download_url(evidence.stored_name, evidence.original_name, evidence.content_type)
    if signed is None:
        try:
            handle = open_stored(evidence.stored_name)
        except (OSError, ValueError):
            raise Http404("文件不存在") from None
    record(AuditAction.EXPORT, obj=evidence, object_repr=f"下载佐证材料：{evidence.original_name}"[:200])
    if signed is not None:
        return redirect(signed)
    response = FileResponse(handle, content_type=evidence.content_type)
    return attachment(response, evidence.original_name)


@xframe_options_sameorigin
def evidence_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A picture of the evidence for the reviewer: an image as it is, a PDF's first page
    rendered on the server. Only pixels reach the browser — no script, no PDF viewer —
    and the response is sandboxed by its own CSP."""
    evidence = _visible_evidence(request, pk)
    if evidence.content_type not in PREVIEWABLE:
        raise Http404("该类型不支持预览")
    page = request.GET.get("page", "1")
    number = int(page) if page.isascii() and page.isdigit() and len(page) < 4 else 1
    try:
        data = preview_png(read_stored(evidence.stored_name), evidence.content_type, number)
    except (OSError, ValueError):
        raise Http404("无法预览该文件") from None
    response = HttpResponse(
        data, content_type="image/png" if evidence.content_type != "image/jpeg" else "image/jpeg"
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- calendar -----------------------------------------------------------------------------


@require_role(Role.SYSADMIN, Role.PLAN_OFFICE)
@require_http_methods(["GET", "POST"])
def calendar_admin(request: HttpRequest) -> HttpResponse:
    year_text = request.GET.get("year", "")
    this_year = timezone.localdate().year
    year = (
        int(year_text) if year_text.isascii() and year_text.isdigit() and len(year_text) == 4 else this_year
    )
    if year not in actions.CALENDAR_YEARS:
        year = this_year
    form = CalendarDayForm(request.POST or None)
    editable = request.user.role == Role.SYSADMIN
    if request.method == "POST":
        try:
            if "confirm_year" in request.POST:
                confirm = request.POST["confirm_year"]
                if not (confirm.isascii() and confirm.isdigit() and len(confirm) == 4):
                    raise ActionRefused("年份应在2000年至2100年之间。")
                actions.confirm_calendar_year(acting_user=request.user, year=int(confirm))
                messages.success(request, f"已确认{confirm}年工作日历。")
                return redirect(f"{reverse('work:calendar')}?year={confirm}")
            if form.is_valid():
                kind = form.cleaned_data["kind"]
                day: dt.date = form.cleaned_data["date"]
                actions.set_calendar_day(
                    acting_user=request.user,
                    date=day,
                    is_workday=None if kind == "default" else kind == "work",
                    note=form.cleaned_data["note"],
                )
                messages.success(request, f"已更新 {day}。")
                return redirect(f"{reverse('work:calendar')}?year={day.year}")
        except ActionRefused as refused:
            if not editable:
                return render(request, "403.html", {"reason": str(refused)}, status=403)
            messages.error(request, str(refused))
    missing = ""
    try:
        actions.ensure_calendar_year(year)
    except CalendarMissing as error:
        missing = str(error)
    days = CalendarDay.objects.filter(date__year=year)
    return render(
        request,
        "work/calendar.html",
        {
            "year": year,
            "days": days,
            "form": form,
            "missing": missing,
            "editable": editable,
            "known": CalendarYear.objects.filter(year=year).first(),
        },
    )


def filters_or_error(request: HttpRequest) -> OccurrenceFilters | HttpResponse:
    """The shared filters from the query string, or a 400 page saying what was wrong."""
    try:
        return OccurrenceFilters.from_query(request.GET)
    except ActionRefused as refused:
        return render(request, "403.html", {"reason": str(refused), "title": "筛选条件无效"}, status=400)
