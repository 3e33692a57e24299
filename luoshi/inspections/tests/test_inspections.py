"""Inspections: the loop from round to 销号 and 回头看, the plan targets they count toward,
the secrecy of findings, and the .xlsx import and export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.inspections import actions
from luoshi.inspections.choices import FindingStatus, RecheckResult, RoundKind
from luoshi.inspections.exports import HEADERS
from luoshi.inspections.importer import ImportRefused, import_findings
from luoshi.inspections.models import Finding, FindingCategory, Round
from luoshi.orgs.models import Organization
from luoshi.work import rules
from luoshi.work.actions import submit_report
from luoshi.work.choices import OccurrenceStatus
from luoshi.work.models import Occurrence, TargetCredit

pytestmark = pytest.mark.django_db


def branches(n: int) -> list[Organization]:
    return list(
        Organization.objects.filter(kind="branch", parent__short_name="机关党委").order_by("order", "id")
    )[:n]


def category(name: str = "组织建设") -> FindingCategory:
    actions.categories()
    return FindingCategory.objects.get(name=name)


def later(days: int = 30) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def new_round(persona: Any, kind: str = RoundKind.REGULAR, n: int = 3, **extra: Any) -> Round:
    year = timezone.localdate().year
    return actions.create_round(
        acting_user=persona("jijian"),
        year=year,
        batch=9,
        kind=kind,
        title=extra.pop("title", "测试巡察"),
        orgs=extra.pop("orgs", None) or branches(n),
        starts_on=dt.date(year, 3, 1),
        ends_on=dt.date(year, 4, 30),
        **extra,
    )


def finding_of(persona: Any, round_: Round, org: Organization, text: str = "三会一课记录不全。") -> Finding:
    return actions.add_finding(
        acting_user=persona("jijian"), round_=round_, org=org, category=category(), description=text
    )


# --- the demo ---------------------------------------------------------------------------


def test_demo_2022_targets_are_made_of_the_rounds() -> None:
    regular = Round.objects.get(year=2022, kind=RoundKind.REGULAR)
    follow = Round.objects.get(year=2022, kind=RoundKind.FOLLOW_UP)
    assert regular.inspected.count() == 9 and follow.inspected.count() == 6
    for round_, n in ((regular, 9), (follow, 6)):
        occ = round_.target
        assert occ is not None and round_.target_confirmed_by_id
        assert (occ.achieved_count, occ.target_count, occ.status) == (n, n, OccurrenceStatus.DONE)
        credits = TargetCredit.objects.filter(occurrence=occ)
        assert credits.count() == n
        assert all(round_.title in c.record_label for c in credits)
    assert "对9家单位开展内部巡察" in regular.target.duty.title
    assert "6家单位内部巡察进行“回头看”" in follow.target.duty.title
    states = set(Finding.objects.filter(round=regular).values_list("status", flat=True))
    assert states == set(FindingStatus.values)
    results = set(follow.rechecks.values_list("result", flat=True))
    assert results == set(RecheckResult.values)


def test_zhibu1_finds_the_reopened_measure_in_my_work(login_as, persona) -> None:
    zhibu1 = persona("zhibu1")
    reopened = Finding.objects.get(round__year=2022, org=zhibu1.org, status=FindingStatus.REOPENED)
    occ = Occurrence.objects.get(
        duty__rectification__finding=reopened, duty__rectification__after_recheck=True
    )
    assert rules.owed_by(zhibu1).filter(pk=occ.pk).exists()
    page = login_as("zhibu1").get("/work/my/?status=soon")
    assert "针对问题反弹重新制定整改措施" in page.content.decode()


# --- targets --------------------------------------------------------------------------


def test_proposed_targets_follow_the_plan_text(persona) -> None:
    year = timezone.localdate().year
    unit = persona("jijian").org.parent.parent
    regular = actions.propose_target(year, RoundKind.REGULAR, unit)
    follow = actions.propose_target(year, RoundKind.FOLLOW_UP, unit)
    assert regular is not None and "对9家单位开展内部巡察" in regular.duty.title
    assert follow is not None and "6家单位内部巡察进行“回头看”" in follow.duty.title


def test_a_proposed_target_counts_only_when_confirmed_and_only_once(persona) -> None:
    round_ = new_round(persona)
    occ = round_.target
    assert occ is not None and round_.target_confirmed_by_id is None
    before = occ.achieved_count
    assert actions.confirm_inspected(acting_user=persona("jijian"), round_=round_) == 0
    occ.refresh_from_db()
    assert occ.achieved_count == before  # proposed, not yet confirmed by a person
    actions.set_target(acting_user=persona("jgdw"), round_=round_, occurrence=occ)
    occ.refresh_from_db()
    assert occ.achieved_count == before + 3
    assert actions.confirm_inspected(acting_user=persona("jijian"), round_=round_) == 0
    actions.set_target(acting_user=persona("jgdw"), round_=round_, occurrence=occ)
    occ.refresh_from_db()
    assert occ.achieved_count == before + 3
    assert occ.status == OccurrenceStatus.IN_PROGRESS
    labels = list(TargetCredit.objects.filter(occurrence=occ).values_list("record_label", flat=True))
    assert len(labels) == 3 and all(label.startswith("测试巡察：") for label in labels)


def test_only_the_office_or_discipline_pick_a_target(persona) -> None:
    round_ = new_round(persona)
    with pytest.raises(AccessRefused):
        actions.set_target(acting_user=persona("zhibu1"), round_=round_, occurrence=round_.target)
    with pytest.raises(AccessRefused):
        actions.confirm_inspected(acting_user=persona("jgdw"), round_=round_)


# --- the loop --------------------------------------------------------------------------


def test_round_to_close_to_reopen(persona) -> None:
    jijian, zhibu1 = persona("jijian"), persona("zhibu1")
    round_ = new_round(persona)
    org = zhibu1.org
    finding = finding_of(persona, round_, org)
    assert finding.status == FindingStatus.OPEN
    with pytest.raises(ActionRefused, match="还没有整改措施"):
        actions.close_finding(acting_user=jijian, finding=finding, comment="同意")
    measure = actions.add_measure(acting_user=jijian, finding=finding, text="补齐记录", deadline=later())
    finding.refresh_from_db()
    occ = measure.occurrence
    assert finding.status == FindingStatus.RECTIFYING
    assert (occ.org, occ.due_date, occ.duty.kind) == (org, later(), "rectification")
    assert rules.owed_by(zhibu1).filter(pk=occ.pk).exists()
    assert rules.light_of(occ).colour == "green"
    with pytest.raises(ActionRefused, match="未验收通过"):
        actions.close_finding(acting_user=jijian, finding=finding, comment="同意")
    with pytest.raises(ActionRefused, match="没有待验收"):
        actions.verify_measure(acting_user=jijian, measure=measure, decision="accept")
    submit_report(acting_user=zhibu1, occurrence=occ, text="已补齐。")
    with pytest.raises(ActionRefused, match="审核意见"):
        actions.verify_measure(acting_user=jijian, measure=measure, decision="return")
    actions.verify_measure(acting_user=jijian, measure=measure, decision="return", comment="缺佐证")
    occ.refresh_from_db()
    assert occ.status == OccurrenceStatus.RETURNED
    submit_report(acting_user=zhibu1, occurrence=occ, text="已补佐证。")
    actions.verify_measure(acting_user=jijian, measure=measure, decision="accept", comment="到位")
    with pytest.raises(ActionRefused, match="填写意见"):
        actions.close_finding(acting_user=jijian, finding=finding, comment=" ")
    actions.close_finding(acting_user=jijian, finding=finding, comment="整改到位，同意销号")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.close_comment == "整改到位，同意销号"
    with pytest.raises(ActionRefused, match="回头看"):
        actions.recheck(acting_user=jijian, round_=round_, finding=finding, result="held", reason="好")
    follow = new_round(persona, kind=RoundKind.FOLLOW_UP, orgs=[org], title="测试回头看")
    assert finding in actions.closed_findings_for(follow)
    with pytest.raises(ActionRefused, match="整改时限"):
        actions.recheck(acting_user=jijian, round_=follow, finding=finding, result="reopened", reason="反弹")
    check = actions.recheck(
        acting_user=jijian,
        round_=follow,
        finding=finding,
        result="reopened",
        reason="问题反弹",
        new_deadline=later(5),
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.REOPENED and check.measure is not None
    new_occ = check.measure.occurrence
    assert new_occ.due_date == later(5) and rules.owed_by(zhibu1).filter(pk=new_occ.pk).exists()
    kinds = list(finding.events.values_list("kind", flat=True))
    assert kinds == ["created", "measure", "sent_back", "verified", "closed", "measure", "reopened"]
    with pytest.raises(ActionRefused, match="只能复查已销号"):
        actions.recheck(acting_user=jijian, round_=follow, finding=finding, result="held", reason="好")


def test_a_deadline_in_the_past_or_an_org_outside_the_round_is_refused(persona) -> None:
    round_ = new_round(persona)
    finding = finding_of(persona, round_, branches(1)[0])
    with pytest.raises(ActionRefused, match="早于今天"):
        actions.add_measure(
            acting_user=persona("jijian"),
            finding=finding,
            text="x",
            deadline=timezone.localdate() - dt.timedelta(days=1),
        )
    outsider = branches(5)[4]
    with pytest.raises(ActionRefused, match="不是本轮被巡察单位"):
        finding_of(persona, round_, outsider)
    assert not Finding.objects.filter(round=round_, org=outsider).exists()


def test_the_rectification_report_is_the_inspected_organisations(persona) -> None:
    round_ = new_round(persona)
    zhibu1 = persona("zhibu1")
    report = actions.submit_rectification_report(
        acting_user=zhibu1, round_=round_, org=zhibu1.org, text="已全部整改。"
    )
    assert report.org == zhibu1.org
    with pytest.raises(AccessRefused):
        actions.submit_rectification_report(
            acting_user=persona("zhibu2"), round_=round_, org=zhibu1.org, text="x"
        )


# --- scope and secrecy --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("jijian", 200),
        ("jgdw", 200),
        ("lingdao", 200),
        ("zhibu1", 200),
        ("zhibu2", 404),
        ("dangyuan1", 404),
        ("sysadmin", 404),
        ("auditadmin", 404),
    ],
)
def test_who_reads_zhibu1s_finding(client, api_token, persona, username, status) -> None:
    finding = Finding.objects.filter(org=persona("zhibu1").org).first()
    token = api_token(username)
    answer = client.get(f"/api/findings/{finding.pk}", headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == status
    measure = finding.measures.first()
    answer = client.get(f"/api/rectifications/{measure.pk}", headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == status


def test_an_organisation_lists_only_its_own_findings(client, api_token, persona) -> None:
    org = persona("zhibu1").org
    token = api_token("zhibu1")
    items = client.get("/api/findings?limit=500", headers={"authorization": f"Bearer {token}"}).json()[
        "items"
    ]
    assert items and {i["org"]["id"] for i in items} == {org.pk}
    rounds = client.get("/api/inspections", headers={"authorization": f"Bearer {token}"}).json()
    assert rounds["count"] == 2
    everything = client.get(
        "/api/findings?limit=500", headers={"authorization": f"Bearer {api_token('jijian')}"}
    )
    assert everything.json()["count"] == Finding.objects.count()


def test_team_members_see_their_round_only(persona) -> None:
    from luoshi.accounts.models import User

    regular = Round.objects.get(year=2022, kind=RoundKind.REGULAR)
    member = regular.members.first()
    other = new_round(persona, title="别的巡察")
    user = User.objects.create(username="zuyuan", role="member", org=member.org, person=member)
    assert set(Round.objects.visible_to(user)) == set(Round.objects.filter(year=2022))  # the demo's team
    assert other not in Round.objects.visible_to(user)
    assert Finding.objects.visible_to(user).count() == regular.findings.count()
    assert actions.can_manage(user, regular) and not actions.can_manage(user, other)


def test_the_api_refuses_changes_outside_the_role(client, api_token, persona) -> None:
    finding = Finding.objects.filter(org=persona("zhibu1").org).first()
    body = {"comment": "同意"}
    zhibu1 = {"authorization": f"Bearer {api_token('zhibu1')}"}
    zhibu2 = {"authorization": f"Bearer {api_token('zhibu2')}"}
    assert (
        client.post(
            f"/api/findings/{finding.pk}/close", body, content_type="application/json", headers=zhibu1
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/findings/{finding.pk}/close", body, content_type="application/json", headers=zhibu2
        ).status_code
        == 404
    )
    answer = client.post(
        f"/api/inspections/{finding.round_id}/findings",
        {"org": finding.org_id, "category": "组织建设", "description": "x"},
        content_type="application/json",
        headers=zhibu1,
    )
    assert answer.status_code == 403 and "纪检" in answer.json()["detail"]


def test_every_view_is_audited(login_as, persona) -> None:
    finding = Finding.objects.filter(org=persona("zhibu1").org).first()
    before = AuditEvent.objects.count()
    assert login_as("zhibu1").get(f"/inspections/findings/{finding.pk}/").status_code == 200
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() > before
    assert (event.actor_name, event.object_type, event.object_id) == (
        "zhibu1",
        "inspections.finding",
        str(finding.pk),
    )
    assert login_as("zhibu2").get(f"/inspections/findings/{finding.pk}/").status_code == 404
    assert AuditEvent.objects.order_by("-seq").first().action == "denied"


# --- pages ---------------------------------------------------------------------------------


def test_jijian_home_shows_rounds_and_open_findings(login_as) -> None:
    client = login_as("jijian")
    home = client.get("/").content.decode()
    assert 'href="/inspections/"' in home and "巡察整改" in home
    page = client.get("/inspections/").content.decode()
    assert "2022年第一轮内部巡察" in page and "未销号问题" in page
    assert str(Finding.objects.exclude(status="closed").count()) in page
    assert 'href="/inspections/"' not in login_as("dangyuan1").get("/").content.decode()


def test_jijian_walks_a_round_through_the_pages(login_as, persona) -> None:
    client = login_as("jijian")
    year = timezone.localdate().year
    orgs = branches(3)
    answer = client.post(
        "/inspections/rounds/new/",
        {
            "year": year,
            "batch": 5,
            "kind": "regular",
            "title": "页面巡察",
            "orgs": [o.pk for o in orgs],
            "starts_on": f"{year}-03-01",
            "ends_on": f"{year}-04-01",
            "stage_feedback_start": f"{year}-04-01",
        },
    )
    assert answer.status_code == 302
    round_ = Round.objects.get(title="页面巡察")
    assert round_.stages.get().kind == "feedback"
    for text in ("问题甲", "问题乙"):
        client.post(
            f"/inspections/rounds/{round_.pk}/findings/",
            {"org": orgs[0].pk, "category": category().pk, "description": text},
        )
    assert round_.findings.count() == 2
    f = round_.findings.first()
    client.post(f"/inspections/findings/{f.pk}/measures/", {"text": "整改", "deadline": later().isoformat()})
    page = client.get(f"/inspections/findings/{f.pk}/").content.decode()
    assert "整改" in page and "traffic-green" in page
    refused = client.post(
        f"/inspections/findings/{f.pk}/close/", {"comment": "同意"}, follow=True
    ).content.decode()
    assert "未验收通过" in refused
    detail = client.get(f"/inspections/rounds/{round_.pk}/").content.decode()
    assert "问题甲" in detail and "页面巡察" in detail
    bad = client.post(
        "/inspections/rounds/new/",
        {"year": year, "kind": "regular", "starts_on": f"{year}-03-01", "ends_on": f"{year}-04-01"},
    )
    assert bad.status_code == 400 and "请选择被巡察单位" in bad.content.decode()


def test_the_ledger_exports_in_the_teams_layout(login_as, persona) -> None:
    from openpyxl import load_workbook

    regular = Round.objects.get(year=2022, kind=RoundKind.REGULAR)
    finding_of(persona, regular, regular.orgs.first(), text='=HYPERLINK("http://x","点此")')
    answer = login_as("jijian").get(f"/inspections/rounds/{regular.pk}/export/ledger.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[1]) == [*HEADERS, "整改状态", "问题状态", "销号意见"]
    assert len(rows) - 2 >= regular.findings.count()
    assert AuditEvent.objects.order_by("-seq").first().action == "export"
    typed = [c for row in sheet.iter_rows(min_row=3) for c in row if "HYPERLINK" in str(c.value)]
    assert typed and all(c.data_type == "s" for c in typed)  # text, never a formula
    dated = [row[6] for row in sheet.iter_rows(min_row=3) if row[3].value]
    assert dated and all(c.is_date for c in dated)
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$2:$2"


def test_an_exported_findings_list_imports_again(login_as, persona) -> None:
    """The 问题清单 a team downloads is the layout it fills in and imports: a problem with two
    measures (two rows, the same 序号) comes back as one problem with two measures."""
    jijian = persona("jijian")
    source = new_round(persona, title="导出巡察")
    org = source.orgs.first()
    first = finding_of(persona, source, org, "三会一课记录不全。")
    for text in ("补齐记录", "建立台账"):
        actions.add_measure(
            acting_user=jijian, finding=first, text=text, deadline=later(), responsible_person="书记"
        )
    finding_of(persona, source, org, "台账不规范。")
    exported = login_as("jijian").get(f"/inspections/rounds/{source.pk}/export/findings.xlsx").content
    target = new_round(persona, title="导入巡察", orgs=[org])
    created = import_findings(acting_user=jijian, round_=target, content=exported, filename="问题清单.xlsx")
    assert [(f.seq, f.description) for f in created] == [(1, "三会一课记录不全。"), (2, "台账不规范。")]
    assert sorted(created[0].measures.values_list("text", "responsible_person")) == [
        ("建立台账", "书记"),
        ("补齐记录", "书记"),
    ]
    assert not created[1].measures.exists()


# --- import -------------------------------------------------------------------------------


def xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["某某巡察组问题清单"])
    sheet.append(["序号", "问题类别", "问题描述", "整改措施", "责任单位", "责任人", "整改时限"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_creates_findings_and_measures(persona) -> None:
    round_ = new_round(persona)
    a, b = (o.name for o in branches(2))
    content = xlsx(
        [
            [1, "组织建设", "支部活动不规范", "规范活动", a, "张三", later().isoformat()],
            [2, "作风建设", "文山会海", "精简会议", b, "李四", later(40)],
            [None, "制度建设", "制度滞后", None, b, None, None],
        ]
    )
    created = import_findings(acting_user=persona("jijian"), round_=round_, content=content)
    assert [f.seq for f in created] == [1, 2, 3]
    assert created[0].measures.get().responsible_person == "张三"
    assert created[1].measures.get().deadline == later(40)
    assert created[2].status == FindingStatus.OPEN and not created[2].measures.exists()


def test_import_reads_merged_rows_as_more_measures_of_the_problem_above(persona) -> None:
    round_ = new_round(persona)
    a = branches(1)[0].name
    content = xlsx(
        [
            [1, "组织建设", "问题甲", "措施一", a, "张三", later()],
            [None, None, None, "措施二", None, "李四", later(40)],
            [2, "作风建设", "问题乙", None, a, None, None],
        ]
    )
    created = import_findings(acting_user=persona("jijian"), round_=round_, content=content)
    assert [f.description for f in created] == ["问题甲", "问题乙"]
    assert list(created[0].measures.order_by("id").values_list("text", "responsible_person")) == [
        ("措施一", "张三"),
        ("措施二", "李四"),
    ]
    empty = xlsx(
        [[1, "组织建设", "问题甲", None, a, None, None], [None, None, None, None, None, "王五", None]]
    )
    with pytest.raises(ImportRefused) as refused:
        import_findings(acting_user=persona("jijian"), round_=new_round(persona), content=empty)
    assert refused.value.problems == ["第4行：续行没有整改措施"]


def test_import_reports_every_bad_row_and_imports_nothing(persona) -> None:
    round_ = new_round(persona)
    a = branches(1)[0].name
    content = xlsx(
        [
            [1, "组织建设", "好的一行", "整改", a, "张三", later().isoformat()],
            [2, "不存在的类别", "描述", None, a, None, None],
            [3, "组织建设", "", None, a, None, None],
            [4, "组织建设", "描述", "整改", "火星党支部", None, "2026-13-40"],
            [],
            [1, "组织建设", "描述", "整改", a, None, None],
            [6, "组织建设", "描述", "整改", a, None, "2020-01-01"],
        ]
    )
    with pytest.raises(ImportRefused) as refused:
        import_findings(acting_user=persona("jijian"), round_=round_, content=content)
    problems = refused.value.problems
    assert problems[0].startswith("第4行：问题类别“不存在的类别”不在类别列表中")
    assert problems[1] == "第5行：问题描述为空"
    assert (
        problems[2].startswith("第6行：责任单位“火星党支部”不是本轮被巡察单位")
        and "整改时限“2026-13-40”不是有效日期" in problems[2]
    )
    assert problems[3] == "第8行：序号1重复，填写了整改措施但没有整改时限"
    assert problems[4] == "第9行：整改时限2020-01-01早于今天"
    assert len(problems) == 5
    assert not round_.findings.exists()
    assert not Occurrence.objects.filter(duty__rectification__finding__round=round_).exists()


def test_import_refuses_a_file_that_is_not_a_workbook(login_as, persona) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    round_ = new_round(persona)
    with pytest.raises(ImportRefused, match="不是有效的 .xlsx"):
        import_findings(acting_user=persona("jijian"), round_=round_, content=b"not a zip")
    page = login_as("jijian").post(
        f"/inspections/rounds/{round_.pk}/import/",
        {"file": SimpleUploadedFile("a.xlsx", xlsx([[1, "无此类", "x", None, "y", None, None]]))},
        follow=True,
    )
    text = page.content.decode()
    assert "导入未完成" in text and "第3行" in text
    assert not round_.findings.exists()


def test_categories_are_configurable_by_discipline_staff(client, api_token) -> None:
    jijian = {"authorization": f"Bearer {api_token('jijian')}"}
    names = [c["name"] for c in client.get("/api/finding-categories", headers=jijian).json()]
    assert names[:6] == ["政治建设", "思想建设", "组织建设", "作风建设", "纪律建设", "制度建设"]
    added = client.post(
        "/api/finding-categories", {"name": "廉政建设"}, content_type="application/json", headers=jijian
    )
    assert added.status_code == 201
    again = client.post(
        "/api/finding-categories", {"name": "廉政建设"}, content_type="application/json", headers=jijian
    )
    assert again.status_code == 400 and "已存在" in again.json()["detail"]
    office = {"authorization": f"Bearer {api_token('jgdw')}"}
    assert (
        client.post(
            "/api/finding-categories", {"name": "X"}, content_type="application/json", headers=office
        ).status_code
        == 403
    )


def test_the_openapi_document_lists_the_inspection_calls(client, api_token) -> None:
    paths = client.get(
        "/api/openapi.json", headers={"authorization": f"Bearer {api_token('jijian')}"}
    ).json()["paths"]
    for path in (
        "/api/inspections",
        "/api/inspections/{round_id}",
        "/api/findings/{finding_id}",
        "/api/rectifications/{measure_id}",
        "/api/inspections/{round_id}/rechecks",
        "/api/rectifications/{measure_id}/verify",
    ):
        assert path in paths, path


def test_feedback_and_report_documents_follow_the_departments_official_format(login_as, persona) -> None:
    """Both documents print through the one builder: the department's format profile (here
    a 仿宋 body instead of 仿宋_GB2312) shows in them, with the standard's page and title."""
    from docx import Document
    from docx.oxml.ns import qn

    from luoshi.exports.models import DocumentProfile

    regular = Round.objects.get(year=2022, kind=RoundKind.REGULAR)
    DocumentProfile.objects.create(unit=regular.unit, body_font="仿宋")
    org = persona("zhibu1").org
    for which, title, signed in (
        ("feedback", "反馈意见", f"{regular.unit.name}巡察组"),
        ("report", "整改情况的报告", org.name),
    ):
        answer = login_as("zhibu1").get(f"/inspections/rounds/{regular.pk}/orgs/{org.pk}/{which}.docx")
        assert answer.status_code == 200
        doc = Document(io.BytesIO(answer.content))
        first = doc.paragraphs[0]
        assert title in first.text
        assert first.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
        body = next(p for p in doc.paragraphs if p.text.startswith(("根据工作安排", "本支部")))
        assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
        assert round(doc.sections[0].top_margin.mm) == 37 and round(doc.sections[0].left_margin.mm) == 28
        text = "\n".join(p.text for p in doc.paragraphs)
        for f in Finding.objects.filter(round=regular, org=org):
            assert f.description in text
        assert signed in text and "2022" not in first.text
    other = persona("zhibu2").org
    assert (
        login_as("zhibu1").get(f"/inspections/rounds/{regular.pk}/orgs/{other.pk}/feedback.docx").status_code
        == 403
    )


def test_the_follow_up_reports_how_many_closed_findings_held(client, api_token) -> None:
    follow = Round.objects.get(year=2022, kind=RoundKind.FOLLOW_UP)
    answer = client.get(
        f"/api/inspections/{follow.pk}/rechecks", headers={"authorization": f"Bearer {api_token('lingdao')}"}
    )
    body = answer.json()
    assert body["count"] == 6
    assert body["held"] == {"checked": 6, "held": 4, "reopened": 2, "held_rate": "67%"}
    mine = client.get(
        f"/api/inspections/{follow.pk}/rechecks", headers={"authorization": f"Bearer {api_token('zhibu1')}"}
    )
    assert mine.json()["count"] == 1 and mine.json()["items"][0]["result"] == "reopened"
