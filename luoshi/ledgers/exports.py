"""The 三会一课 register as .xlsx in the layout branches keep: 序号, 日期, 会议类型, 主题,
地点, 主持人, 记录人, 应到, 实到, 缺席人员及原因, 登记情况 — in the house style of
luoshi.tasks.exports (Chinese fonts, A4 landscape, header repeated, no formulas from text)."""

from __future__ import annotations

import datetime as dt
import io

from luoshi.ledgers.models import Meeting
from luoshi.orgs.models import Organization
from luoshi.tasks.exports import DATE_FORMAT, FONT, TITLE_FONT, _page_setup, as_of_line, row_height, safe_text

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
    import xlsxwriter

    stream = io.BytesIO()
    book = xlsxwriter.Workbook(
        stream,
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_format_properties": {"font_name": FONT, "font_size": 10},
        },
    )
    sheet = book.add_worksheet("三会一课登记")
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
    cell_fmt = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    center_fmt = book.add_format({"border": 1, "valign": "top", "align": "center"})
    date_fmt = book.add_format({"border": 1, "valign": "top", "align": "center", "num_format": DATE_FORMAT})
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, safe_text(f"{org.name}{year}年三会一课登记簿"), title_fmt)
    sheet.merge_range(1, 0, 1, len(HEADERS) - 1, as_of_line(as_of), book.add_format({"align": "right"}))
    for col, header in enumerate(HEADERS):
        sheet.write_string(2, col, header, head_fmt)
    _page_setup(sheet, len(HEADERS), 2)
    for n, m in enumerate(meetings, start=1):
        row = n + 2
        values = [
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
        sheet.set_row(row, row_height(values, WIDTHS))
        for col, value in enumerate(values):
            if isinstance(value, dt.date):
                sheet.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, int):
                sheet.write_number(row, col, value, center_fmt)
            else:
                sheet.write_string(row, col, safe_text(value), cell_fmt)
    book.close()
    return stream.getvalue()


def table_xlsx(
    title: str,
    sheet_name: str,
    headers: list[str],
    widths: list[int],
    rows: list[list[object]],
    as_of: dt.date,
) -> bytes:
    """Any other ledger (责任书, 为民实事, 学习与服务) as one titled table in the same style."""
    import xlsxwriter

    stream = io.BytesIO()
    book = xlsxwriter.Workbook(
        stream,
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_format_properties": {"font_name": FONT, "font_size": 10},
        },
    )
    sheet = book.add_worksheet(sheet_name)
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
    cell_fmt = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    number_fmt = book.add_format({"border": 1, "valign": "top", "align": "center"})
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
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(n, col, value, number_fmt)
            else:
                sheet.write_string(n, col, safe_text(value), cell_fmt)
    book.close()
    return stream.getvalue()
