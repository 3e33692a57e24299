"""Audit coverage (SECURITY.md test 8): every state-changing request that succeeds, and
every refusal, adds an audit row. One walk through the year's main operations, with a
client that checks the rule on each POST."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from luoshi.audit.models import AuditEvent
from luoshi.conftest import PASSWORD
from luoshi.core.samplefiles import pdf_bytes
from luoshi.orgs.models import Organization, Person
from luoshi.plans.models import Plan
from luoshi.tasks.models import Task
from luoshi.work.models import Occurrence, Report

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "2022-ziranziyuanting-jiguan-dangjian.txt"


class AuditedClient(Client):
    """A test client that fails when a POST changes state (or is refused) without an audit row."""

    def post(self, path, data=None, **kwargs):  # noqa: ANN001, ANN003, ANN201 - Django's signature
        before = AuditEvent.objects.count()
        response = super().post(path, data, **kwargs)
        if response.status_code < 500:
            assert AuditEvent.objects.count() > before, (
                f"POST {path} → {response.status_code} wrote no audit row"
            )
        return response


def audited(username: str) -> AuditedClient:
    client = AuditedClient()
    client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return client


def test_every_operation_of_the_year_is_audited() -> None:
    office = audited("jgdw")
    office.post("/plans/import/", {"file": SimpleUploadedFile("要点.txt", REFERENCE.read_bytes())})
    plan = Plan.objects.order_by("-id").first()
    first, second = plan.proposals.order_by("order")[:2]
    branch = Organization.objects.get(name="办公室党支部")
    office.post(
        f"/plans/{plan.pk}/proposals/{first.pk}/edit/",
        {"title": "改", "responsible": [branch.pk], "version": first.version},
    )
    first.refresh_from_db()
    office.post(
        f"/plans/{plan.pk}/proposals/{first.pk}/split/",
        {"first": "改", "second": "拆分出的任务", "version": first.version},
    )
    office.post(f"/plans/{plan.pk}/proposals/merge/", {"ids": [first.pk, second.pk]})
    office.post(f"/plans/{plan.pk}/sections/assign/", {"section": first.section, "responsible": [branch.pk]})
    office.post(f"/plans/{plan.pk}/proposals/new/", {"title": "手工任务", "responsible": [branch.pk]})
    office.post(f"/plans/{plan.pk}/findings/{plan.findings.first().pk}/dismiss/")
    confirm = office.get(f"/plans/{plan.pk}/publish/").context
    office.post(
        f"/plans/{plan.pk}/publish/",
        {"seen": confirm["seen"], "year": plan.year}
        | {row["name"]: "keep" for row in confirm["duplicates"]}
        | {row["name"]: "event" for row in confirm["no_occurrences"]},
    )
    office.post(f"/plans/{plan.pk}/next-year/", {"year": plan.year + 1})
    event_task = Task.objects.filter(plan=plan, duty__schedule_kind="event").first()
    office.post(
        f"/tasks/{event_task.pk}/fire/",
        {"due_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(), "orgs": [branch.pk]},
    )

    occ = Occurrence.objects.filter(duty__task__plan=plan, org=branch).first()
    secretary = audited("zhibu1")
    secretary.post(
        f"/work/occurrences/{occ.pk}/report/",
        {"text": "已完成。", "files": [SimpleUploadedFile("a.pdf", pdf_bytes(["a"]))]},
    )
    report = Report.objects.filter(occurrence=occ).latest("id")
    secretary.post(
        f"/work/reports/{report.pk}/edit/", {"text": "已完成，补充说明。", "version": report.version}
    )
    secretary.post(f"/work/reports/{report.pk}/review/", {"decision": "accept"})  # refused: own report
    secretary.post(f"/orgs/people/{Person.objects.filter(org=branch).first().pk}/reveal/")
    office.post(f"/work/reports/{report.pk}/review/", {"decision": "return", "comment": "请补充"})

    # Changes after publishing: an extension asked and granted, 调整, 改派, 增加 and 撤回.
    soon = timezone.localdate() + dt.timedelta(days=10)
    Occurrence.objects.filter(pk=occ.pk).update(due_date=soon)
    later = (soon + dt.timedelta(days=20)).isoformat()
    secretary.post(f"/work/occurrences/{occ.pk}/extension/", {"ext-wished_due": later, "ext-reason": "迎检"})
    extension = occ.extensions.get()
    office.post(f"/work/extensions/{extension.pk}/decide/", {"dec-decision": "grant"})
    office.post(
        f"/work/occurrences/{occ.pk}/reschedule/", {"resched-due": later, "resched-reason": "年中调整"}
    )
    sibling = Organization.objects.get(name="政策法规处党支部")
    extra = (
        Organization.objects.filter(parent__isnull=False)
        .exclude(pk__in=occ.duty.responsible_orgs.values("pk"))
        .first()
    )
    office.post(f"/work/occurrences/{occ.pk}/add-org/", {"add-org": extra.pk, "add-reason": "新增"})
    office.post(f"/work/occurrences/{occ.pk}/withdraw/", {"withdraw-reason": "撤回"})
    secretary.post(
        f"/work/occurrences/{occ.pk}/reassign/", {"reassign-org": sibling.pk, "reassign-reason": "越权"}
    )

    admin = audited("sysadmin")
    admin.post(
        "/orgs/new/", {"name": "审计测试支部", "kind": "branch", "parent": branch.parent_id, "order": 1}
    )
    admin.post("/work/calendar/", {"date": "2022-05-05", "kind": "rest", "note": "测试"})
    admin.post(
        "/accounts/users/new/",
        {"username": "auditcov", "role": "member", "org": branch.pk, "password": "Audit-cover-1"},
    )
    admin.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "New-admin-pass-9", "new_password2": "New-admin-pass-9"},
    )
    admin.post("/accounts/logout/")

    from luoshi.inspections.models import FollowUpDraw, Round
    from luoshi.work.rules import red_q

    discipline = audited("jijian")
    regular = Round.objects.get(year=2022, kind="regular")
    late = Occurrence.objects.filter(duty__rectification__finding__round=regular).filter(red_q()).first()
    discipline.post(f"/inspections/rounds/{regular.pk}/order/", {"occurrences": [late.pk]})  # 督办
    discipline.post("/inspections/follow-up-draws/", {"year": "2022", "count": "2"})
    discipline.post(f"/inspections/follow-up-draws/{FollowUpDraw.objects.latest('id').pk}/reveal/")

    audited("zhibu2").post(f"/work/occurrences/{occ.pk}/report/", {"text": "越权"})  # 404: denied, audited
    AuditedClient().post("/accounts/login/", {"username": "jgdw", "password": "wrong-Pass-1"})
