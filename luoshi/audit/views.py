from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.audit.choices import AuditAction
from luoshi.audit.models import AuditEvent
from luoshi.core.access import require_role
from luoshi.core.paging import paginate


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@require_role(Role.AUDITADMIN)
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit log for the audit administrator alone, filtered by user, action and dates."""
    events = AuditEvent.objects.order_by("-seq")
    filters = {k: request.GET.get(k, "").strip() for k in ("user", "action", "object_type", "since", "until")}
    if filters["user"]:
        events = events.filter(actor_name__icontains=filters["user"])
    if filters["action"] in AuditAction.values:
        events = events.filter(action=filters["action"])
    if filters["object_type"]:
        events = events.filter(object_type=filters["object_type"])
    tz = timezone.get_current_timezone()
    if since := _date(filters["since"]):
        events = events.filter(at__gte=dt.datetime.combine(since, dt.time.min, tz))
    if until := _date(filters["until"]):
        events = events.filter(at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tz))
    page = paginate(request, events)
    context = {"page": page, "filters": filters, "actions": AuditAction.choices}
    return render(request, "audit/audit_list.html", context)
