"""Supervised items not from the plan (领导批示, 会议决定事项, 上级交办): registered by the plan
office with a lead and cooperating units, waiting for the lead's decomposition (待分解)
before they run; the 通报 page; orders and draws filtered and exported; each order printed
as an official document with its number from the shared counter."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
import time_machine

from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.notify.models import Notice
from luoshi.orgs.models import Organization
from luoshi.supervision import actions
from luoshi.supervision.models import OrderSource, OrderStatus
from luoshi.supervision.tests.helpers import occurrence
from luoshi.work import rules
from luoshi.work.choices import OccurrenceStatus
from luoshi.work.models import Occurrence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def wednesday_4_march():
    """09:00 Beijing time on a working day early in the demo's year."""
    with time_machine.travel(dt.datetime(2026, 3, 4, 1, 0, tzinfo=dt.UTC), tick=False):
        yield


OFFICE, POLICY = "办公室党支部", "政策法规处党支部"


def instruction(jgdw, **overrides):
    values = {
        "acting_user": jgdw,
        "source": OrderSource.INSTRUCTION,
        "title": "落实厅党组书记关于机关作风建设的批示",
        "subject": "请牵头制定整改方案，6月底前办结。",
        "lead_org": Organization.objects.get(name=OFFICE),
        "cooperating": [Organization.objects.get(name=POLICY)],
        "finish_by": dt.date(2026, 6, 30),
    }
    return actions.register_item(**(values | overrides))


def test_an_item_waits_for_the_leads_decomposition_then_runs(persona, login_as):
    jgdw, zhibu1, zhibu2 = persona("jgdw"), persona("zhibu1"), persona("zhibu2")
    order = instruction(jgdw)
    assert order.status == OrderStatus.DECOMPOSING and order.doc_number == "机党督〔2026〕1号"
    # Until decomposed, the lead owes its 分解方案 (reminded and counted), nobody else anything.
    plan = Occurrence.objects.get(duty=order.duty)
    assert plan.org == zhibu1.org and plan.period == "分解方案" and plan in rules.owed_by(zhibu1)
    assert not rules.owed_by(zhibu2).filter(duty=order.duty).exists()
    assert Notice.objects.filter(user=zhibu1, title__contains="报送分解方案").exists()
    page = login_as("zhibu1").get(f"/supervision/orders/{order.pk}/").content.decode()
    assert "待分解" in page and "提交分解方案" in page
    # The cooperating unit reads the item but may not decompose it.
    page = login_as("zhibu2").get(f"/supervision/orders/{order.pk}/").content.decode()
    assert "待分解" in page and "提交分解方案" not in page
    refused = login_as("zhibu2").post(
        f"/supervision/orders/{order.pk}/decompose/",
        {"content_1": "x", "org_1": str(zhibu2.org.pk), "due_1": "2026-04-01"},
    )
    assert refused.status_code == 403
    with pytest.raises(ActionRefused, match="不能办结"):
        actions.close_order(acting_user=jgdw, order=order)

    answer = login_as("zhibu1").post(
        f"/supervision/orders/{order.pk}/decompose/",
        {
            "content_1": "制定作风建设整改方案",
            "org_1": str(zhibu1.org.pk),
            "owner_1": "张三",
            "due_1": "2026-03-31",
            "content_2": "梳理政策法规类事项办理时限",
            "org_2": str(zhibu2.org.pk),
            "owner_2": "李四",
            "due_2": "2026-05-15",
        },
        follow=True,
    )
    assert "已分解" in answer.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN and order.answer_due == dt.date(2026, 5, 15)
    plan.refresh_from_db()
    assert plan.status == OccurrenceStatus.DONE
    steps = {s.org.name: s for s in order.plan.select_related("org", "occurrence")}
    assert steps[POLICY].owner == "李四" and steps[POLICY].occurrence in rules.owed_by(zhibu2)
    assert steps[OFFICE].occurrence.due_date == dt.date(2026, 3, 31)
    assert Notice.objects.filter(user=zhibu2, kind="order_steps").count() == 1
    with pytest.raises(ActionRefused, match="已分解"):
        actions.decompose_item(
            acting_user=zhibu1,
            order=order,
            steps=[actions.PlannedStep("再来一次", zhibu1.org, dt.date(2026, 4, 1))],
        )


