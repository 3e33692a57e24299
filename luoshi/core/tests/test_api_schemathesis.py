"""The API against its own OpenAPI document, for every role (issue S-8, SECURITY.md row 13).

Schemathesis generates requests for every call of /api/openapi.json — the calls of
whatever parts registered a router, so parts added later are covered without a change
here — with data that fits the document (positive) and data that does not (negative),
and sends them through the WSGI application as each persona and as nobody. Every answer
must be one the document declares for that call, of the declared content type and shape,
and none may be a server error. Bounded: a fixed number of examples per call and mode,
derandomised so that a run is repeatable, and a time budget for the whole role.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings

from luoshi.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "jgdw", "zhibu1", "zhibu2", "dangyuan1", "jijian", "lingdao", "auditadmin", "sysadmin"]
EXAMPLES = 6  # per call and per mode (positive, negative)
BUDGET_SECONDS = 90  # per role (about 10 s on a loaded 2-core machine); calls not reached are named


class _KeptConnection:
    """The WSGI handler as Django's test client runs it: a request would otherwise close
    the test's database connection (and its transaction) at its start and end."""

    def __init__(self) -> None:
        self.handler = get_wsgi_application()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        from django.core import signals
        from django.db import close_old_connections

        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            body = b"".join(response)
            response.close()
            return [body]
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


def _schema() -> Any:
    import schemathesis

    return schemathesis.openapi.from_wsgi("/api/openapi.json", _KeptConnection())


def _checks() -> list[Any]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]


def _token(username: str) -> str:
    response = Client().post(
        "/api/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def test_the_schema_names_every_registered_router() -> None:
    """The run below walks the document; the document holds every registered part."""
    from luoshi.core import registry

    paths = list(_schema().raw_schema["paths"])
    for prefix, router in registry.api_routers():
        for route_path in router.path_operations:
            expected = "/api" + prefix + route_path.replace("{int:", "{")
            assert expected.rstrip("/") in {p.rstrip("/") for p in paths}, expected


def test_every_call_declares_its_error_answers() -> None:
    """401, 422 and 429 behind a token; 404 where the path names a record."""
    paths = Client().get("/api/openapi.json").json()["paths"]
    missing = []
    for path, operations in paths.items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            needed = {"422", "429"} | ({"401"} if operation.get("security") != [] else set())
            if "{" in path:
                needed.add("404")
            if not needed <= declared:
                missing.append(f"{method.upper()} {path}: {sorted(needed - declared)}")
    assert not missing, missing


@pytest.mark.parametrize("role", ROLES)
def test_every_call_answers_only_what_the_document_declares(role: str, monkeypatch) -> None:
    from schemathesis import GenerationMode

    from luoshi.accounts import ratelimit

    # The run is many calls a minute from one token: the rate limits have their own tests.
    monkeypatch.setattr(ratelimit, "API_PER_TOKEN", (10**9, 60))
    monkeypatch.setattr(ratelimit, "LOGIN_PER_ADDRESS", (10**9, 60))
    headers = {} if role == "anonymous" else {"Authorization": f"Bearer {_token(role)}"}
    checks = _checks()
    failures: list[str] = []
    started = time.monotonic()
    operations = [result.ok() for result in _schema().get_all_operations()]
    assert operations, "the OpenAPI document lists no call"
    for operation in operations:
        if time.monotonic() - started > BUDGET_SECONDS:
            failures.append(f"时间用尽，未测：{operation.label}")
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is enough
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=checks)

            try:
                run()
            except BaseException as failure:  # noqa: BLE001 - collected and reported below, every call
                failures.append(f"{operation.label} ({mode.value}): {str(failure)[:1500]}")
    assert not failures, "\n\n".join(failures)
