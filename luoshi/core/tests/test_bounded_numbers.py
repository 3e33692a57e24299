"""Numbers beyond 64 bits and digits that are not ASCII, in every API of the work parts
and in the pages' filters and forms (issue S-5): the API answers 422 with a Chinese
detail naming the field, pages answer as for any bad value — never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from luoshi.plans.models import Plan
from luoshi.work.models import Occurrence

pytestmark = pytest.mark.django_db
BEYOND = str(2**64 + 1)


def api(token: str) -> Client:
    return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def draft(persona) -> Plan:  # noqa: ANN001 - a fixture
    """A draft plan of the reference document, with its proposals (the demo's are published)."""
    from pathlib import Path

    from luoshi.plans.actions import import_plan

    text = (
        Path(__file__).resolve().parents[2] / "data" / "2022-ziranziyuanting-jiguan-dangjian.txt"
    ).read_bytes()
    return import_plan(acting_user=persona("jgdw"), data=text, filename="要点.txt")


def plan_id() -> int:
    return Plan.objects.order_by("id").values_list("id", flat=True).first()


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("get", f"/api/tasks?plan={BEYOND}", None, "plan"),
        ("get", f"/api/tasks?limit={BEYOND}", None, "limit"),
        ("get", f"/api/tasks?offset={BEYOND}", None, "offset"),
        ("post", f"/api/tasks/{BEYOND}/fire", {"due_date": "2030-01-01", "orgs": [1]}, "task_id"),
        ("post", "/api/tasks/1/fire", {"due_date": "2030-01-01", "orgs": [int(BEYOND)]}, "orgs"),
        ("get", f"/api/occurrences?task={BEYOND}", None, "task"),
        ("get", f"/api/occurrences?org={BEYOND}", None, "org"),
        ("get", "/api/occurrences?plan=²", None, "plan"),
        ("get", f"/api/occurrences/counts?lead={BEYOND}", None, "lead"),
        ("get", f"/api/occurrences/{BEYOND}", None, "occurrence_id"),
        ("get", f"/api/reviews?offset={BEYOND}", None, "offset"),
        ("post", f"/api/reports/{BEYOND}/review", {"decision": "accept"}, "report_id"),
        ("get", f"/api/plans?limit={BEYOND}", None, "limit"),
        ("get", f"/api/plans/{BEYOND}", None, "plan_id"),
        ("post", "/api/plans/{plan}/proposals/merge", {"ids": [int(BEYOND)]}, "ids"),
        ("post", "/api/plans/{plan}/next-year", {"year": 99999}, "year"),
        ("patch", "/api/plans/{plan}/proposals/1", {"version": int(BEYOND)}, "version"),
        (
            "patch",
            "/api/plans/{plan}/proposals/1",
            {"version": 1, "target_count": int(BEYOND)},
            "target_count",
        ),
        (
            "patch",
            "/api/plans/{plan}/proposals/1",
            {"version": 1, "responsible_orgs": [int(BEYOND)]},
            "responsible_orgs",
        ),
        ("get", f"/api/jobs/{BEYOND}", None, "job_id"),
    ],
)
def test_the_api_answers_422_naming_the_field(api_token, method, path, body, field) -> None:
    client = api(api_token("jgdw"))
    path = path.replace("{plan}", str(plan_id()))
    call = getattr(client, method)
    response = call(path, body, content_type="application/json") if body is not None else call(path)
    assert response.status_code == 422, response.content[:300]
    detail = response.json()["detail"]
    assert detail.startswith("请求参数无效") and field in detail, detail


def test_a_report_count_beyond_64_bits_is_422(api_token) -> None:
    occ = Occurrence.objects.filter(org__name="办公室党支部").first()
    response = api(api_token("zhibu1")).post(
        f"/api/occurrences/{occ.pk}/reports", {"text": "完成", "count": BEYOND}
    )
    assert response.status_code == 422 and "count" in response.json()["detail"]


def test_a_bad_filter_value_is_422_like_every_other_parameter(api_token) -> None:
    client = api(api_token("jgdw"))
    for query in ("status=nonsense", "due_after=2026-13-45", "due_after=2026-06-01&due_before=2026-01-01"):
        response = client.get(f"/api/occurrences?{query}")
        assert response.status_code == 422, query
        assert any("\u4e00" <= c <= "\u9fff" for c in response.json()["detail"])


@pytest.mark.parametrize(
    "path",
    [
        "/tasks/ledger/?plan=²",
        f"/tasks/ledger/?task={BEYOND}",
        "/tasks/ledger/?org=١٢",
        "/tasks/ledger/?page=²",
        f"/tasks/{BEYOND}/",
        "/work/my/?page=²",
        "/work/review/?page=²",
        f"/work/occurrences/{BEYOND}/",
        f"/work/reports/{BEYOND}/edit/",
        f"/work/evidence/{BEYOND}/",
        "/work/calendar/?year=²⁰²²",
        "/plans/compare/?a=²&b=³",
        f"/plans/compare/?a={BEYOND}&b=1",
        f"/plans/{BEYOND}/",
        "/plans/{plan}/proposals/{proposal}/split/?at=²",
        f"/plans/{{plan}}/proposals/{{proposal}}/split/?at={BEYOND}",
        f"/jobs/{BEYOND}/",
    ],
)
def test_pages_never_answer_500_to_odd_numbers(login_as, draft, path) -> None:
    path = path.replace("{plan}", str(draft.pk)).replace("{proposal}", str(draft.proposals.first().pk))
    client = login_as("jgdw")
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code in (200, 302, 400, 403, 404), (path, response.status_code)


@pytest.mark.parametrize(
    "data",
    [
        {"ids": ["²", "³"]},
        {"ids": [BEYOND]},
    ],
)
def test_merge_form_with_odd_ids_refuses_in_chinese(login_as, draft, data) -> None:
    plan = draft
    client = login_as("jgdw")
    client.raise_request_exception = False
    response = client.post(f"/plans/{plan.pk}/proposals/merge/", data)
    assert response.status_code in (302, 400), response.status_code


def test_a_proposal_form_with_a_huge_target_is_a_form_error(login_as, draft) -> None:
    plan = draft
    proposal = plan.proposals.first()
    client = login_as("jgdw")
    client.raise_request_exception = False
    response = client.post(
        f"/plans/{plan.pk}/proposals/{proposal.pk}/edit/",
        {"title": proposal.title, "target_count": BEYOND, "version": BEYOND},
    )
    assert response.status_code in (200, 400), response.status_code
    proposal.refresh_from_db()
    assert proposal.target_count != int(BEYOND)


def test_an_audit_since_with_an_offset_postgresql_refuses_is_read_in_utc(api_token) -> None:
    """Found by schemathesis on PostgreSQL: `since` with a +19:08 offset was a 500."""
    client = api(api_token("auditadmin"))
    assert client.get("/api/audit?since=0495-05-19T07:11:10.640%2B19:08").status_code == 200
    assert client.get("/api/audit?since=2026-01-01T00:00:00%2B08:00").status_code == 200
    response = client.get("/api/audit?since=0001-01-01T00:00:00%2B19:08")
    assert response.status_code == 422 and "since" in response.json()["detail"]
