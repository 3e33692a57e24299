"""The reminder sweep on the clock (luoshi.jobs.queue)."""

from __future__ import annotations

from luoshi.jobs.queue import local_crontab, periodic
from luoshi.supervision.reminders import sweep


# 08:30 Beijing time on working days (the sweep itself does nothing on rest days), and
# hourly after, so a reminder planned late in the day or missed by a stopped worker goes out.
@periodic(
    local_crontab(minute="30", hour="8"),
    local_crontab(minute="40", hour="9-17"),
    name="supervision.reminders",
)
def remind() -> str:
    return str(sweep())
