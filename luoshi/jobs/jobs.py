"""The queue's own periodic work: jobs whose worker died are taken back."""

from luoshi.jobs.actions import recover_stalled_jobs
from luoshi.jobs.queue import local_crontab, periodic


@periodic(local_crontab(minute="*/5"), name="jobs.recover_stalled")
def recover_stalled() -> str:
    taken = recover_stalled_jobs()
    return f"已接管中断的后台任务 {taken} 个" if taken else ""
