"""The login policy of SECURITY.md: lockout, generic refusals, sessions, passwords."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from luoshi.accounts import actions
from luoshi.accounts.models import User
from luoshi.accounts.validators import character_classes
from luoshi.audit.models import AuditEvent
from luoshi.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def post_login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_failures_lock_the_account_and_the_sixth_right_password_is_refused(client) -> None:
    for _ in range(5):
        assert post_login(client, "zhibu1", "wrong-Pass-1").status_code == 200
    response = post_login(client, "zhibu1", PASSWORD)
    assert response.status_code == 200, "the right password must not get in while locked"
    assert User.objects.get(username="zhibu1").is_locked()
    assert AuditEvent.objects.filter(action="lockout", actor_name="zhibu1").count() == 1
    assert AuditEvent.objects.filter(action="login_failed", actor_name="zhibu1").count() == 6


def test_lock_holds_at_29_minutes_and_lifts_at_31(client, monkeypatch) -> None:
    for _ in range(5):
        post_login(client, "zhibu2", "wrong-Pass-1")
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=29))
    assert post_login(Client(), "zhibu2", PASSWORD).status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=31))
    assert post_login(Client(), "zhibu2", PASSWORD).status_code == 302


def test_refusal_does_not_say_whether_the_user_exists(client) -> None:
    unknown = post_login(client, "nobody-here", "wrong-Pass-1").context["form"].non_field_errors()
    known = post_login(client, "jgdw", "wrong-Pass-1").context["form"].non_field_errors()
    assert list(unknown) == list(known)


def test_api_token_failures_count_toward_the_same_lockout() -> None:
    api = Client()
    for _ in range(5):
        response = api.post(
            "/api/auth/token",
            {"username": "jijian", "password": "bad-Pass-1"},
            content_type="application/json",
        )
        assert response.status_code == 401
    response = api.post(
        "/api/auth/token", {"username": "jijian", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 401
    assert post_login(Client(), "jijian", PASSWORD).status_code == 200


def test_idle_timeout_ends_the_session_30_minutes_for_staff_15_for_administrators(monkeypatch) -> None:
    staff, admin = login(Client(), "jgdw"), login(Client(), "sysadmin")
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=16))
    assert staff.get("/").status_code == 200
    assert admin.get("/").status_code == 302
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=16 + 31))
    response = staff.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_logout_ends_every_session_of_the_user() -> None:
    first, second = login(Client(), "lingdao"), login(Client(), "lingdao")
    assert first.post("/accounts/logout/").status_code == 302
    assert second.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor_name="lingdao").exists()


def test_disabling_an_account_ends_its_sessions_and_tokens(persona, api_token) -> None:
    client = login(Client(), "dangyuan1")
    token = api_token("dangyuan1")
    user = persona("dangyuan1")
    actions.update_user(
        acting_user=persona("sysadmin"), user=user, expected_version=user.version, is_active=False
    )
    assert client.get("/").status_code == 302
    assert Client().get("/api/orgs", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_new_accounts_must_change_their_password_first(login_as, persona) -> None:
    actions.create_user(
        acting_user=persona("sysadmin"),
        username="xinren",
        role="member",
        org=persona("zhibu1").org,
        password="Init-pass-77",
    )
    client = login(Client(), "xinren", "Init-pass-77")
    response = client.get("/orgs/")
    assert response.status_code == 302 and response.url == "/accounts/password/"
    response = client.post(
        "/accounts/password/",
        {"old_password": "Init-pass-77", "new_password": "Better-pass-88", "new_password2": "Better-pass-88"},
    )
    assert response.status_code == 302
    assert client.get("/orgs/").status_code == 200


def test_password_expires_after_90_days(persona) -> None:
    user = persona("jgdw")
    user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    user.save(update_fields=["password_changed_at"])
    response = login(Client(), "jgdw").get("/")
    assert response.status_code == 302 and response.url == "/accounts/password/"


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Tuvxyz38", True),
        ("abcdef1!", True),
        ("abcdefgh", False),  # one class
        ("abcdef12", False),  # two classes
        ("Ab1!", False),  # too short
        ("Password1", False),  # common
        ("Jgdw-2022x", False),  # contains the username
    ],
)
def test_password_rules(persona, password: str, ok: bool) -> None:
    from django.contrib.auth.password_validation import validate_password

    user = persona("jgdw")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_character_classes_counts_the_four_kinds() -> None:
    assert character_classes("aB3$") == 4
    assert character_classes("abc") == 1
    assert character_classes("中文密码Ab") == 3  # Chinese characters count as symbols


def test_none_of_the_last_five_passwords_may_be_reused(persona) -> None:
    user = persona("zhibu1")
    passwords = [f"Round-{i}-pass" for i in range(6)]
    for p in passwords:
        actions.set_password(user, p, acting_user=user)
    with pytest.raises(ValidationError):
        actions.set_password(user, passwords[2], acting_user=user)
    actions.set_password(user, passwords[0], acting_user=user)  # six changes ago: allowed again


def test_login_attempts_per_address_are_limited_with_retry_after(monkeypatch) -> None:
    from django.core.cache import cache

    from luoshi.accounts import ratelimit

    cache.clear()
    monkeypatch.setattr(ratelimit, "LOGIN_PER_ADDRESS", (3, 60))
    client = Client()
    for username in ("a1", "a2", "a3"):
        assert post_login(client, username, "x").status_code == 200
    page = post_login(client, "jgdw", PASSWORD)
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert "过于频繁" in page.content.decode()
    api = Client().post(
        "/api/auth/token", {"username": "jgdw", "password": PASSWORD}, content_type="application/json"
    )
    assert api.status_code == 429 and api["Retry-After"] and "频繁" in api.json()["detail"]
    cache.clear()


def test_the_window_ends() -> None:
    from django.core.cache import cache

    from luoshi.accounts.ratelimit import hit

    cache.clear()
    assert [hit("k", 2, 60, now=1000.0) for _ in range(3)] == [0, 0, 20]
    assert hit("k", 2, 60, now=1021.0) == 0  # the next window
