from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi.accounts import ratelimit
from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.access import deny, get_visible_or_404
from luoshi.core.errors import ActionRefused
from luoshi.core.paging import paginate
from luoshi.jobs.actions import start_job
from luoshi.orgs.models import Organization
from luoshi.plans.models import Plan
from luoshi.tasks.exports import ledger_xlsx, occurrences_xlsx
from luoshi.tasks.forms import FireEventForm
from luoshi.tasks.jobs import OCCURRENCES_KIND, OCCURRENCES_TITLE
from luoshi.tasks.ledger import (
    attach_counts,
    export_title,
    ledger_occurrences,
    ledger_tasks,
    ledger_totals,
    occurrence_export_rows,
    progress_text,
)
from luoshi.tasks.models import Task
from luoshi.work.actions import fire_duty
from luoshi.work.filters import STATUS_CHOICES, OccurrenceFilters
from luoshi.work.models import Occurrence, Report
from luoshi.work.rules import bucket_counts, due_soon_days, light_of
from luoshi.work.views import filters_or_error

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


# --- ledger ------------------------------------------------------------------------------


def _ledger_rows(request: HttpRequest, filters: OccurrenceFilters, tasks: Any) -> list[dict[str, Any]]:
    rows = []
    for t in attach_counts(request.user, filters, list(tasks)):
        orgs = list(t.duty.responsible_orgs.all())
        names = "、".join(o.display_name for o in orgs[:6]) + (
            f"等{len(orgs)}个单位" if len(orgs) > 6 else ""
        )
        rows.append({"task": t, "light": t.light, "responsible": names, "progress": progress_text(t)})
    return rows


def ledger(request: HttpRequest) -> HttpResponse:
    if request.user.role in Role.without_business_scope():
        return deny(request)
    filters = filters_or_error(request)
    if isinstance(filters, HttpResponse):
        return filters
    tasks = ledger_tasks(request.user, filters).prefetch_related("duty__responsible_orgs")
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
    query = filters.as_query()
    context = {
        "page": page,
        "rows": _ledger_rows(request, filters, page.object_list),
        "totals": ledger_totals(request.user, filters),
        "filters": filters,
        "plans": plans,
        "sections": list(dict.fromkeys(sections)),
        "orgs": Organization.objects.assignable_by(request.user),
        "statuses": STATUS_CHOICES,
        "query": urlencode(query),
        "filtered": bool(query),
        "window": due_soon_days(),
    }
    return render(request, "tasks/ledger.html", context)


def completion_status(counts: dict[str, int]) -> str:
    """完成状态 of a ledger row, in words an office hands upward."""
    if counts["total"] and counts.get("done", 0) == counts["total"]:
        return "已完成"
    if counts.get("late", 0):
        return "逾期未完成"
    if counts.get("done", 0) or counts.get("waiting", 0) or counts.get("returned", 0):
        return "进行中"
    return "未开始" if counts["total"] else "无事项"


def _latest_report_texts(duty_ids: list[int]) -> dict[int, str]:
    """The latest report text of each duty (one query): 进展情况 carries the narrative."""
    latest: dict[int, str] = {}
    for duty_id, text, org, at in (
        Report.objects.filter(occurrence__duty_id__in=duty_ids)
        .order_by("occurrence__duty_id", "created_at")
        .values_list("occurrence__duty_id", "text", "occurrence__org__name", "created_at")
    ):
        latest[duty_id] = f"{org}（{at.date():%Y-%m-%d}）：{text}"
    return latest


