"""Pages of the ledgers: a branch's meeting ledger (with the duties' lights and the
.xlsx register), recording a meeting from the roster, a meeting with its evidence,
我的记录 for a member, study totals, and the meeting frequencies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.access import deny, get_visible_or_404
from luoshi.core.errors import AccessRefused, ActionRefused
from luoshi.core.numbers import calendar_year, parse_int
from luoshi.ledgers import actions, summaries
from luoshi.ledgers.choices import FileKind, LetterStatus, ListKind, MatterStatus, MeetingKind, StudyMethod
from luoshi.ledgers.exports import absentees, filing_label, meeting_register_xlsx
from luoshi.ledgers.models import (
    Letter,
    MatterFile,
    Meeting,
    MeetingFile,
    MeetingRule,
    PracticalMatter,
    ResponsibilityList,
)
from luoshi.orgs.choices import OrgKind
from luoshi.orgs.models import Organization, Person
from luoshi.work.choices import Frequency
from luoshi.work.models import Occurrence
from luoshi.work.uploads import open_stored


def _year(request: HttpRequest) -> int:
    return calendar_year(request.GET.get("year")) or timezone.localdate().year


def _date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text or "").strip()[:10])
    except ValueError:
        return None


def _org(request: HttpRequest, name: str = "org") -> Organization:
    pk = parse_int(request.GET.get(name) or request.POST.get(name) or "")
    if pk is None:
        if request.user.org is None:
            raise Http404("未找到该组织。")
        pk = request.user.org_id
    return get_visible_or_404(Organization.objects.all(), request.user, pk=pk)


def _person(pk: Any, user: Any) -> Person | None:
    value = parse_int(str(pk or ""))
    if value is None:
        return None
    return (
        Person.objects.visible_to(user).filter(pk=value).first()
        or Person.objects.filter(
            pk=value, org__path__startswith=(user.org.path[:7] if user.org else "-")
        ).first()
    )


def ledger(request: HttpRequest) -> HttpResponse:
    """会议台账: a branch's meetings of a year and the lights of its meeting duties."""
    if request.user.role in Role.without_business_scope():
        return deny(request)
    org, year = _org(request), _year(request)
    meetings = summaries.meetings_of(org, year)
    rows = [{"m": m, "absent": absentees(m), "filing": filing_label(m)} for m in meetings]
    context = {
        "org": org,
        "year": year,
        "rows": rows,
        "grid": summaries.duty_grid(org, year),
        "orgs": Organization.objects.visible_to(request.user).filter(
            kind__in=OrgKind.basic_level() | {OrgKind.PARTY_GROUP}
        ),
        "can_record": actions.can_record_for(request.user, org),
        "children": summaries.attendance_summary(
            list(org.subtree().filter(kind__in=OrgKind.basic_level()).exclude(pk=org.pk).order_by("path")),
            year,
        ),
    }
    return render(request, "ledgers/ledger.html", context)


def ledger_export(request: HttpRequest) -> HttpResponse:
    if request.user.role in Role.without_business_scope():
        return deny(request)
    org, year = _org(request), _year(request)
    data = meeting_register_xlsx(org, year, summaries.meetings_of(org, year), timezone.localdate())
    record(
        AuditAction.EXPORT, actor=request.user, obj=org, object_repr=f"导出三会一课登记簿：{org.name}{year}年"
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(f'{org.name}{year}年三会一课登记簿.xlsx')}"
    )
    return response


