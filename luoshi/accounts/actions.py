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
from luoshi.core.errors import AccessRefused, ActionRefused, refuse_access
from luoshi.orgs.models import Organization

LOGIN_REFUSED = "用户名或密码不正确，或账户已被暂时锁定。连续失败多次将锁定30分钟。"
# A hash computed for unknown usernames, so that they take as long as known ones.
_DUMMY_HASH = make_password("luoshi-timing-equaliser")

USER_AUDIT_FIELDS = ["username", "display_name", "role", "org", "is_active"]


class LoginRefused(Exception):
    pass


class PasswordChangeRequired(LoginRefused):
    """The password is right but must be changed first (after a reset, at first login, or
    when it has expired): no session and no API token until it is."""


CHANGE_FIRST_MESSAGE = (
    "须先修改密码：账户为初始密码、已被管理员重置或密码已过期。"
    "请在网页登录后修改，或调用 POST /api/auth/password，再获取令牌。"
)


def must_change_password(user: User) -> bool:
    return bool(user.must_change_password or user.password_expired(settings.LUOSHI_PASSWORD_MAX_AGE_DAYS))


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
    """Logs in; the audit administrator is shown every administrator credential reset made
    since their previous login (三权分立: a reset of an administrator is never silent)."""
    from luoshi.audit.models import AuditEvent

    with transaction.atomic():
        previous = (
            AuditEvent.objects.filter(action=AuditAction.LOGIN, actor_id=user.pk).order_by("-seq").first()
        )
        login(request, user)
        request.session["generation"] = user.session_generation
        request.session["started_at"] = timezone.now().timestamp()
        request.session["last_seen"] = timezone.now().timestamp()
        record(AuditAction.LOGIN, actor=user, obj=user)
    if user.role == Role.AUDITADMIN:
        from django.contrib import messages

        for event in administrator_resets_since(previous.seq if previous else 0):
            messages.warning(
                request,
                f"{timezone.localtime(event.at):%Y-%m-%d %H:%M}，{event.actor_name} 重置了管理员账户"
                f"“{event.object_repr}”的密码和身份验证器（审计日志第 {event.seq} 条）。",
            )


ADMIN_RESET = "重置管理员凭据"


def administrator_resets_since(seq: int) -> list[Any]:
    """Credential resets of administrator accounts recorded after audit row `seq`."""
    from luoshi.audit.models import AuditEvent

    return list(
        AuditEvent.objects.filter(
            seq__gt=seq, object_type="accounts.user", action=AuditAction.UPDATE, message=ADMIN_RESET
        ).order_by("seq")[:20]
    )


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


ADMIN_FIRST_CREDENTIALS_MESSAGE = (
    "管理员账户的初始密码由安全管理员设置：创建时请留空密码，创建后由安全管理员在“重置密码”中设置。"
)


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
    """Creates an account. An administrator account gets no usable password here: the system
    administrator who creates it must not know its credentials (三权分立); the security
    administrator sets them."""
    if acting_user.role != Role.SYSADMIN:
        raise refuse_access("只有系统管理员可以开设账户。", actor=acting_user)
    if org is not None and not Organization.objects.visible_to(acting_user).filter(pk=org.pk).exists():
        raise refuse_access("所属组织超出您的管理范围。", actor=acting_user)
    if User.objects.filter(username=username).exists():
        raise ActionRefused("该用户名已被使用。")
    if role not in Role.values:
        raise ActionRefused("角色无效。")
    administrator = role in Role.administrators()
    if administrator and password:
        raise ActionRefused(ADMIN_FIRST_CREDENTIALS_MESSAGE)
    if not administrator and not password:
        raise ActionRefused("请填写初始密码。")
    user = User(username=username, role=role, org=org, display_name=display_name, person=person)
    if not administrator:
        validate_password(password, user)
    with transaction.atomic():
        if administrator:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.must_change_password = True
        user.password_changed_at = timezone.now()
        user.save()
        if not administrator:
            PasswordHistory.objects.create(user=user, password=user.password)
        record(AuditAction.CREATE, actor=acting_user, obj=user, after=snapshot(user, USER_AUDIT_FIELDS))
    return user


