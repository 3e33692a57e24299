"""Writing notices, digesting them for the outside channels, and delivering them.

`notify` is what other parts call (reminders, review results, supervision orders): it
writes the in-app notices at once, idempotently by `key`. `digest` (a periodic job)
gathers each person's and each organisation's undigested notices into ONE message per
channel — never an empty one, never inside quiet hours. `deliver_due` sends the pending
deliveries; each row is claimed with a conditional UPDATE, so two workers never send the
same message, and a failure is retried with exponential backoff until it is marked
failed and listed for the system administrator.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.errors import ActionRefused, refuse_access
from luoshi.core.scope import scope_path
from luoshi.notify import channels
from luoshi.notify.conf import conf
from luoshi.notify.models import Channel, ChannelPrefs, Delivery, DeliveryStatus, Notice, Webhook, WebhookKind

# --- writing notices -------------------------------------------------------------------


def staff_of(org: Any) -> list[Any]:
    """The people who act for an organisation: its active organisation staff (承办人)."""
    from luoshi.accounts.models import User

    return list(User.objects.filter(org=org, role=Role.ORG_STAFF, is_active=True))


def notify(
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str = "",
    users: Iterable[Any] = (),
    orgs: Iterable[Any] = (),
) -> int:
    """Notices for these people (the bell) and organisations (their robots). With a
    `key`, a notice already written for the same recipient and key is not written again,
    so a reminder sweep or a hook run twice notifies once. Returns the rows written."""
    rows = [
        Notice(user=u, kind=kind, title=title[:200], body=body, url=url[:300], key=key[:200]) for u in users
    ] + [Notice(org=o, kind=kind, title=title[:200], body=body, url=url[:300], key=key[:200]) for o in orgs]
    if not rows:
        return 0
    if not key:
        return len(Notice.objects.bulk_create(rows))
    before = Notice.objects.filter(key=key[:200]).count()
    Notice.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return Notice.objects.filter(key=key[:200]).count() - before


def notify_org(org: Any, *, kind: str, title: str, body: str = "", url: str = "", key: str = "") -> int:
    """A notice for an organisation: each of its staff, and its robots."""
    return notify(kind=kind, title=title, body=body, url=url, key=key, users=staff_of(org), orgs=[org])


def notify_many(items: list[dict[str, Any]]) -> int:
    """Many keyed notices at once (the reminder sweep): one bulk INSERT, duplicates ignored."""
    rows = [Notice(**item) for item in items]
    Notice.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


# --- reading ------------------------------------------------------------------------------


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, acting_user: Any, ids: Iterable[int] | None = None) -> int:
    """Marks the user's own notices read (all of them when `ids` is None). Another
    person's notice is never touched: the filter is on the acting user."""
    if not getattr(acting_user, "is_authenticated", False):
        raise refuse_access("请先登录。", actor=None)
    with transaction.atomic():
        rows = Notice.objects.filter(user=acting_user, read_at__isnull=True)
        if ids is not None:
            rows = rows.filter(pk__in=list(ids))
        changed = rows.update(read_at=timezone.now())
        if changed:
            record(
                AuditAction.UPDATE,
                actor=acting_user,
                object_type="notify.notice",
                object_repr="标记通知已读",
                after={"count": changed},
            )
    return changed


# --- channels a person and an organisation choose -----------------------------------------


def save_channels(
    *,
    acting_user: Any,
    email: str,
    mobile: str,
    use_email: bool,
    use_sms: bool,
    quiet_start: int,
    quiet_end: int,
) -> ChannelPrefs:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if not getattr(acting_user, "is_authenticated", False):
        raise refuse_access("请先登录。", actor=None)
    email, mobile = (email or "").strip(), (mobile or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ActionRefused("电子邮箱格式不正确。") from None
    if mobile and not (mobile.isdigit() and 11 <= len(mobile) <= 13):
        raise ActionRefused("手机号码应为11位数字。")
    if use_email and not email:
        raise ActionRefused("选择邮件提醒时请填写电子邮箱。")
    if use_sms and not mobile:
        raise ActionRefused("选择短信提醒时请填写手机号码。")
    if not (0 <= quiet_start <= 23 and 0 <= quiet_end <= 23):
        raise ActionRefused("免打扰时段应为 0 至 23 时。")
    with transaction.atomic():
        prefs, _ = ChannelPrefs.objects.select_for_update().get_or_create(user=acting_user)
        before = {"use_email": prefs.use_email, "use_sms": prefs.use_sms}
        prefs.email, prefs.mobile, prefs.use_email, prefs.use_sms = email, mobile, use_email, use_sms
        prefs.quiet_start, prefs.quiet_end = quiet_start, quiet_end
        prefs.save()
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=prefs,
            object_repr="通知方式",
            before=before,
            after={"use_email": use_email, "use_sms": use_sms, "quiet": f"{quiet_start}-{quiet_end}"},
        )
    return prefs


