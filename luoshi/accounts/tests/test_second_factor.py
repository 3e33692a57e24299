"""Administrators log in with a second factor (SECURITY.md test 6): with the password only,
no page is reachable; a code works once; failures count toward the lockout."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from luoshi.accounts import actions
from luoshi.accounts.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "Admin-first-7x"


@pytest.fixture
def real_admin(persona) -> User:
    """A security administrator created by the system administrator, whose first password
    the security administrator sets (三权分立), then changed by its owner."""
    sysadmin = persona("sysadmin")
    user = actions.create_user(
        acting_user=sysadmin, username="secadmin2", role="secadmin", org=sysadmin.org, password=""
    )
    actions.reset_credentials(acting_user=persona("secadmin"), user=user, password=PASSWORD)
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    return User.objects.get(pk=user.pk)


def password_step(client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "secadmin2", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/accounts/login/code/"


def test_with_the_password_only_no_page_is_reachable(real_admin) -> None:
    client = Client()
    password_step(client)
    for path in ("/", "/accounts/users/", "/audit/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_binding_then_logging_in_with_a_fresh_code_and_refusing_a_replay(real_admin) -> None:
    client = Client()
    password_step(client)
    page = client.get("/accounts/login/code/")
    assert "绑定身份验证器" in page.content.decode()
    real_admin.refresh_from_db()
    totp = pyotp.TOTP(real_admin.otp_secret)
    code = totp.now()
    assert client.post("/accounts/login/code/", {"code": code}).status_code == 302
    assert client.get("/accounts/users/").status_code == 200
    client.post("/accounts/logout/")

    again = Client()
    password_step(again)
    replay = again.post("/accounts/login/code/", {"code": code})
    assert replay.status_code == 400 and "已使用过" in replay.content.decode()
    later = timezone.now() + dt.timedelta(seconds=31)
    actions.verify_second_factor(User.objects.get(pk=real_admin.pk), totp.at(later), now=later)


def test_five_wrong_codes_lock_the_account(real_admin) -> None:
    client = Client()
    password_step(client)
    for _ in range(5):
        client.post("/accounts/login/code/", {"code": "000000"})
    assert User.objects.get(pk=real_admin.pk).is_locked()


def test_the_token_endpoint_asks_administrators_for_a_code(real_admin) -> None:
    api = Client()
    body = {"username": "secadmin2", "password": PASSWORD}
    assert api.post("/api/auth/token", body, content_type="application/json").status_code == 401
    User.objects.filter(pk=real_admin.pk).update(otp_confirmed_at=timezone.now())
    code = pyotp.TOTP(actions.otp_secret(User.objects.get(pk=real_admin.pk))).now()
    assert (
        api.post("/api/auth/token", body | {"otp": code}, content_type="application/json").status_code == 200
    )


def test_demo_administrators_are_waived_and_business_roles_never_asked(login_as) -> None:
    assert login_as("sysadmin").get("/accounts/users/").status_code == 200
    assert not actions.needs_second_factor(User.objects.get(username="jgdw"))


def test_the_security_administrator_resets_a_lost_authenticator(persona, login_as) -> None:
    auditor = actions.create_user(
        acting_user=persona("sysadmin"),
        username="audit2",
        role="auditadmin",
        org=persona("sysadmin").org,
        password="",
    )
    actions.reset_credentials(acting_user=persona("secadmin"), user=auditor, password=PASSWORD)
    User.objects.filter(pk=auditor.pk).update(otp_confirmed_at=timezone.now(), otp_secret="JBSWY3DPEHPK3PXP")
    response = login_as("secadmin").post(
        f"/accounts/users/{auditor.pk}/reset-password/", {"password": "Reset-pass-88", "reset_otp": "on"}
    )
    assert response.status_code == 302
    auditor.refresh_from_db()
    assert auditor.otp_confirmed_at is None and auditor.otp_secret == ""
