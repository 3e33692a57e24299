"""API of the ledgers: meetings (with attendance), study and service records. A member
sees their own study and service; staff the records of their scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from luoshi.core.api import ErrorOut, Id, Limit, Offset, page_of
from luoshi.core.errors import ActionRefused
from luoshi.ledgers import actions
from luoshi.ledgers.choices import LetterStatus
from luoshi.ledgers.models import Letter, Meeting, PracticalMatter, ServiceRecord, StudyRecord
from luoshi.orgs.models import Organization, Person
from luoshi.work.models import Occurrence

router = Router(tags=["党建台账"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class Paged(Schema):
    items: list[dict[str, Any]]
    count: int


def meeting_json(m: Meeting, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": m.pk,
        "org": {"id": m.org_id, "name": m.org.name},
        "kind": m.kind,
        "kind_label": m.get_kind_display(),
        "date": m.date,
        "place": m.place,
        "topic": m.topic,
        "first_topic": m.first_topic,
        "studied": m.studied,
        "expected": m.expected,
        "present": m.present,
        "vote_held": m.vote_held,
        "quorum_met": m.quorum_met,
        "filed_on": m.filed_on,
        "filed_late": m.filed_late,
    }
    if detail:
        out |= {
            "content": m.content,
            "host": m.host.name if m.host else None,
            "recorder": m.recorder.name if m.recorder else None,
            "leader": m.leader.name if m.leader else None,
            "attendance": [
                {"person": a.person_id, "name": a.person.name, "present": a.present, "reason": a.reason}
                for a in m.attendance.select_related("person")
            ],
            "files": [
                {"id": f.pk, "kind": f.kind, "name": f.original_name, "sha256": f.sha256}
                for f in m.files.all()
            ],
            "occurrences": list(m.links.values_list("occurrence_id", flat=True)),
        }
    return out


class MeetingQuery(Schema):
    org: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    kind: str | None = None


@router.get("/meetings", response=Paged)
def list_meetings(
    request: HttpRequest, filters: Query[MeetingQuery], limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """Meetings in the caller's scope, newest first; filter by org, year, kind."""
    rows = Meeting.objects.visible_to(request.user).select_related("org")
    if filters.org:
        rows = rows.filter(org_id=filters.org)
    if filters.year:
        rows = rows.filter(date__year=filters.year)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    count, page = page_of(rows, limit, offset)
    return {"items": [meeting_json(m) for m in page], "count": count}


@router.get("/meetings/{int:meeting_id}", response={200: dict, 404: ErrorOut})
def get_meeting(request: HttpRequest, meeting_id: Id) -> dict[str, Any]:
    m = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("org", "host", "recorder", "leader"),
        pk=meeting_id,
    )
    return meeting_json(m, detail=True)


class AbsentIn(Schema):
    person: Id
    reason: str = Field(max_length=100)


class MeetingIn(Schema):
    org: Id
    kind: str
    date: dt.date
    place: str = Field(max_length=100)
    topic: str = Field(max_length=200)
    content: str = Field("", max_length=10000)
    host: Id | None = None
    recorder: Id | None = None
    leader: Id | None = None
    first_topic: bool = False
    studied: str = Field("", max_length=500)
    vote_held: bool = False
    present: list[Id] = Field(default_factory=list, max_length=1000)
    absent: list[AbsentIn] = Field(default_factory=list, max_length=1000)


def _person(pk: int | None, org: Organization) -> Person | None:
    if pk is None:
        return None
    person = Person.objects.filter(pk=pk, org__path__startswith=org.path[:7]).first()
    if person is None:
        raise ActionRefused("所选人员不存在。")
    return person


