"""Supervision orders: issued for late occurrences as a SUPERVISION duty the
organisation owes (我的待办), answered with evidence, raised up the ladder with a wider
audience, closed only when every answer is accepted; permissions and Chinese refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.core.samplefiles import pdf_bytes
from luoshi.notify.models import Notice
from luoshi.supervision import actions
from luoshi.supervision.models import OrderStatus
from luoshi.supervision.tests.helpers import occurrence
from luoshi.work import actions as work
from luoshi.work import rules
from luoshi.work.choices import DutyKind, ReviewDecision
from luoshi.work.models import Occurrence

pytestmark = pytest.mark.django_db


def late_pair() -> list[Occurrence]:
    return [
        occurrence(due=dt.date(2026, 3, 3), org="办公室党支部", title="第一项"),
        occurrence(due=dt.date(2026, 3, 3), org="办公室党支部", title="第二项"),
    ]


def test_issue_answer_close(persona, login_as):
    jgdw, zhibu1 = persona("jgdw"), persona("zhibu1")
    order = actions.issue_order(
        acting_user=jgdw, title="两项逾期事项", subject="请说明原因", occurrences=late_pair()
    )
    assert order.level.name == "催办" and order.doc_number.endswith("号")
    assert order.duty.kind == DutyKind.SUPERVISION
    answer = Occurrence.objects.get(duty=order.duty)
    assert answer.org == zhibu1.org and answer in rules.owed_by(zhibu1)
    assert Notice.objects.filter(user=zhibu1, kind="order_2").count() == 1
    assert AuditEvent.objects.filter(object_type="supervision.supervisionorder", action="create").exists()
    # zhibu1 sees it in the bell and on the order page; zhibu2 does not see it at all.
    assert "两项逾期事项" in login_as("zhibu1").get(f"/supervision/orders/{order.pk}/").content.decode()
    assert login_as("zhibu2").get(f"/supervision/orders/{order.pk}/").status_code == 404
    with pytest.raises(ActionRefused, match="未审核通过"):
        actions.close_order(acting_user=jgdw, order=order)
    report = work.submit_report(
        acting_user=zhibu1,
        occurrence=answer,
        text="已整改，附会议记录。",
        files=[SimpleUploadedFile("说明.pdf", pdf_bytes(["ok"]), "application/pdf")],
    )
    work.review_report(acting_user=jgdw, report=report, decision=ReviewDecision.ACCEPT)
    closed = actions.close_order(acting_user=jgdw, order=order, note="已落实")
    assert closed.status == OrderStatus.CLOSED
    with pytest.raises(ActionRefused, match="已办结"):
        actions.close_order(acting_user=jgdw, order=order)


def test_raise_widens_audience(persona):
    jgdw = persona("jgdw")
    order = actions.issue_order(acting_user=jgdw, title="待升级", subject="", occurrences=late_pair())
    with pytest.raises(ActionRefused, match="升级理由"):
        actions.raise_level(acting_user=jgdw, order=order, reason=" ")
    raised = actions.raise_level(acting_user=jgdw, order=order, reason="逾期未答复")
    assert raised.level.name == "督办"
    assert Notice.objects.filter(user__username="lingdao", kind="order_3").exists()
    assert not Notice.objects.filter(user__username="lingdao", kind="order_2").exists()
    assert Occurrence.objects.filter(duty=order.duty).count() == 2  # the first answer stays on record
    assert [s.action for s in raised.steps.all()] == ["下发", "升级"]


def test_only_office_and_discipline_issue(persona, login_as):
    with pytest.raises(AccessRefused):
        actions.issue_order(acting_user=persona("zhibu1"), title="x", subject="", occurrences=late_pair())
    assert login_as("zhibu1").get("/supervision/orders/new/").status_code == 403
    with pytest.raises(ActionRefused, match="请选择要督办的事项"):
        actions.issue_order(acting_user=persona("jijian"), title="x", subject="", occurrences=[])
    page = login_as("jgdw").post("/supervision/orders/new/", {"title": "", "level": "abc"})
    assert page.status_code == 200 and "请填写督办事项名称" in page.content.decode()


def test_api_lists_orders_in_scope(persona, api_token, client):
    order = actions.issue_order(
        acting_user=persona("jgdw"), title="接口督办", subject="", occurrences=late_pair()
    )
    for user, seen in (("jgdw", True), ("zhibu1", True), ("zhibu2", False)):
        answer = client.get("/api/supervision-orders", headers={"Authorization": f"Bearer {api_token(user)}"})
        assert (order.pk in [i["id"] for i in answer.json()["items"]]) is seen
    detail = client.get(
        f"/api/supervision-orders/{order.pk}", headers={"Authorization": f"Bearer {api_token('zhibu2')}"}
    )
    assert detail.status_code == 404 and "未找到" in detail.json()["detail"]
    detail = client.get(
        f"/api/supervision-orders/{order.pk}", headers={"Authorization": f"Bearer {api_token('jgdw')}"}
    )
    assert detail.json()["answers"][0]["org"] == "办公室党支部"


def test_lights_page_rolls_up(login_as):
    occurrence(due=dt.date(2026, 1, 5))  # late in the current year of the demo
    page = login_as("jgdw").get("/supervision/lights/").content.decode()
    assert "按组织" in page and "按计划部分" in page and "bg-danger" in page
    assert login_as("zhibu1").get("/supervision/lights/").status_code == 403
