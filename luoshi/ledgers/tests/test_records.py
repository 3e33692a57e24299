"""Study and service records, letters level by level, practical matters, and the pages
and API that offer them, with who may see and do what."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.core.samplefiles import pdf_bytes
from luoshi.ledgers import actions
from luoshi.ledgers.models import Letter, Meeting, PracticalMatter, StudyRecord
from luoshi.orgs.choices import OrgKind
from luoshi.orgs.models import Organization
from luoshi.work.choices import OccurrenceStatus

pytestmark = pytest.mark.django_db


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("证明.pdf", pdf_bytes(["ok"]), content_type="application/pdf")


def test_member_logs_study_and_sees_their_year(login_as: Any, persona: Any) -> None:
    client = login_as("dangyuan1")
    home = client.get("/")
    assert "/ledgers/mine/" in home.content.decode()  # the registered menu entry 我的记录
    page = client.get("/ledgers/mine/").content.decode()
    assert "6.5" in page  # the demo's study hours
    today = timezone.localdate().isoformat()
    response = client.post(
        "/ledgers/mine/",
        {"form": "study", "date": today, "title": "学习二十届四中全会精神", "hours": "2", "method": "self"},
    )
    assert response.status_code == 302
    page = client.get("/ledgers/mine/").content.decode()
    assert "学习二十届四中全会精神" in page and "8.5" in page
    bad = client.post(
        "/ledgers/mine/", {"form": "study", "date": today, "title": "x", "hours": "99", "method": "self"}
    )
    assert "0.5 至 24" in bad.content.decode()


def test_study_is_private_to_the_member_and_their_organisation(api_token: Any, persona: Any) -> None:
    from django.test import Client

    def get(username: str, path: str) -> Any:
        return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {api_token(username)}")

    mine = get("dangyuan1", "/api/study-records").json()
    person = persona("dangyuan1").person_id
    assert mine["count"] >= 3 and all(i["person"]["id"] == person for i in mine["items"])
    other = StudyRecord.objects.create(
        person=persona("zhibu1").person,
        org=persona("zhibu1").org,
        date=timezone.localdate(),
        title="自学",
        hours=1,
        method="self",
        created_by=persona("zhibu1"),
    )
    assert get("dangyuan1", f"/api/study-records/{other.pk}").status_code == 404
    assert get("zhibu1", f"/api/study-records/{other.pk}").status_code == 200
    assert get("zhibu2", f"/api/study-records/{other.pk}").status_code == 404
    assert get("auditadmin", "/api/study-records").json()["count"] == 0
    # a member cannot log study for someone else
    response = Client().post(
        "/api/study-records",
        {
            "date": str(timezone.localdate()),
            "title": "x",
            "hours": 1,
            "method": "self",
            "person": persona("zhibu1").person_id,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token('dangyuan1')}",
    )
    assert response.status_code in (403, 404)


def test_study_totals_are_never_ranked(login_as: Any) -> None:
    page = login_as("zhibu1").get("/ledgers/study/").content.decode()
    assert "不排名" in page and "排名" not in page.replace("不排名", "")
    assert login_as("dangyuan1").get("/ledgers/study/").status_code == 403


def test_staff_see_who_has_not_reported_service(login_as: Any, persona: Any) -> None:
    page = login_as("zhibu1").get("/ledgers/study/")
    not_reported = page.context["service"]["not_reported"]
    member = persona("dangyuan1").person
    assert member not in not_reported  # the demo logged their service
    assert persona("zhibu1").person in not_reported


def test_meeting_api_and_page_record_with_attendance(api_token: Any, persona: Any, login_as: Any) -> None:
    from django.test import Client

    zhibu1 = persona("zhibu1")
    today = timezone.localdate()
    members = list(actions.roster(zhibu1.org, today))
    body = {
        "org": zhibu1.org_id,
        "kind": "committee",
        "date": str(today),
        "place": "三楼会议室",
        "topic": "研究发展党员",
        "present": [p.pk for p in members[:-1]],
        "absent": [{"person": members[-1].pk, "reason": "病假"}],
    }
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token('zhibu1')}"}
    created = Client().post("/api/meetings", body, content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    assert created.json()["present"] == len(members) - 1 and created.json()["occurrences"]
    listed = Client().get(f"/api/meetings?org={zhibu1.org_id}&year={today.year}", **auth).json()
    assert listed["count"] >= 1
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {api_token('zhibu2')}"}
    assert Client().get(f"/api/meetings/{created.json()['id']}", **outsider).status_code == 404
    refused = Client().post("/api/meetings", body | {"absent": []}, content_type="application/json", **auth)
    assert refused.status_code == 400 and "缺席原因" in refused.json()["detail"]
    # the page form and the ledger with its export
    client = login_as("zhibu1")
    form = client.get(f"/ledgers/meetings/new/?org={zhibu1.org_id}&date={today}")
    assert members[0].name in form.content.decode()
    data = {
        "org": zhibu1.org_id,
        "date": str(today),
        "kind": "lecture",
        "place": "会议室",
        "topic": "书记讲党课",
    }
    data |= {f"present_{p.pk}": "on" for p in members[1:]} | {f"reason_{members[0].pk}": "公差"}
    data["minutes"] = _pdf()
    response = client.post("/ledgers/meetings/new/", data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(org=zhibu1.org, topic="书记讲党课")
    assert meeting.files.count() == 1 and meeting.attendance.get(person=members[0]).reason == "公差"
    ledger = client.get("/ledgers/").content.decode()
    assert "书记讲党课" in ledger and "traffic traffic-" in ledger
    export = client.get(f"/ledgers/export/?org={zhibu1.org_id}")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet["A3"].value == "序号" and any(c.value == "书记讲党课" for c in sheet["D"])
    assert login_as("zhibu2").get(f"/ledgers/meetings/new/?org={zhibu1.org_id}").status_code in (403, 404)
    assert login_as("dangyuan1").get(f"/ledgers/meetings/new/?org={zhibu1.org_id}").status_code == 403


def test_letters_are_signed_level_by_level_and_missing_ones_listed(
    persona: Any, login_as: Any, api_token: Any
) -> None:
    from django.test import Client

    year = timezone.localdate().year
    missing = Letter.objects.filter(year=year, status="pending").select_related("signer")
    assert {x.signer.name for x in missing} == {"确权登记处党支部", "信息中心第二党支部", "地质调查院党支部"}
    page = login_as("jgdw").get(f"/ledgers/letters/?year={year}").content.decode()
    assert "确权登记处党支部" in page and "尚未签订（3）" in page
    api = Client().get(
        f"/api/letters?year={year}&missing=true", HTTP_AUTHORIZATION=f"Bearer {api_token('jgdw')}"
    )
    assert api.json()["count"] == 3
    letter = missing.get(signer__name="信息中心第二党支部")
    with pytest.raises(AccessRefused):
        actions.sign_letter(acting_user=persona("zhibu1"), letter=letter, signer_name="张三")
    # level by level: reset the 党总支's letter and the branch below it waits for it
    above = Letter.objects.get(year=year, signer=letter.issuer)
    Letter.objects.filter(pk=above.pk).update(status="pending")
    with pytest.raises(ActionRefused, match="逐级"):
        actions.sign_letter(acting_user=persona("jgdw"), letter=letter, signer_name="张三")
    Letter.objects.filter(pk=above.pk).update(status="signed")
    signed = actions.sign_letter(acting_user=persona("jgdw"), letter=letter, signer_name="张三", scan=_pdf())
    assert signed.status == "signed" and signed.original_name == "证明.pdf"
    assert letter.duty.occurrences.get().status == OccurrenceStatus.DONE
    with pytest.raises(ActionRefused, match="已签订"):
        actions.sign_letter(acting_user=persona("jgdw"), letter=letter, signer_name="张三")


def test_practical_matters_meet_the_per_division_target(persona: Any, login_as: Any) -> None:
    year = timezone.localdate().year
    page = login_as("jgdw").get(f"/ledgers/practical/?year={year}").content.decode()
    assert "已登记 10 / 15 个处室，已办结 5 个" in page
    zhibu1 = persona("zhibu1")
    division = Organization.objects.get(parent=zhibu1.org, kind=OrgKind.DIVISION)
    matter = PracticalMatter.objects.get(org=division, year=year)
    if matter.status == "closed":
        matter = actions.register_matter(acting_user=zhibu1, org=division, year=year, title="再办一件")
    with pytest.raises(ActionRefused, match="佐证"):
        actions.close_matter(acting_user=zhibu1, matter=matter, closure="办完了", files=[])
    with pytest.raises(AccessRefused):
        actions.close_matter(acting_user=persona("zhibu2"), matter=matter, closure="办完了", files=[_pdf()])
    closed = actions.close_matter(acting_user=zhibu1, matter=matter, closure="办完了", files=[_pdf()])
    assert closed.status == "closed" and closed.occurrence.status == OccurrenceStatus.DONE
    with pytest.raises(ActionRefused):
        actions.register_matter(acting_user=zhibu1, org=zhibu1.org, year=year, title="支部不是处室")


def test_lists_are_kept_per_organisation(persona: Any, login_as: Any) -> None:
    year = timezone.localdate().year
    page = login_as("zhibu1").get(f"/ledgers/lists/?year={year}").content.decode()
    assert "落实“三会一课”制度" in page
    with pytest.raises(AccessRefused):
        actions.save_list(
            acting_user=persona("zhibu2"), org=persona("zhibu1").org, year=year, kind="main", items=["x"]
        )
    with pytest.raises(ActionRefused, match="至少"):
        actions.save_list(
            acting_user=persona("zhibu1"), org=persona("zhibu1").org, year=year, kind="main", items=[" "]
        )


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("auditadmin", "/ledgers/", 403),
        ("secadmin", "/ledgers/letters/", 403),
        ("dangyuan1", "/ledgers/rules/", 403),
        ("zhibu1", "/ledgers/rules/", 403),
        ("jgdw", "/ledgers/rules/", 200),
        ("lingdao", "/ledgers/", 200),
        ("jijian", "/ledgers/letters/", 200),
        ("zhibu1", "/ledgers/practical/", 200),
        ("dangyuan1", "/ledgers/mine/", 200),
    ],
)
def test_page_permission_matrix(login_as: Any, username: str, path: str, status: int) -> None:
    assert login_as(username).get(path).status_code == status


def test_a_branch_cannot_open_a_sibling_branchs_ledger(login_as: Any, persona: Any) -> None:
    other = persona("zhibu2").org_id
    assert login_as("zhibu1").get(f"/ledgers/?org={other}").status_code == 404
    meeting = Meeting.objects.filter(org_id=other).first()
    assert login_as("zhibu1").get(f"/ledgers/meetings/{meeting.pk}/").status_code == 404
    assert login_as("jgdw").get(f"/ledgers/meetings/{meeting.pk}/").status_code == 200


def test_openapi_lists_the_ledgers(api_token: Any) -> None:
    from django.test import Client

    paths = (
        Client().get("/api/openapi.json", HTTP_AUTHORIZATION=f"Bearer {api_token('jgdw')}").json()["paths"]
    )
    for path in (
        "/api/meetings",
        "/api/meetings/{meeting_id}",
        "/api/study-records",
        "/api/letters",
        "/api/letters/{letter_id}",
        "/api/practical-matters",
        "/api/practical-matters/{matter_id}",
    ):
        assert path in paths, path


@pytest.mark.parametrize(
    ("username", "status"),
    [("dangyuan1", 403), ("zhibu2", 403), ("lingdao", 403), ("jijian", 403), ("zhibu1", 201)],
)
def test_api_permission_matrix_for_recording_a_meeting(
    api_token: Any, persona: Any, username: str, status: int
) -> None:
    from django.test import Client

    org = persona("zhibu1").org
    today = timezone.localdate()
    members = list(actions.roster(org, today))
    body = {
        "org": org.pk,
        "kind": "group",
        "date": str(today),
        "place": "会议室",
        "topic": "党小组学习",
        "present": [p.pk for p in members],
    }
    response = Client().post(
        "/api/meetings",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token(username)}",
    )
    # a sibling branch does not see the organisation at all: 404 is the same refusal
    assert response.status_code == (404 if username == "zhibu2" else status), response.content
    assert "detail" in response.json() or status == 201


def test_practical_and_letter_api_in_scope(api_token: Any, persona: Any) -> None:
    from django.test import Client

    def get(username: str, path: str) -> Any:
        return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {api_token(username)}")

    year = timezone.localdate().year
    everything = get("jgdw", f"/api/practical-matters?year={year}").json()
    assert everything["count"] == 10
    own = get("zhibu1", f"/api/practical-matters?year={year}").json()
    assert own["count"] == 1 and own["items"][0]["org"]["name"] == "办公室"
    other = PracticalMatter.objects.exclude(org__path__startswith=persona("zhibu1").org.path).first()
    assert get("zhibu1", f"/api/practical-matters/{other.pk}").status_code == 404
    letter = Letter.objects.get(year=year, signer=persona("zhibu1").org)
    detail = get("zhibu1", f"/api/letters/{letter.pk}").json()
    assert detail["status"] == "signed" and "党风廉政建设" in detail["text"]
    assert get("zhibu2", f"/api/letters/{letter.pk}").status_code == 404


@pytest.mark.parametrize(
    ("which", "expected"), [("letters", "确权登记处党支部"), ("practical", "未登记"), ("study", "学习学时")]
)
def test_each_ledger_exports_to_xlsx_and_is_audited(login_as: Any, which: str, expected: str) -> None:
    from openpyxl import load_workbook

    from luoshi.audit.models import AuditEvent

    before = AuditEvent.objects.filter(action="export").count()
    response = login_as("jgdw" if which != "study" else "zhibu1").get(f"/ledgers/export/{which}/")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert sheet["A3"].value == "序号" and any(expected in str(v) for v in values)
    assert not any(str(v).startswith("=") for v in values)
    assert AuditEvent.objects.filter(action="export").count() == before + 1
    assert login_as("auditadmin").get(f"/ledgers/export/{which}/").status_code == 403


def test_a_branch_prints_its_year_as_one_official_document(login_as: Any, persona: Any) -> None:
    from docx import Document

    from luoshi.audit.models import AuditEvent

    branch = persona("zhibu1").org
    year = timezone.localdate().year
    meetings = Meeting.objects.filter(org=branch, date__year=year).count()
    response = login_as("zhibu1").get(f"/ledgers/export/record.docx?org={branch.pk}&year={year}")
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(response.content))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == f"{branch.name}{year}年党支部工作纪实"
    assert {"一、基本情况", "二、组织生活", "三、学习教育与志愿服务", "四、责任落实"} <= set(text)
    assert any(f"全年召开会议、开展活动{meetings}次" in t for t in text)
    assert len(doc.tables[0].rows) == meetings + 1
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28  # GB/T 9704
    assert AuditEvent.objects.filter(action="export", object_repr__contains="党支部工作纪实").exists()
    assert login_as("zhibu2").get(f"/ledgers/export/record.docx?org={branch.pk}").status_code == 404


def test_the_work_record_names_the_months_a_branch_missed(login_as: Any) -> None:
    from docx import Document

    from luoshi.ledgers.demo import MISSED

    index, _kind, month = sorted(MISSED)[0]
    branch = list(Organization.objects.filter(kind=OrgKind.BRANCH, is_active=True).order_by("path"))[index]
    year = timezone.localdate().year
    response = login_as("jgdw").get(f"/ledgers/export/record.docx?org={branch.pk}&year={year}")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert f"{year}年{month}月未按期召开" in text


def test_the_office_sees_each_organisations_service_totals_and_who_has_not_reported(
    login_as: Any, api_token: Any, client: Any, persona: Any
) -> None:
    member = persona("dangyuan1")
    actions.record_service(
        acting_user=member,
        date=timezone.localdate(),
        community="东湖社区",
        hours="2.5",
        content="垃圾分类宣传",
    )
    office = persona("jgdw")
    page = login_as("jgdw").get(f"/ledgers/study/?org={office.org_id}")
    by_org = {r["org"].name: r for r in page.context["by_org"]}
    branch = by_org[member.org.name]
    assert branch["reported"] >= 1 and branch["reported"] + branch["not_reported"] == branch["members"]
    token = api_token("jgdw")
    answer = client.get(
        f"/api/service-summary?org={member.org_id}", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    mine = next(m for m in answer["members"] if m["id"] == member.person_id)
    assert mine["service_hours"] >= 2.5
    assert member.person_id not in {p["id"] for p in answer["not_reported"]}
    assert len(answer["not_reported"]) == sum(1 for m in answer["members"] if not m["service_hours"])
    refused = client.get("/api/service-summary", HTTP_AUTHORIZATION=f"Bearer {api_token('dangyuan1')}")
    assert refused.status_code == 403


def test_the_lists_and_the_work_record_are_in_the_api(api_token: Any, client: Any, persona: Any) -> None:
    token = {"HTTP_AUTHORIZATION": f"Bearer {api_token('zhibu1')}"}
    branch, year = persona("zhibu1").org, timezone.localdate().year
    saved = client.put(
        "/api/responsibility-lists",
        {"org": branch.pk, "year": year, "kind": "dual", "items": ["抓好分管处室党风廉政建设", " "]},
        content_type="application/json",
        **token,
    )
    assert saved.status_code == 200 and saved.json()["items"] == ["抓好分管处室党风廉政建设"]
    listed = client.get(f"/api/responsibility-lists?org={branch.pk}&year={year}", **token).json()
    assert ["抓好分管处室党风廉政建设"] in [x["items"] for x in listed["items"] if x["kind"] == "dual"]
    sibling = Organization.objects.get(name="政策法规处党支部")
    refused = client.put(
        "/api/responsibility-lists",
        {"org": sibling.pk, "year": year, "kind": "dual", "items": ["x"]},
        content_type="application/json",
        **token,
    )
    assert refused.status_code == 404
    record = client.get(f"/api/work-record?year={year}", **token)
    assert record.status_code == 200 and record.content[:2] == b"PK"


def test_a_member_registers_with_a_community_and_service_defaults_to_it(
    login_as: Any, api_token: Any, client: Any, persona: Any
) -> None:
    from luoshi.audit.models import AuditEvent
    from luoshi.ledgers.models import ServiceRecord

    member = persona("dangyuan1")
    page = login_as("dangyuan1")
    today = timezone.localdate().isoformat()
    assert (
        page.post("/ledgers/mine/", {"form": "registration", "community": "", "date": today}).status_code
        == 200
    )
    assert (
        page.post(
            "/ledgers/mine/", {"form": "registration", "community": "东湖社区", "date": today}
        ).status_code
        == 302
    )
    assert "到东湖社区报到" in page.get("/ledgers/mine/").content.decode()
    page.post(
        "/ledgers/mine/", {"form": "service", "date": today, "hours": "1", "community": "", "content": "义诊"}
    )
    assert (
        ServiceRecord.objects.filter(person_id=member.person_id, content="义诊").get().community == "东湖社区"
    )
    assert AuditEvent.objects.filter(object_type="ledgers.communityregistration").exists()

    summary = client.get(
        f"/api/service-summary?org={member.org_id}", HTTP_AUTHORIZATION=f"Bearer {api_token('zhibu1')}"
    ).json()
    assert member.person_id not in {p["id"] for p in summary["not_registered"]}
    assert len(summary["not_registered"]) == sum(1 for m in summary["members"] if not m["community"])
    office = client.get("/api/service-summary", HTTP_AUTHORIZATION=f"Bearer {api_token('jgdw')}").json()
    branch = next(o for o in office["organisations"] if o["id"] == member.org_id)
    assert branch["registered"] >= 1

    again = client.post(
        "/api/community-registrations",
        {"community": "西湖社区", "date": today},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token('dangyuan1')}",
    )
    assert again.status_code == 201 and again.json()["community"] == "西湖社区"
    stranger = client.post(
        "/api/community-registrations",
        {"community": "西湖社区", "date": today, "person": member.person_id},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token('zhibu2')}",
    )
    assert stranger.status_code == 404
