from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.accounts import ratelimit
from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.access import deny, get_visible_or_404, require_role
from luoshi.core.concurrency import ConflictError
from luoshi.core.errors import ActionRefused
from luoshi.core.paging import paginate
from luoshi.jobs.actions import start_job
from luoshi.orgs.models import Organization
from luoshi.plans.models import Plan
from luoshi.tasks import actions, jobs
from luoshi.tasks.calendar import CalendarMissing
from luoshi.tasks.choices import OccurrenceStatus, ReportStatus
from luoshi.tasks.exports import ledger_xlsx, occurrences_xlsx
from luoshi.tasks.forms import CalendarDayForm, FireEventForm, ReportEditForm, ReportForm, ReviewForm
from luoshi.tasks.ledger import (
    LedgerFilters,
    attach_counts,
    ledger_occurrences,
    ledger_tasks,
    occurrence_export_rows,
    occurrence_light,
    traffic_light,
)
from luoshi.tasks.models import CalendarDay, CalendarYear, Evidence, Occurrence, Report, Task
from luoshi.tasks.uploads import stored_path


def chinese_date(day: dt.date) -> str:
    """2022年12月30日: Arabic numerals, no zero padding (GB/T 9704)."""
    return f"{day.year}年{day.month}月{day.day}日"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INLINE_EXPORT_LIMIT = 5000


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """A download that browsers save rather than render, with a safe UTF-8 file name."""
    ascii_name = (
        "".join(c if c.isascii() and c.isalnum() or c in "._-" else "_" for c in filename) or "download"
    )
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- my work ---------------------------------------------------------------------------


def my_work(request: HttpRequest) -> HttpResponse:
    """待办: what the user's organisations owe — overdue, returned, due soon — and what
    waits for the user's review."""
    today = timezone.localdate()
    mine = (
        Occurrence.objects.filter(org__path__startswith=request.user.org.path if request.user.org else "-")
        .select_related("task", "org")
        .order_by("due_date", "id")
    )
    if request.user.role in Role.without_business_scope():
        mine = mine.none()
    late_states = [OccurrenceStatus.NOT_STARTED, OccurrenceStatus.IN_PROGRESS, OccurrenceStatus.OVERDUE]
    overdue = list(mine.filter(status__in=late_states, due_date__lt=today)[:100])
    returned = list(mine.filter(status=OccurrenceStatus.RETURNED)[:100])
    soon = list(
        mine.filter(
            status__in=[OccurrenceStatus.NOT_STARTED, OccurrenceStatus.IN_PROGRESS],
            due_date__gte=today,
            due_date__lte=today + dt.timedelta(days=30),
        )[:100]
    )
    waiting_mine = list(mine.filter(status=OccurrenceStatus.SUBMITTED)[:100])
    to_review: list[Report] = []
    if request.user.role in (Role.PLAN_OFFICE, Role.ORG_STAFF):
        reviewable = (
            Report.objects.filter(status=ReportStatus.SUBMITTED)
            .select_related("occurrence__task__lead_org", "occurrence__org", "author")
            .order_by("created_at")
        )
        if request.user.role == Role.ORG_STAFF:
            reviewable = reviewable.filter(
                occurrence__task__lead_org__path__startswith=request.user.org.path
            ).exclude(occurrence__org=request.user.org)
        else:
            reviewable = reviewable.filter(occurrence__in=Occurrence.objects.visible_to(request.user))
        to_review = list(reviewable[:100])
    context = {
        "overdue": overdue,
        "returned": returned,
        "soon": soon,
        "waiting_mine": waiting_mine,
        "to_review": to_review,
        "today": today,
    }
    return render(request, "tasks/my_work.html", context)


# --- ledger ------------------------------------------------------------------------------


def _ledger_rows(request: HttpRequest, filters: LedgerFilters, tasks: Any) -> list[dict[str, Any]]:
    rows = []
    for t in attach_counts(request.user, filters, list(tasks)):
        colour, label = traffic_light(t.total, t.done, t.late, t.soon, t.waiting, t.returned)
        orgs = list(t.responsible_orgs.all())
        names = "、".join(o.display_name for o in orgs[:6]) + (
            f"等{len(orgs)}个单位" if len(orgs) > 6 else ""
        )
        rows.append(
            {
                "task": t,
                "colour": colour,
                "label": label,
                "responsible": names,
                "progress": f"已完成 {t.done}/{t.total}"
                + (f"，目标 {t.achieved or 0}/{t.target}{t.target_unit}" if t.target else "")
                + (f"，待审核 {t.waiting}" if t.waiting else "")
                + (f"，逾期 {t.late}" if t.late else ""),
            }
        )
    return rows


