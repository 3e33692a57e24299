"""Session lifecycle (SECURITY.md): idle timeout (shorter for administrators), absolute
lifetime, sessions ended by logout or disabling elsewhere, and forced password changes."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

PASSWORD_CHANGE_EXEMPT = ("accounts:password_change", "accounts:logout")


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith("/api/"):
            reason = self.expired_reason(request)
            if reason:
                logout(request)
                messages.info(request, reason)
                return redirect(settings.LOGIN_URL)
            request.session["last_seen"] = timezone.now().timestamp()
            if self.must_change_password(request):
                path = request.path
                exempt = [reverse(name) for name in PASSWORD_CHANGE_EXEMPT]
                if path not in exempt and not path.startswith(settings.STATIC_URL):
                    messages.warning(request, "请先修改密码后再继续使用。")
                    return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def expired_reason(request: HttpRequest) -> str:
        user = request.user
        session = request.session
        now = timezone.now().timestamp()
        idle = settings.LUOSHI_ADMIN_IDLE_MINUTES if user.is_administrator else settings.LUOSHI_IDLE_MINUTES
        if session.get("generation") != user.session_generation:
            return "您的会话已结束，请重新登录。"
        if now - session.get("last_seen", 0) > idle * 60:
            return f"超过{idle}分钟未操作，已自动退出，请重新登录。"
        if now - session.get("started_at", 0) > settings.LUOSHI_SESSION_HOURS * 3600:
            return "登录已超过规定时长，请重新登录。"
        return ""

    @staticmethod
    def must_change_password(request: HttpRequest) -> bool:
        user = request.user
        return user.must_change_password or user.password_expired(settings.LUOSHI_PASSWORD_MAX_AGE_DAYS)
