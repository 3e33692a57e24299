"""Account operations: login policy, passwords, accounts and API tokens.

Every function here is the single implementation used by views, the API and commands;
each writes its audit row in the same transaction as its change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.accounts.models import ApiToken, PasswordHistory, User
from luoshi.audit.actions import record, snapshot
from luoshi.audit.choices import AuditAction
from luoshi.core.concurrency import save_versioned
from luoshi.core.errors import ActionRefused

LOGIN_REFUSED = "用户名或密码不正确，或账户已被暂时锁定。连续失败多次将锁定30分钟。"
# A hash computed for unknown usernames, so that they take as long as known ones.
_DUMMY_HASH = make_password("luoshi-timing-equaliser")

USER_AUDIT_FIELDS = ["username", "display_name", "role", "org", "is_active"]


class LoginRefused(Exception):
    pass


def authenticate(username: str, password: str) -> User:
    """Checks the password under the lockout policy; the refusal never says which part failed.

    Failures are counted with an atomic increment, so parallel guesses are all counted;
    the fifth locks the account for the lockout period and is audited.
    """
    now = timezone.now()
    user = User.objects.filter(username=username).select_related("org").first()
    if user is None:
        from django.contrib.auth.hashers import check_password

        check_password(password, _DUMMY_HASH)
        record(AuditAction.LOGIN_FAILED, object_type="accounts.user", message="未知用户名")
        raise LoginRefused(LOGIN_REFUSED)
    if user.is_locked(now) or not user.is_active:
        record(AuditAction.LOGIN_FAILED, actor=user, obj=user, message="账户已锁定或停用")
        raise LoginRefused(LOGIN_REFUSED)
    if not user.check_password(password):
        count_failure(user, "密码错误", now)
        raise LoginRefused(LOGIN_REFUSED)
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    return user


def count_failure(user: User, what: str, now: Any = None) -> None:
    """One more failed attempt (password or second factor); the fifth locks the account.

    An atomic increment, so parallel guesses are all counted; the lockout is audited.
    """
    now = now or timezone.now()
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        record(AuditAction.LOGIN_FAILED, actor=user, obj=user, message=f"{what}（第{user.failed_logins}次）")
        if user.failed_logins >= settings.LUOSHI_LOGIN_MAX_FAILURES:
            until = now + dt.timedelta(minutes=settings.LUOSHI_LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
            record(
                AuditAction.LOCKOUT, actor=user, obj=user, message=f"锁定至 {timezone.localtime(until):%H:%M}"
            )


def needs_second_factor(user: User) -> bool:
    """Administrators log in with a TOTP code as well (SECURITY.md); demo administrators
    are waived so that people and scripts can log in at once."""
    return user.is_administrator and not user.second_factor_waived


def otp_secret(user: User) -> str:
    """The user's TOTP secret, created on first use (stored encrypted)."""
    import pyotp

    if not user.otp_secret:
        user.otp_secret = pyotp.random_base32()
        user.save(update_fields=["otp_secret"])
    return str(user.otp_secret)


def otp_uri(user: User) -> str:
    import pyotp

    return str(pyotp.TOTP(otp_secret(user)).provisioning_uri(name=user.username, issuer_name="落实"))


def verify_second_factor(user: User, code: str, now: Any = None) -> None:
    """Checks a TOTP code (±1 step for clock drift). A code is good once: the step it
    belongs to must be newer than the last one used, claimed with a conditional UPDATE.
    Failures count toward the same lockout as passwords."""
    import pyotp

    now = now or timezone.now()
    if user.is_locked(now) or not user.is_active:
        raise LoginRefused(LOGIN_REFUSED)
    code = (code or "").strip()
    totp = pyotp.TOTP(otp_secret(user))
    current = totp.timecode(now)
    step = next(
        (
            current + offset
            for offset in (0, -1, 1)
            if code.isdigit() and len(code) == 6 and totp.generate_otp(current + offset) == code
        ),
        None,
    )
    if step is None or not User.objects.filter(pk=user.pk, otp_last_step__lt=step).update(otp_last_step=step):
        count_failure(user, "验证码错误或已使用", now)
        raise LoginRefused("验证码不正确或已使用过，请输入验证器上新的6位数字。")
    if user.otp_confirmed_at is None:
        User.objects.filter(pk=user.pk).update(otp_confirmed_at=now)
        record(AuditAction.UPDATE, actor=user, obj=user, message="绑定身份验证器")
    if user.failed_logins:
        User.objects.filter(pk=user.pk).update(failed_logins=0)


def start_session(request: HttpRequest, user: User) -> None:
    with transaction.atomic():
        login(request, user)
        request.session["generation"] = user.session_generation
        request.session["started_at"] = timezone.now().timestamp()
        request.session["last_seen"] = timezone.now().timestamp()
        record(AuditAction.LOGIN, actor=user, obj=user)