@router.post("/meetings", response={201: dict, **ERRORS})
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Status:
    """Records a meeting with attendance (every member on the roster of its date is
    present or absent with a reason); closes the period's meeting occurrence."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=payload.org)
    data = actions.MeetingInput(
        org=org,
        kind=payload.kind,
        date=payload.date,
        place=payload.place,
        topic=payload.topic,
        content=payload.content,
        host=_person(payload.host, org),
        recorder=_person(payload.recorder, org),
        leader=_person(payload.leader, org),
        first_topic=payload.first_topic,
        studied=payload.studied,
        vote_held=payload.vote_held,
        present=payload.present,
        absent={a.person: a.reason for a in payload.absent},
    )
    meeting = actions.record_meeting(acting_user=request.user, data=data)
    return Status(201, meeting_json(meeting, detail=True))


class AttachIn(Schema):
    occurrence: Id


@router.post("/meetings/{int:meeting_id}/attach", response={200: dict, **ERRORS})
def attach(request: HttpRequest, meeting_id: Id, payload: AttachIn) -> dict[str, Any]:
    """Uses the meeting as the record of another occurrence (done at once, once only)."""
    m = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("org"), pk=meeting_id)
    occ = get_object_or_404(
        Occurrence.objects.visible_to(request.user).select_related("org", "duty"), pk=payload.occurrence
    )
    actions.attach_meeting(acting_user=request.user, meeting=m, occurrence=occ)
    occ.refresh_from_db()
    return {"meeting": m.pk, "occurrence": occ.pk, "status": occ.status}


def study_json(s: StudyRecord) -> dict[str, Any]:
    return {
        "id": s.pk,
        "person": {"id": s.person_id, "name": s.person.name},
        "date": s.date,
        "title": s.title,
        "hours": float(s.hours),
        "method": s.method,
        "method_label": s.get_method_display(),
    }


@router.get("/study-records", response=Paged)
def list_study(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100),
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:  # type: ignore[type-arg]
    """Study records: a member's own, staff those of their scope. Never ranked."""
    rows = StudyRecord.objects.visible_to(request.user).select_related("person")
    if year:
        rows = rows.filter(date__year=year)
    count, page = page_of(rows, limit, offset)
    return {"items": [study_json(s) for s in page], "count": count}


@router.get("/study-records/{int:record_id}", response={200: dict, 404: ErrorOut})
def get_study(request: HttpRequest, record_id: Id) -> dict[str, Any]:
    return study_json(
        get_object_or_404(StudyRecord.objects.visible_to(request.user).select_related("person"), pk=record_id)
    )


class StudyIn(Schema):
    date: dt.date
    title: str = Field(max_length=200)
    hours: float = Field(ge=0, le=1000)
    method: str
    person: Id | None = None


def _subject(request: HttpRequest, pk: int | None) -> Person | None:
    if pk is None:
        return None
    return get_object_or_404(Person.objects.visible_to(request.user).select_related("org"), pk=pk)


@router.post("/study-records", response={201: dict, **ERRORS})
def create_study(request: HttpRequest, payload: StudyIn) -> Status:
    s = actions.record_study(
        acting_user=request.user,
        date=payload.date,
        title=payload.title,
        hours=payload.hours,
        method=payload.method,
        person=_subject(request, payload.person),
    )
    return Status(201, study_json(s))


def service_json(s: ServiceRecord) -> dict[str, Any]:
    return {
        "id": s.pk,
        "person": {"id": s.person_id, "name": s.person.name},
        "community": s.community,
        "date": s.date,
        "hours": float(s.hours),
        "content": s.content,
    }


