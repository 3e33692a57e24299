"""Every action checks its acting user itself (STYLE.md 13c): called directly — as jobs, the
API and scripts do, past any view decorator — by a user who may not, it refuses with a
permission refusal, writes an audit row saying so, and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from luoshi.accounts import actions as accounts
from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.core.errors import AccessRefused
from luoshi.demo_year import REFERENCE_PLAN
from luoshi.orgs import actions as orgs
from luoshi.orgs.models import Organization, Person
from luoshi.plans import actions as plans
from luoshi.plans.models import Plan
from luoshi.tasks import actions as tasks
from luoshi.tasks.models import Task
from luoshi.work import actions as work
from luoshi.work.actions import DutySpec
from luoshi.work.choices import DutyKind
from luoshi.work.filters import OccurrenceFilters
from luoshi.work.models import Occurrence, Report

pytestmark = pytest.mark.django_db


def branch_occurrence(persona: Callable[[str], Any]) -> Occurrence:
    occ = Occurrence.objects.filter(org=persona("zhibu1").org, status__in=["not_started", "overdue"]).first()
    assert occ is not None
    return occ


def submitted_report(persona: Callable[[str], Any]) -> Report:
    occ = branch_occurrence(persona)
    return work.submit_report(acting_user=persona("zhibu1"), occurrence=occ, text="已完成。")


CASES: dict[str, tuple[str, Callable[[Callable[[str], Any]], Callable[[Any], Any]]]] = {
    "a secretary puts work on organisations": (
        "zhibu1",
        lambda p: (
            lambda u: work.create_duties(
                acting_user=u,
                unit=Organization.objects.get(parent=None, path=u.org.path[:7]),
                year=2026,
                kind=DutyKind.TASK,
                specs=[DutySpec("越权任务", None, [u.org])],
            )
        ),
    ),
    "a secretary fires an event task": (
        "zhibu1",
        lambda p: (
            lambda u: work.fire_duty(
                acting_user=u,
                duty=Task.objects.filter(duty__schedule_kind="event").first().duty,
                due_date=timezone.localdate() + dt.timedelta(days=10),
                orgs=[u.org],
            )
        ),
    ),
    "a sibling branch reports for another": (
        "zhibu2",
        lambda p: lambda u: work.submit_report(acting_user=u, occurrence=branch_occurrence(p), text="越权"),
    ),
    "a member reviews": (
        "dangyuan1",
        lambda p: lambda u: work.review_report(acting_user=u, report=submitted_report(p), decision="accept"),
    ),
    "someone else edits a report": (
        "zhibu2",
        lambda p: (
            lambda u: (
                (r := submitted_report(p))
                and work.edit_report(
                    acting_user=u, report=r, expected_version=r.version, text="改", count=None
                )
            )
        ),
    ),
    "the plan office edits the calendar": (
        "jgdw",
        lambda p: lambda u: work.set_calendar_day(acting_user=u, date=dt.date(2026, 5, 6), is_workday=False),
    ),
    "a secretary confirms a calendar year": (
        "zhibu1",
        lambda p: lambda u: work.confirm_calendar_year(acting_user=u, year=2030),
    ),
    "a secretary imports a plan": (
        "zhibu1",
        lambda p: (
            lambda u: plans.import_plan(acting_user=u, data=REFERENCE_PLAN.read_bytes(), filename="a.txt")
        ),
    ),
    "a leader publishes a plan": (
        "lingdao",
        lambda p: lambda u: plans.publish_plan(acting_user=u, plan=Plan.objects.first(), confirmed=True),
    ),
    "the plan office creates an organisation": (
        "jgdw",
        lambda p: lambda u: orgs.create_org(acting_user=u, name="越权支部", kind="branch", parent=u.org),
    ),
    "a secretary edits an organisation": (
        "zhibu1",
        lambda p: (
            lambda u: orgs.update_org(acting_user=u, org=u.org, expected_version=u.org.version, name="改名")
        ),
    ),
    "a sibling branch edits a person": (
        "zhibu2",
        lambda p: (
            lambda u: (
                (person := Person.objects.filter(org=p("zhibu1").org).first())
                and orgs.save_person(
                    acting_user=u, person=person, expected_version=person.version, name="改名"
                )
            )
        ),
    ),
    "the security administrator opens an account": (
        "secadmin",
        lambda p: (
            lambda u: accounts.create_user(
                acting_user=u,
                username="越权账户",
                role="member",
                org=p("zhibu1").org,
                password="Xx-123456789",
            )
        ),
    ),
    "the plan office edits an account": (
        "jgdw",
        lambda p: (
            lambda u: (
                (target := User.objects.get(username="zhibu2"))
                and accounts.update_user(
                    acting_user=u, user=target, expected_version=target.version, is_active=False
                )
            )
        ),
    ),
    "the system administrator resets the audit administrator": (
        "sysadmin",
        lambda p: (
            lambda u: accounts.reset_credentials(
                acting_user=u, user=User.objects.get(username="auditadmin"), password="Xx-123456789"
            )
        ),
    ),
    "the audit administrator exports the ledger": (
        "auditadmin",
        lambda p: lambda u: tasks.export_ledger(acting_user=u, filters=OccurrenceFilters()),
    ),
    "the security administrator exports occurrences": (
        "secadmin",
        lambda p: lambda u: tasks.export_occurrences(acting_user=u, filters=OccurrenceFilters()),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_action_called_directly_by_a_user_who_may_not_is_refused_and_audited(case, persona) -> None:
    username, make = CASES[case]
    call = make(persona)
    user = persona(username)
    denied_before = AuditEvent.objects.filter(action="denied", actor_name=username).count()
    with pytest.raises(AccessRefused):
        call(user)
    assert AuditEvent.objects.filter(action="denied", actor_name=username).count() == denied_before + 1
