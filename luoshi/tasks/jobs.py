"""The work of this part that runs in `luoshi worker` (luoshi.jobs.queue): large
occurrence exports of the task ledger."""

from __future__ import annotations

from django.http import QueryDict

from luoshi.jobs.models import Job
from luoshi.jobs.queue import Progress, job_task
from luoshi.work.filters import OccurrenceFilters

OCCURRENCES_TITLE = "任务事项明细"
OCCURRENCES_KIND = "occurrences"


@job_task(OCCURRENCES_KIND, "导出任务事项明细")
def export_occurrences(job: Job, query: str, progress: Progress) -> bytes:
    """The same rows and workbook as a direct export from the ledger, read with the
    requester's own scope and the filters they had on screen."""
    from luoshi.tasks.actions import export_occurrences as build

    filters = OccurrenceFilters.from_query(QueryDict(query))
    return build(acting_user=job.requested_by, filters=filters, progress=progress)[1]
