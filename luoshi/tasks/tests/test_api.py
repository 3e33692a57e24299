"""The HTTP API of DESIGN.md for plans, tasks, occurrences and reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from luoshi.core.samplefiles import pdf_bytes
from luoshi.work.models import Occurrence

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "2022-ziranziyuanting-jiguan-dangjian.txt"


def api(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_import_for_2026_and_publish_as_proposed(api_token) -> None:
    office = api(api_token("jgdw"))
    with REFERENCE.open("rb") as f:
        response = office.post("/api/plans", {"file": f, "year": "2026"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and created["proposals"] >= 50
    plan = office.get(f"/api/plans/{created['id']}").json()
    assert plan["plan"]["year"] == 2026 and len(plan["proposals"]) == created["proposals"]
    published = office.post(
        f"/api/plans/{created['id']}/publish", {"confirm": True}, content_type="application/json"
    ).json()
    assert published["tasks"] == created["proposals"] and published["occurrences"] > 200
    tasks = office.get(f"/api/tasks?plan={created['id']}&limit=500").json()
    quarterly = next(t for t in tasks["items"] if "每季度汇报1次" in t["title"])
    annual = next(t for t in tasks["items"] if t["title"].startswith("每年向厅党组进行述职"))
    hearing = next(t for t in tasks["items"] if "年中安排专题听取" in t["title"])
    assert quarterly["measure_span"] and quarterly["lead_org"] and quarterly["responsible_orgs"]
    assert quarterly["schedule"]["freq"] == "quarterly"
    dues = {
        o["due"] for o in office.get(f"/api/occurrences?task={quarterly['id']}&limit=500").json()["items"]
    }
    assert dues == {"2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"}
    assert {
        o["due"] for o in office.get(f"/api/occurrences?task={annual['id']}&limit=500").json()["items"]
    } == {"2026-12-31"}
    assert [o["due"] for o in office.get(f"/api/occurrences?task={hearing['id']}").json()["items"]] == [
        "2026-06-30"
    ]
    assert office.post(f"/api/plans/{created['id']}/publish").status_code == 400


def test_secretaries_see_only_their_own_occurrences(api_token) -> None:
    zhibu1 = api(api_token("zhibu1"))
    body = zhibu1.get("/api/occurrences?limit=500").json()
    assert body["count"] > 0
    own = Occurrence.objects.filter(org__name__in=["办公室党支部", "办公室"]).count()
    assert body["count"] == own
    assert {o["org"]["name"] for o in body["items"]} <= {"办公室党支部", "办公室"}
    other = Occurrence.objects.filter(org__name="办公室党支部").first()
    assert api(api_token("zhibu2")).get(f"/api/occurrences/{other.pk}").status_code == 404


def test_report_through_the_api_and_review(api_token) -> None:
    occ = Occurrence.objects.filter(org__name="办公室党支部", status__in=["overdue", "not_started"]).first()
    if occ is None:
        occ = Occurrence.objects.filter(org__name="办公室党支部").first()
        Occurrence.objects.filter(pk=occ.pk).update(status="not_started")
    zhibu1 = api(api_token("zhibu1"))
    response = zhibu1.post(
        f"/api/occurrences/{occ.pk}/reports", {"text": "已完成。", "count": "1", "files": [_pdf()]}
    )
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["files"][0]["name"] == "记录.pdf"
    assert (
        api(api_token("zhibu2"))
        .post(f"/api/reports/{report['id']}/review", {"decision": "accept"}, content_type="application/json")
        .status_code
        == 404
    )
    refused = zhibu1.post(
        f"/api/reports/{report['id']}/review", {"decision": "accept"}, content_type="application/json"
    )
    assert refused.status_code == 403 and "不能审核" in refused.json()["detail"]
    done = api(api_token("jgdw")).post(
        f"/api/reports/{report['id']}/review",
        {"decision": "accept", "comment": ""},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["occurrence_status"] == "done"
    detail = zhibu1.get(f"/api/occurrences/{occ.pk}").json()
    assert detail["status"] == "done" and detail["reports"][-1]["status"] == "accepted"


def test_bad_report_input_answers_in_chinese(api_token) -> None:
    occ = Occurrence.objects.filter(org__name="办公室党支部").first()
    zhibu1 = api(api_token("zhibu1"))
    missing = zhibu1.post(f"/api/occurrences/{occ.pk}/reports", {})
    assert missing.status_code == 422 and missing.json()["detail"].startswith("请求参数无效")
    bad_review = api(api_token("jgdw")).post(
        "/api/reports/999999/review", {"decision": "maybe"}, content_type="application/json"
    )
    assert bad_review.status_code == 404


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("记录.pdf", pdf_bytes(["record"]), content_type="application/pdf")


def test_the_review_step_through_the_api(api_token) -> None:
    office = api(api_token("jgdw"))
    with REFERENCE.open("rb") as f:
        plan_id = office.post("/api/plans", {"file": f}).json()["id"]
    plan = office.get(f"/api/plans/{plan_id}").json()
    first, second = plan["proposals"][:2]
    branch = Occurrence.objects.filter(org__name="办公室党支部").first().org_id
    edited = office.patch(
        f"/api/plans/{plan_id}/proposals/{first['id']}",
        {
            "version": first["version"],
            "title": "改写",
            "responsible_orgs": [branch],
            "freq": "quarterly",
            "schedule_kind": "recurring",
        },
        content_type="application/json",
    )
    assert (
        edited.status_code == 200
        and edited.json()["title"] == "改写"
        and edited.json()["responsible_orgs"] == [branch]
    )
    stale = office.patch(
        f"/api/plans/{plan_id}/proposals/{first['id']}",
        {"version": first["version"], "title": "过期"},
        content_type="application/json",
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    outsider = office.patch(
        f"/api/plans/{plan_id}/proposals/{first['id']}",
        {"version": edited.json()["version"], "responsible_orgs": [999999]},
        content_type="application/json",
    )
    assert outsider.status_code == 400
    split = office.post(
        f"/api/plans/{plan_id}/proposals/{second['id']}/split",
        {"version": second["version"], "first": "前半句", "second": "后半句"},
        content_type="application/json",
    )
    assert split.status_code == 200, split.content
    merged = office.post(
        f"/api/plans/{plan_id}/proposals/merge",
        {"ids": [first["id"], second["id"]]},
        content_type="application/json",
    )
    assert merged.status_code == 200 and merged.json()["id"] == first["id"]
    finding = plan["findings"][0]
    assert office.post(f"/api/plans/{plan_id}/findings/{finding['id']}/dismiss").json()["dismissed"] is True
    assert (
        api(api_token("zhibu1"))
        .post(f"/api/plans/{plan_id}/proposals/merge", {"ids": []}, content_type="application/json")
        .status_code
        == 404
    )
    published = office.post(
        f"/api/plans/{plan_id}/publish", {"confirm": True}, content_type="application/json"
    ).json()
    assert published["tasks"] > 0
    nxt = office.post(f"/api/plans/{plan_id}/next-year", {"year": 2023}, content_type="application/json")
    assert nxt.status_code == 201 and nxt.json()["year"] == 2023
    diff = office.get(f"/api/plans/{plan_id}/compare/{nxt.json()['id']}").json()
    assert diff["count"] > 0 and {i["status"] for i in diff["items"]} == {"unchanged"}
    event = next(
        t
        for t in office.get(f"/api/tasks?plan={plan_id}&limit=500").json()["items"]
        if t["schedule"]["kind"] == "event"
    )
    fired = office.post(
        f"/api/tasks/{event['id']}/fire",
        {"due_date": (timezone.localdate() + dt.timedelta(days=9)).isoformat(), "orgs": [branch]},
        content_type="application/json",
    )
    assert fired.status_code == 200 and fired.json()["occurrences"] == 1
