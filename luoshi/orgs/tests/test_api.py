"""GET /api/orgs: token auth, scoped lists with counts, Chinese errors."""

from __future__ import annotations

import pytest
from django.test import Client

from luoshi.orgs.models import Organization

pytestmark = pytest.mark.django_db


def get(path: str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().get(path, headers=headers)


def test_anonymous_and_bad_tokens_get_401_in_chinese() -> None:
    for token in (None, "not-a-token"):
        response = get("/api/orgs", token)
        assert response.status_code == 401
        assert "令牌" in response.json()["detail"]


def test_plan_office_lists_every_organisation_with_paging(api_token) -> None:
    token = api_token("jgdw")
    body = get("/api/orgs?limit=5&offset=0", token).json()
    assert body["count"] == Organization.objects.count() >= 20
    assert len(body["items"]) == 5
    first = body["items"][0]
    assert set(first) >= {"id", "name", "kind", "parent", "path"}
    assert first["path"] == "自然资源厅党组"


def test_branch_secretary_lists_only_the_branch(api_token) -> None:
    body = get("/api/orgs", api_token("zhibu1")).json()
    assert [i["name"] for i in body["items"]] == ["办公室党支部", "办公室"]


def test_filter_by_kind(api_token) -> None:
    body = get("/api/orgs?kind=branch&limit=500", api_token("jgdw")).json()
    assert body["count"] == Organization.objects.filter(kind="branch").count()
    assert {i["kind"] for i in body["items"]} == {"branch"}


def test_bad_parameters_answer_422_with_a_chinese_detail(api_token) -> None:
    response = get("/api/orgs?limit=abc", api_token("jgdw"))
    assert response.status_code == 422
    assert response.json()["detail"].startswith("请求参数无效")


def test_the_openapi_document_lists_the_calls() -> None:
    schema = Client().get("/api/openapi.json").json()
    assert {"/api/auth/token", "/api/orgs", "/api/audit"} <= set(schema["paths"])
