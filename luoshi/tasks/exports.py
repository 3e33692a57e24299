"""The task ledger as .xlsx, in the layout offices hand upward: 序号, 工作任务, 具体措施,
牵头单位, 责任单位, 完成时限, 进展情况, 完成状态; section rows merged across; header
frozen and repeated on every printed page; A4 landscape, fitted to the page width;
Chinese fonts named for WPS and Excel. Text is never turned into formulas.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from typing import Any

import xlsxwriter

FONT = "宋体"
TITLE_FONT = "黑体"
HEADERS = ["序号", "工作任务", "具体措施", "牵头单位", "责任单位", "完成时限", "进展情况", "完成状态"]
WIDTHS = [6, 36, 48, 14, 26, 14, 36, 12]
DETAIL_HEADERS = ["序号", "工作任务", "责任单位", "期间", "完成时限", "完成状态", "目标/完成", "最新进展"]
DETAIL_WIDTHS = [7, 44, 20, 16, 16, 12, 10, 48]


def safe_text(value: Any) -> str:
    """Text that no spreadsheet will read as a formula (=, +, -, @ and tab-led cells)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def row_height(values: list[Any], widths: list[int], line_points: float = 13.5) -> float:
    """A row tall enough for its wrapped text. Neither WPS nor LibreOffice resizes rows of a
    generated file on opening; a CJK character takes about two width units."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        text = "" if value is None else str(value)
        # A CJK character is 3 UTF-8 bytes and takes two width units, ASCII one byte and one
        # unit: (bytes + characters) / 2 counts both without a loop in Python.
        units = (len(text.encode()) + len(text)) // 2
        lines = max(lines, -(-units // max(width - 1, 1)))
    return min(lines, 15) * line_points + 3


def _workbook(stream: io.BytesIO, constant_memory: bool) -> Any:
    return xlsxwriter.Workbook(
        stream,
        {
            "constant_memory": constant_memory,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_format_properties": {"font_name": FONT, "font_size": 10},
        },
    )


DATE_FORMAT = 'yyyy"年"m"月"d"日"'


def as_of_line(as_of: dt.date) -> str:
    """截至 line under the title: the day the figures are true for."""
    return f"截至{as_of.year}年{as_of.month}月{as_of.day}日"


def _write_value(sheet: Any, row: int, col: int, value: Any, fmt: Any, date_fmt: Any) -> None:
    """Dates as real dates (sortable in WPS and Excel), numbers as numbers, text as text."""
    if isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), date_fmt)
    elif isinstance(value, int) and not isinstance(value, bool):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, safe_text(value), fmt)


def _page_setup(sheet: Any, columns: int, header_row: int) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.repeat_rows(header_row)
    sheet.freeze_panes(header_row + 1, 0)
    sheet.fit_to_pages(1, 0)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def _title_and_header_formats(book: Any) -> tuple[Any, Any]:
    """The house style's title (黑体 16) and grey, bold, wrapped header cells."""
    title_fmt = book.add_format(
        {"font_name": TITLE_FONT, "font_size": 16, "align": "center", "valign": "vcenter"}
    )
    head_fmt = book.add_format(
        {
            "bold": True,
            "align": "center",
            "valign": "vcenter",
            "border": 1,
            "bg_color": "#D9D9D9",
            "text_wrap": True,
        }
    )
    return title_fmt, head_fmt


def ledger_xlsx(title: str, rows: Iterable[dict[str, Any]], as_of: dt.date) -> bytes:
    """rows: dicts with section, title, measure, lead, responsible, due (a date or a
    schedule label), progress, status."""
    stream = io.BytesIO()
    book = _workbook(stream, constant_memory=True)
    sheet = book.add_worksheet("任务台账")
    title_fmt, head_fmt = _title_and_header_formats(book)
    section_fmt = book.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2", "valign": "vcenter"})
    cell_fmt = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    center_fmt = book.add_format({"border": 1, "text_wrap": True, "valign": "top", "align": "center"})
    date_fmt = book.add_format(
        {"border": 1, "text_wrap": True, "valign": "top", "align": "center", "num_format": DATE_FORMAT}
    )
    as_of_fmt = book.add_format({"align": "right"})
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, title, title_fmt)
    sheet.merge_range(1, 0, 1, len(HEADERS) - 1, as_of_line(as_of), as_of_fmt)
    for col, header in enumerate(HEADERS):
        sheet.write_string(2, col, header, head_fmt)
    _page_setup(sheet, len(HEADERS), 2)
    row, number, section = 3, 0, None
    for item in rows:
        if item["section"] != section:
            section = item["section"]
            sheet.merge_range(row, 0, row, len(HEADERS) - 1, safe_text(section or "其他"), section_fmt)
            row += 1
        number += 1
        sheet.write_number(row, 0, number, center_fmt)
        values = [
            item["title"],
            item["measure"],
            item["lead"],
            item["responsible"],
            item["due"],
            item["progress"],
            item["status"],
        ]
        for col, value in enumerate(values, 1):
            _write_value(sheet, row, col, value, center_fmt if col in (5, 7) else cell_fmt, date_fmt)
        sheet.set_row(row, row_height([chinese(v) for v in values], WIDTHS[1:]))
        row += 1
    book.close()
    return stream.getvalue()


