"""Jobs in this process: what a job does for the user who asked for it, what happens when
its body fails or its worker dies, and when the periodic work runs."""

from __future__ import annotations

import datetime as dt
import io
import logging
import socket
import subprocess
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from luoshi.core.errors import ActionRefused
from luoshi.jobs import queue
from luoshi.jobs.actions import prune_finished_jobs, recover_stalled_jobs, start_job
from luoshi.jobs.choices import JobStatus
from luoshi.jobs.models import Job
from luoshi.plans.models import Plan
from luoshi.work.choices import OccurrenceStatus
from luoshi.work.models import Occurrence

SHANGHAI = ZoneInfo("Asia/Shanghai")


def demo_plan() -> Plan:
    return Plan.objects.filter(status="published").order_by("id").first()


def large_export(client: Client, monkeypatch: pytest.MonkeyPatch, plan: Plan) -> str:
    from luoshi.tasks import views

    monkeypatch.setattr(views, "INLINE_EXPORT_LIMIT", 10)
    response = client.get(f"/tasks/ledger/?plan={plan.pk}&export=occurrences")
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    return str(response.url)


def dead_pid() -> int:
    child = subprocess.Popen(["true"])  # noqa: S607 - a process that has certainly exited
    child.wait()
    return child.pid


def running_job(user: object, worker: str, attempts: int = 1, heartbeat: dt.datetime | None = None) -> Job:
    return Job.objects.create(
        requested_by=user,
        kind="occurrences",
        query="",
        status=JobStatus.RUNNING,
        worker=worker,
        attempts=attempts,
        heartbeat_at=heartbeat or timezone.now(),
    )


def test_a_large_export_is_a_job_its_requester_follows_and_downloads(
    login_as, api_token, monkeypatch, immediate_jobs, django_capture_on_commit_callbacks
) -> None:
    plan = demo_plan()
    client = login_as("jgdw")
    with django_capture_on_commit_callbacks(execute=True):
        url = large_export(client, monkeypatch, plan)
    page = client.get(url)
    job = page.context["job"]
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert "导出任务事项明细" in page.content.decode() and "任务台账" in page.content.decode()
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row - 3 == Occurrence.objects.filter(duty__task__plan=plan).count() == job.total

    api = Client(headers={"Authorization": f"Bearer {api_token('jgdw')}"})
    body = api.get(f"/api/jobs/{job.pk}").json()
    assert body["status"] == "done" and body["percent"] == 100 and body["total"] == job.total
    assert api.get(body["file"]).status_code == 200

    # Another user's job does not exist for them, on the page, the download and the API.
    other = Client(headers={"Authorization": f"Bearer {api_token('zhibu1')}"})
    assert login_as("zhibu1").get(url).status_code == 404
    assert login_as("zhibu1").get(f"/jobs/{job.pk}/download/").status_code == 404
    assert other.get(f"/api/jobs/{job.pk}").status_code == 404


def test_a_large_export_is_queued_not_built_in_the_request(
    login_as, monkeypatch, empty_queue, django_capture_on_commit_callbacks
) -> None:
    client = login_as("jgdw")
    with django_capture_on_commit_callbacks(execute=True):
        url = large_export(client, monkeypatch, demo_plan())
    page = client.get(url)
    assert page.context["job"].status == JobStatus.QUEUED and "排队中" in page.content.decode()
    assert empty_queue.pending_count() == 1
    assert client.get(url.rstrip("/") + "/download/").status_code == 404  # nothing to download yet


def test_only_a_signed_in_user_starts_a_job(db) -> None:
    with pytest.raises(ActionRefused, match="请先登录"):
        start_job(acting_user=AnonymousUser(), kind="occurrences", query="", total=1, file_name="x.xlsx")


def test_a_failing_job_says_so_in_chinese_and_logs_no_message(persona, caplog) -> None:
    job = Job.objects.create(requested_by=persona("jgdw"), kind="occurrences", total=3)

    def body(job: Job, query: str, progress: queue.Progress) -> bytes:
        raise ValueError("张三 110101199003077777")  # what an exception may carry

    with caplog.at_level(logging.INFO, logger="luoshi.jobs"):
        queue.execute(job.pk, "", body)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "导出任务事项明细失败，请稍后重试。"
    assert "ValueError at test_jobs.py" in caplog.text and "张三" not in caplog.text


def test_a_job_delivered_twice_runs_once(persona) -> None:
    job = Job.objects.create(requested_by=persona("jgdw"), kind="occurrences", total=1)
    calls = []

    def body(job: Job, query: str, progress: queue.Progress) -> bytes:
        calls.append(job.pk)
        return b"x"

    queue.execute(job.pk, "", body)
    queue.execute(job.pk, "", body)
    job.refresh_from_db()
    assert calls == [job.pk] and job.status == JobStatus.DONE and job.attempts == 1


def test_a_job_whose_worker_died_is_run_again(
    persona, immediate_jobs, django_capture_on_commit_callbacks
) -> None:
    job = running_job(persona("jgdw"), f"{socket.gethostname()}:{dead_pid()}:abcd")
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stalled_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2


