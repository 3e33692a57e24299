"""Notices in the app: the bell's count, the notices page, mark read (own notices only),
the API, and review results reaching the reporting organisation."""

from __future__ import annotations

import pytest

from luoshi.audit.models import AuditEvent
from luoshi.notify.actions import notify, notify_org
from luoshi.notify.models import Notice
from luoshi.work import actions as work
from luoshi.work.choices import OccurrenceStatus, ReviewDecision
from luoshi.work.models import Occurrence

pytestmark = pytest.mark.django_db


def test_bell_counts_unread_and_page_marks_read(login_as, persona):
    zhibu1 = persona("zhibu1")
    notify(kind="test", title="请报送第一季度进展", users=[zhibu1])
    notify(kind="test", title="第二条", users=[zhibu1])
    client = login_as("zhibu1")
    home = client.get("/").content.decode()
    assert 'data-unread="2"' in home
    page = client.get("/notices/").content.decode()
    assert "请报送第一季度进展" in page and "未读" in page
    first = Notice.objects.get(user=zhibu1, title="第二条")
    client.post("/notices/read/", {"ids": [first.pk]})
    assert 'data-unread="1"' in client.get("/").content.decode()
    client.post("/notices/read/")
    assert "data-unread" not in client.get("/").content.decode()
    assert AuditEvent.objects.filter(object_type="notify.notice", actor_name="zhibu1").exists()


def test_cannot_mark_another_persons_notice(login_as, persona):
    assert notify(kind="t", title="给支部二", users=[persona("zhibu2")]) == 1
    other = Notice.objects.get(user=persona("zhibu2"), title="给支部二")
    login_as("zhibu1").post("/notices/read/", {"ids": [other.pk]})
    other.refresh_from_db()
    assert other.read_at is None


def test_keyed_notice_is_written_once():
    from luoshi.orgs.models import Organization

    org = Organization.objects.get(name="办公室党支部")
    first = notify_org(org, kind="t", title="逾期", key="late:1")
    second = notify_org(org, kind="t", title="逾期", key="late:1")
    assert first >= 2 and second == 0  # staff + the organisation's robot row, then nothing


def test_api_lists_own_notices(api_token, persona, client):
    notify(kind="t", title="接口通知", users=[persona("zhibu1")])
    notify(kind="t", title="别人的", users=[persona("zhibu2")])
    token = api_token("zhibu1")
    answer = client.get("/api/notices?unread=true", headers={"Authorization": f"Bearer {token}"}).json()
    titles = [i["title"] for i in answer["items"]]
    assert "接口通知" in titles and "别人的" not in titles and answer["unread"] == answer["count"]
    marked = client.post(
        "/api/notices/read", {}, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert marked["marked"] == answer["count"]
    bad = client.get("/api/notices?limit=100000", headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 422 and "超出允许范围" in bad.json()["detail"]


def test_returned_report_notifies_reporting_organisation(persona):
    zhibu1, jgdw = persona("zhibu1"), persona("jgdw")
    occ = Occurrence.objects.filter(org=zhibu1.org).order_by("due_date").first()
    Occurrence.objects.filter(pk=occ.pk).update(status=OccurrenceStatus.NOT_STARTED)
    occ.refresh_from_db()
    report = work.submit_report(acting_user=zhibu1, occurrence=occ, text="已开展")
    work.review_report(
        acting_user=jgdw, report=report, decision=ReviewDecision.RETURN, comment="请补充会议记录"
    )
    notice = Notice.objects.get(user=zhibu1, kind="review_returned")
    assert "退回" in notice.title and "请补充会议记录" in notice.body
    assert notice.url == f"/work/occurrences/{occ.pk}/"
    assert Notice.objects.filter(org=zhibu1.org, kind="review_returned").count() == 1
    assert not Notice.objects.filter(user=persona("zhibu2"), kind="review_returned").exists()
