"""The work of this part that runs in `luoshi worker` on the clock (luoshi.jobs.queue)."""

from __future__ import annotations

from luoshi.jobs.queue import local_crontab, periodic
from luoshi.work.actions import mark_overdue


# Hourly, so an occurrence whose due date passes while the server runs is 逾期 within the
# hour; and at 00:05 Beijing time, so the day's first look already shows yesterday's lates.
@periodic(local_crontab(minute="0"), local_crontab(minute="5", hour="0"), name="work.mark_overdue")
def mark_overdue_occurrences() -> str:
    return f"已标记逾期事项 {mark_overdue()} 个"