def test_registration_and_decomposition_refuse_bad_input_in_chinese(persona, login_as):
    jgdw, zhibu1 = persona("jgdw"), persona("zhibu1")
    with pytest.raises(AccessRefused):
        instruction(zhibu1)
    with pytest.raises(ActionRefused, match="来源"):
        instruction(jgdw, source=OrderSource.PLAN)
    with pytest.raises(ActionRefused, match="办结时限"):
        instruction(jgdw, finish_by=dt.date(2027, 1, 15))
    page = login_as("jgdw").post(
        "/supervision/items/new/", {"source": "meeting", "title": "会议事项", "finish_by": "2026-06-30"}
    )
    assert page.status_code == 200 and "请选择牵头单位" in page.content.decode()
    order = instruction(jgdw)
    outsider = Organization.objects.exclude(name__in=[OFFICE, POLICY]).exclude(parent__isnull=True).first()
    cases = [
        ([actions.PlannedStep("越界", outsider, dt.date(2026, 4, 1))], "不是该事项的牵头或配合单位"),
        ([actions.PlannedStep("太晚", zhibu1.org, dt.date(2026, 7, 1))], "不能晚于办结时限"),
        ([actions.PlannedStep(" ", zhibu1.org, dt.date(2026, 4, 1))], "请填写工作内容"),
        ([], "请填写1至30个工作步骤"),
    ]
    for steps, message in cases:
        with pytest.raises(ActionRefused, match=message):
            actions.decompose_item(acting_user=zhibu1, order=order, steps=steps)
    order.refresh_from_db()
    assert order.status == OrderStatus.DECOMPOSING and not order.plan.exists()  # nothing half-saved


