"""Changes after publishing, with the date fixed: 申请延期 and its decision, lateness kept
against the due date in force, 改派, 增加/撤回责任单位 and 调整 — each with who and why in
the history, audited, permission-checked, refused in Chinese with nothing saved, and never
touching what was already reported."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.notify.models import Notice
from luoshi.orgs.models import Organization
from luoshi.work import actions, rules
from luoshi.work.choices import ChangeKind
from luoshi.work.models import Duty, ExtensionRequest, Occurrence, StatusChange

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 10)  # a Wednesday
DUE = dt.date(2026, 6, 20)
frozen = time_machine.travel(dt.datetime(2026, 6, 10, 1, 0, tzinfo=dt.UTC), tick=False)
BRANCH, SIBLING = "办公室党支部", "政策法规处党支部"  # zhibu1's and zhibu2's


def duty_with_periods(*dues: dt.date, orgs: tuple[str, ...] = (BRANCH,)) -> Duty:
    """A duty of its own, owed by `orgs`, one period per due date."""
    from luoshi.accounts.models import User

    office = User.objects.get(username="jgdw")
    unit = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    duty = Duty.objects.create(
        title="测试调整事项", unit=unit, year=2026, lead_org=office.org, created_by=office
    )
    for name in orgs:
        org = Organization.objects.get(name=name)
        duty.responsible_orgs.add(org)
        for i, due in enumerate(dues):
            Occurrence.objects.create(
                duty=duty, org=org, period=f"第{i + 1}期", period_start=dt.date(2026, 1, 1), due_date=due
            )
    return duty


def one(due: dt.date = DUE, org: str = BRANCH) -> Occurrence:
    duty = duty_with_periods(due, orgs=(org,))
    return duty.occurrences.get()


def ask(persona, occ: Occurrence, wished: dt.date = dt.date(2026, 7, 15), reason: str = "迎检任务重"):  # noqa: ANN001, ANN201
    return actions.request_extension(
        acting_user=persona("zhibu1"), occurrence=occ, wished_due=wished, reason=reason
    )


def kinds(occ: Occurrence) -> list[str]:
    return list(StatusChange.objects.filter(occurrence=occ).values_list("kind", flat=True))


@frozen
def test_a_granted_extension_moves_the_due_date_and_tells_the_requester(persona) -> None:
    occ = one()
    extension = ask(persona, occ)
    assert extension.status == "pending" and extension.due_at_request == DUE
    occ.refresh_from_db()
    assert occ.due_date == DUE  # asking moves nothing
    actions.decide_extension(
        acting_user=persona("jgdw"), extension=extension, decision="grant", granted_due=dt.date(2026, 7, 10)
    )
    occ.refresh_from_db()
    extension.refresh_from_db()
    assert (occ.due_date, occ.original_due, occ.change_mark) == (dt.date(2026, 7, 10), DUE, "extended")
    assert extension.status == "granted" and extension.granted_due == dt.date(2026, 7, 10)  # not the wish
    change = StatusChange.objects.get(occurrence=occ, kind=ChangeKind.EXTENSION_GRANTED)
    assert (change.old_due, change.new_due, change.by.username) == (DUE, dt.date(2026, 7, 10), "jgdw")
    assert kinds(occ) == [ChangeKind.EXTENSION_ASKED, ChangeKind.EXTENSION_GRANTED]
    notice = Notice.objects.get(user__username="zhibu1", key=f"extension:{extension.pk}")
    assert "延至2026-07-10" in notice.title and notice.url == f"/work/occurrences/{occ.pk}/"
    assert (
        AuditEvent.objects.filter(object_type="work.extensionrequest", object_id=str(extension.pk)).count()
        == 2
    )
    with pytest.raises(ActionRefused, match="已审批"):
        actions.decide_extension(
            acting_user=persona("jgdw"), extension=extension, decision="refuse", comment="x"
        )


@frozen
def test_a_refusal_needs_a_reason_and_leaves_the_due_date(persona) -> None:
    occ = one()
    extension = ask(persona, occ)
    with pytest.raises(ActionRefused, match="不同意延期时请填写理由"):
        actions.decide_extension(acting_user=persona("jgdw"), extension=extension, decision="refuse")
    extension.refresh_from_db()
    assert extension.status == "pending"
    actions.decide_extension(
        acting_user=persona("jgdw"), extension=extension, decision="refuse", comment="时限不变"
    )
    occ.refresh_from_db()
    assert occ.due_date == DUE and occ.change_mark == ""
    assert Notice.objects.filter(user__username="zhibu1", kind="extension_refused").exists()


@frozen
@pytest.mark.parametrize(
    ("wished", "reason", "message"),
    [
        (dt.date(2026, 6, 1), "理由", "不能早于今天"),
        (dt.date(2026, 6, 15), "理由", "应晚于现在的完成时限"),
        (DUE, "理由", "应晚于现在的完成时限"),
        (dt.date(2026, 7, 15), "   ", "请填写延期理由"),
        (None, "理由", "请填写申请延至的日期"),
    ],
)
def test_bad_extension_requests_are_refused_in_chinese_and_save_nothing(
    persona, wished, reason, message
) -> None:
    occ = one()
    before = (ExtensionRequest.objects.count(), StatusChange.objects.count())
    with pytest.raises(ActionRefused, match=message):
        ask(persona, occ, wished=wished, reason=reason)
    assert (ExtensionRequest.objects.count(), StatusChange.objects.count()) == before


@frozen
def test_one_pending_request_at_a_time_and_none_after_the_due_date(persona) -> None:
    occ = one()
    ask(persona, occ)
    with pytest.raises(ActionRefused, match="已有延期申请待审批"):
        ask(persona, occ, wished=dt.date(2026, 8, 1))
    late = one(due=dt.date(2026, 6, 9))
    with pytest.raises(ActionRefused, match="已超过完成时限"):
        ask(persona, late)
    assert not ExtensionRequest.objects.filter(occurrence=late).exists()


@frozen
def test_who_may_ask_and_who_may_decide(persona) -> None:
    occ = one()
    with pytest.raises(AccessRefused):
        actions.request_extension(
            acting_user=persona("zhibu2"), occurrence=occ, wished_due=DUE, reason="越权"
        )
    extension = ask(persona, occ)
    for username in ("zhibu1", "lingdao", "jijian"):
        with pytest.raises(AccessRefused):
            actions.decide_extension(acting_user=persona(username), extension=extension, decision="grant")
        with pytest.raises(AccessRefused):
            actions.reassign_occurrence(
                acting_user=persona(username),
                occurrence=occ,
                org=Organization.objects.get(name=SIBLING),
                reason="x",
            )
        with pytest.raises(AccessRefused):
            actions.reschedule_period(
                acting_user=persona(username), duty=occ.duty, period=occ.period, due_date=DUE, reason="x"
            )
    extension.refresh_from_db()
    assert extension.status == "pending"


def test_lateness_counts_against_the_original_date_until_an_extension_is_granted(persona) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 10, 1, 0, tzinfo=dt.UTC), tick=False):
        occ, other = one(), one()
        asked, refused = ask(persona, occ), ask(persona, other)
    with time_machine.travel(dt.datetime(2026, 6, 22, 1, 0, tzinfo=dt.UTC), tick=False):
        actions.mark_overdue()
        occ.refresh_from_db()
        assert occ.status == "overdue" and occ.missed_due == DUE  # pending is not granted
        assert rules.bucket_of(occ) == "late"
        actions.decide_extension(
            acting_user=persona("jgdw"), extension=asked, decision="grant", granted_due=dt.date(2026, 7, 15)
        )
        actions.decide_extension(
            acting_user=persona("jgdw"), extension=refused, decision="refuse", comment="按期"
        )
        occ.refresh_from_db()
        other.refresh_from_db()
        # Asked in time and granted: owed again, no lateness mark. Refused: late, marked.
        assert (occ.status, occ.missed_due, rules.bucket_of(occ)) == ("not_started", None, "later")
        assert (other.status, other.missed_due, other.was_late) == ("overdue", DUE, True)
        report = actions.submit_report(acting_user=persona("zhibu1"), occurrence=other, text="已补办。")
        actions.review_report(acting_user=persona("jgdw"), report=report, decision="accept")
        other.refresh_from_db()
        assert other.status == "done" and other.missed_due == DUE  # the mark stays after the work is done


def test_a_returned_occurrence_reported_after_its_due_date_is_marked_late(persona) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 10, 1, 0, tzinfo=dt.UTC), tick=False):
        occ = one()
        report = actions.submit_report(acting_user=persona("zhibu1"), occurrence=occ, text="初稿")
        actions.review_report(acting_user=persona("jgdw"), report=report, decision="return", comment="请补充")
    with time_machine.travel(dt.datetime(2026, 6, 23, 1, 0, tzinfo=dt.UTC), tick=False):
        actions.mark_overdue()
        occ.refresh_from_db()
        assert occ.status == "returned" and occ.missed_due == DUE


def test_reminders_follow_the_granted_due_date(persona) -> None:
    from luoshi.supervision.models import Reminder
    from luoshi.supervision.reminders import plan_reminders

    calendar = actions.load_calendar([2026])
    with time_machine.travel(dt.datetime(2026, 6, 10, 1, 0, tzinfo=dt.UTC), tick=False):
        occ = one()
        actions.decide_extension(
            acting_user=persona("jgdw"),
            extension=ask(persona, occ),
            decision="grant",
            granted_due=dt.date(2026, 7, 15),
        )
    plan_reminders(dt.date(2026, 6, 22), calendar)  # past the original date: not late
    assert not Reminder.objects.filter(occurrence=occ, kind="late").exists()
    plan_reminders(dt.date(2026, 7, 14), calendar)  # one working day before the new date
    assert Reminder.objects.filter(
        occurrence=occ, kind="lead", lead_days=1, due_date=dt.date(2026, 7, 15)
    ).exists()
    assert not Reminder.objects.filter(occurrence=occ, due_date=DUE).exists()


@frozen
def test_reassigning_withdraws_the_old_occurrence_and_keeps_its_reports(persona) -> None:
    occ = one()
    ask(persona, occ)
    sibling = Organization.objects.get(name=SIBLING)
    own_before = rules.bucket_counts(rules.owed_by(persona("zhibu1")))["total"]
    new = actions.reassign_occurrence(
        acting_user=persona("jgdw"), occurrence=occ, org=sibling, reason="职责调整"
    )
    occ.refresh_from_db()
    assert occ.status == "withdrawn" and rules.bucket_of(occ) == "withdrawn"
    assert rules.light_of(occ).colour == "grey"
    assert (new.org, new.period, new.due_date, new.change_mark) == (sibling, occ.period, DUE, "reassigned")
    assert rules.bucket_counts(rules.owed_by(persona("zhibu1")))["total"] == own_before - 1
    assert not Occurrence.objects.filter(rules.open_q(), pk=occ.pk).exists()
    assert ExtensionRequest.objects.get(occurrence=occ).status == "cancelled"
    assert StatusChange.objects.get(occurrence=new, kind="reassigned").related == occ
    assert set(occ.duty.responsible_orgs.all()) == {sibling}
    assert Notice.objects.filter(user__username="zhibu2", kind="occurrence_reassigned").exists()
    with pytest.raises(ActionRefused, match="已撤回"):
        actions.submit_report(acting_user=persona("zhibu1"), occurrence=occ, text="还报")


@frozen
def test_reassigning_past_the_due_date_needs_a_new_one(persona) -> None:
    occ = one(due=dt.date(2026, 6, 1))
    sibling = Organization.objects.get(name=SIBLING)
    with pytest.raises(ActionRefused, match="请为新的责任单位确定完成时限"):
        actions.reassign_occurrence(acting_user=persona("jgdw"), occurrence=occ, org=sibling, reason="调整")
    with pytest.raises(ActionRefused, match="请填写改派理由"):
        actions.reassign_occurrence(acting_user=persona("jgdw"), occurrence=occ, org=sibling, reason="")
    occ.refresh_from_db()
    assert occ.status == "not_started" and not Occurrence.objects.filter(duty=occ.duty, org=sibling).exists()
    new = actions.reassign_occurrence(
        acting_user=persona("jgdw"), occurrence=occ, org=sibling, reason="调整", due_date=dt.date(2026, 6, 30)
    )
    assert new.due_date == dt.date(2026, 6, 30)


@frozen
def test_withdrawing_an_organisation_withdraws_only_its_open_occurrences(persona) -> None:
    duty = duty_with_periods(
        dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 9, 30), orgs=(BRANCH, SIBLING)
    )
    branch = Organization.objects.get(name=BRANCH)
    first = duty.occurrences.get(org=branch, period="第1期")
    Occurrence.objects.filter(pk=first.pk).update(status="done")
    all_before = rules.bucket_counts(duty.occurrences.all())
    assert (
        actions.withdraw_org_from_duty(acting_user=persona("jgdw"), duty=duty, org=branch, reason="机构撤并")
        == 2
    )
    statuses = dict(duty.occurrences.filter(org=branch).values_list("period", "status"))
    assert statuses == {"第1期": "done", "第2期": "withdrawn", "第3期": "withdrawn"}
    after = rules.bucket_counts(duty.occurrences.all())
    assert after["total"] == all_before["total"] - 2 and after["done"] == 1
    assert sum(after[b] for b in rules.COUNTED_BUCKETS) == after["total"]
    assert branch not in duty.responsible_orgs.all()
    with pytest.raises(ActionRefused, match="没有未完成的事项可撤回"):
        actions.withdraw_org_from_duty(acting_user=persona("jgdw"), duty=duty, org=branch, reason="再撤")


@frozen
def test_an_added_organisation_owes_the_remaining_periods_only(persona) -> None:
    duty = duty_with_periods(dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 9, 30))
    sibling = Organization.objects.get(name=SIBLING)
    created = actions.add_org_to_duty(acting_user=persona("jgdw"), duty=duty, org=sibling, reason="新增职责")
    assert sorted(o.period for o in created) == ["第2期", "第3期"]
    assert all(o.change_mark == "added" and o.status == "not_started" for o in created)
    assert StatusChange.objects.filter(occurrence__in=created, kind="added", by__username="jgdw").count() == 2
    with pytest.raises(ActionRefused, match="已是该事项的责任单位"):
        actions.add_org_to_duty(acting_user=persona("jgdw"), duty=duty, org=sibling, reason="再加")
    # Withdrawn, then added again: a fresh occurrence beside the withdrawn one.
    actions.withdraw_org_from_duty(acting_user=persona("jgdw"), duty=duty, org=sibling, reason="撤")
    again = actions.add_org_to_duty(acting_user=persona("jgdw"), duty=duty, org=sibling, reason="恢复")
    assert len(again) == 2 and duty.occurrences.filter(org=sibling).count() == 4


@frozen
def test_rescheduling_moves_open_occurrences_only(persona) -> None:
    duty = duty_with_periods(dt.date(2026, 6, 30), orgs=(BRANCH, SIBLING))
    reported = duty.occurrences.get(org__name=SIBLING)
    report = actions.submit_report(acting_user=persona("zhibu2"), occurrence=reported, text="已完成")
    with pytest.raises(ActionRefused, match="请填写调整理由"):
        actions.reschedule_period(
            acting_user=persona("jgdw"), duty=duty, period="第1期", due_date=dt.date(2026, 7, 31), reason=""
        )
    with pytest.raises(ActionRefused, match="不能早于今天"):
        actions.reschedule_period(
            acting_user=persona("jgdw"), duty=duty, period="第1期", due_date=dt.date(2026, 5, 31), reason="调"
        )
    moved = actions.reschedule_period(
        acting_user=persona("jgdw"),
        duty=duty,
        period="第1期",
        due_date=dt.date(2026, 7, 31),
        reason="年中调整",
    )
    assert moved == 1
    dues = dict(duty.occurrences.values_list("org__name", "due_date"))
    assert dues == {BRANCH: dt.date(2026, 7, 31), SIBLING: dt.date(2026, 6, 30)}
    report.refresh_from_db()
    assert report.text == "已完成" and report.status == "submitted"
    branch_occ = duty.occurrences.get(org__name=BRANCH)
    assert branch_occ.change_mark == "rescheduled" and branch_occ.original_due == dt.date(2026, 6, 30)


@frozen
def test_the_api_asks_decides_and_answers_bad_input_in_chinese(api_token) -> None:
    from django.test import Client

    occ = one()
    branch, office = api_token("zhibu1"), api_token("jgdw")

    def post(token: str, path: str, body: dict) -> object:
        return Client().post(
            path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )

    url = f"/api/occurrences/{occ.pk}/extensions"
    bad = post(branch, url, {"wished_due": "2026-06-01", "reason": "x"})
    assert bad.status_code == 400 and "不能早于今天" in bad.json()["detail"]
    assert post(api_token("zhibu2"), url, {"wished_due": "2026-07-01", "reason": "x"}).status_code == 404
    made = post(branch, url, {"wished_due": "2026-07-01", "reason": "任务重"})
    assert made.status_code == 201 and made.json()["status"] == "pending"
    listed = Client().get("/api/extensions?status=pending", HTTP_AUTHORIZATION=f"Bearer {office}").json()
    assert made.json()["id"] in [e["id"] for e in listed["items"]]
    decision = f"/api/extensions/{made.json()['id']}/decision"
    assert post(branch, decision, {"decision": "grant"}).status_code == 403
    granted = post(office, decision, {"decision": "grant"})
    assert granted.status_code == 200 and granted.json()["granted_due"] == "2026-07-01"
    detail = Client().get(f"/api/occurrences/{occ.pk}", HTTP_AUTHORIZATION=f"Bearer {branch}").json()
    assert detail["due"] == "2026-07-01" and detail["original_due"] == "2026-06-20"
    assert detail["change_mark_label"] == "已延期" and not detail["was_late"]
    assert [h["kind"] for h in detail["history"]] == ["extension_asked", "extension_granted"]
    sibling = Organization.objects.get(name=SIBLING)
    moved = post(office, f"/api/occurrences/{occ.pk}/reassign", {"org": sibling.pk, "reason": "调整"})
    assert moved.status_code == 201 and moved.json()["org"]["id"] == sibling.pk
    resched = post(
        office,
        f"/api/duties/{occ.duty_id}/reschedule",
        {"period": occ.period, "due": "2026-08-01", "reason": "调"},
    )
    assert resched.json() == {"moved": 1}
    added = post(office, f"/api/duties/{occ.duty_id}/orgs", {"org": occ.org_id, "reason": "恢复"})
    assert added.status_code == 201 and added.json()["count"] == 1
    withdrawn = post(office, f"/api/duties/{occ.duty_id}/orgs/{sibling.pk}/withdraw", {"reason": "撤"})
    assert withdrawn.json() == {"withdrawn": 1}


@frozen
def test_the_pages_ask_and_decide_and_keep_what_was_typed(login_as) -> None:
    occ = one()
    branch = login_as("zhibu1")
    page = branch.get(f"/work/occurrences/{occ.pk}/")
    assert "申请延期" in page.content.decode() and "调整（机关党委）" not in page.content.decode()
    refused = branch.post(
        f"/work/occurrences/{occ.pk}/extension/", {"ext-wished_due": "2026-07-01", "ext-reason": ""}
    )
    assert refused.status_code == 400 and "延期理由" in refused.content.decode()
    assert "2026-07-01" in refused.content.decode()
    assert not ExtensionRequest.objects.filter(occurrence=occ).exists()
    branch.post(
        f"/work/occurrences/{occ.pk}/extension/", {"ext-wished_due": "2026-07-01", "ext-reason": "迎检"}
    )
    extension = ExtensionRequest.objects.get(occurrence=occ)
    office = login_as("jgdw")
    assert "1项待审批" in office.get("/work/review/").content.decode()
    assert "迎检" in office.get("/work/extensions/").content.decode()
    assert (
        branch.post(f"/work/extensions/{extension.pk}/decide/", {"dec-decision": "grant"}).status_code == 403
    )
    office.post(
        f"/work/extensions/{extension.pk}/decide/", {"dec-decision": "grant", "dec-due": "2026-07-05"}
    )
    page = branch.get(f"/work/occurrences/{occ.pk}/").content.decode()
    assert "2026年7月5日" in page and "已延期" in page and "同意延期" in page and "原定时限" in page


@frozen
def test_the_ledger_marks_changed_tasks_and_counts_no_withdrawn_occurrence(persona, login_as) -> None:
    from luoshi.tasks.ledger import attach_counts
    from luoshi.tasks.models import Task
    from luoshi.work.filters import OccurrenceFilters

    def two_orgs(task: Task) -> list[Occurrence]:
        by_org = {o.org_id: o for o in task.duty.occurrences.filter(status="not_started").order_by("-id")}
        return list(by_org.values())[:2]

    task = next(t for t in Task.objects.order_by("id") if len(two_orgs(t)) == 2)
    occurrences = two_orgs(task)
    Occurrence.objects.filter(pk__in=[o.pk for o in occurrences]).update(due_date=DUE)
    office = persona("jgdw")
    before = attach_counts(office, OccurrenceFilters(), [task])[0].counts["total"]
    actions.reschedule_period(
        acting_user=office,
        duty=task.duty,
        period=occurrences[0].period,
        due_date=dt.date(2026, 7, 1),
        reason="调",
    )
    actions.withdraw_org_from_duty(acting_user=office, duty=task.duty, org=occurrences[1].org, reason="撤")
    row = attach_counts(office, OccurrenceFilters(), [Task.objects.get(pk=task.pk)])[0]
    withdrawn = task.duty.occurrences.filter(status="withdrawn").count()
    assert row.counts["total"] == before - withdrawn and "withdrawn" not in row.counts
    assert ("已调整", task.duty.occurrences.filter(change_mark="rescheduled").count()) in row.marks
    page = login_as("jgdw").get(f"/tasks/ledger/?task={task.pk}").content.decode()
    assert "已调整" in page
