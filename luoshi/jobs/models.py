from __future__ import annotations

from django.conf import settings
from django.db import models

from luoshi.jobs.choices import JobStatus


class Job(models.Model):
    """Work a user asked for that runs in the worker, not in the request: the row the job
    page and GET /api/jobs/{id} poll (status, progress, the result file, a Chinese error).

    `worker` and `heartbeat_at` say who runs it and when it last moved, so that a job whose
    worker died is taken back (retried, or failed after MAX_ATTEMPTS) instead of staying
    "running" for ever (luoshi.jobs.queue.take_back)."""

    scope_path_field = "requested_by__org__path"

    kind = models.CharField(max_length=32)  # the name a part registered with @job_task
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    query = models.TextField(blank=True)  # the list page's filters, as the user sent them
    back_url = models.CharField(max_length=2000, blank=True)  # the page the job was started from
    back_label = models.CharField(max_length=50, blank=True)  # that page's name, for the breadcrumb
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)  # the name the user downloads
    stored_name = models.CharField(max_length=100, blank=True)  # a random name under media/exports
    error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)  # host:pid:token of the process running it
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "后台任务"
        indexes = [models.Index(fields=["status"], name="jobs_job_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values),
                name="jobs_job_status_valid",
                violation_error_message="后台任务状态无效。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.get_status_display()}"

    @property
    def kind_label(self) -> str:
        from luoshi.jobs.queue import kind_label

        return kind_label(self.kind)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(100, int(100 * self.done / self.total)) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in JobStatus.finished()
