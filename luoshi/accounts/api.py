from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from luoshi.accounts import ratelimit
from luoshi.accounts.actions import LoginRefused, issue_api_token
from luoshi.core.middleware import client_address

router = Router(tags=["认证"])


class Throttled(Exception):
    def __init__(self, wait: int) -> None:
        self.wait = wait
        super().__init__(f"请求过于频繁，请 {wait} 秒后再试。")


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""  # administrators: the current code of their authenticator


class TokenOut(Schema):
    token: str


@router.post("/token", auth=None, response={200: TokenOut})
def obtain_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    """Exchanges a username and password for a bearer token; failures count toward lockout."""
    limit, window = ratelimit.LOGIN_PER_ADDRESS
    wait = ratelimit.hit(f"login:{client_address(request)}", limit, window)
    if wait:
        raise Throttled(wait)
    try:
        return {"token": issue_api_token(payload.username, payload.password, payload.otp)}
    except LoginRefused as refused:
        raise HttpError(401, str(refused)) from None
