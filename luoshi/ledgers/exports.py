"""The 三会一课 register as .xlsx in the layout branches keep: 序号, 日期, 会议类型, 主题,
地点, 主持人, 记录人, 应到, 实到, 缺席人员及原因, 登记情况 — in the house style of
luoshi.tasks.exports (Chinese fonts, A4 landscape, header repeated, no formulas from text)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from luoshi.core.scope import root_path_of
from luoshi.ledgers.models import Meeting
from luoshi.orgs.models import Organization
from luoshi.tasks.exports import titled_table_xlsx

HEADERS = [
    "序号",
    "日期",
    "会议类型",
    "主题",
    "地点",
    "主持人",
    "记录人",
    "应到",
    "实到",
    "缺席人员及原因",
    "登记情况",
]
WIDTHS = [6, 14, 16, 36, 16, 10, 10, 7, 7, 30, 14]


def absentees(meeting: Meeting) -> str:
    rows = getattr(meeting, "absentees", None)
    if rows is None:
        rows = meeting.attendance.filter(present=False).select_related("person")
    return "；".join(f"{a.person.name}（{a.reason}）" for a in rows if not a.present)


def filing_label(meeting: Meeting) -> str:
    return f"逾期登记（{meeting.filed_workdays}个工作日）" if meeting.filed_late else "按时登记"


def meeting_register_xlsx(org: Organization, year: int, meetings: list[Meeting], as_of: dt.date) -> bytes:
    rows = [
        [
            n,
            m.date,
            m.get_kind_display() + ("（第一议题）" if m.first_topic else ""),
            m.topic,
            m.place,
            m.host.name if m.host else "",
            m.recorder.name if m.recorder else "",
            m.expected,
            m.present,
            absentees(m),
            filing_label(m),
        ]
        for n, m in enumerate(meetings, start=1)
    ]
    return titled_table_xlsx(
        f"{org.name}{year}年三会一课登记簿", "三会一课登记", HEADERS, WIDTHS, rows, as_of
    )


def branch_year_docx(org: Organization, year: int, as_of: dt.date) -> bytes:
    """党支部工作纪实: a branch's year on paper, printed through the one official-document
    builder in the department's format — its members and committee, every meeting with
    attendance, the meeting duties kept, study and service totals (never ranked), its
    responsibility list, letter and practical matters. Reads about ten queries."""
    from django.db.models import Count

    from luoshi.exports.official import OfficialDocument, official_date
    from luoshi.ledgers import actions, summaries
    from luoshi.ledgers.choices import ListKind
    from luoshi.ledgers.models import Letter, PracticalMatter, ResponsibilityList
    from luoshi.orgs.choices import PartyStatus, PostKind
    from luoshi.orgs.models import Post

    unit = Organization.objects.get(path=root_path_of(org.path))
    doc = OfficialDocument.for_unit(unit)
    day = min(as_of, dt.date(year, 12, 31))
    members = list(actions.roster(org, day))
    meetings = summaries.meetings_of(org, year)
    doc.title(f"{org.name}{year}年党支部工作纪实")

    doc.heading1("一、基本情况")
    probationary = sum(1 for p in members if p.party_status == PartyStatus.PROBATIONARY)
    committee = [
        f"{post.get_kind_display()}{post.person.name}"
        for post in Post.objects.filter(org=org, ended_on__isnull=True)
        .exclude(kind__in=[PostKind.MEMBER, PostKind.PARTY_AFFAIRS])
        .select_related("person")
        .order_by("kind", "person__name")
    ]
    doc.paragraph(
        f"截至{official_date(day)}，本支部有党员{len(members)}名，其中正式党员{len(members) - probationary}名、"
        f"预备党员{probationary}名。" + (f"支部委员会：{'、'.join(committee)}。" if committee else "")
    )

    doc.heading1("二、组织生活")
    kinds = Counter(m.get_kind_display() for m in meetings)
    expected = sum(m.expected for m in meetings)
    present = sum(m.present for m in meetings)
    doc.paragraph(
        f"全年召开会议、开展活动{len(meetings)}次"
        + (f"（{'、'.join(f'{k}{n}次' for k, n in kinds.items())}）" if kinds else "")
        + (
            f"，应到{expected}人次，实到{present}人次，到会率{100 * present / expected:.0f}%。"
            if expected
            else "。"
        )
        + (
            f"其中{sum(1 for m in meetings if m.filed_late)}次会后逾期登记。"
            if any(m.filed_late for m in meetings)
            else ""
        )
    )
    if meetings:
        doc.table(
            ["序号", "日期", "类型", "主题", "到会"],
            [
                [
                    str(n),
                    f"{m.date.month}月{m.date.day}日",
                    m.get_kind_display(),
                    m.topic + ("（第一议题）" if m.first_topic else ""),
                    f"{m.present}/{m.expected}",
                ]
                for n, m in enumerate(meetings, 1)
            ],
            [14, 26, 30, 64, 22],
        )
    grid = summaries.duty_grid(org, year)
    if grid:
        doc.heading2("（一）规定频次完成情况")
        for row in grid:
            done = sum(1 for c in row["cells"] if c["done"])
            missed = [c["period"] for c in row["cells"] if c["colour"] == "red"]
            doc.paragraph(
                f"{row['title']}：{len(row['cells'])}期中已完成{done}期"
                + (f"，{'、'.join(missed)}未按期召开。" if missed else "。")
            )

    doc.heading1("三、学习教育与志愿服务")
    studies = summaries.study_totals(members, year)
    service = summaries.service_totals(members, year)
    first = [m for m in meetings if m.first_topic]
    doc.paragraph(
        f"全年落实“第一议题”{len(first)}次。党员登记学习{sum(r['hours'] for r in studies)}学时"
        f"（{sum(1 for r in studies if r['hours'])}名党员有学习记录）；"
        f"到社区报到服务{sum(r['hours'] for r in service['rows'])}小时"
        f"（{len(members) - len(service['not_reported'])}名党员报告服务，{len(service['not_reported'])}名尚未报告）。"
        "学习和服务时长按名册登记，不排名，不作为考核依据。"
    )

    doc.heading1("四、责任落实")
    lists = dict(
        ResponsibilityList.objects.filter(org=org, year=year)
        .annotate(n=Count("items"))
        .values_list("kind", "n")
    )
    doc.paragraph(
        "；".join(
            f"{label}{lists[kind]}项" if kind in lists else f"{label}未制定"
            for kind, label in ListKind.choices
        )
        + "。"
    )
    letter = Letter.objects.filter(year=year, signer=org).select_related("issuer").first()
    if letter is not None:
        doc.paragraph(
            f"与{letter.issuer.name}签订党风廉政建设责任书："
            + (
                f"已于{official_date(letter.signed_at.date())}签订（签订人{letter.signer_name}）。"
                if letter.signed_at
                else "尚未签订。"
            )
        )
    matters = list(
        PracticalMatter.objects.filter(org__path__startswith=org.path, year=year).select_related("org")
    )
    for matter in matters:
        doc.paragraph(
            f"为民实事（{matter.org.display_name}）：{matter.title}，{matter.get_status_display()}。"
        )

    doc.signature(org.name, as_of)
    return doc.to_bytes()