@router.get("/service-records", response=Paged)
def list_service(request: HttpRequest, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    rows = ServiceRecord.objects.visible_to(request.user).select_related("person")
    count, page = page_of(rows, limit, offset)
    return {"items": [service_json(s) for s in page], "count": count}


class SummaryQuery(Schema):
    org: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/service-summary", response={200: dict, 403: ErrorOut, 404: ErrorOut})
def service_summary(request: HttpRequest, query: Query[SummaryQuery]) -> dict[str, Any]:
    """双报到、双报告 of an organisation for a year: its members' registered community,
    service and study hours in roster order (never ranked), who has not registered and who
    has not reported service, and the same totals for each basic-level organisation under
    it. Staff and leaders only."""
    from django.utils import timezone

    from luoshi.accounts.choices import Role
    from luoshi.core.errors import refuse_access
    from luoshi.ledgers import summaries

    if request.user.role not in (Role.PLAN_OFFICE, Role.ORG_STAFF, Role.LEADER):
        raise refuse_access("您不能查看学习与志愿服务汇总。", actor=request.user)
    org = get_object_or_404(
        Organization.objects.visible_to(request.user), pk=query.org or request.user.org_id or 0
    )
    today = timezone.localdate()
    year = query.year or today.year
    on = min(today, dt.date(year, 12, 31))
    people = list(actions.roster(org, on))
    service = summaries.service_totals(people, year)
    study = {r["person"].pk: r["hours"] for r in summaries.study_totals(people, year)}
    return {
        "org": {"id": org.pk, "name": org.name},
        "year": year,
        "members": [
            {
                "id": r["person"].pk,
                "name": r["person"].name,
                "community": r["community"],
                "service_hours": float(r["hours"]),
                "study_hours": float(study.get(r["person"].pk, 0)),
            }
            for r in service["rows"]
        ],
        "not_reported": [{"id": p.pk, "name": p.name} for p in service["not_reported"]],
        "not_registered": [{"id": p.pk, "name": p.name} for p in service["not_registered"]],
        "organisations": [
            {
                "id": r["org"].pk,
                "name": r["org"].name,
                "members": r["members"],
                "registered": r["registered"],
                "reported": r["reported"],
                "not_reported": r["not_reported"],
                "service_hours": float(r["service_hours"]),
                "study_hours": float(r["study_hours"]),
            }
            for r in summaries.service_by_org(summaries.basic_below(org), year, on)
        ],
    }


class RegistrationIn(Schema):
    community: str = Field(max_length=100)
    date: dt.date
    person: Id | None = None


@router.post("/community-registrations", response={201: dict, **ERRORS})
def register_community(request: HttpRequest, payload: RegistrationIn) -> Status:
    """双报到: the caller (or, for staff, a member of their subtree) registers with a community."""
    r = actions.register_community(
        acting_user=request.user,
        community=payload.community,
        date=payload.date,
        person=_subject(request, payload.person),
    )
    return Status(201, {"id": r.pk, "person": r.person_id, "community": r.community, "date": r.registered_on})


class ServiceIn(Schema):
    date: dt.date
    community: str = Field(max_length=100)
    hours: float = Field(ge=0, le=1000)
    content: str = Field(max_length=200)
    person: Id | None = None


@router.post("/service-records", response={201: dict, **ERRORS})
def create_service(request: HttpRequest, payload: ServiceIn) -> Status:
    s = actions.record_service(
        acting_user=request.user,
        date=payload.date,
        community=payload.community,
        hours=payload.hours,
        content=payload.content,
        person=_subject(request, payload.person),
    )
    return Status(201, service_json(s))


# --- letters, lists, practical matters ---------------------------------------------------


def letter_json(letter: Letter) -> dict[str, Any]:
    return {
        "id": letter.pk,
        "year": letter.year,
        "issuer": {"id": letter.issuer_id, "name": letter.issuer.name},
        "signer": {"id": letter.signer_id, "name": letter.signer.name},
        "status": letter.status,
        "status_label": letter.get_status_display(),
        "signed_at": letter.signed_at,
        "signer_name": letter.signer_name,
        "scan": letter.original_name or None,
        "duty": letter.duty_id,
    }


@router.get("/letters", response=Paged)
def list_letters(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100),  # type: ignore[type-arg]
    missing: bool = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Responsibility letters in scope; `missing=true` lists those not yet signed."""
    rows = Letter.objects.visible_to(request.user).select_related("issuer", "signer")
    if year:
        rows = rows.filter(year=year)
    if missing:
        rows = rows.filter(status=LetterStatus.PENDING)
    count, page = page_of(rows, limit, offset)
    return {"items": [letter_json(x) for x in page], "count": count}


@router.get("/letters/{int:letter_id}", response={200: dict, 404: ErrorOut})
def get_letter(request: HttpRequest, letter_id: Id) -> dict[str, Any]:
    letter = get_object_or_404(
        Letter.objects.visible_to(request.user).select_related("issuer", "signer"), pk=letter_id
    )
    return letter_json(letter) | {"text": letter.text, "can_sign": actions.can_sign(request.user, letter)}


class SignIn(Schema):
    signer_name: str = Field(max_length=50)


@router.post("/letters/{int:letter_id}/sign", response={200: dict, **ERRORS})
def sign(request: HttpRequest, letter_id: Id, payload: SignIn) -> dict[str, Any]:
    """In-system confirmation by the signer (a scan is uploaded on the page)."""
    letter = get_object_or_404(
        Letter.objects.visible_to(request.user).select_related("issuer", "signer", "duty"), pk=letter_id
    )
    return letter_json(
        actions.sign_letter(acting_user=request.user, letter=letter, signer_name=payload.signer_name)
    )


def matter_json(m: PracticalMatter) -> dict[str, Any]:
    return {
        "id": m.pk,
        "org": {"id": m.org_id, "name": m.org.name},
        "year": m.year,
        "title": m.title,
        "description": m.description,
        "status": m.status,
        "status_label": m.get_status_display(),
        "closed_at": m.closed_at,
        "closure": m.closure,
        "occurrence": m.occurrence_id,
    }


@router.get("/practical-matters", response=Paged)
def list_matters(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100),  # type: ignore[type-arg]
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    rows = PracticalMatter.objects.visible_to(request.user).select_related("org")
    if year:
        rows = rows.filter(year=year)
    count, page = page_of(rows, limit, offset)
    return {"items": [matter_json(m) for m in page], "count": count}


@router.get("/practical-matters/{int:matter_id}", response={200: dict, 404: ErrorOut})
def get_matter(request: HttpRequest, matter_id: Id) -> dict[str, Any]:
    m = get_object_or_404(
        PracticalMatter.objects.visible_to(request.user).select_related("org"), pk=matter_id
    )
    return matter_json(m) | {
        "progress": [{"text": p.text, "at": p.at} for p in m.progress.all()],
        "files": [{"id": f.pk, "name": f.original_name, "sha256": f.sha256} for f in m.files.all()],
    }


class MatterIn(Schema):
    org: Id
    year: int = Field(ge=2000, le=2100)
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5000)


@router.post("/practical-matters", response={201: dict, **ERRORS})
def create_matter(request: HttpRequest, payload: MatterIn) -> Status:
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=payload.org)
    m = actions.register_matter(
        acting_user=request.user,
        org=org,
        year=payload.year,
        title=payload.title,
        description=payload.description,
    )
    return Status(201, matter_json(m))


class ProgressIn(Schema):
    text: str = Field(max_length=1000)


@router.post("/practical-matters/{int:matter_id}/progress", response={201: dict, **ERRORS})
def matter_progress(request: HttpRequest, matter_id: Id, payload: ProgressIn) -> Status:
    m = get_object_or_404(
        PracticalMatter.objects.visible_to(request.user).select_related("org"), pk=matter_id
    )
    p = actions.report_matter_progress(acting_user=request.user, matter=m, text=payload.text)
    return Status(201, {"id": p.pk, "text": p.text, "at": p.at})


@router.post("/practical-matters/{int:matter_id}/close", response={200: dict, **ERRORS})
def matter_close(
    request: HttpRequest,
    matter_id: Id,
    closure: Form[str],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> dict[str, Any]:
    """Closes the matter with its evidence files; the division's target occurrence is done."""
    m = get_object_or_404(
        PracticalMatter.objects.visible_to(request.user).select_related("org"), pk=matter_id
    )
    return matter_json(
        actions.close_matter(acting_user=request.user, matter=m, closure=closure, files=files or [])
    )


class ListsQuery(Schema):
    org: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/responsibility-lists", response=Paged)
def list_responsibility_lists(
    request: HttpRequest, query: Query[ListsQuery], limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """三个清单 in scope (optionally of one organisation and year), each with its items."""
    from luoshi.ledgers.models import ResponsibilityList

    rows = ResponsibilityList.objects.visible_to(request.user).select_related("org").prefetch_related("items")
    if query.org:
        rows = rows.filter(org_id=query.org)
    if query.year:
        rows = rows.filter(year=query.year)
    count, page = page_of(rows, limit, offset)
    items = [
        {
            "id": x.pk,
            "org": {"id": x.org_id, "name": x.org.name},
            "year": x.year,
            "kind": x.kind,
            "kind_label": x.get_kind_display(),
            "items": [i.text for i in x.items.all()],
        }
        for x in page
    ]
    return {"items": items, "count": count}


class ListIn(Schema):
    org: Id
    year: int = Field(ge=2000, le=2100)
    kind: str = Field(max_length=16)
    items: list[str] = Field(max_length=200)


@router.put("/responsibility-lists", response={200: dict, **ERRORS})
def save_responsibility_list(request: HttpRequest, payload: ListIn) -> dict[str, Any]:
    """Replaces the items of one of an organisation's 三个清单 for a year."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=payload.org)
    saved = actions.save_list(
        acting_user=request.user, org=org, year=payload.year, kind=payload.kind, items=payload.items
    )
    return {"id": saved.pk, "kind": saved.kind, "items": list(saved.items.values_list("text", flat=True))}


WORK_RECORD_FILE = {
    "responses": {
        200: {
            "description": "党支部工作纪实（.docx）",
            "content": {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                    "schema": {"type": "string", "format": "binary"}
                }
            },
        }
    }
}


@router.get(
    "/work-record", response={200: None, 403: ErrorOut, 404: ErrorOut}, openapi_extra=WORK_RECORD_FILE
)
def work_record(request: HttpRequest, query: Query[SummaryQuery]) -> Any:
    """党支部工作纪实 of an organisation's year as .docx (the official format); audited."""
    from luoshi.ledgers.views import branch_record_response

    org = get_object_or_404(
        Organization.objects.visible_to(request.user), pk=query.org or request.user.org_id or 0
    )
    return branch_record_response(request, org, query.year)