def _export_ledger(request: HttpRequest, filters: OccurrenceFilters, tasks: Any) -> HttpResponse:
    rows = _ledger_rows(request, filters, tasks)
    narratives = _latest_report_texts([r["task"].duty_id for r in rows])
    items = []
    for r in rows:
        t = r["task"]
        narrative = narratives.get(t.duty_id, "")
        items.append(
            {
                "section": t.section,
                # 工作任务 is the plan's item (（一）抓好学习贯彻), 具体措施 the task itself.
                "title": t.measure.heading if t.measure and t.measure.heading != t.section else t.title,
                "measure": t.title,
                "lead": t.duty.lead_org.name if t.duty.lead_org else "",
                "responsible": r["responsible"],
                "due": t.last_due if t.counts["total"] == 1 and t.last_due else t.duty.schedule_label(),
                "progress": r["progress"] + (f"\n最新进展：{narrative}" if narrative else ""),
                "status": completion_status(t.counts),
            }
        )
    title = export_title(filters, "任务台账")
    record(
        AuditAction.EXPORT,
        object_type="tasks.task",
        object_repr=title[:200],
        message=f"导出任务台账 {len(items)} 行",
    )
    response = HttpResponse(ledger_xlsx(title, items, timezone.localdate()), content_type=XLSX)
    return attachment(response, f"{title}_{timezone.localdate():%Y%m%d}.xlsx")


def _export_occurrences(request: HttpRequest, filters: OccurrenceFilters) -> HttpResponse:
    total = ledger_occurrences(request.user, filters).count()
    title = export_title(filters, OCCURRENCES_TITLE)
    record(
        AuditAction.EXPORT,
        object_type="work.occurrence",
        object_repr=title[:200],
        message=f"导出任务事项 {total} 行",
    )
    file_name = f"{title}_{timezone.localdate():%Y%m%d}.xlsx"
    if total <= INLINE_EXPORT_LIMIT:
        rows = occurrence_export_rows(request.user, filters)
        response = HttpResponse(occurrences_xlsx(title, rows, timezone.localdate()), content_type=XLSX)
        return attachment(response, file_name)
    # Larger exports are built by the worker (tasks.jobs.export_occurrences), not in this request.
    query = urlencode(filters.as_query())
    job = start_job(
        acting_user=request.user,
        kind=OCCURRENCES_KIND,
        query=query,
        total=total,
        file_name=file_name,
        back_url=f"{request.path}?{query}",
        back_label="任务台账",
    )
    return redirect("jobs:job", pk=job.pk)


# --- task and occurrence ------------------------------------------------------------------


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(
        Task.objects.select_related("plan", "duty__lead_org", "measure"), request.user, pk=pk
    )
    occurrences = (
        Occurrence.objects.visible_to(request.user)
        .filter(duty_id=task.duty_id)
        .select_related("org")
        .order_by("due_date", "org__path")
    )
    page = paginate(request, occurrences, per_page=100)
    today = timezone.localdate()
    for o in page.object_list:
        o.light = light_of(o, today)
    fire_form = None
    if task.duty.needs_decision and request.user.role == Role.PLAN_OFFICE:
        fire_form = FireEventForm(
            orgs=Organization.objects.assignable_by(request.user),
            initial={"orgs": task.duty.responsible_orgs.all()},
        )
    context = {
        "task": task,
        "duty": task.duty,
        "page": page,
        "counts": bucket_counts(
            Occurrence.objects.visible_to(request.user).filter(duty_id=task.duty_id), today
        ),
        "responsible": task.duty.responsible_orgs.all(),
        "related": task.related_orgs.all(),
        "fire_form": fire_form,
    }
    return render(request, "tasks/task_detail.html", context)


@require_POST
def task_fire(request: HttpRequest, pk: int) -> HttpResponse:
    """The event of an event-triggered task happened: its occurrences are created now."""
    task = get_visible_or_404(Task.objects.select_related("duty"), request.user, pk=pk)
    form = FireEventForm(request.POST, orgs=Organization.objects.assignable_by(request.user))
    if not form.is_valid():
        messages.error(request, "请填写完成时限并选择责任单位。")
        return redirect("tasks:task", pk=task.pk)
    try:
        n = fire_duty(
            acting_user=request.user,
            duty=task.duty,
            due_date=form.cleaned_data["due_date"],
            orgs=list(form.cleaned_data["orgs"]),
            label=form.cleaned_data["label"],
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已向{n}个单位下发。")
    return redirect("tasks:task", pk=task.pk)
