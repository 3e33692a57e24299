"""The review step in the browser: import, edit, split, merge, drop, assign a section,
dismiss findings, publish; next year's draft and the comparison."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.orgs.models import Organization
from luoshi.plans.models import Plan

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "2022-ziranziyuanting-jiguan-dangjian.txt"


@pytest.fixture
def draft(login_as):
    client = login_as("jgdw")
    response = client.post(
        "/plans/import/", {"file": SimpleUploadedFile("要点.txt", REFERENCE.read_bytes()), "year": ""}
    )
    assert response.status_code == 302
    return client, Plan.objects.order_by("-id").first()


def publish_as_it_stands(client, plan):
    """Goes through the confirmation step keeping everything as proposed: the year, every
    copy of an identical task, event tasks as events."""
    page = client.get(f"/plans/{plan.pk}/publish/")
    assert page.status_code == 200
    data = {"seen": page.context["seen"], "year": str(plan.year)}
    data |= {row["name"]: "keep" for row in page.context["duplicates"]}
    data |= {row["name"]: "event" for row in page.context["no_occurrences"]}
    return client.post(f"/plans/{plan.pk}/publish/", data)


def test_import_page_shows_the_text_proposals_and_findings(draft) -> None:
    client, plan = draft
    page = client.get(f"/plans/{plan.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and plan.status == "draft"
    assert body.count('class="measure"') == plan.measures.count()
    assert "草稿问题" in body and "占位符" in body
    assert sum(len(v) for v in page.context["sections"].values()) == plan.proposals.count()


def test_a_bad_upload_shows_a_chinese_message_and_saves_nothing(login_as) -> None:
    before = Plan.objects.count()
    response = login_as("jgdw").post(
        "/plans/import/", {"file": SimpleUploadedFile("x.txt", b"\x00\x01" * 100)}
    )
    assert response.status_code == 200 and "不是文本文件" in response.content.decode()
    assert Plan.objects.count() == before


def test_only_the_plan_office_imports_and_reviews(login_as, draft) -> None:
    _, plan = draft
    for username in ("zhibu1", "lingdao", "sysadmin"):
        assert login_as(username).get("/plans/import/").status_code == 403
    assert login_as("zhibu1").get(f"/plans/{plan.pk}/").status_code == 404  # drafts are not shown to branches


def test_editing_a_proposal_with_htmx_returns_the_card(draft) -> None:
    client, plan = draft
    p = plan.proposals.order_by("order").first()
    form = client.get(f"/plans/{plan.pk}/proposals/{p.pk}/edit/", headers={"HX-Request": "true"})
    assert (
        form.status_code == 200 and "<form" in form.content.decode() and "<html" not in form.content.decode()
    )
    branch = Organization.objects.get(name="办公室党支部")
    data = {
        "title": "改写后的任务",
        "lead_org": branch.pk,
        "responsible": [branch.pk],
        "schedule_kind": "recurring",
        "freq": "quarterly",
        "when": "",
        "version": p.version,
    }
    card = client.post(f"/plans/{plan.pk}/proposals/{p.pk}/edit/", data, headers={"HX-Request": "true"})
    assert (
        card.status_code == 200 and "改写后的任务" in card.content.decode() and "4期" in card.content.decode()
    )
    p.refresh_from_db()
    assert p.freq == "quarterly" and list(p.responsible_orgs.all()) == [branch]
    stale = client.post(
        f"/plans/{plan.pk}/proposals/{p.pk}/edit/",
        dict(data, title="过期的修改"),
        headers={"HX-Request": "true"},
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()


def test_split_merge_drop_and_assign_a_section(draft) -> None:
    client, plan = draft
    first, second = plan.proposals.order_by("order")[:2]
    count = plan.proposals.count()
    response = client.post(
        f"/plans/{plan.pk}/proposals/{first.pk}/split/",
        {"first": "第一部分", "second": "第二部分", "version": first.version},
    )
    assert response.status_code == 302 and plan.proposals.count() == count + 1
    first.refresh_from_db()
    client.post(f"/plans/{plan.pk}/proposals/merge/", {"ids": [first.pk, second.pk]})
    second.refresh_from_db()
    assert second.dropped and second.merged_into_id == first.pk
    assert set(second.responsible_orgs.all()) <= set(first.responsible_orgs.all())
    branches = Organization.objects.filter(kind="branch")[:3]
    section = first.section
    client.post(
        f"/plans/{plan.pk}/sections/assign/", {"section": section, "responsible": [b.pk for b in branches]}
    )
    for p in plan.proposals.filter(section=section, dropped=False):
        assert set(p.responsible_orgs.all()) == set(branches)


def test_dismissing_a_finding_and_publishing_from_the_page(draft) -> None:
    client, plan = draft
    finding = plan.findings.first()
    client.post(f"/plans/{plan.pk}/findings/{finding.pk}/dismiss/")
    finding.refresh_from_db()
    assert finding.dismissed
    response = publish_as_it_stands(client, plan)
    assert response.status_code == 302 and response.url == f"/tasks/ledger/?plan={plan.pk}"
    plan.refresh_from_db()
    assert plan.status == "published" and plan.tasks.count() == plan.proposals.filter(dropped=False).count()
    first = plan.proposals.first()
    locked = client.post(
        f"/plans/{plan.pk}/proposals/{first.pk}/split/",
        {"first": "甲", "second": "乙", "version": first.version},
    )
    assert (
        locked.status_code == 302
        and plan.proposals.count() == plan.tasks.count() + plan.proposals.filter(dropped=True).count()
    )


def test_next_year_draft_copies_tasks_and_the_comparison_shows_changes(draft) -> None:
    client, plan = draft
    publish_as_it_stands(client, plan)
    response = client.post(f"/plans/{plan.pk}/next-year/", {"year": 2023})
    new = Plan.objects.order_by("-id").first()
    assert response.status_code == 302 and new.year == 2023 and new.previous_id == plan.pk
    assert new.proposals.count() == plan.tasks.count()
    assert all(not p.when.startswith("2022") for p in new.proposals.all())
    measure = new.measures.order_by("seq").first()
    measure.text = measure.text.replace("首要政治任务", "首要任务")
    measure.save()
    new.measures.order_by("seq").last().delete()
    page = client.get(f"/plans/compare/?a={plan.pk}&b={new.pk}")
    counts = page.context["counts"]
    assert (
        counts["changed"] == 1 and counts["removed"] == 1 and counts["unchanged"] == plan.measures.count() - 2
    )


def test_a_corrected_document_replaces_the_draft(draft) -> None:
    client, plan = draft
    fixed = (
        REFERENCE.read_text(encoding="utf-8")
        .replace("XXX", "习近平")
        .replace("XX届", "十九届")
        .replace("XX", "甲市")
    )
    response = client.post(
        f"/plans/{plan.pk}/replace/", {"file": SimpleUploadedFile("改.txt", fixed.encode())}
    )
    new = Plan.objects.order_by("-id").first()
    assert response.status_code == 302 and new.pk != plan.pk
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert not new.findings.filter(kind="placeholder").exists()
    publish_as_it_stands(client, new)
    assert (
        client.post(
            f"/plans/{new.pk}/replace/", {"file": SimpleUploadedFile("x.txt", fixed.encode())}
        ).status_code
        == 302
    )
    assert Plan.objects.filter(pk=new.pk, status="published").exists()  # a published plan is never replaced


def test_a_bad_corrected_document_keeps_the_draft(draft) -> None:
    client, plan = draft
    client.post(f"/plans/{plan.pk}/replace/", {"file": SimpleUploadedFile("x.txt", b"")})
    assert Plan.objects.filter(pk=plan.pk).exists()
