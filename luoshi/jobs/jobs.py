"""The queue's own periodic work: jobs whose worker died are taken back, and old
finished jobs are removed with their files."""

from luoshi.jobs.actions import prune_finished_jobs, recover_stalled_jobs
from luoshi.jobs.queue import local_crontab, periodic


@periodic(local_crontab(minute="*/5"), name="jobs.recover_stalled")
def recover_stalled() -> str:
    taken = recover_stalled_jobs()
    return f"已接管中断的后台任务 {taken} 个" if taken else ""


@periodic(local_crontab(minute="30", hour="3"), name="jobs.prune_finished")
def prune_finished() -> str:
    pruned = prune_finished_jobs()
    return f"已清理过期的后台任务 {pruned} 个" if pruned else ""
