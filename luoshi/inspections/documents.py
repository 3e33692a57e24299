"""The 反馈意见 and the 整改情况报告 as .docx in the official document layout (GB/T 9704):
A4, margins 37/35/28/26 mm, title in 2号 方正小标宋简体 centred, body in 3号 仿宋_GB2312 with
28-point lines, first-level headings in 黑体, dates as 2022年5月27日."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from typing import Any

from luoshi.inspections.models import Finding, RectificationReport, Round

NUMERALS = "一二三四五六七八九十"


def _numeral(i: int) -> str:
    if i <= 10:
        return NUMERALS[i - 1]
    return ("" if i < 20 else NUMERALS[i // 10 - 1]) + "十" + (NUMERALS[i % 10 - 1] if i % 10 else "")


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class _Doc:
    def __init__(self) -> None:
        from docx import Document
        from docx.shared import Mm

        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)

    def _run(self, paragraph: Any, text: str, font: str, size: float, bold: bool = False) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Pt

        run = paragraph.add_run(text)
        run.font.name = font
        run.font.size = Pt(size)
        run.bold = bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    def _paragraph(self, align: str = "justify", indent: bool = True) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28)
        fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(32)
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}.get(
            align, WD_ALIGN_PARAGRAPH.JUSTIFY
        )
        return p

    def title(self, text: str) -> None:
        self._run(self._paragraph("center", indent=False), text, "方正小标宋简体", 22)
        self._paragraph(indent=False)

    def salutation(self, text: str) -> None:
        self._run(self._paragraph(indent=False), text, "仿宋_GB2312", 16)

    def heading(self, text: str) -> None:
        self._run(self._paragraph(), text, "黑体", 16)

    def body(self, text: str) -> None:
        self._run(self._paragraph(), text, "仿宋_GB2312", 16)

    def signature(self, who: str, day: dt.date) -> None:
        self._paragraph(indent=False)
        self._run(self._paragraph("right", indent=False), who, "仿宋_GB2312", 16)
        self._run(self._paragraph("right", indent=False), _date(day), "仿宋_GB2312", 16)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _by_category(findings: list[Finding]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in sorted(findings, key=lambda f: (f.category.order, f.seq)):
        groups[f.category.name].append(f)
    return groups


def feedback_docx(round_: Round, org: Any, findings: list[Finding], day: dt.date) -> bytes:
    """反馈意见 of a round to one inspected organisation: the problems by category and what
    the organisation must do."""
    doc = _Doc()
    doc.title(f"关于对{org.name}开展巡察情况的反馈意见")
    doc.salutation(f"{org.name}：")
    doc.body(
        f"根据工作安排，{round_.title}于{_date(round_.starts_on)}至{_date(round_.ends_on)}对你单位开展巡察。"
        f"现将巡察发现的问题反馈如下。"
    )
    doc.heading("一、巡察发现的主要问题")
    for i, (name, group) in enumerate(_by_category(findings).items(), 1):
        doc.body(f"（{_numeral(i)}）{name}方面")
        for j, f in enumerate(group, 1):
            doc.body(f"{j}．{f.description}" + (f"（违反{f.clause}）" if f.clause else ""))
    doc.heading("二、整改要求")
    doc.body("请你单位认真对照反馈问题，逐项制定整改措施，明确责任人和整改时限，按期报送整改情况报告。")
    doc.signature("巡察组", day)
    return doc.bytes()


def rectification_report_docx(
    round_: Round, org: Any, findings: list[Finding], report: RectificationReport | None, day: dt.date
) -> bytes:
    """整改情况报告: the organisation's report, then each finding with its measures and state."""
    doc = _Doc()
    doc.title(f"{org.name}关于巡察反馈问题整改情况的报告")
    doc.body(
        report.text if report else f"对照{round_.title}反馈的{len(findings)}个问题，现将整改情况报告如下。"
    )
    doc.heading("一、问题整改情况")
    for i, f in enumerate(sorted(findings, key=lambda f: f.seq), 1):
        doc.body(f"（{_numeral(i)}）{f.description}")
        for m in f.measures.all():
            occ = m.occurrence
            doc.body(
                f"整改措施：{m.text}；整改时限：{_date(m.deadline)}；完成情况：{occ.get_status_display()}。"
            )
        doc.body(
            f"问题状态：{f.get_status_display()}。"
            + (f"销号意见：{f.close_comment}" if f.close_comment else "")
        )
    doc.signature(org.name, day)
    return doc.bytes()