def end_all_sessions(user: User) -> None:
    """Ends every session and API token of the user: their generation no longer matches."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)


def end_session(request: HttpRequest, reason: str = "") -> None:
    user = request.user
    with transaction.atomic():
        if user.is_authenticated:
            end_all_sessions(user)
            record(AuditAction.LOGOUT, actor=user, obj=user, message=reason)
        logout(request)


def set_password(user: User, raw_password: str, *, acting_user: User, temporary: bool = False) -> None:
    """Validates and sets a password; `temporary` (an administrator's reset) forces a change.

    Raises django.core.exceptions.ValidationError with Chinese messages.
    """
    validate_password(raw_password, user)
    with transaction.atomic():
        user.set_password(raw_password)
        user.password_changed_at = timezone.now()
        user.must_change_password = temporary
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = user.password_history.values_list("pk", flat=True)[: settings.LUOSHI_PASSWORD_HISTORY]
        user.password_history.exclude(pk__in=list(keep)).delete()
        record(
            AuditAction.PASSWORD,
            actor=acting_user,
            obj=user,
            message="管理员重置密码" if temporary else "修改密码",
        )


def _refuse_second_admin_role(role: str, existing: User | None) -> None:
    """三权分立: one account, one role; an administrator role cannot be added to another."""
    if existing is not None and existing.role in Role.administrators() and role != existing.role:
        raise ActionRefused("管理员账户不能改任其他角色；三类管理员须由不同账户担任。")
    if existing is not None and role in Role.administrators() and existing.role != role:
        raise ActionRefused("已有业务角色的账户不能再兼任管理员；请为管理员另建账户。")


def create_user(
    *,
    acting_user: User,
    username: str,
    role: str,
    org: Any,
    display_name: str = "",
    password: str,
    person: Any = None,
) -> User:
    if User.objects.filter(username=username).exists():
        raise ActionRefused("该用户名已被使用。")
    if role not in Role.values:
        raise ActionRefused("角色无效。")
    user = User(username=username, role=role, org=org, display_name=display_name, person=person)
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.password_changed_at = timezone.now()
        user.save()
        PasswordHistory.objects.create(user=user, password=user.password)
        record(AuditAction.CREATE, actor=acting_user, obj=user, after=snapshot(user, USER_AUDIT_FIELDS))
    return user


def update_user(*, acting_user: User, user: User, expected_version: int, **changes: Any) -> User:
    """Changes role, organisation, name or active flag; disabling ends the user's sessions."""
    if "role" in changes:
        _refuse_second_admin_role(changes["role"], user)
    if user.pk == acting_user.pk and changes.get("is_active") is False:
        raise ActionRefused("不能停用自己的账户。")
    before = snapshot(user, USER_AUDIT_FIELDS)
    for name, value in changes.items():
        setattr(user, name, value)
    with transaction.atomic():
        save_versioned(user, expected_version, list(changes))
        if changes.get("is_active") is False or "role" in changes or "org" in changes:
            end_all_sessions(user)
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=user,
            before=before,
            after=snapshot(user, USER_AUDIT_FIELDS),
        )
    return user


def reset_second_factor(*, acting_user: User, user: User) -> None:
    """The administrator lost their authenticator: they bind a new one at next login."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(otp_secret="", otp_confirmed_at=None)
        record(AuditAction.UPDATE, actor=acting_user, obj=user, message="重置身份验证器")


def unlock_user(*, acting_user: User, user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(locked_until=None, failed_logins=0)
        record(AuditAction.UPDATE, actor=acting_user, obj=user, message="解除锁定")


def issue_api_token(username: str, password: str, otp: str = "") -> str:
    """Password check under the same lockout policy as the login page (and the TOTP code
    for administrators), then a fresh token."""
    user = authenticate(username, password)
    if needs_second_factor(user):
        if user.otp_confirmed_at is None:
            raise LoginRefused("管理员须先在网页登录并绑定身份验证器。")
        verify_second_factor(user, otp)
    token = ApiToken.new_token()
    with transaction.atomic():
        ApiToken.objects.create(
            user=user,
            digest=ApiToken.digest_of(token),
            expires_at=timezone.now() + dt.timedelta(hours=settings.LUOSHI_API_TOKEN_HOURS),
            session_generation=user.session_generation,
        )
        record(AuditAction.TOKEN, actor=user, obj=user)
    return token


def user_for_token(token: str) -> User | None:
    row = (
        ApiToken.objects.filter(digest=ApiToken.digest_of(token), expires_at__gt=timezone.now())
        .select_related("user", "user__org")
        .first()
    )
    if row is None:
        return None
    user = row.user
    if not user.is_active or user.is_locked() or row.session_generation != user.session_generation:
        return None
    return user
