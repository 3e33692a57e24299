"""Starting a job and taking back jobs whose worker died. The work itself is a part's
body registered with luoshi.jobs.queue.job_task; it runs in `luoshi worker`, never in a
request thread."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from luoshi.core.errors import ActionRefused
from luoshi.jobs import queue
from luoshi.jobs.choices import JobStatus
from luoshi.jobs.models import Job


def visible_jobs(user: Any) -> QuerySet[Job]:
    """A job is its requester's alone: its file holds what that user's scope shows, so
    nobody else, not even the same organisation, may read it (404 like a missing job)."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(requested_by=user)


def start_job(
    *,
    acting_user: Any,
    kind: str,
    query: str,
    total: int,
    file_name: str,
    back_url: str = "",
    back_label: str = "",
) -> Job:
    """Creates the job's row and queues its body after commit. The caller has already
    checked and audited what the job does (an export is audited as such by its list
    view); the body reads with `acting_user`'s own scope in the worker."""
    if not getattr(acting_user, "is_authenticated", False) or not acting_user.is_active:
        raise ActionRefused("请先登录。")
    if kind not in queue.KINDS:
        raise ActionRefused("不支持的后台任务。")
    if back_url and not url_has_allowed_host_and_scheme(back_url, allowed_hosts=None):
        back_url = ""
    with transaction.atomic():
        job = Job.objects.create(
            requested_by=acting_user,
            kind=kind,
            query=query,
            total=total,
            file_name=file_name[:200],
            back_url=back_url[:2000],
            back_label=back_label[:50],
        )
        queue.enqueue(job)
    return job


def recover_stalled_jobs() -> int:
    """Running jobs whose worker has gone are retried or failed with a Chinese message
    (queue.take_back). Cheap when nothing is running: one indexed query. Returns how many
    were taken back."""
    taken = 0
    for job in Job.objects.filter(status=JobStatus.RUNNING):
        if queue.worker_gone(job) and queue.take_back(job):
            taken += 1
    return taken


KEEP_FINISHED = dt.timedelta(days=7)


def prune_finished_jobs(now: dt.datetime | None = None) -> int:
    """Finished jobs older than KEEP_FINISHED go, with their files: an export is a copy of
    what the ledger shows on the day, and copies of personal data should not pile up in
    the media folder. Returns how many rows went."""
    cutoff = (now or timezone.now()) - KEEP_FINISHED
    old = Job.objects.filter(status__in=JobStatus.finished(), created_at__lt=cutoff)
    for stored in old.exclude(stored_name="").values_list("stored_name", flat=True):
        (queue.result_dir() / stored).unlink(missing_ok=True)
    deleted, _ = old.delete()
    return deleted
