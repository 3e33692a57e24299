"""Production settings pass Django's deployment checks, and looser security figures stop
the start-up (SECURITY.md)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from django.test import override_settings

from luoshi.core.checks import security_policy_check


def test_check_deploy_gives_no_warnings_with_production_settings(tmp_path) -> None:
    env = dict(
        os.environ,
        LUOSHI_HTTPS="1",
        LUOSHI_SECRET_KEY=secrets.token_urlsafe(60),
        LUOSHI_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="luoshi.settings",
        LUOSHI_DATABASE_URL="",
    )
    result = subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_policy_figures_may_tighten_but_not_loosen() -> None:
    assert security_policy_check() == []
    with override_settings(LUOSHI_LOGIN_MAX_FAILURES=3, LUOSHI_IDLE_MINUTES=20):
        assert security_policy_check() == []
    with override_settings(LUOSHI_LOGIN_MAX_FAILURES=10, LUOSHI_LOCKOUT_MINUTES=5):
        errors = security_policy_check()
        assert len(errors) == 2 and all("更宽松" in e.msg for e in errors)
