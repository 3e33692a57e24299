"""Reads shared by the pages, the API and the export: a branch's meeting ledger for a
year, the meeting duties' lights by period, and a person's year. Totals only: study hours
are never ranked (国办函〔2026〕12号)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from luoshi.ledgers.models import Attendance, CommunityRegistration, Meeting, ServiceRecord, StudyRecord
from luoshi.orgs.models import Organization, Person
from luoshi.work import rules
from luoshi.work.choices import Bucket
from luoshi.work.models import Occurrence


def meetings_of(org: Organization, year: int) -> list[Meeting]:
    """The year's meetings with their absentees. People are read by name only: their
    encrypted fields (mobile, ID number) would be decrypted for every row otherwise."""
    from django.db.models import Prefetch

    absent = (
        Attendance.objects.filter(present=False)
        .select_related("person")
        .only("meeting_id", "present", "reason", "person__name")
    )
    return list(
        Meeting.objects.filter(org=org, date__year=year)
        .select_related("org", "host", "recorder")
        .only(*MEETING_COLUMNS)
        .prefetch_related(Prefetch("attendance", queryset=absent, to_attr="absentees"))
        .order_by("date", "id")
    )


MEETING_COLUMNS = (
    "org__name",
    "org__short_name",
    "org__path",
    "kind",
    "date",
    "place",
    "topic",
    "first_topic",
    "vote_held",
    "quorum_met",
    "expected",
    "present",
    "filed_late",
    "filed_workdays",
    "host__name",
    "recorder__name",
)


def duty_grid(org: Organization, year: int) -> list[dict[str, Any]]:
    """For each meeting duty of the organisation: its periods with their lights."""
    occurrences = (
        Occurrence.objects.filter(org=org, duty__year=year, duty__meeting_duty__isnull=False)
        .select_related("duty")
        .order_by("duty_id", "period_start")
    )
    rows: dict[int, dict[str, Any]] = {}
    today = timezone.localdate()
    for o in occurrences:
        row = rows.setdefault(o.duty_id, {"title": o.duty.title, "cells": []})
        light = rules.light_of(o, today)
        done = rules.bucket_of(o, today) == Bucket.DONE
        row["cells"].append(
            {"id": o.pk, "period": o.period, "colour": light.colour, "label": light.label, "done": done}
        )
    return list(rows.values())


def basic_below(org: Organization) -> list[Organization]:
    """The basic-level Party organisations under `org`, in tree order: the rows of every
    summary a committee or the office reads."""
    from luoshi.orgs.choices import OrgKind

    return list(org.subtree().filter(kind__in=OrgKind.basic_level()).exclude(pk=org.pk).order_by("path"))


def attendance_summary(orgs: list[Organization], year: int) -> list[dict[str, Any]]:
    """Meetings held and attendance per organisation, in tree order (one query)."""
    stats = {
        row["org_id"]: row
        for row in Meeting.objects.filter(org__in=orgs, date__year=year)
        .values("org_id")
        .annotate(meetings=Count("id"), expected=Sum("expected"), present=Sum("present"))
    }
    out = []
    for org in orgs:
        s = stats.get(org.pk, {})
        expected, present = s.get("expected") or 0, s.get("present") or 0
        out.append(
            {
                "org": org,
                "meetings": s.get("meetings", 0),
                "expected": expected,
                "present": present,
                "rate": f"{100 * present / expected:.0f}%" if expected else "—",
            }
        )
    return out


def person_year(person: Person, year: int) -> dict[str, Any]:
    """A member's year: meetings attended (of those they were expected at), study and service hours."""
    attended = Attendance.objects.filter(person=person, meeting__date__year=year)
    counts = attended.aggregate(expected=Count("id"), present=Count("id", filter=Q(present=True)))
    study = StudyRecord.objects.filter(person=person, date__year=year)
    service = ServiceRecord.objects.filter(person=person, date__year=year)
    return {
        "year": year,
        "meetings_expected": counts["expected"],
        "meetings_attended": counts["present"],
        "meetings": list(attended.select_related("meeting__org").order_by("-meeting__date")[:50]),
        "study_hours": study.aggregate(h=Sum("hours"))["h"] or Decimal("0"),
        "study": list(study[:50]),
        "community": CommunityRegistration.objects.filter(person=person).first(),
        "service_hours": service.aggregate(h=Sum("hours"))["h"] or Decimal("0"),
        "service": list(service[:50]),
    }


