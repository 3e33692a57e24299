"""Denied access through the API is audited as on the pages (issue S-6): another
organisation's occurrence, report, review, evidence and report edit answer 404 — as if
missing — and each writes a DENIED row naming the object; a really missing one writes none."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from luoshi.audit.choices import AuditAction
from luoshi.audit.models import AuditEvent
from luoshi.core.samplefiles import pdf_bytes
from luoshi.work.choices import OccurrenceStatus
from luoshi.work.models import Occurrence

pytestmark = pytest.mark.django_db
MISSING = 2**62


def _sibling_report(persona):  # noqa: ANN001, ANN202 - a fixture's callable
    from luoshi.work.actions import submit_report

    occ = Occurrence.objects.filter(org__name="办公室党支部").order_by("due_date").first()
    Occurrence.objects.filter(pk=occ.pk).update(status=OccurrenceStatus.NOT_STARTED, achieved_count=0)
    occ.reports.all().delete()
    occ.refresh_from_db()
    report = submit_report(
        acting_user=persona("zhibu1"),
        occurrence=occ,
        text="完成。",
        files=[SimpleUploadedFile("a.pdf", pdf_bytes(["a"]))],
    )
    return occ, report, report.evidence.get()


def _denials(object_type: str, object_id: object) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_type=object_type, object_id=str(object_id)
    ).count()


def test_another_organisations_objects_answer_404_and_each_denial_is_audited(api_token, persona) -> None:
    occ, report, evidence = _sibling_report(persona)
    outsider = Client(headers={"Authorization": f"Bearer {api_token('zhibu2')}"})
    attempts = [
        ("work.occurrence", occ.pk, lambda: outsider.get(f"/api/occurrences/{occ.pk}")),
        (
            "work.occurrence",
            occ.pk,
            lambda: outsider.post(f"/api/occurrences/{occ.pk}/reports", {"text": "越权报送"}),
        ),
        (
            "work.report",
            report.pk,
            lambda: outsider.post(
                f"/api/reports/{report.pk}/review", {"decision": "accept"}, content_type="application/json"
            ),
        ),
        (
            "work.report",
            report.pk,
            lambda: outsider.post(
                f"/api/reports/{report.pk}/edit", {"version": report.version, "text": "改"}
            ),
        ),
        ("work.evidence", evidence.pk, lambda: outsider.get(f"/api/evidence/{evidence.pk}")),
    ]
    for object_type, object_id, attempt in attempts:
        before = _denials(object_type, object_id)
        response = attempt()
        assert response.status_code == 404, (object_type, response.content)
        assert "无权" in response.json()["detail"]
        assert _denials(object_type, object_id) == before + 1, object_type
    denial = AuditEvent.objects.filter(action=AuditAction.DENIED, object_type="work.evidence").latest("seq")
    assert denial.actor_name and denial.address  # who, and from where
    report.refresh_from_db()
    assert report.text == "完成。" and report.status == "submitted"


def test_a_missing_object_is_404_without_a_denial(api_token) -> None:
    client = Client(headers={"Authorization": f"Bearer {api_token('zhibu2')}"})
    before = AuditEvent.objects.filter(action=AuditAction.DENIED).count()
    assert client.get(f"/api/occurrences/{MISSING}").status_code == 404
    assert client.get(f"/api/evidence/{MISSING}").status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == before


def test_the_owner_reads_edits_and_downloads_through_the_api(api_token, persona) -> None:
    occ, report, evidence = _sibling_report(persona)
    owner = Client(headers={"Authorization": f"Bearer {api_token('zhibu1')}"})
    assert owner.get(f"/api/occurrences/{occ.pk}").json()["reports"][0]["id"] == report.pk
    download = owner.get(f"/api/evidence/{evidence.pk}")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    edited = owner.post(
        f"/api/reports/{report.pk}/edit", {"version": report.version, "text": "已完成，补充说明。"}
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["text"] == "已完成，补充说明。"
    stale = owner.post(f"/api/reports/{report.pk}/edit", {"version": report.version, "text": "旧版本"})
    assert stale.status_code == 409


def test_a_sibling_page_for_a_report_or_evidence_is_audited_as_well(login_as, persona) -> None:
    _, report, evidence = _sibling_report(persona)
    zhibu2 = login_as("zhibu2")
    before = _denials("work.evidence", evidence.pk)
    assert zhibu2.get(f"/work/evidence/{evidence.pk}/").status_code == 404
    assert _denials("work.evidence", evidence.pk) == before + 1
    assert zhibu2.get(f"/work/reports/{report.pk}/edit/").status_code == 404
    assert _denials("work.report", report.pk) == 1


def test_another_users_job_is_404_and_audited(api_token, persona) -> None:
    from luoshi.jobs.models import Job

    job = Job.objects.create(requested_by=persona("zhibu1"), kind="ledger_export")
    response = Client(headers={"Authorization": f"Bearer {api_token('zhibu2')}"}).get(f"/api/jobs/{job.pk}")
    assert response.status_code == 404
    assert _denials("jobs.job", job.pk) == 1
