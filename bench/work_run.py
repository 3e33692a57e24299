"""One run of the plan-to-work benchmarks against the database in LUOSHI_DATABASE_URL (or
a fresh SQLite file): publishing the reference plan for the demo department, the ledger
page with 20,000 occurrences in scope, and the .xlsx export of 20,000 occurrence rows.
Run by bench_work.py in a fresh process per database."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")


def main() -> None:
    import django

    django.setup()
    from pathlib import Path

    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.common import report
    from luoshi.accounts.models import User
    from luoshi.demo import build_demo
    from luoshi.demo_year import REFERENCE_PLAN
    from luoshi.plans import actions
    from luoshi.tasks.exports import occurrences_xlsx
    from luoshi.tasks.ledger import occurrence_export_rows
    from luoshi.tasks.models import Task
    from luoshi.work.filters import OccurrenceFilters
    from luoshi.work.models import Occurrence

    call_command("migrate", verbosity=0)
    build_demo(password="Bench-pass-2022")
    office = User.objects.get(username="jgdw")

    times = []
    for _ in range(3):
        plan = actions.import_plan(acting_user=office, data=REFERENCE_PLAN.read_bytes(), filename="ref.txt")
        start = time.perf_counter()
        result = actions.publish_plan(acting_user=office, plan=plan, confirmed=True)
        times.append(time.perf_counter() - start)
    report(
        f"发布参考要点（{result['tasks']}项任务、{result['occurrences']}个事项，中位数）",
        statistics.median(times),
        "s",
        2,
    )

    # Bring the last plan to 20,000 occurrences: extra monthly periods for its tasks' organisations.
    tasks = list(
        Task.objects.filter(plan=plan).select_related("duty").prefetch_related("duty__responsible_orgs")
    )
    have = Occurrence.objects.filter(duty__task__plan=plan).count()
    extra, i = [], 0
    while have + len(extra) < 20_000:
        task = tasks[i % len(tasks)]
        orgs = list(task.duty.responsible_orgs.all())
        org = orgs[(i // len(tasks)) % len(orgs)]
        day = dt.date(2022, 1, 1) + dt.timedelta(days=i % 365)
        extra.append(
            Occurrence(
                duty=task.duty,
                org=org,
                period=f"附加{i}",
                period_start=day,
                due_date=day,
                status=("done", "not_started", "submitted", "overdue")[i % 4],
            )
        )
        i += 1
    Occurrence.objects.bulk_create(extra, batch_size=2000)
    total = Occurrence.objects.filter(duty__task__plan=plan).count()

    client = Client()
    client.post("/accounts/login/", {"username": "jgdw", "password": "Bench-pass-2022"})
    url = f"/tasks/ledger/?plan={plan.pk}"
    client.get(url)
    samples = []
    for _ in range(10):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    report(
        f"任务台账页面（范围内{total}个事项，中位数，{len(queries)}次查询）",
        statistics.median(samples) * 1000,
        "ms",
        300,
    )

    filters = OccurrenceFilters(plan=plan.pk)
    start = time.perf_counter()

    data = occurrences_xlsx("任务事项明细", occurrence_export_rows(office, filters), dt.date.today())
    seconds = time.perf_counter() - start
    report(f"导出 {total} 行事项 .xlsx（{len(data) // 1024} KB）", seconds, "s", 10)

    # The same export as a user gets it: the request queues a job, a running `luoshi worker`
    # builds it; from the click to the file being ready for download.
    import subprocess

    from luoshi.jobs.models import Job

    worker = subprocess.Popen(
        [sys.executable, "-m", "luoshi.cli", "worker"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert worker.stdout is not None
        for line in worker.stdout:  # the start-up work (overdue marking) is done first
            if "已标记逾期事项" in line:
                break
        start = time.perf_counter()
        response = client.get(f"{url}&export=occurrences")
        queued = time.perf_counter() - start
        job = Job.objects.get(pk=int(response.url.strip("/").rsplit("/", 1)[1]))
        deadline = start + 120
        while Job.objects.filter(pk=job.pk, status__in=["queued", "running"]).exists():
            assert time.perf_counter() < deadline, "the worker did not finish the export within 120 s"
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        assert Job.objects.get(pk=job.pk).status == "done"
    finally:
        worker.terminate()
        worker.wait()
    report(f"导出 {total} 行事项请求（只排队，不生成）", queued * 1000, "ms", 300)
    report(f"导出 {total} 行事项后台任务（点击到可下载）", seconds, "s", 10)


if __name__ == "__main__":
    sys.exit(main())
