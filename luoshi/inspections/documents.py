"""The 反馈意见 and the 整改情况报告 as .docx, through the one official-document builder
(luoshi.exports.official, GB/T 9704 with the department's format profile).

Neither carries a document number: downloading a document is reading it, and a number taken
from the per-year counter on every download would leave gaps in the register."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from luoshi.exports.official import OfficialDocument, chinese_numeral, official_date
from luoshi.inspections.models import Finding, RectificationReport, Round


def _by_category(findings: list[Finding]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in sorted(findings, key=lambda f: (f.category.order, f.seq)):
        groups[f.category.name].append(f)
    return groups


def _numbered(i: int) -> str:
    """（一） … （九十九）, then Arabic: the builder's numerals stop at 99."""
    return f"（{chinese_numeral(i)}）" if i < 100 else f"（{i}）"


def _team_name(round_: Round) -> str:
    return f"{round_.unit.name}巡察组"


def feedback_docx(round_: Round, org: Any, findings: list[Finding], day: dt.date) -> bytes:
    """反馈意见 of a round to one inspected organisation: the problems by category and what
    the organisation must do, signed by the round's team."""
    doc = OfficialDocument.for_unit(round_.unit)
    doc.title(f"关于对{org.name}开展巡察情况的反馈意见")
    doc.addressee(org.name)
    doc.paragraph(
        f"根据工作安排，{round_.title}于{official_date(round_.starts_on)}至{official_date(round_.ends_on)}"
        f"对你单位开展巡察。现将巡察发现的问题反馈如下。"
    )
    doc.heading1("一、巡察发现的主要问题")
    for i, (name, group) in enumerate(_by_category(findings).items(), 1):
        doc.heading2(f"{_numbered(i)}{name}方面")
        for j, f in enumerate(group, 1):
            doc.paragraph(f"{j}．{f.description}" + (f"（违反{f.clause}）" if f.clause else ""))
    if not findings:
        doc.paragraph("本轮巡察未发现需要反馈的问题。")
    doc.heading1("二、整改要求")
    doc.paragraph("请你单位认真对照反馈问题，逐项制定整改措施，明确责任人和整改时限，按期报送整改情况报告。")
    doc.signature(_team_name(round_), day)
    return doc.to_bytes()


def rectification_report_docx(
    round_: Round, org: Any, findings: list[Finding], report: RectificationReport | None, day: dt.date
) -> bytes:
    """整改情况报告 to the department: the organisation's own account, then each finding
    with its measures and where they stand, signed by the organisation."""
    doc = OfficialDocument.for_unit(round_.unit)
    doc.title(f"{org.name}关于巡察反馈问题整改情况的报告")
    doc.addressee(round_.unit.name)
    doc.heading1("一、整改工作总体情况")
    text = report.text if report else f"对照{round_.title}反馈的{len(findings)}个问题，现将整改情况报告如下。"
    for line in filter(None, (line.strip() for line in text.splitlines())):
        doc.paragraph(line)
    doc.heading1("二、反馈问题整改情况")
    for i, f in enumerate(sorted(findings, key=lambda f: f.seq), 1):
        doc.heading2(f"{_numbered(i)}{f.category.name}方面")
        doc.paragraph(f"问题：{f.description}")
        for m in f.measures.all():
            doc.paragraph(
                f"整改措施：{m.text}；整改时限：{official_date(m.deadline)}；"
                f"完成情况：{m.occurrence.get_status_display()}。"
            )
        doc.paragraph(
            f"问题状态：{f.get_status_display()}。"
            + (f"销号意见：{f.close_comment}" if f.close_comment else "")
        )
    doc.signature(org.name, day)
    return doc.to_bytes()
