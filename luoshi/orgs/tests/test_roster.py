"""Rosters in and out (issue G-5): a department's 200 members set up from the sheet offices
keep, matched rather than duplicated, all rows or none; the roster exported in the same
layout with numbers masked unless the exporter may see them, and audited."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from luoshi.audit.models import AuditEvent
from luoshi.ledgers.actions import roster as meeting_roster
from luoshi.orgs import roster
from luoshi.orgs.choices import Education
from luoshi.orgs.models import Organization, Person, Post

pytestmark = pytest.mark.django_db

# Headers as a branch's own sheet has them: other words than the export's, another order.
OFFICE_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "学历",
    "政治面貌",
    "入党时间",
    "所在党支部",
    "现任职务",
    "联系电话",
    "公民身份号码",
]


def id_number(birth: dt.date, serial: int, male: bool) -> str:
    body = f"450103{birth:%Y%m%d}{serial % 100:02d}{(serial % 5) * 2 + (1 if male else 0)}"
    check = roster.ID_CHECKS[sum(int(d) * w for d, w in zip(body, roster.ID_WEIGHTS, strict=True)) % 11]
    return body + check


def office_row(n: int, branch: str, rng: random.Random) -> list[Any]:
    male = n % 2 == 0
    birth = dt.date(1970 + n % 28, 1 + n % 12, 1 + n % 27)
    return [
        n,
        f"导入{n:03d}号",
        "男" if male else "女",
        "汉族",
        f"{birth.year}.{birth.month:02d}",  # 出生年月: month only, the ID number has the day
        rng.choice(["大学本科", "研究生", "硕士研究生", "大专"]),
        "中共党员" if n % 10 else "中共预备党员",
        dt.datetime(birth.year + 25, 7, 1),
        branch,
        "主任科员",
        f"139{n:08d}",
        id_number(birth, n, male),
    ]


def sheet(rows: list[list[Any]], headers: list[str] = OFFICE_HEADERS, title: str = "党员花名册") -> bytes:
    book = Workbook()
    ws = book.active
    ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def two_hundred() -> bytes:
    rng = random.Random(7)
    branches = ["办公室党支部", "政策法规处党支部", "信息中心第一党支部", "地质局党委/地质局机关党支部"]
    return sheet([office_row(n, branches[n % 4], rng) for n in range(1, 201)])


def upload(client: Any, content: bytes, **extra: Any) -> Any:
    return client.post("/orgs/people/import/", {"file": io.BytesIO(content), **extra}, format="multipart")


def test_the_plan_office_sets_up_200_members_from_the_office_sheet_and_a_second_import_changes_nothing(
    login_as,
) -> None:
    client, content = login_as("jgdw"), two_hundred()
    before = Person.objects.count()
    response = client.post("/orgs/people/import/", {"file": _named(content)})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.count_new == 200 and not preview.errors
    assert Person.objects.count() == before  # a preview saves nothing
    confirmed = client.post(
        "/orgs/people/import/", {"sealed": response.context["sealed"], "filename": "花名册.xlsx"}
    )
    assert confirmed.status_code == 302
    assert Person.objects.count() == before + 200
    person = Person.objects.get(name="导入003号")
    assert person.org.name == "地质局机关党支部" and person.education in Education.values
    assert person.birth_date == dt.date(1973, 4, 4)  # the day from the ID number
    assert person.id_number.startswith("450103") and person.mobile == "13900000003"
    assert person in meeting_roster(person.org, dt.date.today())  # on the branch's roster for meetings
    assert Person.objects.get(name="导入010号").party_status == "probationary"
    assert AuditEvent.objects.filter(object_repr="导入党员花名册", message__contains="新增200人").count() == 1

    again = client.post("/orgs/people/import/", {"file": _named(content)}).context["preview"]
    assert (again.count_new, again.count_same) == (0, 200)


def _named(content: bytes, name: str = "花名册.xlsx") -> io.BytesIO:
    stream = io.BytesIO(content)
    stream.name = name
    return stream


def test_a_registered_person_is_matched_by_id_number_else_by_name_and_birth_date(login_as, persona) -> None:
    known = Person.objects.filter(org__name="办公室党支部").exclude(id_number="").order_by("id")
    by_id, by_birth = known[0], known[1]
    rows = [
        [1, by_id.name, "", "", "", "", "", "", "办公室党支部", "一级调研员", "", by_id.id_number],
        [2, by_birth.name, "", "", by_birth.birth_date.isoformat(), "", "", "", "办公室党支部", "", "", ""],
    ]
    preview = roster.preview_people(acting_user=persona("zhibu1"), content=sheet(rows))
    first, second = preview.rows
    assert first.person == by_id and first.changes == ["职务"]
    assert second.person == by_birth and second.action == "无变化"
    roster.import_people(acting_user=persona("zhibu1"), content=sheet(rows))
    by_id.refresh_from_db()
    assert by_id.job_title == "一级调研员" and Person.objects.filter(name=by_id.name).count() == 1


def test_bad_rows_are_named_in_chinese_and_nothing_is_saved(api_token, client) -> None:
    good = office_row(1, "办公室党支部", random.Random(1))
    bad_check = office_row(2, "办公室党支部", random.Random(1))
    bad_check[11] = bad_check[11][:-1] + ("0" if bad_check[11][-1] != "0" else "1")
    numeric = office_row(3, "办公室党支部", random.Random(1))
    numeric[11] = 450103198001010011
    unknown = office_row(4, "不存在的支部", random.Random(1))
    unknown[5] = "留学"
    content = sheet([good, bad_check, numeric, unknown])
    token = api_token("jgdw")
    before = Person.objects.count()
    answer = client.post(
        "/api/orgs/people/import",
        {"file": _named(content), "confirm": "true"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 400 and Person.objects.count() == before
    detail = answer.json()["detail"]
    assert "有3行有误" in detail and "第4行：身份证号校验位不符" in detail
    preview = client.post(
        "/api/orgs/people/import", {"file": _named(content)}, HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    errors = {r["row"]: r["errors"] for r in preview["rows"]}
    assert errors[3] == []
    assert any("存成了数字" in e for e in errors[5])
    assert any("不在您可管理的组织中" in e for e in errors[6]) and any("学历“留学”" in e for e in errors[6])


def test_a_secretary_cannot_import_into_a_sibling_branch_or_move_its_members(persona) -> None:
    sibling = Person.objects.filter(org__name="政策法规处党支部").exclude(id_number="").first()
    rows = [
        office_row(1, "政策法规处党支部", random.Random(1)),
        [2, sibling.name, "", "", "", "", "", "", "办公室党支部", "", "", sibling.id_number],
    ]
    preview = roster.preview_people(acting_user=persona("zhibu1"), content=sheet(rows))
    assert "不在您可管理的组织中" in preview.rows[0].errors[0]
    assert "您不能调整" in preview.rows[1].errors[-1]


def test_the_sealed_file_is_for_its_uploader_only_and_cannot_be_altered(login_as, persona) -> None:
    token = roster.seal(sheet([office_row(1, "办公室党支部", random.Random(1))]), persona("jgdw"))
    with pytest.raises(roster.ActionRefused):
        roster.unseal(token, persona("zhibu1"))
    with pytest.raises(roster.ActionRefused):
        roster.unseal(token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"), persona("jgdw"))
    response = login_as("zhibu1").post("/orgs/people/import/", {"sealed": token})
    assert "预览已失效" in response.content.decode()


def test_a_file_that_is_not_a_workbook_or_has_no_header_is_refused_in_chinese(login_as) -> None:
    client = login_as("zhibu1")
    assert (
        "另存为 .xlsx"
        in client.post("/orgs/people/import/", {"file": _named(b"\xd0\xcf\x11\xe0old")}).content.decode()
    )
    no_header = sheet([["张三", "男"]], headers=["甲", "乙"])
    assert (
        "找不到党员花名册的表头"
        in client.post("/orgs/people/import/", {"file": _named(no_header)}).content.decode()
    )


def test_the_export_masks_numbers_the_exporter_may_not_see_and_imports_back_unchanged(
    login_as, persona
) -> None:
    branch = Organization.objects.get(name="办公室党支部")
    person = Person.objects.filter(org=branch).exclude(id_number="").first()

    def cells(username: str) -> list[list[Any]]:
        response = login_as(username).get(f"/orgs/{branch.pk}/roster.xlsx")
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]

    secretary = cells("zhibu1")
    assert secretary[2] == roster.PEOPLE_COLUMNS
    assert any(row[11] == person.id_number for row in secretary[3:])
    leader = cells("lingdao")  # reads the department, may not reveal personal numbers
    assert not any(row[11] == person.id_number for row in leader[3:])
    assert any(row[11] == roster.mask_id_number(person.id_number) for row in leader[3:])
    events = AuditEvent.objects.filter(action="export", object_repr__startswith="导出党员花名册")
    assert events.count() == 2 and "含完整" in events.first().message

    exported = login_as("zhibu1").get(f"/orgs/{branch.pk}/roster.xlsx").content
    again = roster.preview_people(acting_user=persona("zhibu1"), content=exported)
    assert (
        not again.errors
        and again.count_same
        == len(again.rows)
        == Person.objects.filter(org__path__startswith=branch.path).count()
    )


def test_the_system_administrator_imports_the_organisation_tree_with_parents_from_the_sheet(
    login_as, persona
) -> None:
    rows = [
        [1, "新成立第二党支部", "新成立党总支", "", "", 2],
        [2, "新成立党总支", "厅机关党委", "党总支", "新总支", 9],
        [3, "新成立第一党支部", "新成立党总支", "党支部", "", 1],
        [4, "办公室党支部", "厅机关党委", "党支部", "", ""],
    ]
    content = sheet(
        rows, headers=["序号", "组织名称", "上级组织", "组织类型", "简称", "排序"], title="组织机构"
    )
    client = login_as("sysadmin")
    preview = client.post("/orgs/import/", {"file": _named(content)}).context["preview"]
    assert [r.action for r in preview.rows] == ["新增", "新增", "新增", "无变化"]
    assert client.post("/orgs/import/", {"sealed": preview_token(client, content)}).status_code == 302
    general = Organization.objects.get(name="新成立党总支")
    assert general.kind == "general_branch" and general.parent.name == "厅机关党委"
    assert set(general.children.values_list("name", flat=True)) == {"新成立第一党支部", "新成立第二党支部"}
    assert Organization.objects.get(name="新成立第二党支部").kind == "branch"  # from the name's ending
    again = roster.preview_orgs(acting_user=persona("sysadmin"), content=content)
    assert {r.action for r in again.rows} == {"无变化"}
    assert login_as("jgdw").post("/orgs/import/", {"file": _named(content)}).status_code == 403


def preview_token(client: Any, content: bytes) -> str:
    return str(client.post("/orgs/import/", {"file": _named(content)}).context["sealed"])


def test_an_organisation_sheet_with_a_cycle_or_an_unknown_parent_is_refused_whole(persona) -> None:
    rows = [
        [1, "甲支部", "乙支部", "党支部"],
        [2, "乙支部", "甲支部", "党支部"],
        [3, "丙支部", "无此组织", "党支部"],
    ]
    preview = roster.preview_orgs(
        acting_user=persona("sysadmin"),
        content=sheet(rows, headers=["序号", "组织名称", "上级组织", "组织类型"]),
    )
    assert "上级组织形成循环" in preview.rows[0].errors
    assert "不在您可管理的组织中" in preview.rows[2].errors[0]
    with pytest.raises(roster.ActionRefused):
        roster.import_orgs(
            acting_user=persona("sysadmin"),
            content=sheet(rows, headers=["序号", "组织名称", "上级组织", "组织类型"]),
        )
    assert not Organization.objects.filter(name__in=["甲支部", "乙支部", "丙支部"]).exists()
    assert not Post.objects.filter(org__name="甲支部").exists()