def _meeting_input(request: HttpRequest, org: Organization, date: dt.date) -> actions.MeetingInput:
    post = request.POST
    members = actions.roster(org, date)
    present = [p.pk for p in members if post.get(f"present_{p.pk}")]
    absent = {p.pk: post.get(f"reason_{p.pk}", "") for p in members if not post.get(f"present_{p.pk}")}
    return actions.MeetingInput(
        org=org,
        kind=post.get("kind", ""),
        date=date,
        place=post.get("place", ""),
        topic=post.get("topic", ""),
        host=_person(post.get("host"), request.user),
        recorder=_person(post.get("recorder"), request.user),
        content=post.get("content", ""),
        first_topic=bool(post.get("first_topic")),
        studied=post.get("studied", ""),
        leader=_person(post.get("leader"), request.user),
        vote_held=bool(post.get("vote_held")),
        present=present,
        absent=absent,
    )


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    """登记会议: choose the organisation and date, then mark attendance on that day's roster."""
    org = _org(request)
    if not actions.can_record_for(request.user, org):
        return deny(request, "您不能为该组织登记会议。")
    date = _date(request.POST.get("date") or request.GET.get("date")) or timezone.localdate()
    errors: list[str] = []
    if request.method == "POST":
        try:
            data = _meeting_input(request, org, date)
            files = [(FileKind.MINUTES, f) for f in request.FILES.getlist("minutes")] + [
                (FileKind.PHOTO, f) for f in request.FILES.getlist("photos")
            ]
            meeting = actions.record_meeting(acting_user=request.user, data=data, files=files)
        except AccessRefused as refused:
            return deny(request, str(refused))
        except ActionRefused as refused:
            errors.append(str(refused))
        else:
            messages.success(request, f"已登记：{meeting.label}。")
            return redirect("ledgers:meeting", pk=meeting.pk)
    members = list(actions.roster(org, date))
    leaders = Person.objects.filter(
        org__kind=OrgKind.PARTY_GROUP, org__path__startswith=org.path[:7]
    ).order_by("id")
    return render(
        request,
        "ledgers/meeting_form.html",
        {
            "org": org,
            "date": date,
            "members": members,
            "kinds": MeetingKind.choices,
            "leaders": leaders,
            "errors": errors,
            "posted": request.POST,
            "orgs": [
                o
                for o in Organization.objects.assignable_by(request.user)
                if actions.can_record_for(request.user, o)
            ],
        },
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(
        Meeting.objects.select_related("org", "host", "recorder", "leader"), request.user, pk=pk
    )
    return render(
        request,
        "ledgers/meeting_detail.html",
        {
            "m": meeting,
            "attendance": meeting.attendance.select_related("person"),
            "files": meeting.files.all(),
            "links": meeting.links.select_related("occurrence__duty", "occurrence__org"),
            "attachable": list(actions.attachable_occurrences(request.user, meeting)[:200]),
        },
    )


@require_POST
def meeting_attach(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(Meeting.objects.select_related("org"), request.user, pk=pk)
    occ_id = parse_int(request.POST.get("occurrence", ""))
    occurrence = (
        Occurrence.objects.visible_to(request.user)
        .select_related("org", "duty")
        .filter(pk=occ_id or 0)
        .first()
    )
    if occurrence is None:
        messages.error(request, "请选择要报送的事项。")
        return redirect("ledgers:meeting", pk=pk)
    try:
        actions.attach_meeting(acting_user=request.user, meeting=meeting, occurrence=occurrence)
    except AccessRefused as refused:
        return deny(request, str(refused))
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已用本次会议记录办结：{occurrence.duty.title[:40]} {occurrence.period}。")
    return redirect("ledgers:meeting", pk=pk)


def meeting_file(request: HttpRequest, pk: int) -> HttpResponse:
    item = MeetingFile.objects.filter(pk=pk).select_related("meeting").first()
    if item is None:
        raise Http404("未找到该文件。")
    get_visible_or_404(Meeting.objects.all(), request.user, pk=item.meeting_id)
    try:
        handle = open_stored(item.stored_name)
    except (OSError, ValueError):
        raise Http404("文件已不存在。") from None
    return FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )


@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    """我的记录: the member's year — meetings attended, study hours, service hours — and
    the forms to log study and service."""
    user = request.user
    if user.person_id is None:
        return render(request, "ledgers/mine.html", {"no_person": True})
    year = _year(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        which = request.POST.get("form")
        date = _date(request.POST.get("date"))
        try:
            if date is None:
                raise ActionRefused("请填写日期，如 2026-03-01。")
            if which == "service":
                actions.record_service(
                    acting_user=user,
                    date=date,
                    community=request.POST.get("community", ""),
                    hours=request.POST.get("hours", ""),
                    content=request.POST.get("content", ""),
                )
            else:
                actions.record_study(
                    acting_user=user,
                    date=date,
                    title=request.POST.get("title", ""),
                    hours=request.POST.get("hours", ""),
                    method=request.POST.get("method", ""),
                )
        except AccessRefused as refused:
            return deny(request, str(refused))
        except ActionRefused as refused:
            errors[which or "study"] = str(refused)
        else:
            messages.success(request, "已登记。")
            return redirect(reverse("ledgers:mine"))
    person = Person.objects.select_related("org").get(pk=user.person_id)
    return render(
        request,
        "ledgers/mine.html",
        {
            "person": person,
            "y": summaries.person_year(person, year),
            "methods": StudyMethod.choices,
            "errors": errors,
            "posted": request.POST,
            "today": timezone.localdate(),
        },
    )


def study(request: HttpRequest) -> HttpResponse:
    """学习统计: hours per member of an organisation, in roster order — never ranked."""
    if request.user.role not in (Role.PLAN_OFFICE, Role.ORG_STAFF, Role.LEADER):
        return deny(request)
    org, year = _org(request), _year(request)
    people = list(actions.roster(org, min(timezone.localdate(), dt.date(year, 12, 31))))
    rows = summaries.study_totals(people, year)
    return render(
        request,
        "ledgers/study.html",
        {
            "org": org,
            "year": year,
            "rows": rows,
            "total": sum(r["hours"] for r in rows),
            "service": summaries.service_totals(people, year),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_rules(request: HttpRequest) -> HttpResponse:
    """会议频次: the required frequencies, and generating the year's meeting duties."""
    if request.user.role != Role.PLAN_OFFICE:
        return deny(request)
    actions.ensure_default_rules()
    year = _year(request)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "schedule":
                year = calendar_year(request.POST.get("year")) or year
                unit = Organization.objects.get(path=request.user.org.path[:7])
                duties, count = actions.schedule_meeting_duties(
                    acting_user=request.user, unit=unit, year=year
                )
                messages.success(
                    request,
                    f"已生成{duties}项会议任务、{count}个事项。" if duties else "本年度会议任务均已生成。",
                )
            else:
                actions.set_rule(
                    acting_user=request.user,
                    meeting_kind=request.POST.get("meeting_kind", ""),
                    org_kind=request.POST.get("org_kind", ""),
                    freq=request.POST.get("freq", ""),
                    count=parse_int(request.POST.get("count", "1"), minimum=1, maximum=31) or 0,
                )
                messages.success(request, "已保存会议频次。")
        except ActionRefused as refused:
            messages.error(request, str(refused))
        return redirect(reverse("ledgers:rules"))
    return render(
        request,
        "ledgers/rules.html",
        {
            "rules": MeetingRule.objects.all(),
            "kinds": MeetingKind.choices,
            "org_kinds": OrgKind.choices,
            "freqs": Frequency.choices,
            "year": year,
        },
    )


# --- letters, lists, practical matters ---------------------------------------------------


def _business(request: HttpRequest) -> bool:
    return request.user.role not in Role.without_business_scope()


@require_http_methods(["GET", "POST"])
def letters(request: HttpRequest) -> HttpResponse:
    """责任书: the year's letters level by level, those still missing listed first."""
    if not _business(request):
        return deny(request)
    year = _year(request)
    if request.method == "POST":
        try:
            unit = Organization.objects.get(path=request.user.org.path[:7])
            n = actions.issue_letters(
                acting_user=request.user, unit=unit, year=calendar_year(request.POST.get("year")) or year
            )
            messages.success(request, f"已下发{n}份责任书。" if n else "本年度责任书均已下发。")
        except AccessRefused as refused:
            return deny(request, str(refused))
        except ActionRefused as refused:
            messages.error(request, str(refused))
        return redirect(f"{reverse('ledgers:letters')}?year={year}")
    rows = list(Letter.objects.visible_to(request.user).filter(year=year).select_related("issuer", "signer"))
    return render(
        request,
        "ledgers/letters.html",
        {
            "year": year,
            "missing": [x for x in rows if x.status == LetterStatus.PENDING],
            "rows": rows,
            "can_issue": request.user.role == Role.PLAN_OFFICE,
        },
    )


@require_http_methods(["GET", "POST"])
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_visible_or_404(
        Letter.objects.select_related("issuer", "signer", "duty"), request.user, pk=pk
    )
    if request.method == "POST":
        try:
            actions.sign_letter(
                acting_user=request.user,
                letter=letter,
                signer_name=request.POST.get("signer_name", ""),
                scan=request.FILES.get("scan"),
            )
        except AccessRefused as refused:
            return deny(request, str(refused))
        except ActionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "责任书已签订。")
        return redirect("ledgers:letter", pk=pk)
    return render(
        request,
        "ledgers/letter_detail.html",
        {
            "letter": letter,
            "can_sign": letter.status == LetterStatus.PENDING and actions.can_sign(request.user, letter),
        },
    )


def letter_scan(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_visible_or_404(Letter.objects.all(), request.user, pk=pk)
    return _file_response(letter)


def _file_response(item: Any) -> HttpResponse:
    if not item.stored_name:
        raise Http404("未上传文件。")
    try:
        handle = open_stored(item.stored_name)
    except (OSError, ValueError):
        raise Http404("文件已不存在。") from None
    return FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )


@require_http_methods(["GET", "POST"])
def lists(request: HttpRequest) -> HttpResponse:
    """三个清单 of an organisation for a year."""
    if not _business(request):
        return deny(request)
    org, year = _org(request), _year(request)
    can_edit = actions.can_record_for(request.user, org)
    if request.method == "POST":
        if not can_edit:
            return deny(request, "您不能维护该组织的责任清单。")
        try:
            actions.save_list(
                acting_user=request.user,
                org=org,
                year=calendar_year(request.POST.get("year")) or year,
                kind=request.POST.get("kind", ""),
                items=request.POST.get("items", "").splitlines(),
            )
        except ActionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "清单已保存。")
        return redirect(f"{reverse('ledgers:lists')}?org={org.pk}&year={year}")
    found = {
        x.kind: x for x in ResponsibilityList.objects.filter(org=org, year=year).prefetch_related("items")
    }
    return render(
        request,
        "ledgers/lists.html",
        {
            "org": org,
            "year": year,
            "kinds": [(k, label, found.get(k)) for k, label in ListKind.choices],
            "can_edit": can_edit,
        },
    )


@require_http_methods(["GET", "POST"])
def practical(request: HttpRequest) -> HttpResponse:
    """为民实事: each division's matter and the target's progress per division."""
    if not _business(request):
        return deny(request)
    year = _year(request)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "target":
                unit = Organization.objects.get(path=request.user.org.path[:7])
                actions.set_practical_target(acting_user=request.user, unit=unit, year=year)
                messages.success(request, "已下达为民实事目标。")
            else:
                org = _org(request)
                matter = actions.register_matter(
                    acting_user=request.user,
                    org=org,
                    year=year,
                    title=request.POST.get("title", ""),
                    description=request.POST.get("description", ""),
                )
                return redirect("ledgers:matter", pk=matter.pk)
        except AccessRefused as refused:
            return deny(request, str(refused))
        except ActionRefused as refused:
            messages.error(request, str(refused))
        return redirect(f"{reverse('ledgers:practical')}?year={year}")
    return render(
        request, "ledgers/practical.html", {"year": year, **summaries.practical_progress(request.user, year)}
    )


@require_http_methods(["GET", "POST"])
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_visible_or_404(PracticalMatter.objects.select_related("org"), request.user, pk=pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                actions.close_matter(
                    acting_user=request.user,
                    matter=matter,
                    closure=request.POST.get("closure", ""),
                    files=request.FILES.getlist("files"),
                )
                messages.success(request, "已办结。")
            else:
                actions.report_matter_progress(
                    acting_user=request.user, matter=matter, text=request.POST.get("text", "")
                )
                messages.success(request, "已报送进展。")
        except AccessRefused as refused:
            return deny(request, str(refused))
        except ActionRefused as refused:
            messages.error(request, str(refused))
        return redirect("ledgers:matter", pk=pk)
    return render(
        request,
        "ledgers/matter_detail.html",
        {
            "m": matter,
            "progress": matter.progress.all(),
            "files": matter.files.all(),
            "can_edit": matter.status == MatterStatus.OPEN
            and actions.can_record_for(request.user, matter.org),
        },
    )


def matter_file(request: HttpRequest, pk: int) -> HttpResponse:
    item = MatterFile.objects.filter(pk=pk).first()
    if item is None:
        raise Http404("未找到该文件。")
    get_visible_or_404(PracticalMatter.objects.all(), request.user, pk=item.matter_id)
    return _file_response(item)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(request: HttpRequest, filename: str, data: bytes, what: str) -> HttpResponse:
    from urllib.parse import quote

    record(AuditAction.EXPORT, actor=request.user, object_type="ledgers.export", object_repr=what[:200])
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_table(request: HttpRequest, which: str) -> HttpResponse:
    """责任书, 为民实事 and 学习与服务 as .xlsx, with the rows the page shows."""
    from luoshi.ledgers.exports import table_xlsx

    if not _business(request):
        return deny(request)
    year, today = _year(request), timezone.localdate()
    if which == "letters":
        letters_in_scope = (
            Letter.objects.visible_to(request.user).filter(year=year).select_related("issuer", "signer")
        )
        rows: list[list[object]] = [
            [
                i,
                x.issuer.name,
                x.signer.name,
                x.get_status_display(),
                x.signer_name,
                x.signed_at.date().isoformat() if x.signed_at else "",
                "扫描件" if x.original_name else ("系统确认" if x.signed_at else ""),
            ]
            for i, x in enumerate(letters_in_scope, 1)
        ]
        title = f"{year}年党风廉政建设责任书签订情况"
        data = table_xlsx(
            title,
            "责任书",
            ["序号", "发出单位", "签订单位", "状态", "签订人", "签订日期", "方式"],
            [6, 24, 28, 10, 14, 14, 10],
            rows,
            today,
        )
    elif which == "practical":
        progress = summaries.practical_progress(request.user, year)
        rows = [
            [
                i,
                r["org"].name,
                "；".join(m.title for m in r["matters"]) or "未登记",
                "；".join(m.get_status_display() for m in r["matters"]),
                r["light"].label if r["light"] else "",
            ]
            for i, r in enumerate(progress["rows"], 1)
        ]
        title = f"{year}年我为群众办实事推进情况"
        data = table_xlsx(
            title,
            "为民实事",
            ["序号", "处室（单位）", "为民实事", "状态", "完成情况"],
            [6, 26, 44, 12, 14],
            rows,
            today,
        )
    elif which == "study":
        if request.user.role not in (Role.PLAN_OFFICE, Role.ORG_STAFF, Role.LEADER):
            return deny(request)
        org = _org(request)
        people = list(actions.roster(org, min(today, dt.date(year, 12, 31))))
        service = {r["person"].pk: r["hours"] for r in summaries.service_totals(people, year)["rows"]}
        rows = [
            [i, r["person"].name, float(r["hours"]), float(service.get(r["person"].pk, 0))]
            for i, r in enumerate(summaries.study_totals(people, year), 1)
        ]
        title = f"{org.name}{year}年学习与志愿服务登记（按名册顺序，不排名）"
        data = table_xlsx(
            title, "学习与服务", ["序号", "姓名", "学习学时", "志愿服务时长"], [6, 16, 12, 14], rows, today
        )
    else:
        raise Http404("未找到该台账。")
    return _xlsx(request, f"{title}.xlsx", data, f"导出{title}")
