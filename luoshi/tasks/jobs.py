"""The work of this part that runs in `luoshi worker` (luoshi.jobs.queue): large
occurrence exports, and overdue marking on the clock."""

from __future__ import annotations

from django.http import QueryDict

from luoshi.jobs.models import Job
from luoshi.jobs.queue import Progress, job_task, local_crontab, periodic
from luoshi.tasks.actions import mark_overdue
from luoshi.tasks.exports import occurrences_xlsx
from luoshi.tasks.ledger import LedgerFilters, occurrence_export_rows

OCCURRENCES_TITLE = "任务事项明细"
OCCURRENCES_KIND = "occurrences"


@job_task(OCCURRENCES_KIND, "导出任务事项明细")
def export_occurrences(job: Job, query: str, progress: Progress) -> bytes:
    """The same rows and workbook as a direct export from the ledger, read with the
    requester's own scope and the filters they had on screen."""
    filters = LedgerFilters.from_query(QueryDict(query))
    return occurrences_xlsx(OCCURRENCES_TITLE, occurrence_export_rows(job.requested_by, filters), progress)


# Hourly, so an occurrence whose due date passes while the server runs is 逾期 within the
# hour; and at 00:05 Beijing time, so the day's first look already shows yesterday's lates.
@periodic(local_crontab(minute="0"), local_crontab(minute="5", hour="0"), name="tasks.mark_overdue")
def mark_overdue_occurrences() -> str:
    return f"已标记逾期事项 {mark_overdue()} 个"
