"""Digests and deliveries on the clock (luoshi.jobs.queue)."""

from __future__ import annotations

from luoshi.jobs.queue import local_crontab, periodic
from luoshi.notify.actions import deliver_due, digest


# Every five minutes: a digest gathers what came in meanwhile (one message, not twenty),
# and retries whose backoff has passed go out.
@periodic(local_crontab(minute="*/5"), name="notify.send")
def send_notices() -> str:
    made = digest()
    counts = deliver_due()
    return f"新建摘要 {made} 条，发送 {counts['sent']} 条，待重试 {counts['retry']} 条，失败 {counts['failed']} 条"
