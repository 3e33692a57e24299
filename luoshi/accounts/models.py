"""Accounts: one role per account, which makes "no account holds two administrator roles"
true by construction; the login policy's state lives on the row."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.core.fields import EncryptedCharField
from luoshi.core.models import ScopedQuerySet, VersionedModel
from luoshi.core.scope import root_path_of


class UserQuerySet(ScopedQuerySet):
    def manageable_by(self, user: Any) -> UserQuerySet:
        """Accounts an administrator may manage: the system and security administrators
        manage every account of their department's tree; nobody else manages accounts."""
        if not user.is_authenticated or user.role not in (Role.SYSADMIN, Role.SECADMIN) or user.org is None:
            return self.none()
        return self.filter(org__path__startswith=root_path_of(user.org.path))


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    def create_user(self, username: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save()
        return user


class User(AbstractBaseUser, VersionedModel):
    scope_path_field = "org__path"

    username = models.CharField("用户名", max_length=64, unique=True)
    display_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.MEMBER)
    org = models.ForeignKey(
        "orgs.Organization", verbose_name="所属组织", null=True, blank=True, on_delete=models.PROTECT
    )
    person = models.OneToOneField(
        "orgs.Person", verbose_name="对应人员", null=True, blank=True, on_delete=models.SET_NULL
    )
    is_active = models.BooleanField("启用", default=True)
    date_joined = models.DateTimeField("创建时间", default=timezone.now)
    failed_logins = models.PositiveSmallIntegerField("连续失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    must_change_password = models.BooleanField("下次登录须改密码", default=True)
    # Bumped on logout and on disabling: sessions carrying an older value are ended.
    session_generation = models.PositiveIntegerField(default=0)
    # The administrators' second factor (TOTP): secret encrypted, last used time step
    # (a code is good once), waived only for demo accounts.
    otp_secret = EncryptedCharField("验证器密钥", blank=True, default="")
    otp_confirmed_at = models.DateTimeField("绑定验证器时间", null=True, blank=True)
    otp_last_step = models.BigIntegerField(default=0)
    second_factor_waived = models.BooleanField("免二次验证（仅演示账户）", default=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["username"]
        verbose_name = "账户"

    def __str__(self) -> str:
        return self.display_name or self.username

    def scope_kind(self) -> str:
        """What the role may read (luoshi.core.scope): "none", "department" or "subtree"."""
        if self.role in Role.without_business_scope():
            return "none"
        return "department" if self.role in Role.department_wide() else "subtree"

    @property
    def is_administrator(self) -> bool:
        return self.role in Role.administrators()

    def is_locked(self, now: Any = None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))

    def password_expired(self, max_age_days: int, now: Any = None) -> bool:
        if self.password_changed_at is None:
            return True
        return ((now or timezone.now()) - self.password_changed_at).days >= max_age_days


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords, for the no-reuse rule."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # Copied from the user at issue time: a logout or disabling invalidates the token too.
    session_generation = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"token of {self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
