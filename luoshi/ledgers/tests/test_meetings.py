"""Meetings: attendance from the roster of the date, the duty's occurrence closed once,
attaching to another occurrence, quorum, filing lateness, and who may do what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.ledgers import actions
from luoshi.ledgers.choices import MeetingKind
from luoshi.ledgers.models import Meeting, MeetingLink
from luoshi.orgs.choices import PartyStatus, PostKind
from luoshi.orgs.models import Person, Post
from luoshi.work.choices import OccurrenceStatus
from luoshi.work.models import Occurrence, StatusChange

pytestmark = pytest.mark.django_db


def _input(org: Any, day: dt.date, kind: str = MeetingKind.THEME_DAY, **extra: Any) -> actions.MeetingInput:
    members = list(actions.roster(org, day))
    present = [p.pk for p in members[1:]]
    absent = {members[0].pk: "公差"}
    values: dict[str, Any] = dict(
        org=org, kind=kind, date=day, place="会议室", topic="主题党日", present=present, absent=absent
    )
    values.update(extra)
    return actions.MeetingInput(**values)


def _current_occurrence(org: Any, kind: str) -> Occurrence:
    today = timezone.localdate()
    return (
        Occurrence.objects.filter(
            org=org, duty__meeting_duty__meeting_kind=kind, period_start__lte=today, duty__year=today.year
        )
        .order_by("-period_start")
        .first()
    )


def test_demo_has_a_year_of_meetings_and_red_months(persona: Any) -> None:
    branch = persona("zhibu1").org
    assert (
        Meeting.objects.filter(org=branch, kind=MeetingKind.THEME_DAY).count()
        >= timezone.localdate().month - 1
    )
    missed = Occurrence.objects.filter(duty__meeting_duty__isnull=False, status=OccurrenceStatus.OVERDUE)
    assert missed.count() == 2  # two branches missed a month


def test_recording_a_meeting_closes_the_months_occurrence(persona: Any) -> None:
    zhibu1 = persona("zhibu1")
    occ = _current_occurrence(zhibu1.org, MeetingKind.THEME_DAY)
    assert occ.status != OccurrenceStatus.DONE
    meeting = actions.record_meeting(acting_user=zhibu1, data=_input(zhibu1.org, timezone.localdate()))
    occ.refresh_from_db()
    assert occ.status == OccurrenceStatus.DONE
    change = StatusChange.objects.filter(occurrence=occ).last()
    assert change.new == OccurrenceStatus.DONE and meeting.label in change.reason
    assert meeting.present == meeting.expected - 1
    assert meeting.attendance.get(present=False).reason == "公差"
    # a second meeting in the same month is recorded but does not report the occurrence again
    second = actions.record_meeting(acting_user=zhibu1, data=_input(zhibu1.org, timezone.localdate()))
    assert not second.links.exists()


def test_absent_without_reason_and_strangers_are_refused(persona: Any) -> None:
    zhibu1, zhibu2 = persona("zhibu1"), persona("zhibu2")
    today = timezone.localdate()
    data = _input(zhibu1.org, today, absent={})
    with pytest.raises(ActionRefused, match="缺席原因"):
        actions.record_meeting(acting_user=zhibu1, data=data)
    outsider = actions.roster(zhibu2.org, today).first()
    data = _input(zhibu1.org, today)
    data.present = [*data.present, outsider.pk]
    with pytest.raises(ActionRefused, match="不在"):
        actions.record_meeting(acting_user=zhibu1, data=data)
    with pytest.raises(ActionRefused, match="晚于今天"):
        actions.record_meeting(acting_user=zhibu1, data=_input(zhibu1.org, today + dt.timedelta(days=1)))
    assert not Meeting.objects.filter(org=zhibu1.org, date__gte=today).exists()


def test_the_roster_is_the_one_of_the_meetings_date(persona: Any) -> None:
    org = persona("zhibu1").org
    today = timezone.localdate()
    leaver = actions.roster(org, today).last()
    Post.objects.filter(person=leaver, org=org, kind=PostKind.MEMBER).update(
        ended_on=today - dt.timedelta(days=10)
    )
    newcomer = Person.objects.create(name="新党员", org=org)
    Post.objects.create(
        person=newcomer, org=org, kind=PostKind.MEMBER, started_on=today - dt.timedelta(days=5)
    )
    assert leaver in actions.roster(org, today - dt.timedelta(days=20))
    assert newcomer not in actions.roster(org, today - dt.timedelta(days=20))
    assert leaver not in actions.roster(org, today) and newcomer in actions.roster(org, today)


def test_quorum_of_a_general_meeting_vote(persona: Any) -> None:
    zhibu1 = persona("zhibu1")
    today = timezone.localdate()
    members = list(actions.roster(zhibu1.org, today))
    voters = [p for p in members if p.party_status == PartyStatus.FULL]
    half = voters[: len(voters) // 2]  # exactly half is not more than half
    data = _input(
        zhibu1.org,
        today,
        kind=MeetingKind.GENERAL,
        vote_held=True,
        present=[p.pk for p in half],
        absent={p.pk: "公差" for p in members if p not in half},
    )
    assert not actions.record_meeting(acting_user=zhibu1, data=data).quorum_met
    data.present = [p.pk for p in voters[: len(voters) // 2 + 1]]
    data.absent = {p.pk: "公差" for p in members if p.pk not in data.present}
    assert actions.record_meeting(acting_user=zhibu1, data=data).quorum_met
    with pytest.raises(ActionRefused, match="党员大会"):
        actions.record_meeting(acting_user=zhibu1, data=_input(zhibu1.org, today, vote_held=True))


def test_a_record_filed_late_is_marked(persona: Any, settings: Any) -> None:
    settings.LUOSHI_MEETING_FILING_WORKDAYS = 3
    zhibu1 = persona("zhibu1")
    today = timezone.localdate()
    late = actions.record_meeting(acting_user=zhibu1, data=_input(zhibu1.org, today - dt.timedelta(days=14)))
    assert late.filed_late and late.filed_workdays >= 8
    assert not actions.record_meeting(acting_user=zhibu1, data=_input(zhibu1.org, today)).filed_late


def test_a_meeting_answers_another_occurrence_once(persona: Any) -> None:
    zhibu1 = persona("zhibu1")
    meeting = actions.record_meeting(acting_user=zhibu1, data=_input(zhibu1.org, timezone.localdate()))
    target = actions.attachable_occurrences(zhibu1, meeting).exclude(duty__meeting_duty__isnull=False).first()
    assert target is not None
    actions.attach_meeting(acting_user=zhibu1, meeting=meeting, occurrence=target)
    target.refresh_from_db()
    assert target.status == OccurrenceStatus.DONE
    assert MeetingLink.objects.filter(occurrence=target, meeting=meeting).exists()
    with pytest.raises(ActionRefused, match="重复"):
        actions.attach_meeting(acting_user=zhibu1, meeting=meeting, occurrence=target)


def test_permission_matrix_for_recording(persona: Any) -> None:
    zhibu1_org = persona("zhibu1").org
    for username in ("zhibu2", "dangyuan1", "jijian", "lingdao", "sysadmin", "auditadmin"):
        with pytest.raises(AccessRefused):
            actions.record_meeting(
                acting_user=persona(username), data=_input(zhibu1_org, timezone.localdate())
            )
    assert actions.record_meeting(acting_user=persona("jgdw"), data=_input(zhibu1_org, timezone.localdate()))


def test_only_the_office_sets_frequencies(persona: Any) -> None:
    with pytest.raises(AccessRefused):
        actions.set_rule(
            acting_user=persona("zhibu1"), meeting_kind="committee", org_kind="branch", freq="weekly"
        )
    actions.set_rule(acting_user=persona("jgdw"), meeting_kind="life", org_kind="branch", freq="annual")
    from luoshi.ledgers.models import MeetingRule

    assert MeetingRule.objects.get(meeting_kind="life", org_kind="branch").freq == "annual"
    # scheduling again creates only the new rule's duty
    year = timezone.localdate().year
    unit = persona("jgdw").org.parent
    duties, occurrences = actions.schedule_meeting_duties(acting_user=persona("jgdw"), unit=unit, year=year)
    assert duties == 1 and occurrences > 0
    assert actions.schedule_meeting_duties(acting_user=persona("jgdw"), unit=unit, year=year) == (0, 0)


def test_the_centre_groups_first_topic_is_kept_with_what_was_studied(persona: Any, api_token: Any) -> None:
    from django.test import Client

    root = persona("lingdao").org
    studies = Meeting.objects.filter(org=root, kind=MeetingKind.CENTRE_GROUP)
    assert studies.exists() and all(m.first_topic and m.studied for m in studies)
    items = (
        Client()
        .get(
            f"/api/meetings?org={root.pk}&kind=centre_group",
            HTTP_AUTHORIZATION=f"Bearer {api_token('lingdao')}",
        )
        .json()["items"]
    )
    assert items and items[0]["first_topic"] and "全面从严治党" in items[0]["studied"]
    data = _input(root, timezone.localdate(), kind=MeetingKind.CENTRE_GROUP, first_topic=True, studied="")
    with pytest.raises(ActionRefused, match="第一议题"):
        actions.record_meeting(acting_user=persona("jgdw"), data=data)


def test_a_period_waiting_for_review_keeps_its_report_and_the_meeting_is_still_recorded(persona: Any) -> None:
    from luoshi.work.actions import submit_report

    zhibu1 = persona("zhibu1")
    occ = _current_occurrence(zhibu1.org, MeetingKind.COMMITTEE)
    submit_report(acting_user=zhibu1, occurrence=occ, text="已召开支委会")
    meeting = actions.record_meeting(
        acting_user=zhibu1, data=_input(zhibu1.org, timezone.localdate(), kind=MeetingKind.COMMITTEE)
    )
    occ.refresh_from_db()
    assert occ.status == OccurrenceStatus.SUBMITTED and not meeting.links.exists()
    with pytest.raises(ActionRefused, match="待审核"):
        actions.attach_meeting(acting_user=zhibu1, meeting=meeting, occurrence=occ)
