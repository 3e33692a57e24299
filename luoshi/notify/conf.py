"""This part's settings, each overridable in Django settings or the environment (only
INSTALLED_APPS is touched in luoshi/settings.py): SMS gateway, robot hosts, timeouts,
retries and quiet hours."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # 政务微信 and 浙政钉 run the robot APIs on private hosts.
    "LUOSHI_WECOM_BASE_URL": "https://qyapi.weixin.qq.com",
    "LUOSHI_DINGTALK_BASE_URL": "https://oapi.dingtalk.com",
    "LUOSHI_SMS_GATEWAY_URL": "",
    "LUOSHI_SMS_GATEWAY_TOKEN": "",
    "LUOSHI_SMS_SIGN": "落实平台",
    "LUOSHI_SMS_MAX_CHARS": 300,
    "LUOSHI_NOTIFY_TIMEOUT": 10,
    "LUOSHI_NOTIFY_MAX_ATTEMPTS": 5,
    "LUOSHI_NOTIFY_BACKOFF_SECONDS": 60,
    # Organisation robots stay silent between these hours (Beijing time) too.
    "LUOSHI_ORG_QUIET_START": 22,
    "LUOSHI_ORG_QUIET_END": 7,
}


def conf(name: str) -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    default = DEFAULTS[name]
    raw = os.environ.get(name)
    if raw is None:
        return default
    return int(raw) if isinstance(default, int) else raw
