"""Password rules beyond Django's own (SECURITY.md: ≥3 of 4 classes, not the username,
no reuse of the last five)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError


def character_classes(password: str) -> int:
    return sum(
        (
            any(c.islower() and c.isascii() for c in password),
            any(c.isupper() and c.isascii() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.isascii() and c.isalnum()) for c in password),
        )
    )


class CharacterClassValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < 3:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号中的至少三类。", code="password_classes"
            )

    def get_help_text(self) -> str:
        return "至少包含大写字母、小写字母、数字、符号中的三类。"


class NotUsernameValidator:
    def validate(self, password: str, user: Any = None) -> None:
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_username")

    def get_help_text(self) -> str:
        return "不能包含用户名。"


class PasswordHistoryValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        recent = user.password_history.all()[: settings.LUOSHI_PASSWORD_HISTORY]
        if any(check_password(password, h.password) for h in recent):
            raise ValidationError(
                f"不能使用最近{settings.LUOSHI_PASSWORD_HISTORY}次用过的密码。", code="password_reused"
            )

    def get_help_text(self) -> str:
        return f"不能与最近{settings.LUOSHI_PASSWORD_HISTORY}次用过的密码相同。"
