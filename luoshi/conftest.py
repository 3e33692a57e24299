"""The test base: the demo department loaded once, and named personas (STYLE.md 16).

Personas, all from the demo: jgdw (plan office), zhibu1 (secretary of 办公室党支部),
dangyuan1 (a member of that branch), zhibu2 (secretary of the sibling branch — the
outsider), jijian (discipline), lingdao (leader) and the three administrators.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from luoshi.accounts.models import User
from luoshi.demo import build_demo, demo_exists

PASSWORD = "Test-pass-2022"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        if not demo_exists():
            build_demo(password=PASSWORD)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Every test starts with empty rate-limit windows (they live in the cache)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def demo(transactional_db: Any) -> None:
    """For tests that commit (live server): the demo, rebuilt if an earlier one was flushed."""
    if not demo_exists():
        build_demo(password=PASSWORD)


def login(client: Client, username: str, password: str = PASSWORD) -> Client:
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not log in"
    return client


@pytest.fixture
def login_as(db: Any) -> Any:
    """login_as("zhibu1") → a test client with a real session of that persona."""

    def make(username: str) -> Client:
        return login(Client(), username)

    return make


@pytest.fixture
def api_token(db: Any) -> Any:
    def make(username: str) -> str:
        response = Client().post(
            "/api/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        return str(response.json()["token"])

    return make


@pytest.fixture
def persona(db: Any) -> Any:
    def get(username: str) -> User:
        return User.objects.select_related("org").get(username=username)

    return get
