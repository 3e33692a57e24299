"""The job queue: huey, configured by settings.HUEY (a SQLite file beside the data, or
Redis), and the two ways a part hands work to it, both declared in the part's `jobs.py`:

- `@job_task(kind, label)`: work a user asked for and watches. The body builds a file
  from (job, query, progress); the wrapper claims the Job row, reports progress, stores
  the file and records success or a Chinese error. The body never sees huey.
- `@periodic(schedule, …)`: work the clock asks for (overdue marking). Each runs at the
  worker's start and on its schedule; `luoshi worker --once` runs them all once.

A job is claimed with a conditional UPDATE (queued → running, by this process), so a
task delivered twice runs once; a job whose worker died is taken back by `take_back`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from huey import crontab, signals
from huey.contrib.djhuey import HUEY, close_db

from luoshi.core.errors import exception_place
from luoshi.jobs.choices import JobStatus
from luoshi.jobs.models import Job

logger = logging.getLogger("luoshi.jobs")

Progress = Callable[[int], None]
Body = Callable[[Job, str, Progress], bytes]
Schedule = Callable[[dt.datetime], bool]

MAX_ATTEMPTS = 3
# A running job that has not reported for this long has lost its worker (progress is
# reported every 1,000 rows; 20,000 rows take about 2 s).
STALE_AFTER = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class JobKind:
    kind: str
    label: str
    task: Any  # the huey TaskWrapper: task(job_id, query) enqueues


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Any  # task() enqueues; task.call_local() runs here and returns the Chinese summary


KINDS: dict[str, JobKind] = {}
PERIODIC: list[PeriodicJob] = []


def kind_label(kind: str) -> str:
    return KINDS[kind].label if kind in KINDS else "后台任务"


def result_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


@cache
def _token() -> str:
    return secrets.token_hex(4)


def worker_id() -> str:
    """host:pid:token of this process. The token tells this process from an earlier one
    that had the same pid (a container restarts with the same small pids)."""
    return f"{socket.gethostname()}:{os.getpid()}:{_token()}"


# --- schedules -----------------------------------------------------------------------


def local_crontab(minute: str = "*", hour: str = "*", day: str = "*", month: str = "*") -> Schedule:
    """A crontab in the office's time (settings.TIME_ZONE). huey passes the consumer's
    clock as naive UTC (HUEY utc=True); a plain crontab would run "after midnight" at
    08:05 in Beijing on a server kept in UTC."""
    rule = crontab(minute=minute, hour=hour, day=day, month=month)
    zone = ZoneInfo(settings.TIME_ZONE)

    def validate(timestamp: dt.datetime) -> bool:
        local = timestamp.replace(tzinfo=dt.UTC).astimezone(zone).replace(tzinfo=None)
        return bool(rule(local))

    return validate


def periodic(*schedules: Schedule, name: str) -> Callable[[Callable[[], str]], Any]:
    """Registers `func` (returning a one-line Chinese summary, or "" when there is nothing
    to say) to run on any of `schedules`
    and once at every worker start. A failure is logged by type and place only: the next
    run tries again."""

    def decorate(func: Callable[[], str]) -> Any:
        def run() -> None:
            try:
                if summary := func():
                    logger.info("%s", summary)
            except Exception as error:  # noqa: BLE001 - logged without its text; the next run retries
                logger.error("定时任务 %s 失败：%s", name, exception_place(error))

        task = HUEY.periodic_task(lambda ts: any(s(ts) for s in schedules), name=name)(close_db(run))
        task.call_local = func
        PERIODIC.append(PeriodicJob(name, task))
        return task

    return decorate


# --- jobs a user watches ---------------------------------------------------------------


def job_task(kind: str, label: str) -> Callable[[Body], Any]:
    """Registers `body` as the huey task of jobs of this kind; the task takes the job id
    and the filter query, so a job re-queued after a restart needs nothing but its row."""

    def decorate(body: Body) -> Any:
        def run(job_id: int, query: str) -> None:
            execute(job_id, query, body)

        task = HUEY.task(name=f"job.{kind}")(close_db(run))
        task.call_local = run
        KINDS[kind] = JobKind(kind, label, task)
        return task

    return decorate


def execute(job_id: int, query: str, body: Body) -> None:
    now = timezone.now()
    me = worker_id()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, worker=me, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return  # done, failed, or taken by another worker: a second delivery does nothing
    job = Job.objects.select_related("requested_by__org").get(pk=job_id)
    mine = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, worker=me)
    if not job.requested_by.is_active:  # disabled since asking: their scope no longer holds
        mine.update(
            status=JobStatus.FAILED, error="申请人的账户已停用，任务未执行。", finished_at=timezone.now()
        )
        return

    def progress(done: int) -> None:
        mine.update(done=done, heartbeat_at=timezone.now())

    try:
        data = body(job, query, progress)
        stored = secrets.token_hex(16)
        path = result_dir() / stored
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if not mine.update(
            status=JobStatus.DONE, stored_name=stored, done=job.total, finished_at=timezone.now()
        ):
            path.unlink(missing_ok=True)  # taken back meanwhile: the retry writes its own file
            return
        logger.info("%s已完成（任务 %s，%s 行）", job.kind_label, job_id, job.total)
    except Exception as error:  # noqa: BLE001 - the row says it in Chinese; the log says where
        logger.error("%s失败（任务 %s）：%s", job.kind_label, job_id, exception_place(error))
        mine.update(
            status=JobStatus.FAILED,
            error=f"{job.kind_label}失败，请稍后重试。",
            finished_at=timezone.now(),
        )


def enqueue(job: Job) -> None:
    """Queues the job's task once the row is committed, so the worker never looks for a
    row that is not there yet (or never will be, after a rollback)."""
    task = KINDS[job.kind].task
    job_id, query = job.pk, job.query
    transaction.on_commit(lambda: task(job_id, query))


def worker_gone(job: Job, now: dt.datetime | None = None) -> bool:
    """Whether the process that claimed a running job can no longer finish it: silent for
    STALE_AFTER, or (same host) its process has exited or was an earlier one with this pid."""
    now = now or timezone.now()
    if job.heartbeat_at is None or job.heartbeat_at < now - STALE_AFTER:
        return True
    host, _, rest = job.worker.partition(":")
    pid_text, _, token = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return token != _token()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def take_back(job: Job) -> str:
    """A running job whose worker is gone goes back into the queue, or fails with a
    Chinese message once it has been tried MAX_ATTEMPTS times (a job that kills its
    worker every time must not loop). Returns "retried", "failed" or "" (someone else
    changed the row first)."""
    claim = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, worker=job.worker)
    if job.attempts < MAX_ATTEMPTS and job.kind in KINDS:
        with transaction.atomic():
            if not claim.update(status=JobStatus.QUEUED, worker="", heartbeat_at=None):
                return ""
            job.status = JobStatus.QUEUED
            enqueue(job)
        logger.warning("%s因后台服务中断，重新排队（任务 %s）", job.kind_label, job.pk)
        return "retried"
    if claim.update(
        status=JobStatus.FAILED,
        error=f"{job.kind_label}因后台服务中断未能完成（已尝试 {job.attempts} 次），请重新发起。",
        finished_at=timezone.now(),
    ):
        logger.warning("%s因后台服务中断而失败（任务 %s）", job.kind_label, job.pk)
        return "failed"
    return ""


@HUEY.signal(signals.SIGNAL_INTERRUPTED)
def _interrupted(signal: str, task: Any, *args: Any, **kwargs: Any) -> None:
    """The consumer is stopping with this task still running (Ctrl+C past the shutdown
    timeout, SIGTERM): put its job back in the queue now rather than at the next start."""
    if not task.name.startswith("job.") or not task.args:
        return
    try:
        job = Job.objects.filter(pk=task.args[0], status=JobStatus.RUNNING, worker=worker_id()).first()
        if job is not None:
            take_back(job)
    except Exception as error:  # noqa: BLE001 - stopping anyway; the next start takes it back
        logger.error("中断的后台任务未能重新排队：%s", exception_place(error))