def can_manage_webhooks(user: Any, org: Any) -> bool:
    """The organisation's own staff, the plan office and the system administrator (for
    the department) may set an organisation's robots."""
    root = scope_path(user)
    if root is None or org is None or not org.path.startswith(root):
        return False
    if user.role in (Role.PLAN_OFFICE, Role.SYSADMIN):
        return True
    return user.role == Role.ORG_STAFF and user.org_id == org.pk


def add_webhook(
    *, acting_user: Any, org: Any, name: str, kind: str, address: str, secret: str = ""
) -> Webhook:
    if not can_manage_webhooks(acting_user, org):
        raise refuse_access("您不能设置该组织的机器人。", actor=acting_user, obj=org)
    name, address, secret = (name or "").strip(), (address or "").strip(), (secret or "").strip()
    if kind not in WebhookKind.values:
        raise ActionRefused("机器人类型无效。")
    if not name or len(name) > 60:
        raise ActionRefused("请填写名称（不超过60字）。")
    if not address or len(address) > 500:
        raise ActionRefused("请填写地址或密钥（不超过500字符）。")
    if kind == WebhookKind.GENERIC and not address.startswith(("http://", "https://")):
        raise ActionRefused("通用 Webhook 的地址应以 http:// 或 https:// 开头。")
    with transaction.atomic():
        hook = Webhook.objects.create(org=org, name=name, kind=kind, address=address, secret=secret)
        record(AuditAction.CREATE, actor=acting_user, obj=hook, object_repr=f"机器人：{org.name} {name}")
    return hook


def remove_webhook(*, acting_user: Any, webhook: Webhook) -> None:
    if not can_manage_webhooks(acting_user, webhook.org):
        raise refuse_access("您不能设置该组织的机器人。", actor=acting_user, obj=webhook)
    with transaction.atomic():
        record(AuditAction.DELETE, actor=acting_user, obj=webhook, object_repr=f"机器人：{webhook.name}")
        webhook.enabled = False
        webhook.save(update_fields=["enabled"])


# --- digests -----------------------------------------------------------------------------


def in_quiet_hours(hour: int, start: int, end: int) -> bool:
    """Quiet between `start` and `end` o'clock; over midnight when start > end; never
    when they are equal."""
    if start == end:
        return False
    return start <= hour < end if start < end else (hour >= start or hour < end)


def _digest_text(notices: list[Notice]) -> tuple[str, str]:
    subject = notices[0].title if len(notices) == 1 else f"您有{len(notices)}条新通知"
    lines = [f"{i}. {n.title}" + (f"：{n.body}" if n.body else "") for i, n in enumerate(notices, 1)]
    return subject[:200], "\n".join(lines)


def _claim(rows: Any, now: dt.datetime) -> list[Notice]:
    """Takes undigested notices for one digest: the conditional UPDATE lets each notice
    into exactly one digest even when two workers digest at once."""
    token = secrets.token_hex(8)
    ids = list(rows.values_list("pk", flat=True)[:200])
    Notice.objects.filter(pk__in=ids, digested_at__isnull=True).update(digested_at=now, digest_batch=token)
    return list(Notice.objects.filter(digest_batch=token).order_by("created_at", "id"))


