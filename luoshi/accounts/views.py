from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.accounts import actions, ratelimit
from luoshi.accounts.choices import Role
from luoshi.accounts.forms import LoginForm, PasswordChangeForm, ResetPasswordForm, UserForm
from luoshi.accounts.models import User
from luoshi.core.access import require_role
from luoshi.core.concurrency import ConflictError
from luoshi.core.errors import ActionRefused
from luoshi.core.middleware import client_address
from luoshi.core.paging import paginate
from luoshi.orgs.models import Organization


@login_not_required
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    form = LoginForm(request.POST or None)
    if request.method == "POST":
        limit, window = ratelimit.LOGIN_PER_ADDRESS
        wait = ratelimit.hit(f"login:{client_address(request)}", limit, window)
        if wait:
            response = render(
                request,
                "accounts/login.html",
                {"form": LoginForm(), "next": next_url, "throttled": wait},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.authenticate(form.cleaned_data["username"], form.cleaned_data["password"])
        except actions.LoginRefused as refused:
            form.add_error(None, str(refused))
        else:
            if actions.needs_second_factor(user):
                request.session["otp_user"] = user.pk
                request.session["otp_started"] = timezone.now().timestamp()
                request.session["otp_next"] = next_url
                return redirect("accounts:second_factor")
            actions.start_session(request, user)
            return redirect(next_url or "home")
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=200)


OTP_PENDING_SECONDS = 300


@login_not_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """The administrators' second step: a TOTP code; on first login the authenticator is
    bound here. Nothing is reachable until it succeeds."""
    pending = request.session.get("otp_user")
    started = request.session.get("otp_started", 0)
    if not pending or timezone.now().timestamp() - started > OTP_PENDING_SECONDS:
        for key in ("otp_user", "otp_started", "otp_next"):
            request.session.pop(key, None)
        messages.info(request, "请重新登录。")
        return redirect("accounts:login")
    user = User.objects.select_related("org").get(pk=pending)
    error = ""
    if request.method == "POST":
        try:
            actions.verify_second_factor(user, request.POST.get("code", ""))
        except actions.LoginRefused as refused:
            error = str(refused)
        else:
            next_url = request.session.get("otp_next", "")
            for key in ("otp_user", "otp_started", "otp_next"):
                request.session.pop(key, None)
            actions.start_session(request, user)
            return redirect(next_url or "home")
    enrolling = user.otp_confirmed_at is None
    context = {"error": error, "enrolling": enrolling, "username": user.username}
    if enrolling:
        secret = actions.otp_secret(user)
        context |= {
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "uri": actions.otp_uri(user),
        }
    return render(request, "accounts/second_factor.html", context, status=400 if error else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    actions.end_session(request, "主动退出")
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_password(request.user, form.cleaned_data["new_password"], acting_user=request.user)
        except ValidationError as error:
            form.add_error("new_password", error)
        else:
            # The password changed: keep this session, end nothing else silently.
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


def natural_key(text: str) -> list[Any]:
    """org2 before org10: digits compare as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


@require_role(Role.SYSADMIN, Role.SECADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.manageable_by(request.user).select_related("org")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(username__icontains=q) | users.filter(display_name__icontains=q)
    page = paginate(request, sorted(users, key=lambda u: natural_key(u.username)))
    return render(request, "accounts/user_list.html", {"page": page, "q": q})


@require_role(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None, orgs=Organization.objects.assignable_by(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.create_user(
                acting_user=request.user,
                username=data["username"],
                role=data["role"],
                org=data["org"],
                display_name=data["display_name"],
                password=data["password"],
            )
        except ValidationError as error:
            form.add_error("password", error)
        except ActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已创建账户 {user.username}。")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": "新建账户"})


@require_role(Role.SYSADMIN)
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User.objects.manageable_by(request.user).select_related("org"), pk=pk)
    initial = {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "org": user.org,
        "is_active": user.is_active,
        "version": user.version,
    }
    form = UserForm(
        request.POST or None,
        initial=initial,
        orgs=Organization.objects.assignable_by(request.user),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in ("display_name", "role", "org", "is_active") if data[k] != initial[k]}
        try:
            if changes:
                actions.update_user(
                    acting_user=request.user, user=user, expected_version=data["version"] or 0, **changes
                )
        except (ActionRefused, ConflictError) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已保存账户 {user.username}。")
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": f"编辑账户 {user.username}", "account": user},
    )


@require_role(Role.SECADMIN)
@require_http_methods(["GET", "POST"])
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    """The security administrator alone resets credentials (三权分立); the rules are in
    actions.reset_credentials."""
    user = get_object_or_404(User.objects.manageable_by(request.user), pk=pk)
    form = ResetPasswordForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.reset_credentials(
                acting_user=request.user,
                user=user,
                password=form.cleaned_data["password"],
                second_factor=form.cleaned_data["reset_otp"],
            )
        except ValidationError as error:
            form.add_error("password", error)
        except ActionRefused as refused:
            form.add_error(None, str(refused))
            status = 403
        else:
            done = "并须重新绑定身份验证器" if user.is_administrator else "并解除锁定"
            messages.success(request, f"已重置 {user.username} 的密码，{done}。")
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": f"重置 {user.username} 的密码", "account": user},
        status=status,
    )
