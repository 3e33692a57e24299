"""The work of this part that runs in `luoshi worker` (luoshi.jobs.queue): large
occurrence exports of the task ledger."""

from __future__ import annotations

from django.http import QueryDict
from django.utils import timezone

from luoshi.jobs.models import Job
from luoshi.jobs.queue import Progress, job_task
from luoshi.tasks.exports import occurrences_xlsx
from luoshi.tasks.ledger import export_title, occurrence_export_rows
from luoshi.work.filters import OccurrenceFilters

OCCURRENCES_TITLE = "任务事项明细"
OCCURRENCES_KIND = "occurrences"


@job_task(OCCURRENCES_KIND, "导出任务事项明细")
def export_occurrences(job: Job, query: str, progress: Progress) -> bytes:
    """The same rows and workbook as a direct export from the ledger, read with the
    requester's own scope and the filters they had on screen."""
    filters = OccurrenceFilters.from_query(QueryDict(query))
    title = export_title(filters, OCCURRENCES_TITLE)
    rows = occurrence_export_rows(job.requested_by, filters)
    return occurrences_xlsx(title, rows, timezone.localdate(), progress)
