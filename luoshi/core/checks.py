"""Start-up checks: settings may tighten the security figures of SECURITY.md, never loosen them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

# setting name -> (limit, "max" when larger is looser, "min" when smaller is looser)
POLICY = {
    "LUOSHI_LOGIN_MAX_FAILURES": (5, "max"),
    "LUOSHI_LOCKOUT_MINUTES": (30, "min"),
    "LUOSHI_PASSWORD_MAX_AGE_DAYS": (90, "max"),
    "LUOSHI_PASSWORD_HISTORY": (5, "min"),
    "LUOSHI_IDLE_MINUTES": (30, "max"),
    "LUOSHI_ADMIN_IDLE_MINUTES": (15, "max"),
    "LUOSHI_SESSION_HOURS": (8, "max"),
}


@register()
def security_policy_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for name, (limit, sense) in POLICY.items():
        value = getattr(settings, name)
        if (sense == "max" and value > limit) or (sense == "min" and value < limit):
            errors.append(Error(f"{name}={value} 比安全策略（{limit}）更宽松，拒绝启动。", id="luoshi.E001"))
    return errors
