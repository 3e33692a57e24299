"""Login is required everywhere (SECURITY.md test 1), and every page sends the headers
of test 15."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Reachable without logging in, on purpose.
ALLOWED_ANONYMOUS = {"accounts:login", "core:health"}
# The password change takes the current password in its body, like the token call.
API_ANONYMOUS = {"/api/auth/token", "/api/auth/password", "/api/openapi.json"}
# Answers 404 to everybody: the interactive docs are off (they would load scripts from a CDN).
NOWHERE = {"api:api-root"}


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    out = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            out += walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            out.append((namespace + (entry.name or ""), prefix + str(entry.pattern)))
    return out


def concrete(route: str) -> str:
    """A request path for a route: every parameter becomes 1."""
    path = re.sub(r"<(?:\w+:)?\w+>", "1", route)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


ROUTES = [(name, concrete(route)) for name, route in walk(get_resolver())]


def test_the_walk_finds_the_pages_and_the_api() -> None:
    names = {name for name, _ in ROUTES}
    assert {"home", "orgs:tree", "orgs:detail", "audit:list", "accounts:user_list"} <= names
    assert any(path.startswith("/api/orgs") for _, path in ROUTES)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), ROUTES)
def test_anonymous_requests_are_refused_everywhere_but_login_and_health(client, name: str, path: str) -> None:
    if name in ALLOWED_ANONYMOUS or path in API_ANONYMOUS:
        return
    if name in NOWHERE:
        assert client.get(path).status_code == 404
        return
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if path.startswith("/api/"):
            assert response.status_code in (401, 403, 405), (method, path, response.status_code)
        else:
            assert response.status_code in (302, 403, 405), (method, path, response.status_code)
            if response.status_code == 302:
                assert response.url.startswith("/accounts/login/"), (method, path, response.url)


@pytest.mark.django_db
def test_login_page_and_health_answer_anonymously(client) -> None:
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/health").json() == {"status": "ok"}


@pytest.mark.django_db
def test_html_pages_carry_the_security_headers(login_as) -> None:
    client = login_as("jgdw")
    for path in ("/", "/orgs/", "/accounts/login/"):
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_unknown_paths_and_probes_answer_404_without_details(login_as) -> None:
    client = login_as("jgdw")
    for path in ("/.git/config", "/orgs/999999/", "/static/../settings.py"):
        response = client.get(path)
        assert response.status_code == 404
        assert b"Traceback" not in response.content and b"settings" not in response.content


@pytest.mark.django_db
def test_a_server_error_shows_an_error_id_and_no_traceback(login_as, monkeypatch) -> None:
    client = login_as("jgdw")
    client.raise_request_exception = False

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr("luoshi.orgs.views.Organization.objects.visible_to", explode)
    response = client.get("/orgs/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "错误编号" in body
    assert "secret internals" not in body and "Traceback" not in body and "/etc/passwd" not in body


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused(persona) -> None:
    from django.test import Client

    from luoshi.conftest import PASSWORD

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "jgdw", "password": PASSWORD})
    assert response.status_code == 403
