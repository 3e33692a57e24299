from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.orgs.models import Organization
from luoshi.work.models import Duty, Occurrence


def occurrence(
    *,
    due: dt.date,
    start: dt.date | None = None,
    org: str = "办公室党支部",
    target: int | None = None,
    achieved: int = 0,
    status: str = "not_started",
    title: str = "测试事项",
) -> Occurrence:
    """An occurrence with the dates a rule test needs, on a duty of its own."""
    from luoshi.accounts.models import User

    unit = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    office = User.objects.get(username="jgdw")
    duty = Duty.objects.create(title=title, unit=unit, year=due.year, lead_org=office.org, created_by=office)
    return Occurrence.objects.create(
        duty=duty,
        org=Organization.objects.get(name=org),
        period=f"{due:%Y-%m-%d}前",
        period_start=start or dt.date(due.year, 1, 1),
        due_date=due,
        target_count=target,
        achieved_count=achieved,
        status=status,
    )


def notices_for(occ: Occurrence, username: str = "zhibu1") -> Any:
    from luoshi.notify.models import Notice

    return Notice.objects.filter(user__username=username, url=f"/work/occurrences/{occ.pk}/")