def update_user(*, acting_user: User, user: User, expected_version: int, **changes: Any) -> User:
    """Changes role, organisation, name or active flag; disabling ends the user's sessions."""
    if (
        acting_user.role != Role.SYSADMIN
        or not User.objects.manageable_by(acting_user).filter(pk=user.pk).exists()
    ):
        raise refuse_access("只有系统管理员可以修改账户。", actor=acting_user, obj=user)
    new_org = changes.get("org")
    if (
        new_org is not None
        and not Organization.objects.visible_to(acting_user).filter(pk=new_org.pk).exists()
    ):
        raise refuse_access("所属组织超出您的管理范围。", actor=acting_user, obj=user)
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


def reset_credentials(*, acting_user: User, user: User, password: str, second_factor: bool = False) -> None:
    """The security administrator's reset: a temporary password (changed at next login),
    the lockout lifted, every session ended. 三权分立: only the security administrator
    resets credentials, never their own nor a peer's (another security administrator's,
    except to set a new one's first password); an administrator's reset always unbinds the
    authenticator, so that it is bound again by its owner, and the audit administrator is
    shown the reset at next login. Raises AccessRefused or ValidationError (password rules)."""
    if acting_user.role != Role.SECADMIN:
        record(AuditAction.DENIED, actor=acting_user, obj=user, message="非安全管理员重置凭据")
        raise AccessRefused("只有安全管理员可以重置密码和身份验证器。")
    if not User.objects.manageable_by(acting_user).filter(pk=user.pk).exists():
        record(AuditAction.DENIED, actor=acting_user, obj=user, message="重置范围外账户的凭据")
        raise AccessRefused("您不能重置该账户的凭据。")
    if user.pk == acting_user.pk:
        raise AccessRefused("不能重置自己的凭据，请在“修改密码”中修改。")
    if user.role == acting_user.role and user.has_usable_password():
        record(AuditAction.DENIED, actor=acting_user, obj=user, message="重置同类管理员的凭据")
        raise AccessRefused("不能重置同为安全管理员的账户的凭据（三权分立：同类管理员互不重置）。")
    with transaction.atomic():
        set_password(user, password, acting_user=acting_user, temporary=True)
        unlock_user(acting_user=acting_user, user=user)
        if second_factor or user.is_administrator:
            reset_second_factor(acting_user=acting_user, user=user)
        if user.is_administrator:
            record(
                AuditAction.UPDATE,
                actor=acting_user,
                obj=user,
                message=ADMIN_RESET,
                after={"role": user.role, "password": "已重置", "second_factor": "须重新绑定"},
            )
        end_all_sessions(user)


def reset_second_factor(*, acting_user: User, user: User) -> None:
    """The administrator lost their authenticator: they bind a new one at next login."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(otp_secret="", otp_confirmed_at=None)
        record(AuditAction.UPDATE, actor=acting_user, obj=user, message="重置身份验证器")


def unlock_user(*, acting_user: User, user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(locked_until=None, failed_logins=0)
        record(AuditAction.UPDATE, actor=acting_user, obj=user, message="解除锁定")


def _authenticate_for_api(username: str, password: str, otp: str) -> User:
    """The API's login: password under the lockout policy, and the TOTP code for administrators."""
    user = authenticate(username, password)
    if needs_second_factor(user):
        if user.otp_confirmed_at is None:
            raise LoginRefused("管理员须先在网页登录并绑定身份验证器。")
        verify_second_factor(user, otp)
    return user


def issue_api_token(username: str, password: str, otp: str = "") -> str:
    """Password check under the same lockout policy as the login page (and the TOTP code
    for administrators), then a fresh token — unless the password must be changed first:
    the page forces the change, so the token endpoint may not be a way around it."""
    user = _authenticate_for_api(username, password, otp)
    if must_change_password(user):
        record(AuditAction.DENIED, actor=user, obj=user, message="须先修改密码，未签发令牌")
        raise PasswordChangeRequired(CHANGE_FIRST_MESSAGE)
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


def change_password_with_credentials(username: str, password: str, new_password: str, otp: str = "") -> None:
    """The API's way through a forced change: the current password (and code) prove who it
    is, the new one must pass every password rule. Raises LoginRefused or ValidationError."""
    user = _authenticate_for_api(username, password, otp)
    if new_password == password:
        from django.core.exceptions import ValidationError

        raise ValidationError("新密码不能与原密码相同。", code="password_unchanged")
    set_password(user, new_password, acting_user=user)


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
