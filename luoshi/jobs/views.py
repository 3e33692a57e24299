from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from luoshi.core.access import get_scoped_or_404
from luoshi.jobs.actions import visible_jobs
from luoshi.jobs.choices import JobStatus
from luoshi.jobs.models import Job
from luoshi.jobs.queue import result_dir


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress; htmx polls the fragment until the job is done or failed."""
    job = get_scoped_or_404(visible_jobs(request.user), request.user, pk=pk)
    template = "htmx/job.html" if request.htmx else "jobs/job_detail.html"
    return render(request, template, {"job": job})


def result_file(job: Job) -> FileResponse:
    """The finished job's file as a download under the name the user knows it by."""
    path = result_dir() / job.stored_name
    if job.status != JobStatus.DONE or not job.stored_name or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name or path.name)


@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    return result_file(get_scoped_or_404(visible_jobs(request.user), request.user, pk=pk))
