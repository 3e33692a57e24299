"""Digests and outside channels against local servers: one e-mail for many notices,
none when empty or in quiet hours, WeCom and DingTalk formats with their byte limits and
DingTalk's signature, the robot quota, retries with backoff and failures for sysadmin."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.utils import timezone

from luoshi.notify import actions, channels
from luoshi.notify.actions import deliver_due, digest, notify, notify_org
from luoshi.notify.models import ChannelPrefs, Delivery, DeliveryStatus, Webhook
from luoshi.notify.tests.fakes import http_receiver, smtp_server
from luoshi.orgs.models import Organization

pytestmark = pytest.mark.django_db

# 10:00 Beijing time: outside the default quiet hours.
DAYTIME = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def office() -> Organization:
    return Organization.objects.get(name="办公室党支部")


def test_many_notices_make_one_email(persona, settings):
    zhibu1 = persona("zhibu1")
    ChannelPrefs.objects.create(user=zhibu1, email="zhibu1@example.org", use_email=True)
    with smtp_server() as (port, received):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.DEFAULT_FROM_EMAIL = "luoshi@example.org"
        for i in range(3):
            notify(kind="t", title=f"第{i + 1}项即将到期", users=[zhibu1])
        assert digest(DAYTIME) == 1
        assert digest(DAYTIME) == 0  # nothing new: no empty digest
        assert deliver_due(DAYTIME + dt.timedelta(seconds=1))["sent"] == 1
        assert deliver_due(DAYTIME + dt.timedelta(seconds=2))["sent"] == 0
    assert len(received) == 1 and received[0].rcpt_tos == ["zhibu1@example.org"]
    message = message_from_bytes(received[0].content)
    assert "3条新通知" in str(make_header(decode_header(message["Subject"])))
    body = message.get_payload(decode=True).decode()
    assert "第1项即将到期" in body and "第3项即将到期" in body


def test_quiet_hours_hold_the_digest(persona):
    zhibu1 = persona("zhibu1")
    ChannelPrefs.objects.create(user=zhibu1, mobile="13800000000", use_sms=True, quiet_start=22, quiet_end=7)
    notify(kind="t", title="夜里写的通知", users=[zhibu1])
    night = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)  # 23:00 Beijing
    assert digest(night) == 0
    assert digest(DAYTIME + dt.timedelta(days=1)) == 1


def test_sms_through_gateway(persona, settings):
    zhibu1 = persona("zhibu1")
    ChannelPrefs.objects.create(user=zhibu1, mobile="13800000000", use_sms=True)
    with http_receiver() as gateway:
        settings.LUOSHI_SMS_GATEWAY_URL = gateway.url + "/sms/send"
        settings.LUOSHI_SMS_GATEWAY_TOKEN = "tok"
        gateway.answers = [(200, {"code": 0})]
        notify(kind="t", title="短信通知", users=[zhibu1])
        digest(DAYTIME)
        assert deliver_due(DAYTIME)["sent"] == 1
    call = gateway.calls[0]
    assert call["json"]["mobile"] == "13800000000" and "短信通知" in call["json"]["content"]
    assert call["headers"]["Authorization"] == "Bearer tok"


def test_wecom_robot_markdown_within_limit(office, settings):
    Webhook.objects.create(org=office, name="支部群", kind="wecom", address="KEY-1")
    with http_receiver() as robot:
        settings.LUOSHI_WECOM_BASE_URL = robot.url
        for i in range(200):
            notify(kind="t", title=f"第{i}项逾期：" + "长" * 40, orgs=[office])
        assert digest(DAYTIME) == 1
        assert deliver_due(DAYTIME)["sent"] == 1
    call = robot.calls[0]
    assert call["path"] == "/cgi-bin/webhook/send" and call["query"]["key"] == "KEY-1"
    content = call["json"]["markdown"]["content"]
    assert call["json"]["msgtype"] == "markdown"
    assert len(content.encode()) <= channels.MARKDOWN_LIMIT and content.endswith("请登录落实平台查看）")
    assert "200条新通知" in content


def test_text_limit_cuts_on_character_boundary():
    payload = channels.wecom_payload("标题", "字" * 3000, markdown=False)
    text = payload["text"]["content"]
    assert len(text.encode()) <= channels.TEXT_LIMIT
    text.encode().decode()  # valid UTF-8: no half character


def test_dingtalk_signature(office, settings):
    Webhook.objects.create(org=office, name="钉钉群", kind="dingtalk", address="TOKEN-9", secret="SEC-abc")
    with http_receiver() as robot:
        settings.LUOSHI_DINGTALK_BASE_URL = robot.url + "/zzd"
        notify_org(office, kind="t", title="钉钉提醒")
        digest(DAYTIME)
        assert deliver_due(DAYTIME)["sent"] == 1
    call = robot.calls[0]
    assert call["path"] == "/zzd/robot/send" and call["query"]["access_token"] == "TOKEN-9"
    stamp = call["query"]["timestamp"]
    expected = base64.b64encode(
        hmac.new(b"SEC-abc", f"{stamp}\nSEC-abc".encode(), hashlib.sha256).digest()
    ).decode()
    assert call["query"]["sign"] == expected  # parse_qs has URL-decoded it
    assert abs(int(stamp) / 1000 - timezone.now().timestamp()) < 60
    assert call["json"]["msgtype"] == "markdown" and "钉钉提醒" in call["json"]["markdown"]["text"]


def test_robot_quota_of_twenty_a_minute(office, settings):
    hook = Webhook.objects.create(org=office, name="群", kind="wecom", address="K")
    now = timezone.now()
    for _ in range(20):
        Delivery.objects.create(
            channel="webhook",
            webhook=hook,
            target="群",
            subject="s",
            text="t",
            status=DeliveryStatus.SENT,
            sent_at=now - dt.timedelta(seconds=10),
            next_attempt_at=now,
        )
    waiting = Delivery.objects.create(
        channel="webhook", webhook=hook, target="群", subject="s", text="t", next_attempt_at=now
    )
    with http_receiver() as robot:
        settings.LUOSHI_WECOM_BASE_URL = robot.url
        counts = deliver_due(now)
    assert robot.calls == [] and counts["retry"] == 1
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.PENDING and waiting.attempts == 0
    assert waiting.next_attempt_at > now + dt.timedelta(seconds=50)


def test_failures_are_retried_with_backoff_then_listed_for_sysadmin(office, settings, login_as, persona):
    Webhook.objects.create(org=office, name="坏机器人", kind="generic", address="http://127.0.0.1:9/none")
    settings.LUOSHI_NOTIFY_MAX_ATTEMPTS = 3
    settings.LUOSHI_NOTIFY_BACKOFF_SECONDS = 60
    with http_receiver() as robot:
        hook = Webhook.objects.get(name="坏机器人")
        hook.address = robot.url + "/hook"
        hook.save()
        robot.answers = [(500, {})]
        notify(kind="t", title="会失败的通知", orgs=[office])
        digest(DAYTIME)
        delivery = Delivery.objects.get(webhook=hook)
        t = DAYTIME
        deliver_due(t)
        delivery.refresh_from_db()
        assert delivery.attempts == 1 and delivery.status == DeliveryStatus.PENDING
        assert delivery.next_attempt_at >= timezone.now() + dt.timedelta(seconds=55)
        assert deliver_due(timezone.now())["sent"] == 0  # not yet due
        deliver_due(delivery.next_attempt_at + dt.timedelta(seconds=1))
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and delivery.next_attempt_at >= timezone.now() + dt.timedelta(
            seconds=115
        )
        deliver_due(delivery.next_attempt_at + dt.timedelta(seconds=1))
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.FAILED and "HTTP 500" in delivery.last_error
        assert len(robot.calls) == 3
    page = login_as("sysadmin").get("/notices/failures/").content.decode()
    assert "坏机器人" in page and "HTTP 500" in page
    assert login_as("zhibu1").get("/notices/failures/").status_code == 403
    actions.retry_delivery(acting_user=persona("sysadmin"), delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0


def test_bad_channel_input_answers_in_chinese(login_as):
    client = login_as("zhibu1")
    page = client.post(
        "/notices/channels/",
        {"email": "not-an-address", "use_email": "on", "quiet_start": "22", "quiet_end": "7"},
    )
    assert "电子邮箱格式不正确" in page.content.decode()
    assert not ChannelPrefs.objects.filter(user__username="zhibu1").exists()
    page = client.post("/notices/channels/", {"mobile": "abc", "quiet_start": "22", "quiet_end": "7"})
    assert "手机号码应为11位数字" in page.content.decode()


def test_only_own_staff_or_office_set_robots(login_as, office):
    assert login_as("zhibu2").get(f"/notices/webhooks/{office.pk}/").status_code == 403
    client = login_as("zhibu1")
    page = client.post(
        f"/notices/webhooks/{office.pk}/", {"name": "群", "kind": "generic", "address": "ftp://x"}
    )
    assert "http://" in page.content.decode() and not Webhook.objects.filter(org=office).exists()
    client.post(f"/notices/webhooks/{office.pk}/", {"name": "群", "kind": "wecom", "address": "KEY"})
    assert Webhook.objects.filter(org=office, kind="wecom").count() == 1
