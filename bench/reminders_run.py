"""One run of the reminder-sweep benchmark against LUOSHI_DATABASE_URL: the demo, plus
1,000 duties × the demo's organisations × enough periods for 500,000 open occurrences with due dates
around the sweep day (some late, some within the lead times, some lagging)."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")

N_DUTIES = 1000


def main() -> None:
    import django

    django.setup()
    from pathlib import Path

    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    from django.core.management import call_command

    from bench.common import report
    from luoshi.accounts.models import User
    from luoshi.demo import build_demo
    from luoshi.notify.models import Notice
    from luoshi.orgs.models import Organization
    from luoshi.supervision.models import Reminder
    from luoshi.supervision.reminders import sweep
    from luoshi.work.models import Duty, Occurrence

    call_command("migrate", verbosity=0)
    build_demo(password="Bench-pass-2022")
    today = dt.date(2026, 6, 10)  # a Wednesday
    office = User.objects.get(username="jgdw")
    unit = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    orgs = list(Organization.objects.exclude(pk=unit.pk).order_by("id")[:50])
    periods = -(-500_000 // (N_DUTIES * len(orgs)))
    started = time.perf_counter()
    duties = Duty.objects.bulk_create(
        [
            Duty(title=f"压测事项{i}", unit=unit, year=2026, lead_org=office.org, created_by=office)
            for i in range(N_DUTIES)
        ]
    )
    batch: list[Occurrence] = []
    for d_index, duty in enumerate(duties):
        for p in range(periods):
            # due dates from 60 days before to 120 days after the sweep day
            due = today + dt.timedelta(days=(d_index * 7 + p * 17) % 180 - 60)
            for o_index, org in enumerate(orgs):
                batch.append(
                    Occurrence(
                        duty=duty,
                        org=org,
                        period=f"第{p + 1}期",
                        period_start=due - dt.timedelta(days=180),
                        due_date=due,
                        target_count=9 if o_index % 10 == 0 else None,
                        achieved_count=2 if o_index % 10 == 0 else 0,
                    )
                )
        if len(batch) >= 20000:
            Occurrence.objects.bulk_create(batch, batch_size=5000)
            batch = []
    Occurrence.objects.bulk_create(batch, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    open_count = Occurrence.objects.exclude(status="done").count()
    print(f"  生成 {open_count} 个未完成事项，用时 {time.perf_counter() - started:.0f} 秒", flush=True)
    first = sweep(today)
    from luoshi.supervision.reminders import PHASES

    print(f"  第一次扫描：{first}；分步用时 {PHASES}", flush=True)
    notices = Notice.objects.count()
    second = sweep(today)
    print(
        f"  第二次扫描：{second}；分步用时 {PHASES}；通知总数 {Notice.objects.count()}（第一次后 {notices}）",
        flush=True,
    )
    duplicated = Reminder.objects.filter(status="pending").count()
    report(f"提醒扫描（{open_count} 个未完成事项，PostgreSQL）", first.seconds, "秒", 30)
    report("第二次扫描（不重复发送）", second.seconds, "秒", 30)
    if second.sent or duplicated or Notice.objects.count() != notices:
        print("  未达标：第二次扫描发送了通知")
        sys.exit(1)


if __name__ == "__main__":
    main()
