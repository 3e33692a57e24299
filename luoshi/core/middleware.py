"""Security headers and the per-request context the audit log reads."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired
from django.http import HttpRequest, HttpResponse

current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "current_request", default=None
)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """CSP without inline scripts, no framing, no caching of authenticated pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class ApiErrorMiddleware:
    """Every /api/ answer is JSON with a Chinese `detail`: errors produced outside the API's
    own handlers (Django's 404 for an unknown path, django-ninja's 405, the 500 page) are
    replaced by the JSON a client can parse. Costs one header check per API response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            from luoshi.core.api import api_error_response

            replaced = api_error_response(response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


class RequestContextMiddleware:
    """Makes the request available to the audit log without threading it everywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


class LoginRequiredMiddleware(_DjangoLoginRequired):
    """Django's login-required default for pages; the API answers 401 through its own auth."""

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class PrimaryPinMiddleware:
    """With a read replica (luoshi.core.dbrouter): each request starts unpinned unless the
    browser wrote moments ago; a request that wrote pins the browser to the primary for
    LUOSHI_REPLICA_PIN_SECONDS, longer than the replica's lag, so the page after a POST
    reads what the POST saved. Installed only when a replica is configured."""

    COOKIE = "luoshi_primary"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        from luoshi.core.dbrouter import is_pinned, reset_pin

        token = reset_pin(self.COOKIE in request.COOKIES or request.method not in ("GET", "HEAD"))
        try:
            response = self.get_response(request)
            if is_pinned():
                response.set_cookie(
                    self.COOKIE,
                    "1",
                    max_age=settings.LUOSHI_REPLICA_PIN_SECONDS,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
            return response
        finally:
            token.var.reset(token)