def digest(now: dt.datetime | None = None) -> int:
    """One message per person per chosen channel, and one per organisation robot, from
    the notices not yet digested; nothing when there is nothing new or in quiet hours.
    Returns the deliveries created."""
    now = now or timezone.now()
    hour = timezone.localtime(now).hour
    made = 0
    pending = Notice.objects.filter(digested_at__isnull=True)
    # People without an outside channel read their notices in the app only.
    wants = ChannelPrefs.objects.filter(Q(use_email=True) | Q(use_sms=True))
    pending.filter(user__isnull=False).exclude(user_id__in=wants.values("user_id")).update(
        digested_at=now, digest_batch="app"
    )
    hooked = Webhook.objects.filter(enabled=True).values("org_id")
    pending.filter(org__isnull=False).exclude(org_id__in=hooked).update(digested_at=now, digest_batch="none")

    user_ids = set(pending.filter(user__isnull=False).values_list("user_id", flat=True))
    for prefs in ChannelPrefs.objects.filter(user_id__in=user_ids):
        if in_quiet_hours(hour, prefs.quiet_start, prefs.quiet_end):
            continue
        with transaction.atomic():
            notices = _claim(pending.filter(user_id=prefs.user_id).order_by("created_at", "id"), now)
            if not notices:
                continue
            subject, text = _digest_text(notices)
            for channel, target in ((Channel.EMAIL, prefs.email), (Channel.SMS, prefs.mobile)):
                if (prefs.use_email if channel == Channel.EMAIL else prefs.use_sms) and target:
                    Delivery.objects.create(
                        channel=channel,
                        user_id=prefs.user_id,
                        target=target,
                        subject=subject,
                        text=text,
                        notice_count=len(notices),
                        next_attempt_at=now,
                    )
                    made += 1

    if in_quiet_hours(hour, conf("LUOSHI_ORG_QUIET_START"), conf("LUOSHI_ORG_QUIET_END")):
        return made
    hooks: dict[int, list[Webhook]] = defaultdict(list)
    org_ids = set(pending.filter(org__isnull=False).values_list("org_id", flat=True))
    for hook in Webhook.objects.filter(enabled=True, org_id__in=org_ids):
        hooks[hook.org_id].append(hook)
    for org_id, org_hooks in hooks.items():
        with transaction.atomic():
            notices = _claim(pending.filter(org_id=org_id).order_by("created_at", "id"), now)
            if not notices:
                continue
            subject, text = _digest_text(notices)
            for hook in org_hooks:
                Delivery.objects.create(
                    channel=Channel.WEBHOOK,
                    webhook=hook,
                    target=hook.name,
                    subject=subject,
                    text=text,
                    notice_count=len(notices),
                    next_attempt_at=now,
                )
                made += 1
    return made


# --- delivery ------------------------------------------------------------------------------

STALE_SENDING = dt.timedelta(minutes=10)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … times the base delay after the 1st, 2nd, 3rd … failure."""
    return dt.timedelta(seconds=conf("LUOSHI_NOTIFY_BACKOFF_SECONDS") * 2 ** max(0, attempts - 1))


def _send(delivery: Delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        channels.send_email(delivery.target, f"【落实】{delivery.subject}", delivery.text)
    elif delivery.channel == Channel.SMS:
        channels.send_sms(delivery.target, f"【落实】{delivery.subject}\n{delivery.text}")
    else:
        hook = delivery.webhook
        if hook is None or not hook.enabled:
            raise channels.SendFailed("机器人已停用或已删除。")
        recent = Delivery.objects.filter(
            webhook=hook, status=DeliveryStatus.SENT, sent_at__gte=timezone.now() - dt.timedelta(minutes=1)
        ).count()
        if recent >= channels.ROBOT_PER_MINUTE:
            raise channels.SendFailed("机器人每分钟发送次数已满。", retry_after=60)
        channels.send_webhook(hook.kind, hook.address, hook.secret, delivery.subject, delivery.text)


def deliver_due(now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Sends what is due. A row is sent by the worker whose conditional UPDATE moved it
    from pending to sending; a row left sending by a dead worker is taken back after ten
    minutes. Returns counts of sent, retried and failed."""
    now = now or timezone.now()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_SENDING).update(
        status=DeliveryStatus.PENDING
    )
    token = secrets.token_hex(8)
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    Delivery.objects.filter(pk__in=due, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, claimed_by=token, claimed_at=now
    )
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for delivery in Delivery.objects.filter(claimed_by=token, status=DeliveryStatus.SENDING).select_related(
        "webhook"
    ):
        try:
            _send(delivery)
        except channels.SendFailed as failed:
            delivery.last_error = str(failed)[:300]
            if failed.retry_after is not None:
                delivery.status = DeliveryStatus.PENDING
                delivery.next_attempt_at = timezone.now() + dt.timedelta(seconds=failed.retry_after)
                counts["retry"] += 1
            else:
                delivery.attempts += 1
                if delivery.attempts >= conf("LUOSHI_NOTIFY_MAX_ATTEMPTS"):
                    delivery.status = DeliveryStatus.FAILED
                    counts["failed"] += 1
                else:
                    delivery.status = DeliveryStatus.PENDING
                    delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
                    counts["retry"] += 1
        else:
            delivery.attempts += 1
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
            counts["sent"] += 1
        delivery.claimed_by = ""
        delivery.save(
            update_fields=["status", "attempts", "next_attempt_at", "last_error", "sent_at", "claimed_by"]
        )
    return counts


def retry_delivery(*, acting_user: Any, delivery: Delivery) -> None:
    """The system administrator sends a failed message again (after fixing its cause)."""
    if getattr(acting_user, "role", None) != Role.SYSADMIN:
        raise refuse_access("只有系统管理员可以重新发送。", actor=acting_user, obj=delivery)
    with transaction.atomic():
        changed = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        if not changed:
            raise ActionRefused("该记录不是发送失败状态，无需重新发送。")
        record(AuditAction.UPDATE, actor=acting_user, obj=delivery, object_repr=f"重新发送：{delivery}"[:200])