def study_totals(people: list[Person], year: int) -> list[dict[str, Any]]:
    """Hours per person, in roster order (never ranked)."""
    hours = dict(
        StudyRecord.objects.filter(person__in=people, date__year=year)
        .values_list("person_id")
        .annotate(h=Sum("hours"))
        .values_list("person_id", "h")
    )
    return [{"person": p, "hours": hours.get(p.pk) or Decimal("0")} for p in people]


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def practical_progress(user: Any, year: int) -> dict[str, Any]:
    """The target 每个处室1件为民实事, per division in scope: its matters and the light of
    its occurrence; with the number of divisions that met it."""
    from luoshi.ledgers.models import PracticalMatter, PracticalTarget
    from luoshi.orgs.choices import OrgKind

    target = PracticalTarget.objects.filter(year=year).select_related("duty").first()
    divisions = list(
        Organization.objects.visible_to(user).filter(kind=OrgKind.DIVISION, is_active=True).order_by("path")
    )
    matters: dict[int, list[Any]] = {}
    for m in PracticalMatter.objects.filter(org__in=divisions, year=year).order_by("id"):
        matters.setdefault(m.org_id, []).append(m)
    occurrences = (
        {o.org_id: o for o in Occurrence.objects.filter(duty=target.duty, org__in=divisions)}
        if target
        else {}
    )
    rows = []
    for d in divisions:
        occ = occurrences.get(d.pk)
        light = rules.light_of(occ) if occ else None
        rows.append({"org": d, "matters": matters.get(d.pk, []), "light": light, "occurrence": occ})
    met = sum(1 for r in rows if r["occurrence"] is not None and r["occurrence"].status == "done")
    return {"target": target, "rows": rows, "met": met, "registered": sum(1 for r in rows if r["matters"])}


def service_totals(people: list[Person], year: int) -> dict[str, Any]:
    """双报到、双报告: hours and registered community per member in roster order, who has not
    reported service this year and who has not registered with a community."""
    rows = dict(
        ServiceRecord.objects.filter(person__in=people, date__year=year)
        .values_list("person_id")
        .annotate(h=Sum("hours"))
        .values_list("person_id", "h")
    )
    communities = dict(
        CommunityRegistration.objects.filter(person__in=people).values_list("person_id", "community")
    )
    listed = [
        {"person": p, "hours": rows.get(p.pk) or Decimal("0"), "community": communities.get(p.pk, "")}
        for p in people
    ]
    return {
        "rows": listed,
        "not_reported": [r["person"] for r in listed if r["person"].pk not in rows],
        "not_registered": [r["person"] for r in listed if not r["community"]],
    }


def service_by_org(orgs: list[Organization], year: int, on: dt.date) -> list[dict[str, Any]]:
    """双报到、双报告 per organisation, for the office and a committee: members on the
    roster of `on`, how many registered with a community, how many reported service this
    year and how many have not, service and study hours. In tree order, never ranked. Four
    queries whatever the size."""
    from luoshi.orgs.choices import PartyStatus, PostKind
    from luoshi.orgs.models import Post

    memberships = (
        Post.objects.filter(org__in=orgs, kind=PostKind.MEMBER)
        .filter(Q(started_on__isnull=True) | Q(started_on__lte=on))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .exclude(person__party_status=PartyStatus.NONE)
        .values_list("org_id", "person_id")
    )
    members: dict[int, set[int]] = {}
    for org_id, person_id in memberships:
        members.setdefault(org_id, set()).add(person_id)
    everyone = set().union(*members.values()) if members else set()

    def hours(model: Any) -> dict[int, Decimal]:
        return dict(
            model.objects.filter(person_id__in=everyone, date__year=year)
            .values_list("person_id")
            .annotate(h=Sum("hours"))
            .values_list("person_id", "h")
        )

    service, study = hours(ServiceRecord), hours(StudyRecord)
    registered = set(
        CommunityRegistration.objects.filter(person_id__in=everyone).values_list("person_id", flat=True)
    )
    rows = []
    for org in orgs:
        ids = members.get(org.pk, set())
        reported = sum(1 for pk in ids if pk in service)
        rows.append(
            {
                "org": org,
                "members": len(ids),
                "registered": len(ids & registered),
                "reported": reported,
                "not_reported": len(ids) - reported,
                "service_hours": sum((service.get(pk, Decimal("0")) for pk in ids), Decimal("0")),
                "study_hours": sum((study.get(pk, Decimal("0")) for pk in ids), Decimal("0")),
            }
        )
    return rows
