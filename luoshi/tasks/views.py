from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi.accounts import ratelimit
from luoshi.accounts.choices import Role
from luoshi.core.access import deny, get_visible_or_404
from luoshi.core.errors import ActionRefused
from luoshi.core.paging import paginate
from luoshi.jobs.actions import start_job
from luoshi.orgs.models import Organization
from luoshi.plans.models import Plan
from luoshi.tasks import actions
from luoshi.tasks.forms import FireEventForm
from luoshi.tasks.jobs import OCCURRENCES_KIND, OCCURRENCES_TITLE
from luoshi.tasks.ledger import (
    export_title,
    ledger_tasks,
    ledger_totals,
)
from luoshi.tasks.models import Task
from luoshi.work.actions import fire_duty
from luoshi.work.filters import STATUS_CHOICES, OccurrenceFilters
from luoshi.work.models import Occurrence
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
        return _export_ledger(request, filters)
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
        "rows": actions.ledger_rows(request.user, filters, page.object_list),
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


def _export_ledger(request: HttpRequest, filters: OccurrenceFilters) -> HttpResponse:
    title, data = actions.export_ledger(acting_user=request.user, filters=filters)
    response = HttpResponse(data, content_type=XLSX)
    return attachment(response, f"{title}_{timezone.localdate():%Y%m%d}.xlsx")


def _export_occurrences(request: HttpRequest, filters: OccurrenceFilters) -> HttpResponse:
    total = actions.occurrence_export_size(acting_user=request.user, filters=filters)
    if total <= INLINE_EXPORT_LIMIT:
        title, data = actions.export_occurrences(acting_user=request.user, filters=filters)
        return attachment(
            HttpResponse(data, content_type=XLSX), f"{title}_{timezone.localdate():%Y%m%d}.xlsx"
        )
    # Larger exports are built by the worker (tasks.jobs.export_occurrences), not in this request.
    query = urlencode(filters.as_query())
    title = export_title(filters, OCCURRENCES_TITLE)
    job = start_job(
        acting_user=request.user,
        kind=OCCURRENCES_KIND,
        query=query,
        total=total,
        file_name=f"{title}_{timezone.localdate():%Y%m%d}.xlsx",
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
