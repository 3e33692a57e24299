from __future__ import annotations

import datetime as dt

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from luoshi.core.access import get_scoped_or_404
from luoshi.core.api import Id, responses
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


@router.get("/{int:job_id}", response=responses(JobOut, 404))
def get_job(request: HttpRequest, job_id: Id) -> dict:
    """One of the caller's own jobs: status and progress, the Chinese error if it failed.
    Somebody else's answers 404 and is audited as a denial."""
    return job_out(get_scoped_or_404(visible_jobs(request.user), request.user, pk=job_id))


FILE_200 = {
    "responses": {
        200: {
            "description": "任务生成的文件（附件下载）",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get("/{int:job_id}/file", url_name="job_file", response=responses(None, 404), openapi_extra=FILE_200)
def get_job_file(request: HttpRequest, job_id: Id) -> FileResponse:
    """The finished job's file; 404 before it is done."""
    return result_file(get_scoped_or_404(visible_jobs(request.user), request.user, pk=job_id))