def ledger(request: HttpRequest) -> HttpResponse:
    if request.user.role in Role.without_business_scope():
        return deny(request)
    filters = LedgerFilters.from_query(request.GET)
    tasks = ledger_tasks(request.user, filters).prefetch_related("responsible_orgs")
    export = request.GET.get("export", "")
    if export:
        limit, window = ratelimit.EXPORTS_PER_USER
        wait = ratelimit.hit(f"export:{request.user.pk}", limit, window)
        if wait:
            response = render(
                request, "403.html", {"reason": f"导出过于频繁，请 {wait} 秒后再试。"}, status=429
            )
            response["Retry-After"] = str(wait)
            return response
    if export == "xlsx":
        return _export_ledger(request, filters, tasks.select_related("measure"))
    if export == "occurrences":
        return _export_occurrences(request, filters)
    page = paginate(request, tasks)
    plans = Plan.objects.visible_to(request.user).filter(status="published").only("id", "title", "year")
    sections = (
        list(
            Task.objects.visible_to(request.user)
            .filter(plan_id=filters.plan)
            .values_list("section", flat=True)
            .order_by("order")
            .distinct()
        )
        if filters.plan
        else []
    )
    context = {
        "page": page,
        "rows": _ledger_rows(request, filters, page.object_list),
        "filters": filters,
        "plans": plans,
        "sections": list(dict.fromkeys(sections)),
        "orgs": Organization.objects.assignable_by(request.user),
        "statuses": [("open", "未完成"), *OccurrenceStatus.choices],
        "query": request.GET.urlencode(),
    }
    return render(request, "tasks/ledger.html", context)


def _export_ledger(request: HttpRequest, filters: LedgerFilters, tasks: Any) -> HttpResponse:
    rows = []
    for r in _ledger_rows(request, filters, tasks):
        t = r["task"]
        rows.append(
            {
                "section": t.section,
                # 工作任务 is the plan's item (（一）抓好学习贯彻), 具体措施 the task itself.
                "title": t.measure.heading if t.measure and t.measure.heading != t.section else t.title,
                "measure": t.title,
                "lead": t.lead_org.name if t.lead_org else "",
                "responsible": r["responsible"],
                "due": t.schedule_label() if t.total != 1 or not t.last_due else chinese_date(t.last_due),
                "progress": r["progress"],
                "status": r["label"],
            }
        )
    title = f"{Plan.objects.filter(pk=filters.plan).values_list('title', flat=True).first() or '工作任务'}任务台账"
    record(
        AuditAction.EXPORT,
        object_type="tasks.task",
        object_repr=title[:200],
        message=f"导出任务台账 {len(rows)} 行",
    )
    response = HttpResponse(ledger_xlsx(title, rows), content_type=XLSX)
    return attachment(response, f"{title}_{timezone.localdate():%Y%m%d}.xlsx")


def _export_occurrences(request: HttpRequest, filters: LedgerFilters) -> HttpResponse:
    total = ledger_occurrences(request.user, filters).count()
    title = jobs.OCCURRENCES_TITLE
    record(
        AuditAction.EXPORT,
        object_type="tasks.occurrence",
        object_repr=title,
        message=f"导出任务事项 {total} 行",
    )
    file_name = f"{title}_{timezone.localdate():%Y%m%d}.xlsx"
    if total <= INLINE_EXPORT_LIMIT:
        response = HttpResponse(
            occurrences_xlsx(title, occurrence_export_rows(request.user, filters)), content_type=XLSX
        )
        return attachment(response, file_name)
    # Larger exports are built by the worker (jobs.export_occurrences), not in this request.
    screen = request.GET.copy()
    screen.pop("export", None)
    job = start_job(
        acting_user=request.user,
        kind=jobs.OCCURRENCES_KIND,
        query=request.GET.urlencode(),
        total=total,
        file_name=file_name,
        back_url=f"{request.path}?{screen.urlencode()}",
        back_label="任务台账",
    )
    return redirect("jobs:job", pk=job.pk)


# --- task and occurrence ------------------------------------------------------------------


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(Task.objects.select_related("plan", "lead_org", "measure"), request.user, pk=pk)
    occurrences = (
        Occurrence.objects.visible_to(request.user)
        .filter(task=task)
        .select_related("org")
        .order_by("due_date", "org__path")
    )
    page = paginate(request, occurrences, per_page=100)
    today = timezone.localdate()
    for o in page.object_list:
        o.light = occurrence_light(o, today)
    fire_form = None
    if task.needs_decision and request.user.role == Role.PLAN_OFFICE:
        fire_form = FireEventForm(
            orgs=Organization.objects.assignable_by(request.user),
            initial={"orgs": task.responsible_orgs.all()},
        )
    context = {
        "task": task,
        "page": page,
        "responsible": task.responsible_orgs.all(),
        "related": task.related_orgs.all(),
        "fire_form": fire_form,
    }
    return render(request, "tasks/task_detail.html", context)


