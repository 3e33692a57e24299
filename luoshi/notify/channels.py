"""The outside channels: e-mail through Django's mail backend, SMS through the office's
HTTP gateway, and webhooks — generic JSON, and the WeCom and DingTalk robot formats.

Each sender raises `SendFailed` with a short Chinese reason; the caller retries with
backoff. Robot limits (text ≤ 2,048 bytes, markdown ≤ 4,096 bytes, 20 messages a minute
per robot) are the platforms' own; texts are cut on a UTF-8 character boundary.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.core.mail import send_mail

from luoshi.notify.conf import conf

TEXT_LIMIT = 2048
MARKDOWN_LIMIT = 4096
ROBOT_PER_MINUTE = 20
MORE = "\n……（更多内容请登录落实平台查看）"


class SendFailed(Exception):
    """A message did not go out; the message is a short Chinese reason. `retry_after`
    (seconds) asks to wait without counting an attempt (a robot's quota)."""

    def __init__(self, reason: str, retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def cut_bytes(text: str, limit: int, more: str = MORE) -> str:
    """`text` within `limit` UTF-8 bytes, ending with `more` when it had to be cut."""
    raw = text.encode()
    if len(raw) <= limit:
        return text
    room = limit - len(more.encode())
    return raw[:room].decode(errors="ignore") + more


def wecom_payload(subject: str, text: str, markdown: bool = True) -> dict[str, Any]:
    if markdown:
        return {
            "msgtype": "markdown",
            "markdown": {"content": cut_bytes(f"**{subject}**\n{text}", MARKDOWN_LIMIT)},
        }
    return {"msgtype": "text", "text": {"content": cut_bytes(f"{subject}\n{text}", TEXT_LIMIT)}}


def dingtalk_payload(subject: str, text: str, markdown: bool = True) -> dict[str, Any]:
    if markdown:
        body = cut_bytes(f"#### {subject}\n{text}", MARKDOWN_LIMIT - len(subject.encode()))
        return {"msgtype": "markdown", "markdown": {"title": subject, "text": body}}
    return {"msgtype": "text", "text": {"content": cut_bytes(f"{subject}\n{text}", TEXT_LIMIT)}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def webhook_request(
    kind: str, address: str, secret: str, subject: str, text: str
) -> tuple[str, dict[str, Any]]:
    """The URL and JSON body of one webhook call."""
    if kind == "wecom":
        base = conf("LUOSHI_WECOM_BASE_URL").rstrip("/")
        return f"{base}/cgi-bin/webhook/send?key={urllib.parse.quote(address)}", wecom_payload(subject, text)
    if kind == "dingtalk":
        base = conf("LUOSHI_DINGTALK_BASE_URL").rstrip("/")
        url = f"{base}/robot/send?access_token={urllib.parse.quote(address)}"
        if secret:
            stamp = int(time.time() * 1000)
            url += f"&timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"
        return url, dingtalk_payload(subject, text)
    return address, {"subject": subject, "text": cut_bytes(text, MARKDOWN_LIMIT * 4), "source": "luoshi"}


def post_json(url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    if not url.startswith(("http://", "https://")):
        raise SendFailed("地址不是 http(s) 地址。")
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=conf("LUOSHI_NOTIFY_TIMEOUT")) as response:  # noqa: S310
            raw = response.read(65536)
    except urllib.error.HTTPError as error:
        if error.code == 429:
            raise SendFailed("对方限流（HTTP 429）。", retry_after=60) from None
        raise SendFailed(f"对方返回 HTTP {error.code}。") from None
    except (urllib.error.URLError, TimeoutError, OSError):
        raise SendFailed("无法连接对方服务器或连接超时。") from None
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


# WeCom 45009 and DingTalk 130101 / 410100: the robot's per-minute quota is used up.
QUOTA_CODES = {45009, 130101, 410100}


def send_webhook(kind: str, address: str, secret: str, subject: str, text: str) -> None:
    url, body = webhook_request(kind, address, secret, subject, text)
    answer = post_json(url, body)
    code = answer.get("errcode", 0) if kind in ("wecom", "dingtalk") else 0
    if code in QUOTA_CODES:
        raise SendFailed("机器人每分钟发送次数已满。", retry_after=60)
    if code:
        raise SendFailed(f"机器人返回错误码 {code}：{str(answer.get('errmsg', ''))[:100]}")


def send_email(address: str, subject: str, text: str) -> None:
    try:
        send_mail(subject, text, None, [address], fail_silently=False)
    except Exception as error:  # noqa: BLE001 - any SMTP or socket failure is retried
        raise SendFailed(f"邮件发送失败（{type(error).__name__}）。") from None


def send_sms(mobile: str, text: str) -> None:
    url = conf("LUOSHI_SMS_GATEWAY_URL")
    if not url:
        raise SendFailed("未配置短信网关（LUOSHI_SMS_GATEWAY_URL）。")
    token = conf("LUOSHI_SMS_GATEWAY_TOKEN")
    answer = post_json(
        url,
        {"mobile": mobile, "content": text[: conf("LUOSHI_SMS_MAX_CHARS")], "sign": conf("LUOSHI_SMS_SIGN")},
        {"Authorization": f"Bearer {token}"} if token else None,
    )
    if str(answer.get("code", "0")) not in ("0", "200", "ok", "OK"):
        raise SendFailed(
            f"短信网关返回 {str(answer.get('code'))[:20]}：{str(answer.get('message', ''))[:100]}"
        )
