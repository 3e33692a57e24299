"""What other parts tell people through notices: review results go to the reporting
organisation (its staff and its robots) and to the report's author."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from luoshi.notify.actions import notify, staff_of


def report_reviewed(*, report: Any, occurrence: Any, status: str, comment: str) -> None:
    from luoshi.work.choices import ReportStatus

    returned = status == ReportStatus.RETURNED
    title = (
        f"{'报送被退回' if returned else '报送已通过'}：{occurrence.duty.title[:60]}（{occurrence.period}）"
    )
    body = f"审核意见：{comment}" if comment else ""
    users = {u.pk: u for u in staff_of(occurrence.org)}
    if report.author.is_active:
        users.setdefault(report.author_id, report.author)
    notify(
        kind="review_returned" if returned else "review_accepted",
        title=title,
        body=body,
        url=reverse("work:occurrence", args=[occurrence.pk]),
        key=f"review:{report.pk}",
        users=users.values(),
        orgs=[occurrence.org],
    )
