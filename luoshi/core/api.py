"""The JSON API: bearer-token auth, Chinese error bodies, limit/offset lists in scope."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from luoshi.accounts.actions import user_for_token
from luoshi.core.errors import ActionRefused
from luoshi.core.middleware import current_request


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON: Chinese stays readable in logs, curl and the browser."""

    json_dumps_params = {"ensure_ascii": False}


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from luoshi.accounts import ratelimit
        from luoshi.accounts.api import Throttled
        from luoshi.accounts.models import ApiToken

        limit, window = ratelimit.API_PER_TOKEN
        wait = ratelimit.hit(f"api:{ApiToken.digest_of(token)}", limit, window)
        if wait:
            raise Throttled(wait)
        user = user_for_token(token)
        if user is not None:
            request.user = user
            # The audit log reads the acting user from the current request.
            current_request.set(request)
        return user


class ErrorOut(Schema):
    detail: str


def _error(api: NinjaAPI, request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="落实 luoshi API",
        version="1",
        docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough offline
        auth=BearerAuth(),
        renderer=ChineseJSONRenderer(),
        urls_namespace="api",
    )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 401, "未登录或令牌无效，请先获取令牌。")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 404, "未找到该记录，或您无权查看。")

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = ["/".join(str(p) for p in e.get("loc", [])[1:]) for e in exc.errors]
        return _error(
            api, request, 422, "请求参数无效：" + "、".join(f for f in fields if f), errors=exc.errors
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _error(api, request, exc.status_code, str(exc))

    from luoshi.accounts.api import Throttled

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = _error(api, request, 429, str(exc))
        response["Retry-After"] = str(exc.wait)
        return response

    from luoshi.core.concurrency import ConflictError

    @api.exception_handler(ConflictError)
    def conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        return _error(api, request, 409, str(exc))

    @api.exception_handler(ActionRefused)
    def refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
        return _error(api, request, 400, str(exc))

    from luoshi.accounts.api import router as accounts_router
    from luoshi.audit.api import router as audit_router
    from luoshi.jobs.api import router as jobs_router
    from luoshi.orgs.api import router as orgs_router
    from luoshi.plans.api import router as plans_router
    from luoshi.tasks.api import router as tasks_router

    api.add_router("/auth", accounts_router)
    api.add_router("/orgs", orgs_router)
    api.add_router("/audit", audit_router)
    api.add_router("/plans", plans_router)
    api.add_router("/jobs", jobs_router)
    api.add_router("", tasks_router)
    return api


def page_of(queryset: Any, limit: int, offset: int) -> tuple[int, list[Any]]:
    """count and one slice of a list; limit is clamped to 1..500."""
    limit = max(1, min(limit, 500))
    offset = max(0, offset)
    return queryset.count(), list(queryset[offset : offset + limit])