def test_a_job_that_keeps_losing_its_worker_fails_with_a_chinese_message(persona) -> None:
    job = running_job(
        persona("jgdw"), f"{socket.gethostname()}:{dead_pid()}:abcd", attempts=queue.MAX_ATTEMPTS
    )
    assert recover_stalled_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "导出任务事项明细因后台服务中断未能完成（已尝试 3 次），请重新发起。"


def test_a_job_on_another_machine_is_taken_back_only_when_it_falls_silent(
    persona, empty_queue, django_capture_on_commit_callbacks
) -> None:
    user = persona("jgdw")
    alive = running_job(user, "elsewhere:123:abcd")
    silent = running_job(user, "elsewhere:124:abcd", heartbeat=timezone.now() - queue.STALE_AFTER * 2)
    here = running_job(user, queue.worker_id())  # this very process: still running it
    earlier = running_job(user, queue.worker_id().rsplit(":", 1)[0] + ":0ld0")  # an earlier process, same pid
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stalled_jobs() == 2
    statuses = {j.pk: j.status for j in Job.objects.filter(pk__in=[alive.pk, silent.pk, here.pk, earlier.pk])}
    assert statuses == {
        alive.pk: JobStatus.RUNNING,
        silent.pk: JobStatus.QUEUED,
        here.pk: JobStatus.RUNNING,
        earlier.pk: JobStatus.QUEUED,
    }
    assert empty_queue.pending_count() == 2


@pytest.mark.parametrize(
    ("beijing", "runs"),
    [
        ("2026-03-02 00:00", True),  # on the hour
        ("2026-03-02 00:05", True),  # just after midnight
        ("2026-03-02 00:06", False),
        ("2026-03-02 13:00", True),
        ("2026-03-02 13:30", False),
        ("2026-03-02 08:05", False),  # 00:05 UTC: a crontab read in UTC would run here
    ],
)
def test_overdue_marking_runs_hourly_and_just_after_beijing_midnight(beijing: str, runs: bool) -> None:
    """The schedule as the consumer's scheduler reads it: huey's own clock (UTC) at the
    frozen moment, through huey's periodic validation."""
    moment = dt.datetime.fromisoformat(beijing).replace(tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        due = {task.name for task in queue.HUEY.read_periodic(queue.HUEY._get_timestamp())}
    assert ("work.mark_overdue" in due) is runs


def test_taking_back_stalled_jobs_runs_every_five_minutes() -> None:
    def due_at(beijing: str) -> set[str]:
        with time_machine.travel(dt.datetime.fromisoformat(beijing).replace(tzinfo=SHANGHAI), tick=False):
            return {task.name for task in queue.HUEY.read_periodic(queue.HUEY._get_timestamp())}

    assert "jobs.recover_stalled" in due_at("2026-03-02 10:35")
    assert "jobs.recover_stalled" not in due_at("2026-03-02 10:36")


def test_an_occurrence_turns_overdue_through_the_periodic_task(db, immediate_jobs) -> None:
    from luoshi.work.jobs import mark_overdue_occurrences

    occ = Occurrence.objects.filter(org__name="办公室党支部").order_by("due_date").first()
    Occurrence.objects.filter(pk=occ.pk).update(status=OccurrenceStatus.IN_PROGRESS)
    the_day_after = dt.datetime.combine(occ.due_date + dt.timedelta(days=1), dt.time(1, 0), tzinfo=SHANGHAI)
    with time_machine.travel(the_day_after, tick=False):
        mark_overdue_occurrences()  # enqueues; immediate mode runs it here
    occ.refresh_from_db()
    assert occ.status == OccurrenceStatus.OVERDUE
    assert occ.changes.filter(new=OccurrenceStatus.OVERDUE).exists()


def test_finished_jobs_go_with_their_files_after_a_week(persona) -> None:
    user = persona("jgdw")
    queue.result_dir().mkdir(parents=True, exist_ok=True)
    old, recent = (
        Job.objects.create(requested_by=user, kind="occurrences", status=JobStatus.DONE, stored_name=name)
        for name in ("old-file", "recent-file")
    )
    waiting = Job.objects.create(requested_by=user, kind="occurrences")  # queued: its worker may come
    for name in ("old-file", "recent-file"):
        (queue.result_dir() / name).write_bytes(b"x")
    Job.objects.filter(pk__in=[old.pk, waiting.pk]).update(created_at=timezone.now() - dt.timedelta(days=8))
    assert prune_finished_jobs() == 1
    assert set(Job.objects.filter(requested_by=user).values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not Job.objects.filter(pk=old.pk).exists()
    assert not (queue.result_dir() / "old-file").exists() and (queue.result_dir() / "recent-file").exists()


def test_a_job_of_a_user_disabled_since_asking_is_not_run(persona) -> None:
    user = persona("jgdw")
    job = Job.objects.create(requested_by=user, kind="occurrences", total=1)
    type(user).objects.filter(pk=user.pk).update(is_active=False)

    def body(job: Job, query: str, progress: queue.Progress) -> bytes:
        raise AssertionError("must not run")

    queue.execute(job.pk, "", body)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "申请人的账户已停用，任务未执行。"
