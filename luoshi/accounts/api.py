from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from luoshi.accounts.actions import LoginRefused, issue_api_token

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/token", auth=None, response={200: TokenOut})
def obtain_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    """Exchanges a username and password for a bearer token; failures count toward lockout."""
    try:
        return {"token": issue_api_token(payload.username, payload.password)}
    except LoginRefused as refused:
        raise HttpError(401, str(refused)) from None