def test_items_through_the_api(persona, api_token, client):
    office, policy = Organization.objects.get(name=OFFICE), Organization.objects.get(name=POLICY)
    auth = {"Authorization": f"Bearer {api_token('jgdw')}"}
    created = client.post(
        "/api/supervision-items",
        {
            "source": "superior",
            "title": "上级交办：机关党建调研",
            "lead": office.pk,
            "cooperating": [policy.pk],
            "finish_by": "2026-06-30",
        },
        content_type="application/json",
        headers=auth,
    )
    assert created.status_code == 201 and created.json()["status"] == "decompose"
    order_id = created.json()["id"]
    lead = {"Authorization": f"Bearer {api_token('zhibu1')}"}
    body = {
        "steps": [{"content": "形成调研报告", "org": policy.pk, "owner": "王五", "due_date": "2026-05-20"}]
    }
    answer = client.post(
        f"/api/supervision-orders/{order_id}/decomposition",
        body,
        content_type="application/json",
        headers=lead,
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["decomposition"][0]["owner"] == "王五" and answer.json()["status"] == "open"
    again = client.post(
        f"/api/supervision-orders/{order_id}/decomposition",
        body,
        content_type="application/json",
        headers=lead,
    )
    assert again.status_code == 400 and "已分解" in again.json()["detail"]
    listed = client.get(f"/api/supervision-orders?source=superior&org={policy.pk}", headers=auth).json()
    assert [i["id"] for i in listed["items"]] == [order_id]
    assert client.get("/api/supervision-orders?source=meeting", headers=auth).json()["count"] == 0


def test_a_bulletin_names_its_organisations_to_the_whole_department(persona, login_as):
    jgdw = persona("jgdw")
    late = [occurrence(due=dt.date(2026, 3, 3), org=OFFICE), occurrence(due=dt.date(2026, 3, 3), org=POLICY)]
    order = actions.issue_order(
        acting_user=jgdw, title="季度报送", subject="", occurrences=late, level_rank=3
    )
    assert "季度报送" not in login_as("dangyuan1").get("/supervision/bulletins/").content.decode()
    actions.raise_level(acting_user=jgdw, order=order, reason="经督办仍未落实")
    assert 'href="/supervision/bulletins/"' in login_as("dangyuan1").get("/").content.decode()
    for reader in ("dangyuan1", "zhibu2", "lingdao"):
        page = login_as(reader).get("/supervision/bulletins/").content.decode()
        assert (
            "季度报送" in page
            and f"<strong>{OFFICE}</strong>" in page
            and f"<strong>{POLICY}</strong>" in page
        )


def sheet_rows(data: bytes) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def test_orders_and_draws_filter_and_export_for_office_and_discipline(persona, login_as):
    jgdw = persona("jgdw")
    actions.issue_order(
        acting_user=jgdw, title="=HYPERLINK(1)", subject="", occurrences=[occurrence(due=dt.date(2026, 3, 3))]
    )
    instruction(jgdw)
    actions.create_draw(acting_user=jgdw, title="第一季度随机调研", pool_text="甲\n乙\n丙", count=1)
    for user in ("jgdw", "jijian"):
        client = login_as(user)
        page = client.get("/supervision/orders/?source=instruction").content.decode()
        assert "作风建设" in page and "HYPERLINK" not in page
        rows = sheet_rows(client.get("/supervision/orders/export/?source=instruction").content)
        assert rows[1][0] == "截至2026年3月4日" and rows[2][:3] == ["序号", "文号", "级别"]
        assert [r[4] for r in rows[3:]] == ["落实厅党组书记关于机关作风建设的批示"]
        assert "领导批示" in rows[0][0]
        everything = sheet_rows(client.get("/supervision/orders/export/").content)
        assert "'=HYPERLINK(1)" in [r[4] for r in everything[3:]]  # never a formula
        draws = sheet_rows(client.get("/supervision/draws/export/?status=committed").content)
        assert draws[3][1] == "第一季度随机调研" and draws[3][5] == "（待揭示）"
        revealed = sheet_rows(client.get("/supervision/draws/export/?status=revealed").content)
        assert "第一季度随机调研" not in [r[1] for r in revealed[3:]]
    assert login_as("zhibu1").get("/supervision/orders/export/").status_code == 403
    refused = login_as("jgdw").get("/supervision/orders/?since=2026-13-01").content.decode()
    assert "格式应为" in refused


def test_each_order_prints_as_an_official_document(persona, login_as, api_token, client):
    jgdw = persona("jgdw")
    order = actions.issue_order(
        acting_user=jgdw,
        title="两项逾期事项",
        subject="请说明原因",
        occurrences=[occurrence(due=dt.date(2026, 3, 3), title="报送主体责任落实情况")],
        level_rank=3,
    )
    second = instruction(jgdw)
    assert (order.doc_number, second.doc_number) == ("机党督〔2026〕1号", "机党督〔2026〕2号")
    page = login_as("zhibu1").get(f"/supervision/orders/{order.pk}/").content.decode()
    assert f"/supervision/orders/{order.pk}/docx/" in page
    data = login_as("zhibu1").get(f"/supervision/orders/{order.pk}/docx/").content
    via_api = client.get(
        f"/api/supervision-orders/{order.pk}/docx", headers={"Authorization": f"Bearer {api_token('jgdw')}"}
    )
    assert via_api.status_code == 200 and via_api.content[:2] == b"PK"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        document = z.read("word/document.xml").decode()
    text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", document))
    for words in (
        "机党督〔2026〕1号",
        "关于两项逾期事项的督办通知",
        "办公室党支部：",
        "报送主体责任落实情况",
        "2026年3月",
    ):
        assert words in text
    assert 'w:eastAsia="仿宋_GB2312"' in document
    margins = re.search(r"<w:pgMar [^>]*>", document).group(0)
    assert 'w:top="2098"' in margins and 'w:left="1587"' in margins  # 37 mm and 28 mm
    assert login_as("zhibu2").get(f"/supervision/orders/{order.pk}/docx/").status_code == 404
