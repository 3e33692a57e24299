"""Event-triggered tasks fired by the office, and exactly-once review under concurrency."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from luoshi.core.errors import ActionRefused
from luoshi.orgs.models import Organization
from luoshi.tasks.models import Task
from luoshi.work.actions import fire_duty
from luoshi.work.models import Occurrence, Report


@pytest.mark.django_db
def test_the_office_fires_an_event_task_for_chosen_organisations(login_as) -> None:
    task = Task.objects.filter(duty__schedule_kind="event").select_related("duty").first()
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    client = login_as("jgdw")
    page = client.get(f"/tasks/{task.pk}/")
    assert "事件已发生" in page.content.decode()
    orgs = list(Organization.objects.filter(name__in=["办公室党支部", "人事处党支部"]))
    assert len(orgs) == 2
    response = client.post(
        f"/tasks/{task.pk}/fire/", {"due_date": due, "orgs": [o.pk for o in orgs], "label": "6月人事调整"}
    )
    assert response.status_code == 302
    assert task.duty.occurrences.filter(due_date=due).count() == 2
    # a secretary who sees the task cannot fire it, and is told why
    refused = login_as("zhibu1").post(
        f"/tasks/{task.pk}/fire/", {"due_date": due, "orgs": [orgs[0].pk]}, follow=True
    )
    assert "只有机关党委管理员可以发起事件任务" in refused.content.decode()
    assert task.duty.occurrences.filter(due_date=due).count() == 2


@pytest.mark.django_db
def test_an_event_is_not_fired_with_a_due_date_in_the_past(persona) -> None:
    task = Task.objects.filter(duty__schedule_kind="event").select_related("duty").first()
    with pytest.raises(ActionRefused, match="不能早于今天"):
        fire_duty(
            acting_user=persona("jgdw"),
            duty=task.duty,
            due_date=timezone.localdate() - dt.timedelta(days=1),
            orgs=[persona("zhibu1").org],
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers are tested on PostgreSQL (make test runs it)",
)
def test_twenty_reviewers_at_once_accept_a_report_exactly_once(demo, persona) -> None:
    from luoshi.work.actions import review_report, submit_report

    occ = Occurrence.objects.filter(org__name="办公室党支部").exclude(status="submitted").first()
    Occurrence.objects.filter(pk=occ.pk).update(status="not_started")
    occ.refresh_from_db()
    report = submit_report(acting_user=persona("zhibu1"), occurrence=occ, text="完成。")
    last_change = occ.changes.order_by("-id").values_list("id", flat=True).first()
    office = persona("jgdw")
    results: list[str] = []
    barrier = threading.Barrier(20)

    def review() -> None:
        barrier.wait()
        try:
            review_report(acting_user=office, report=Report.objects.get(pk=report.pk), decision="accept")
            results.append("ok")
        except ActionRefused:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=review) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok"] + ["refused"] * 19
    occ.refresh_from_db()
    assert occ.status == "done" and occ.changes.filter(new="done", id__gt=last_change).count() == 1