@require_POST
def task_fire(request: HttpRequest, pk: int) -> HttpResponse:
    """The event of an event-triggered task happened: its occurrences are created now."""
    task = get_visible_or_404(Task.objects.all(), request.user, pk=pk)
    form = FireEventForm(request.POST, orgs=Organization.objects.assignable_by(request.user))
    if not form.is_valid():
        messages.error(request, "请填写完成时限并选择责任单位。")
        return redirect("tasks:task", pk=task.pk)
    try:
        n = actions.fire_event_task(
            acting_user=request.user,
            task=task,
            due_date=form.cleaned_data["due_date"],
            orgs=list(form.cleaned_data["orgs"]),
            label=form.cleaned_data["label"],
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已向{n}个单位下发。")
    return redirect("tasks:task", pk=task.pk)


def occurrence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reports = Report.objects.select_related("author", "reviewed_by").prefetch_related("evidence")
    occ = get_visible_or_404(
        Occurrence.objects.select_related("task__plan", "task__lead_org", "org").prefetch_related(
            Prefetch("reports", queryset=reports), "changes__by"
        ),
        request.user,
        pk=pk,
    )
    can_report = actions.can_report(request.user, occ) and occ.status != OccurrenceStatus.SUBMITTED
    can_review = actions.can_review(request.user, occ)
    context = {
        "occ": occ,
        "light": occurrence_light(occ),
        "reports": occ.reports.all(),
        "changes": occ.changes.all(),
        "report_form": ReportForm() if can_report else None,
        "review_form": ReviewForm() if can_review else None,
        "can_review": can_review,
    }
    return render(request, "tasks/occurrence_detail.html", context)


@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    occ = get_visible_or_404(Occurrence.objects.select_related("task", "org"), request.user, pk=pk)
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
            messages.error(request, str(refused))
        else:
            messages.success(request, "已报送，等待审核。")
            return redirect("tasks:occurrence", pk=occ.pk)
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("tasks:occurrence", pk=occ.pk)


@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.filter(occurrence__in=Occurrence.objects.visible_to(request.user)).select_related(
            "occurrence__task__lead_org", "occurrence__org"
        ),
        pk=pk,
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审核结论。")
        return redirect("tasks:occurrence", pk=report.occurrence_id)
    try:
        actions.review_report(
            acting_user=request.user,
            report=report,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, "审核通过。" if form.cleaned_data["decision"] == "accept" else "已退回，并通知报送单位。"
        )
    return redirect("tasks:occurrence", pk=report.occurrence_id)


@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.filter(occurrence__in=Occurrence.objects.visible_to(request.user)).select_related(
            "occurrence"
        ),
        pk=pk,
    )
    initial = {"text": report.text, "count": report.count, "version": report.version}
    form = ReportEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_report(
                acting_user=request.user,
                report=report,
                expected_version=form.cleaned_data["version"],
                text=form.cleaned_data["text"],
                count=form.cleaned_data["count"],
            )
        except ConflictError as conflict:
            form.add_error(None, str(conflict))
            status = 409
        except ActionRefused as refused:
            form.add_error(None, str(refused))
            status = 400
        else:
            messages.success(request, "报告已修改。")
            return redirect("tasks:occurrence", pk=report.occurrence_id)
    return render(request, "tasks/report_edit.html", {"form": form, "report": report}, status=status)


def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(
        Evidence.objects.filter(report__occurrence__in=Occurrence.objects.visible_to(request.user)), pk=pk
    )
    try:
        handle = open(stored_path(evidence.stored_name), "rb")  # noqa: SIM115 - FileResponse closes it
    except (OSError, ValueError):
        raise Http404("文件不存在") from None
    record(AuditAction.EXPORT, obj=evidence, object_repr=f"下载佐证材料：{evidence.original_name}"[:200])
    response = FileResponse(handle, content_type=evidence.content_type)
    return attachment(response, evidence.original_name)


# --- calendar -----------------------------------------------------------------------------


@require_role(Role.SYSADMIN, Role.PLAN_OFFICE)
@require_http_methods(["GET", "POST"])
def calendar_admin(request: HttpRequest) -> HttpResponse:
    year_text = request.GET.get("year", "")
    year = (
        int(year_text)
        if year_text.isdigit() and 2000 <= int(year_text) <= 2100
        else timezone.localdate().year
    )
    form = CalendarDayForm(request.POST or None)
    editable = request.user.role == Role.SYSADMIN
    if request.method == "POST":
        if not editable:
            return deny(request, "只有系统管理员可以修改工作日历。")
        if request.POST.get("confirm_year", "").isdigit():
            actions.confirm_calendar_year(acting_user=request.user, year=int(request.POST["confirm_year"]))
            messages.success(request, f"已确认{request.POST['confirm_year']}年工作日历。")
            return redirect(f"/tasks/calendar/?year={request.POST['confirm_year']}")
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            day = form.cleaned_data["date"]
            actions.set_calendar_day(
                acting_user=request.user,
                date=day,
                is_workday=None if kind == "default" else kind == "work",
                note=form.cleaned_data["note"],
            )
            messages.success(request, f"已更新 {day}。")
            return redirect(f"/tasks/calendar/?year={day.year}")
    missing = ""
    try:
        actions.ensure_calendar_year(year)
    except CalendarMissing as error:
        missing = str(error)
    days = CalendarDay.objects.filter(date__year=year)
    return render(
        request,
        "tasks/calendar.html",
        {
            "year": year,
            "days": days,
            "form": form,
            "missing": missing,
            "editable": editable,
            "known": CalendarYear.objects.filter(year=year).first(),
        },
    )
