from __future__ import annotations

import datetime as dt

from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema

from luoshi.jobs.actions import visible_jobs
from luoshi.jobs.choices import JobStatus
from luoshi.jobs.models import Job
from luoshi.jobs.views import result_file

router = Router(tags=["后台任务"])


class JobOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    total: int
    done: int
    percent: int
    file_name: str
    error: str
    attempts: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    file: str | None  # GET this (with the same token) for the result once status is "done"


def job_out(job: Job) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": job.kind_label,
        "status": job.status,
        "status_label": job.get_status_display(),
        "total": job.total,
        "done": job.done,
        "percent": job.percent,
        "file_name": job.file_name,
        "error": job.error,
        "attempts": job.attempts,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "file": reverse("api:job_file", args=[job.pk]) if job.status == JobStatus.DONE else None,
    }


@router.get("/{job_id}", response=JobOut)
def get_job(request: HttpRequest, job_id: int) -> dict:
    """One of the caller's own jobs: status and progress, the Chinese error if it failed."""
    return job_out(get_object_or_404(visible_jobs(request.user), pk=job_id))


@router.get("/{job_id}/file", url_name="job_file")
def get_job_file(request: HttpRequest, job_id: int) -> FileResponse:
    """The finished job's file; 404 before it is done."""
    return result_file(get_object_or_404(visible_jobs(request.user), pk=job_id))
