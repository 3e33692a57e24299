"""Notices and their delivery (DESIGN.md "Notifications").

A `Notice` is one thing a person (or an organisation's robot) should know: written once,
shown in the app at once, and gathered into a digest for the outside channels the person
or organisation chose. A `Delivery` is one message to one outside channel (an e-mail, an
SMS, a webhook call): it is claimed by one worker with a conditional UPDATE, retried with
backoff, and kept with its error when it finally fails, so nothing is lost silently.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    EMAIL = "email", "电子邮件"
    SMS = "sms", "短信"
    WEBHOOK = "webhook", "机器人/Webhook"


class WebhookKind(models.TextChoices):
    GENERIC = "generic", "通用 JSON"
    WECOM = "wecom", "企业微信（政务微信）机器人"
    DINGTALK = "dingtalk", "钉钉（浙政钉）机器人"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Notice(models.Model):
    """One notice, for a person (the bell) or for an organisation (its robots).

    `key` makes a notice idempotent: the same reminder written twice (two workers, a
    rerun) is one row, because of the unique constraints below.

    The recipients have no index of their own: the (user, read_at) and (org, key) indexes
    lead with them, and a reminder sweep writes half a million notices, each index costing
    its share of the time.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
        db_index=False,
    )
    org = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField("类型", max_length=32)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    # Set when a digest took the notice (or when its person has no outside channel).
    digested_at = models.DateTimeField(null=True, blank=True)
    digest_batch = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "通知"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=Q(user__isnull=False) & ~Q(key=""),
                name="notice_unique_user_key",
            ),
            models.UniqueConstraint(
                fields=["org", "key"],
                condition=Q(org__isnull=False) & ~Q(key=""),
                name="notice_unique_org_key",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(org__isnull=False), name="notice_has_recipient"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notice_user_read"),
            models.Index(fields=["digested_at"], name="notice_digested"),
        ]

    def __str__(self) -> str:
        return self.title


class ChannelPrefs(models.Model):
    """The outside channels a person chose, and the hours they want no message."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channels")
    email = models.EmailField("电子邮箱", blank=True)
    mobile = models.CharField("手机号码", max_length=20, blank=True)
    use_email = models.BooleanField("邮件提醒", default=False)
    use_sms = models.BooleanField("短信提醒", default=False)
    quiet_start = models.PositiveSmallIntegerField("免打扰开始（时）", default=22)
    quiet_end = models.PositiveSmallIntegerField("免打扰结束（时）", default=7)

    class Meta:
        verbose_name = "通知方式"

    def __str__(self) -> str:
        return f"{self.user} 通知方式"


class Webhook(models.Model):
    """An organisation's robot or webhook. For WeCom and DingTalk `address` is the robot's
    key / access token (the host comes from settings, as 政务微信 and 浙政钉 run on private
    hosts); for a generic webhook it is the full URL."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=16, choices=WebhookKind.choices)
    address = models.CharField("地址或密钥", max_length=500)
    secret = models.CharField("加签密钥", max_length=200, blank=True)
    enabled = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org", "id"]
        verbose_name = "机器人"

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One message to one outside channel, with its attempts."""

    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    webhook = models.ForeignKey(
        Webhook, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    target = models.CharField("发送对象", max_length=300)
    subject = models.CharField("主题", max_length=200)
    text = models.TextField("内容")
    notice_count = models.PositiveIntegerField(default=1)
    status = models.CharField(
        "状态", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试")
    claimed_by = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "发送记录"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.target}"
