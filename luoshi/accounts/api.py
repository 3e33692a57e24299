from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from luoshi.accounts import ratelimit
from luoshi.accounts.actions import (
    LoginRefused,
    PasswordChangeRequired,
    change_password_with_credentials,
    issue_api_token,
)
from luoshi.core.api import ErrorOut
from luoshi.core.middleware import client_address

router = Router(tags=["认证"])


class Throttled(Exception):
    def __init__(self, wait: int) -> None:
        self.wait = wait
        super().__init__(f"请求过于频繁，请 {wait} 秒后再试。")


def throttled_answer(api: Any, request: HttpRequest, exc: Exception) -> Any:
    """429 with Retry-After, in the API's JSON."""
    assert isinstance(exc, Throttled)
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.wait)
    return response


class BearerAuth(HttpBearer):
    """Bearer tokens, limited per token (300 calls a minute)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from luoshi.accounts.actions import user_for_token
        from luoshi.accounts.models import ApiToken
        from luoshi.core.middleware import current_request

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


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""  # administrators: the current code of their authenticator


class TokenOut(Schema):
    token: str


class PasswordIn(Schema):
    username: str
    password: str
    new_password: str
    otp: str = ""


class DetailOut(Schema):
    detail: str


def _throttle_login(request: HttpRequest) -> None:
    limit, window = ratelimit.LOGIN_PER_ADDRESS
    wait = ratelimit.hit(f"login:{client_address(request)}", limit, window)
    if wait:
        raise Throttled(wait)


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def obtain_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    """Exchanges a username and password for a bearer token; failures count toward lockout.
    A password that must be changed first answers 403 and no token."""
    _throttle_login(request)
    try:
        return {"token": issue_api_token(payload.username, payload.password, payload.otp)}
    except PasswordChangeRequired as refused:
        raise HttpError(403, str(refused)) from None
    except LoginRefused as refused:
        raise HttpError(401, str(refused)) from None


@router.post(
    "/password",
    auth=None,
    response={200: DetailOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def change_password(request: HttpRequest, payload: PasswordIn) -> dict[str, str]:
    """Changes the password with the current one (and the code, for administrators): the
    way through a forced change for API clients. Password rules answer 422 with the rule."""
    _throttle_login(request)
    try:
        change_password_with_credentials(
            payload.username, payload.password, payload.new_password, payload.otp
        )
    except LoginRefused as refused:
        raise HttpError(401, str(refused)) from None
    return {"detail": "密码已修改，请用新密码获取令牌。"}
