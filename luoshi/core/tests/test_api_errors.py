"""API errors are always JSON with a Chinese detail (issue S-5): unknown paths, wrong
methods, malformed JSON, integers beyond 64 bits and other bad parameters answer 4xx,
never a 500 or an HTML page."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
BEYOND_64_BITS = str(2**64 + 1)


def client(token: str) -> Client:
    return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {token}"})


def assert_chinese_json(response, status: int) -> dict:
    assert response.status_code == status, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert any("\u4e00" <= c <= "\u9fff" for c in body["detail"]), body
    return body


def test_an_unknown_api_path_answers_json_404(api_token) -> None:
    assert_chinese_json(client(api_token("jgdw")).get("/api/no-such-call"), 404)
    assert_chinese_json(Client().get("/api/orgs/1/nothing"), 404)


def test_a_wrong_method_answers_json_405(api_token) -> None:
    response = client(api_token("jgdw")).delete("/api/orgs")
    assert_chinese_json(response, 405)
    assert "GET" in response["Allow"]


def test_malformed_json_answers_a_chinese_400() -> None:
    response = Client().post("/api/auth/token", "{not json", content_type="application/json")
    assert "JSON" in assert_chinese_json(response, 400)["detail"]


@pytest.mark.parametrize(
    "query",
    [
        f"/api/orgs?offset={BEYOND_64_BITS}",
        f"/api/orgs?limit={BEYOND_64_BITS}",
        "/api/orgs?offset=-1",
        "/api/orgs?limit=²",
        f"/api/audit?offset={BEYOND_64_BITS}",
        "/api/audit?since=99999-01-01",
    ],
)
def test_out_of_range_numbers_answer_422_in_chinese(api_token, query) -> None:
    username = "auditadmin" if query.startswith("/api/audit") else "jgdw"
    body = assert_chinese_json(client(api_token(username)).get(query), 422)
    assert body["detail"].startswith("请求参数无效")


def test_a_server_error_under_api_is_json_with_no_traceback(api_token, monkeypatch) -> None:
    from luoshi.orgs import models

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail /etc/passwd")

    monkeypatch.setattr(models.OrganizationQuerySet, "visible_to", broken)
    response = client(api_token("jgdw")).get("/api/orgs")
    body = assert_chinese_json(response, 500)
    assert "secret" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert body["detail"]


def test_the_bounded_id_type_refuses_beyond_64_bits() -> None:
    from pydantic import TypeAdapter, ValidationError

    from luoshi.core.api import Id

    adapter = TypeAdapter(Id)
    assert adapter.validate_python(2**63 - 1) == 2**63 - 1
    for bad in (0, 2**63, -5):
        with pytest.raises(ValidationError):
            adapter.validate_python(bad)


def test_the_openapi_document_declares_the_error_answers_of_accounts_orgs_and_audit() -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    declared = {
        ("/api/auth/token", "post"): {"200", "401", "403", "422", "429"},
        ("/api/auth/password", "post"): {"200", "401", "422", "429"},
        ("/api/orgs", "get"): {"200", "401", "422", "429"},
        ("/api/audit", "get"): {"200", "401", "403", "422", "429"},
    }
    for (path, method), statuses in declared.items():
        assert statuses <= set(paths[path][method]["responses"]), (path, method)
