"""One run of the ledger benchmarks (see bench_ledgers.py): builds the demo, copies every
meeting and its attendance nine more times (× 10), then times the pages as users get them."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")


def main() -> None:
    import django

    django.setup()
    from pathlib import Path

    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    from django.core.management import call_command
    from django.test import Client

    from bench.common import median_seconds, report
    from luoshi.accounts.models import User
    from luoshi.demo import build_demo
    from luoshi.ledgers.models import Attendance, Meeting
    from luoshi.orgs.choices import OrgKind
    from luoshi.orgs.models import Organization

    call_command("migrate", verbosity=0)
    build_demo(password="Bench-pass-2022")
    originals = list(Meeting.objects.all())
    marks: dict[int, list[Attendance]] = {}
    for a in Attendance.objects.all():
        marks.setdefault(a.meeting_id, []).append(a)
    for _copy in range(9):
        copies = []
        for m in originals:
            c = Meeting(
                **{
                    f.attname: getattr(m, f.attname)
                    for f in Meeting._meta.concrete_fields
                    if f.attname != "id"
                }
            )
            copies.append((c, m.pk))
        Meeting.objects.bulk_create([c for c, _ in copies], batch_size=1000)
        Attendance.objects.bulk_create(
            [
                Attendance(meeting=c, person_id=a.person_id, present=a.present, reason=a.reason)
                for c, pk in copies
                for a in marks.get(pk, [])
            ],
            batch_size=2000,
        )
    print(f"  会议 {Meeting.objects.count()} 次、出席记录 {Attendance.objects.count()} 条", flush=True)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would after the bulk inserts
            cursor.execute("ANALYZE")

    def client(username: str) -> Client:
        c = Client()
        assert (
            c.post("/accounts/login/", {"username": username, "password": "Bench-pass-2022"}).status_code
            == 302
        )
        return c

    branch = User.objects.get(username="zhibu1")
    year = Meeting.objects.latest("date").date.year
    secretary = client("zhibu1")
    url = f"/ledgers/?org={branch.org_id}&year={year}"
    rows = Meeting.objects.filter(org=branch.org, date__year=year).count()

    def branch_ledger() -> None:
        assert secretary.get(url).status_code == 200

    report(
        f"支部年度会议台账（{rows}次会议，中位数）",
        median_seconds(branch_ledger, repeat=15) * 1000,
        "ms",
        300,
    )
    office = client("jgdw")
    department = Organization.objects.get(
        parent__isnull=True
    )  # the summary covers every organisation under it
    summary_url = f"/ledgers/?org={department.pk}&year={year}"
    summarised = department.subtree().filter(kind__in=OrgKind.basic_level()).exclude(pk=department.pk).count()
    print(f"  汇总 {summarised} 个基层党组织", flush=True)

    def summary() -> None:
        assert office.get(summary_url).status_code == 200

    report("全厅到会情况汇总（厅党组台账页，中位数）", median_seconds(summary, repeat=15) * 1000, "ms", 300)


if __name__ == "__main__":
    sys.exit(main())
