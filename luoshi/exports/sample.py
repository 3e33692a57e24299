"""A sample page in the unit's format, so the office can open it in WPS or Word and check
fonts, margins and page numbers before real documents go out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.exports.official import OfficialDocument, document_number


def sample_docx(unit: Any, today: dt.date) -> bytes:
    doc = OfficialDocument.for_unit(unit)
    issuer = doc.profile.issuer
    doc.masthead(issuer)
    doc.number_line(document_number("样", today.year, 1))
    doc.title("关于公文格式样张的通知")
    doc.addressee("各基层党组织")
    doc.paragraph(
        "本样张按照《党政机关公文格式》（GB/T 9704—2012）编排：版心156毫米×225毫米，每页22行，每行28个字；标题2号小标宋体，正文3号仿宋体。"
    )
    doc.heading1("一、一级标题用黑体")
    doc.heading2("（一）二级标题用楷体")
    doc.heading3("1．三级标题用仿宋体")
    doc.paragraph(
        "（1）四级标题用仿宋体。页码用4号半角宋体阿拉伯数字，编排在版心下边缘之下，单页码居右空一字，双页码居左空一字。"
    )
    doc.table(
        ["序号", "项目", "要求"],
        [["1", "页边距", "上37毫米，左28毫米"], ["2", "行数", "每页22行"]],
        [15, 50, 91],
    )
    doc.signature(issuer, today)
    doc.record(cc="（样张，无需抄送）", printer=issuer, printed=today)
    return doc.to_bytes()
