"""The round's 问题清单 and 整改台账 as .xlsx, in the layout teams keep (序号, 问题类别,
问题描述, 整改措施, 责任单位, 责任人, 整改时限), the 台账 with where each measure stands.

Title in row 1 and the header in row 2, as the importer reads them, so an exported 问题清单
can be filled in and imported again. House style of luoshi.tasks.exports: Chinese fonts,
A4 landscape fitted to the width, header repeated on every page, no formula from text (a
description that starts with "=" stays text)."""

from __future__ import annotations

import io
from typing import Any

from luoshi.inspections.models import Finding, Round
from luoshi.tasks.exports import (
    DATE_FORMAT,
    _page_setup,
    _title_and_header_formats,
    _workbook,
    _write_value,
    chinese,
    row_height,
)
from luoshi.work import rules

HEADERS = ["序号", "问题类别", "问题描述", "整改措施", "责任单位", "责任人", "整改时限"]
LEDGER_EXTRA = ["整改状态", "问题状态", "销号意见"]
WIDTHS = [6, 10, 44, 36, 18, 10, 14, 16, 14, 26]


def _rows(findings: Any, ledger: bool) -> list[list[Any]]:
    rows = []
    f: Finding
    for f in findings.select_related("org", "category").prefetch_related("measures__duty__occurrences"):
        for m in list(f.measures.all()) or [None]:
            row: list[Any] = [
                f.seq,
                f.category.name,
                f.description,
                m.text if m else "",
                f.org.name,
                m.responsible_person if m else "",
                m.deadline if m else "",
            ]
            if ledger:
                occ = m.occurrence if m else None
                row += [
                    f"{occ.get_status_display()}（{rules.light_of(occ).label}）" if occ else "未制定措施",
                    f.get_status_display(),
                    f.close_comment,
                ]
            rows.append(row)
    return rows


def ledger_xlsx(round_: Round, findings: Any, *, ledger: bool) -> bytes:
    name = "整改台账" if ledger else "问题清单"
    headers = HEADERS + (LEDGER_EXTRA if ledger else [])
    widths = WIDTHS[: len(headers)]
    stream = io.BytesIO()
    book = _workbook(stream, constant_memory=False)
    sheet = book.add_worksheet(name)
    title_fmt, head_fmt = _title_and_header_formats(book)
    cell_fmt = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    center_fmt = book.add_format({"border": 1, "text_wrap": True, "valign": "top", "align": "center"})
    date_fmt = book.add_format(
        {"border": 1, "text_wrap": True, "valign": "top", "align": "center", "num_format": DATE_FORMAT}
    )
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, len(headers) - 1, f"{round_.title}{name}", title_fmt)
    for col, header in enumerate(headers):
        sheet.write_string(1, col, header, head_fmt)
    _page_setup(sheet, len(headers), 1)
    for r, values in enumerate(_rows(findings, ledger), 2):
        for col, value in enumerate(values):
            _write_value(sheet, r, col, value, center_fmt if col in (0, 1, 5) else cell_fmt, date_fmt)
        sheet.set_row(r, row_height([chinese(v) for v in values], widths))
    book.close()
    return stream.getvalue()
