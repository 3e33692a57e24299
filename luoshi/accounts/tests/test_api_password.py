"""The forced password change cannot be skipped through the API (issue S-2): a user who must
change the password gets no token until they do, and the answer says so; the change itself
is possible through the API, and a broken password rule answers JSON with the rule."""

from __future__ import annotations

import pytest
from django.test import Client

from luoshi.accounts import actions
from luoshi.accounts.models import ApiToken

pytestmark = pytest.mark.django_db
TEMPORARY = "Temp-reset-42x"


def token(username: str, password: str):
    return Client().post(
        "/api/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def change(username: str, password: str, new_password: str):
    body = {"username": username, "password": password, "new_password": new_password}
    return Client().post("/api/auth/password", body, content_type="application/json")


def test_after_a_reset_the_token_endpoint_refuses_until_the_password_is_changed(persona) -> None:
    zhibu1 = persona("zhibu1")
    actions.reset_credentials(acting_user=persona("secadmin"), user=zhibu1, password=TEMPORARY)
    refused = token("zhibu1", TEMPORARY)
    assert refused.status_code == 403 and "须先修改密码" in refused.json()["detail"]
    assert not ApiToken.objects.filter(user=zhibu1).exists()

    weak = change("zhibu1", TEMPORARY, "abcdefgh")
    assert weak.status_code == 422 and "三类" in weak.json()["detail"]
    same = change("zhibu1", TEMPORARY, TEMPORARY)
    assert same.status_code == 422 and "不能与原密码相同" in same.json()["detail"]
    assert change("zhibu1", "Wrong-pass-11", "Brand-new-pass-5").status_code == 401

    done = change("zhibu1", TEMPORARY, "Brand-new-pass-5")
    assert done.status_code == 200 and "已修改" in done.json()["detail"]
    issued = token("zhibu1", "Brand-new-pass-5")
    assert issued.status_code == 200
    me = Client().get("/api/orgs", headers={"Authorization": f"Bearer {issued.json()['token']}"})
    assert me.status_code == 200


def test_an_expired_password_gets_no_token_either(persona) -> None:
    import datetime as dt

    from django.utils import timezone

    from luoshi.accounts.models import User
    from luoshi.conftest import PASSWORD

    User.objects.filter(username="zhibu2").update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    refused = token("zhibu2", PASSWORD)
    assert refused.status_code == 403 and "须先修改密码" in refused.json()["detail"]
