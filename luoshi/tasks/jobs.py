"""Background exports. A job is a row (status, progress, result file) that the page
polls; its body runs in a worker thread of the serving process and calls the same code
as a direct export.

A thread is enough for exports that take seconds on one machine; it does not survive a
restart (the row then stays "running" and the user starts the export again).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from luoshi.tasks.models import ExportJob


def export_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def start(
    job: ExportJob, body: Callable[[ExportJob, Callable[[int], None]], bytes], run_inline: bool = False
) -> None:
    inline = run_inline or getattr(settings, "LUOSHI_JOBS_INLINE", False)

    def run() -> None:
        try:
            ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)

            def progress(done: int) -> None:
                ExportJob.objects.filter(pk=job.pk).update(done_rows=done)

            data = body(job, progress)
            stored = secrets.token_hex(16)
            path = export_dir() / stored
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.Status.DONE,
                stored_name=stored,
                done_rows=job.total,
                finished_at=timezone.now(),
            )
        except Exception:  # noqa: BLE001 - the row records the failure; the user sees a Chinese message
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.Status.FAILED, error="导出失败，请稍后重试。"
            )
        finally:
            if not inline:
                close_old_connections()  # the thread's own connection

    if inline:
        run()
    else:
        threading.Thread(target=run, name=f"export-{job.pk}", daemon=True).start()
