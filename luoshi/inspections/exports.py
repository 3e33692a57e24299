"""The round's 问题清单 and 整改台账 as .xlsx, in the layout teams keep (序号, 问题类别,
问题描述, 整改措施, 责任单位, 责任人, 整改时限), the 台账 with where each measure stands."""

from __future__ import annotations

import io
from typing import Any

from luoshi.inspections.models import Finding, Round
from luoshi.work import rules

LEDGER_EXTRA = ["整改状态", "问题状态", "销号意见"]


def ledger_xlsx(round_: Round, findings: Any, *, ledger: bool) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "整改台账" if ledger else "问题清单"
    sheet.append([f"{round_.title}{'整改台账' if ledger else '问题清单'}"])
    sheet["A1"].font = Font(bold=True, size=14)
    header = ["序号", "问题类别", "问题描述", "整改措施", "责任单位", "责任人", "整改时限"]
    sheet.append(header + (LEDGER_EXTRA if ledger else []))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    f: Finding
    for f in findings.select_related("org", "category").prefetch_related("measures__duty__occurrences"):
        measures = list(f.measures.all()) or [None]
        for m in measures:
            row = [
                f.seq,
                f.category.name,
                f.description,
                m.text if m else "",
                f.org.name,
                m.responsible_person if m else "",
                m.deadline if m else None,
            ]
            if ledger:
                light = rules.light_of(m.occurrence) if m else None
                row += [
                    f"{m.occurrence.get_status_display()}（{light.label}）" if m and light else "未制定措施",
                    f.get_status_display(),
                    f.close_comment,
                ]
            sheet.append(row)
    for letter, width in zip("ABCDEFGHIJ", [6, 10, 50, 40, 20, 10, 12, 16, 14, 30], strict=False):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row[6].number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