def chinese(value: Any) -> Any:
    return f"{value.year}年{value.month}月{value.day}日" if isinstance(value, dt.date) else value


def occurrences_xlsx(
    title: str,
    rows: Iterable[dict[str, Any]],
    as_of: dt.date,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """One row per occurrence; streams in constant memory, reporting progress every 1,000 rows."""
    stream = io.BytesIO()
    book = _workbook(stream, constant_memory=True)
    sheet = book.add_worksheet("任务事项")
    title_fmt = book.add_format({"font_name": TITLE_FONT, "font_size": 16, "align": "center"})
    head_fmt = book.add_format(
        {
            "bold": True,
            "align": "center",
            "valign": "vcenter",
            "border": 1,
            "bg_color": "#D9D9D9",
            "text_wrap": True,
        }
    )
    cell_fmt = book.add_format({"border": 1, "valign": "top", "text_wrap": True})
    date_fmt = book.add_format({"border": 1, "valign": "top", "align": "center", "num_format": DATE_FORMAT})
    for col, width in enumerate(DETAIL_WIDTHS):
        sheet.set_column(col, col, width)
    sheet.merge_range(0, 0, 0, len(DETAIL_HEADERS) - 1, title, title_fmt)
    sheet.merge_range(
        1, 0, 1, len(DETAIL_HEADERS) - 1, as_of_line(as_of), book.add_format({"align": "right"})
    )
    for col, header in enumerate(DETAIL_HEADERS):
        sheet.write_string(2, col, header, head_fmt)
    _page_setup(sheet, len(DETAIL_HEADERS), 2)
    for n, item in enumerate(rows, 1):
        values = [
            n,
            item["title"],
            item["org"],
            item["period"],
            item["due"],
            item["status"],
            item["target"],
            item["progress"],
        ]
        for col, value in enumerate(values):
            _write_value(sheet, n + 2, col, value, cell_fmt, date_fmt)
        sheet.set_row(n + 2, row_height([chinese(v) for v in values], DETAIL_WIDTHS))
        if progress and n % 1000 == 0:
            progress(n)
    book.close()
    return stream.getvalue()


def titled_table_xlsx(
    title: str,
    sheet_name: str,
    headers: list[str],
    widths: list[int],
    rows: Iterable[list[Any]],
    as_of: dt.date,
) -> bytes:
    """Any register as one titled table in the house style (the 三会一课 register, 责任书,
    为民实事, 学习与服务, the 党员花名册): title, 截至 line, grey header repeated on every A4
    landscape page; dates as dates, numbers as numbers, everything else as text that no
    spreadsheet reads as a formula."""
    stream = io.BytesIO()
    book = _workbook(stream, constant_memory=False)
    sheet = book.add_worksheet(sheet_name)
    title_fmt, head_fmt = _title_and_header_formats(book)
    cell_fmt = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    number_fmt = book.add_format({"border": 1, "valign": "top", "align": "center"})
    date_fmt = book.add_format({"border": 1, "valign": "top", "align": "center", "num_format": DATE_FORMAT})
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, len(headers) - 1, safe_text(title), title_fmt)
    sheet.merge_range(1, 0, 1, len(headers) - 1, as_of_line(as_of), book.add_format({"align": "right"}))
    for col, header in enumerate(headers):
        sheet.write_string(2, col, header, head_fmt)
    _page_setup(sheet, len(headers), 2)
    for n, values in enumerate(rows, start=3):
        sheet.set_row(n, row_height(list(values), widths))
        for col, value in enumerate(values):
            if isinstance(value, dt.date):
                sheet.write_datetime(n, col, dt.datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(n, col, value, number_fmt)
            else:
                sheet.write_string(n, col, safe_text(value), cell_fmt)
    book.close()
    return stream.getvalue()
