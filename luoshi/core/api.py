"""The JSON API: bearer-token auth, Chinese error bodies, limit/offset lists in scope."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from pydantic import Field

from luoshi.core import registry
from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.core.numbers import MAX_BIGINT

# Bounded integers for query, path and body fields: a value beyond the database's 64-bit
# range answers 422 in Chinese instead of overflowing in SQL (a 500). Every id, count and
# paging parameter of the API uses one of these.
Id = Annotated[int, Field(ge=1, le=MAX_BIGINT)]
Count = Annotated[int, Field(ge=0, le=MAX_BIGINT)]
Limit = Annotated[int, Field(ge=1, le=500)]
Offset = Annotated[int, Field(ge=0, le=MAX_BIGINT)]

# What pydantic's error types mean, said in Chinese; the field name stays as sent.
_PROBLEMS = {
    "missing": "必填",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_from_float": "须为整数",
    "float_parsing": "须为数字",
    "bool_parsing": "须为 true 或 false",
    "greater_than_equal": "超出允许范围",
    "less_than_equal": "超出允许范围",
    "greater_than": "超出允许范围",
    "less_than": "超出允许范围",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "too_long": "项数过多",
    "datetime_parsing": "须为日期时间（如 2026-01-31T08:00:00+08:00）",
    "datetime_from_date_parsing": "须为日期时间（如 2026-01-31T08:00:00+08:00）",
    "date_parsing": "须为日期（如 2026-01-31）",
    "date_from_datetime_parsing": "须为日期（如 2026-01-31）",
    "enum": "取值无效",
    "literal_error": "取值无效",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "格式无效",
    "dict_type": "须为 JSON 对象",
    "list_type": "须为列表",
    "string_type": "须为字符串",
}

# The few English sentences django-ninja answers with itself.
_NINJA_MESSAGES = {
    "Cannot parse request body": "请求体不是有效的 JSON，或格式与接口要求不符。",
}

# Answers for statuses produced outside the API's own handlers (Django's 404 for an
# unknown path, django-ninja's 405, the 500 handler), so every /api/ answer is JSON.
STATUS_DETAIL = {
    400: "请求无效。",
    403: "您没有执行此操作的权限。",
    404: "接口不存在，请核对地址（见 /api/openapi.json）。",
    405: "该接口不支持此请求方法。",
    413: "请求内容过大。",
    500: "服务器内部错误，请稍后再试或联系管理员。",
}


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON: Chinese stays readable in logs, curl and the browser."""

    json_dumps_params = {"ensure_ascii": False}


class ErrorOut(Schema):
    detail: str


# What any call behind a token can answer besides its own result: no or a bad token (401),
# a parameter out of range or of the wrong type (422), the per-token rate limit (429).
ALWAYS = (401, 422, 429)


def responses(ok: Any, *errors: int, status: int = 200) -> dict[int, Any]:
    """The `response=` of a call: its result and every error answer it can give, so the
    OpenAPI document declares them (issue S-5) — 400 a rule of the action or a malformed
    body, 403 a permission refusal, 404 outside scope or missing, 409 a stale version."""
    return {status: ok, **{code: ErrorOut for code in sorted({*ALWAYS, *errors})}}


def _error(api: NinjaAPI, request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


def build_api() -> NinjaAPI:
    """The API of every part that registered a router (luoshi.core.registry), behind the
    authentication the accounts part registered."""
    api = NinjaAPI(
        title="落实 luoshi API",
        version="1",
        docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough offline
        auth=registry.api_auth(),
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
        return _error(api, request, 422, describe_invalid(exc.errors), errors=exc.errors)

    @api.exception_handler(DjangoValidationError)
    def rule_broken(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        """A model or password rule said no (validate_password raises these)."""
        return _error(api, request, 422, "".join(exc.messages), errors=exc.messages)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        detail = next((zh for en, zh in _NINJA_MESSAGES.items() if message.startswith(en)), message)
        return _error(api, request, exc.status_code, detail)

    from luoshi.core.concurrency import ConflictError

    @api.exception_handler(ConflictError)
    def conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        return _error(api, request, 409, str(exc))

    @api.exception_handler(ActionRefused)
    def refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
        # A permission refusal is 403 wherever it is raised; any other rule is 400.
        return _error(api, request, 403 if isinstance(exc, AccessRefused) else 400, str(exc))

    for exception, answer in registry.api_errors():
        api.add_exception_handler(exception, lambda request, exc, answer=answer: answer(api, request, exc))
    for prefix, router in registry.api_routers():
        _declare_error_answers(router)
        api.add_router(prefix, router)
    return api


# Every call behind a token can answer these, through the handlers above (a rule of the
# action 400, a permission refusal 403, a malformed request 422, too many calls 429).
COMMON_ERRORS = (400, 401, 403, 422, 429)


def _declare_error_answers(router: Any) -> None:
    """Declares, for every call of a part that did not list them itself, the error answers
    the handlers above give, and 404 where the path names a record — so the OpenAPI
    document holds every answer a client can get. A call whose success is not 200 (201)
    must return `Status(201, …)`: with several answers declared, django-ninja answers a
    plain return with 200."""
    for path, view in router.path_operations.items():
        for operation in view.operations:
            models = operation.response_models
            if not any(isinstance(code, int) and code < 300 for code in models):
                continue
            for code in (*COMMON_ERRORS, *((404,) if "{" in path else ())):
                models.setdefault(code, operation._create_response_model(ErrorOut))


def describe_invalid(errors: list[dict[str, Any]]) -> str:
    """ "请求参数无效：limit 超出允许范围" — which field, and what is wrong with it, in Chinese."""
    parts = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", [])]
        field = "/".join(loc[1:]) if len(loc) > 1 else "/".join(loc)
        problem = _PROBLEMS.get(str(error.get("type", "")), "格式无效")
        parts.append(f"{field} {problem}".strip() if field and field != "body" else problem)
    return "请求参数无效：" + "；".join(dict.fromkeys(parts))


def api_error_response(status: int, detail: str = "") -> JsonResponse:
    """The JSON body for an /api/ answer made outside the API (unknown path, 405, 500)."""
    return JsonResponse(
        {"detail": detail or STATUS_DETAIL.get(status, "请求无效。")},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def page_of(queryset: Any, limit: int, offset: int) -> tuple[int, list[Any]]:
    """count and one slice of a list; limit is clamped to 1..500."""
    limit = max(1, min(limit, 500))
    offset = max(0, offset)
    return queryset.count(), list(queryset[offset : offset + limit])
