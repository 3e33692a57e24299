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


def extension_decided(*, extension: Any, occurrence: Any) -> None:
    """The requester and the organisation learn the plan office's decision on 申请延期."""
    from luoshi.work.choices import ExtensionStatus

    granted = extension.status == ExtensionStatus.GRANTED
    head = f"延期申请已同意，完成时限延至{extension.granted_due:%Y-%m-%d}" if granted else "延期申请未获同意"
    users = {u.pk: u for u in staff_of(occurrence.org)}
    if extension.requested_by.is_active:
        users.setdefault(extension.requested_by_id, extension.requested_by)
    notify(
        kind="extension_granted" if granted else "extension_refused",
        title=f"{head}：{occurrence.duty.title[:60]}（{occurrence.period}）",
        body=f"审批意见：{extension.decision_comment}" if extension.decision_comment else "",
        url=reverse("work:occurrence", args=[occurrence.pk]),
        key=f"extension:{extension.pk}",
        users=users.values(),
        orgs=[occurrence.org],
    )


ADJUSTED_WORDING = {
    "reassigned": "改派给本单位",
    "added": "新增本单位为责任单位",
    "withdrawn": "已从本单位撤回",
    "rescheduled": "完成时限调整",
}


def occurrences_adjusted(*, kind: str, occurrences: Any, reason: str) -> None:
    """Each organisation concerned by a change of the plan office hears of it once per
    change: one notice per organisation, naming its first occurrence."""
    by_org: dict[int, Any] = {}
    for occurrence in occurrences:
        by_org.setdefault(occurrence.org_id, occurrence)
    for occurrence in by_org.values():
        due = f"，完成时限{occurrence.due_date:%Y-%m-%d}" if kind != "withdrawn" else ""
        notify(
            kind=f"occurrence_{kind}",
            title=f"{ADJUSTED_WORDING.get(kind, '事项调整')}：{occurrence.duty.title[:60]}（{occurrence.period}）{due}",
            body=f"理由：{reason}",
            url=reverse("work:occurrence", args=[occurrence.pk]),
            users=staff_of(occurrence.org),
            orgs=[occurrence.org],
        )
