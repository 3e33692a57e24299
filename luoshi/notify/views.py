"""Pages: my notices (mark read), my channels, an organisation's robots, and the
system administrator's list of messages that could not be sent."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.accounts.choices import Role
from luoshi.core.access import deny, require_role
from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.core.paging import paginate
from luoshi.notify import actions
from luoshi.notify.models import ChannelPrefs, Delivery, DeliveryStatus, Notice, Webhook, WebhookKind
from luoshi.orgs.models import Organization


def notices(request: HttpRequest) -> HttpResponse:
    rows = Notice.objects.filter(user=request.user)
    if request.GET.get("unread") == "1":
        rows = rows.filter(read_at__isnull=True)
    return render(
        request,
        "notify/notices.html",
        {"page": paginate(request, rows), "unread_only": request.GET.get("unread") == "1"},
    )


@require_POST
def read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.getlist("ids")
    ids = [int(i) for i in raw if i.isdigit() and len(i) < 18]
    if raw and not ids:
        messages.error(request, "未选择有效的通知。")
        return redirect("notify:notices")
    changed = actions.mark_read(acting_user=request.user, ids=ids or None)
    messages.success(request, f"已标记 {changed} 条通知为已读。")
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notify:notices")


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() and len(value) < 4 else default


@require_http_methods(["GET", "POST"])
def channels_page(request: HttpRequest) -> HttpResponse:
    prefs = ChannelPrefs.objects.filter(user=request.user).first() or ChannelPrefs(user=request.user)
    if request.method == "POST":
        try:
            actions.save_channels(
                acting_user=request.user,
                email=request.POST.get("email", ""),
                mobile=request.POST.get("mobile", ""),
                use_email=request.POST.get("use_email") == "on",
                use_sms=request.POST.get("use_sms") == "on",
                quiet_start=_int(request.POST.get("quiet_start"), 99),
                quiet_end=_int(request.POST.get("quiet_end"), 99),
            )
        except ActionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "通知方式已保存。")
            return redirect("notify:channels")
    org = request.user.org
    return render(
        request,
        "notify/channels.html",
        {
            "prefs": prefs,
            "hours": range(24),
            "org": org,
            "can_hooks": org is not None and actions.can_manage_webhooks(request.user, org),
        },
    )


@require_http_methods(["GET", "POST"])
def webhooks_page(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_object_or_404(Organization, pk=org_id)
    if not actions.can_manage_webhooks(request.user, org):
        return deny(request, "您不能设置该组织的机器人。")
    if request.method == "POST":
        try:
            actions.add_webhook(
                acting_user=request.user,
                org=org,
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", ""),
                address=request.POST.get("address", ""),
                secret=request.POST.get("secret", ""),
            )
        except AccessRefused:
            return deny(request, "您不能设置该组织的机器人。")
        except ActionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "机器人已添加。")
            return redirect("notify:webhooks", org_id=org.pk)
    hooks = Webhook.objects.filter(org=org, enabled=True)
    return render(request, "notify/webhooks.html", {"org": org, "hooks": hooks, "kinds": WebhookKind.choices})


@require_POST
def webhook_remove(request: HttpRequest, pk: int) -> HttpResponse:
    hook = get_object_or_404(Webhook, pk=pk, enabled=True)
    try:
        actions.remove_webhook(acting_user=request.user, webhook=hook)
    except ActionRefused:
        return deny(request, "您不能设置该组织的机器人。")
    messages.success(request, "机器人已停用。")
    return redirect("notify:webhooks", org_id=hook.org_id)


@require_role(Role.SYSADMIN)
def failures(request: HttpRequest) -> HttpResponse:
    """Messages that finally failed, and those still being retried: never lost silently."""
    failed = Delivery.objects.filter(status=DeliveryStatus.FAILED)
    retrying = Delivery.objects.filter(status=DeliveryStatus.PENDING, attempts__gt=0)
    return render(
        request,
        "notify/failures.html",
        {"page": paginate(request, failed.select_related("user", "webhook")), "retrying": retrying[:50]},
    )


@require_POST
@require_role(Role.SYSADMIN)
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk)
    try:
        actions.retry_delivery(acting_user=request.user, delivery=delivery)
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "已重新排队发送。")
    return redirect("notify:failures")
