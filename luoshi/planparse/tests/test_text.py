"""Reading documents: encodings, .docx with task tables, .pdf, and bad input."""

from __future__ import annotations

import pytest

from luoshi.planparse import PlanError, parse_text, text_from_bytes
from luoshi.planparse.tests.helpers import docx_bytes, pdf_bytes

PLAN = "2022年工作要点\n一、总体要求\n（一）加强学习。各支部每月学习。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_text_in_each_encoding_reads_the_same(encoding) -> None:
    text = text_from_bytes(PLAN.encode(encoding), "plan.txt")
    assert text.lstrip("\ufeff") == PLAN
    assert parse_text(text)["outline"][0]["children"][0]["title"] == "加强学习"


def test_windows_newlines_become_plain_newlines() -> None:
    assert text_from_bytes(PLAN.replace("\n", "\r\n").encode(), "p.txt") == PLAN


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "为空"),
        (b"   \n\n", "blank.txt", "为空"),
        (bytes(range(256)) * 20, "random.txt", "不是文本文件"),
        (b"PK\x03\x04not really a zip", "broken.docx", "损坏"),
        (b"%PDF-1.4\n%%EOF", "broken.pdf", "PDF"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old.doc", ".docx"),
    ],
)
def test_bad_input_gives_one_clear_chinese_line(data, name, message) -> None:
    with pytest.raises(PlanError) as error:
        text_from_bytes(data, name)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_oversized_input_is_refused_before_reading_it_all(tmp_path) -> None:
    from luoshi.planparse import read_document

    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    with pytest.raises(PlanError, match="过大"):
        read_document(big)


def test_docx_paragraphs_and_a_task_table_become_headings_with_attributes() -> None:
    data = docx_bytes(
        ["2023年任务分解方案", "一、重点任务"],
        [
            ["序号", "工作任务", "具体措施", "牵头单位", "责任单位", "完成时限"],
            ["1", "推进项目建设", "完成年度投资。", "区发改局", "各街道、区财政局", "2023年12月底前"],
            ["2", "优化营商环境", "压缩审批时限。", "区营商局", "各部门", "2023年6月底前"],
        ],
    )
    text = text_from_bytes(data, "plan.docx")
    plan = parse_text(text)
    [section] = plan["outline"]
    items = section["children"]
    assert [n["title"] for n in items] == ["推进项目建设", "优化营商环境"]
    assert [a["text"] for a in items[0]["actors"]] == ["区发改局", "各街道", "区财政局"]
    assert items[0]["measures"][0]["text"] == "完成年度投资。"
    assert items[1]["schedules"][0]["when"] == "2023-06"


def test_pdf_text_layer_is_read_and_page_numbers_dropped() -> None:
    text = text_from_bytes(pdf_bytes(["1. First item.", "- 1 -"]), "plan.pdf")
    assert "First item." in text and "- 1 -" not in text


def test_pdf_without_a_text_layer_is_refused() -> None:
    with pytest.raises(PlanError, match="文字层"):
        text_from_bytes(pdf_bytes([]), "scan.pdf")


def test_wrapped_pdf_lines_are_joined() -> None:
    from luoshi.planparse.text import join_wrapped_lines

    lines = [
        "一、总体要求",
        "坚持把学习贯彻作为首要政治任务，结合实际制定方案，周密组",
        "织实施。",
        "二、保障措施",
    ]
    assert (
        join_wrapped_lines(lines)
        == "一、总体要求\n坚持把学习贯彻作为首要政治任务，结合实际制定方案，周密组织实施。\n二、保障措施\n"
    )


def test_radical_and_compatibility_forms_from_pdf_fonts_become_ordinary_characters() -> None:
    from luoshi.planparse.text import fix_pdf_glyphs

    assert fix_pdf_glyphs("⼀、深⼊学习，⻘年⺠族⻩河，党⻛廉政") == "一、深入学习，青年民族黄河，党风廉政"


def test_lines_reaching_the_right_margin_join_the_next() -> None:
    from luoshi.planparse.text import join_wrapped_lines

    lines = ["（一）抓好学习。坚持把学习作为首要", "任务，周密组织。", "根据人事变动情", "况及时更新。"]
    assert (
        join_wrapped_lines(lines, [True, False, True, False])
        == "（一）抓好学习。坚持把学习作为首要任务，周密组织。\n根据人事变动情况及时更新。\n"
    )


def auto_numbered_docx(paragraphs: list[tuple[str, int | None]]) -> bytes:
    """A .docx whose list markers come from Word's automatic numbering, not from the text."""
    import io

    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = Document()
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for ilvl, (fmt, text) in enumerate(
        [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
    ):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            lvl.append(element)
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    for text, ilvl in paragraphs:
        paragraph = document.add_paragraph(text)
        if ilvl is not None:
            num_pr = OxmlElement("w:numPr")
            for tag, value in (("w:ilvl", str(ilvl)), ("w:numId", "90")):
                element = OxmlElement(tag)
                element.set(qn("w:val"), value)
                num_pr.append(element)
            paragraph._p.get_or_add_pPr().append(num_pr)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_automatic_numbering_becomes_the_markers_a_reader_sees() -> None:
    data = auto_numbered_docx(
        [
            ("2024年工作要点", None),
            ("总体要求", 0),
            ("加强学习。每月学习一次。", 1),
            ("推进建设。", 1),
            ("主要任务", 0),
            ("抓好落实。", 1),
            ("细化措施", 2),
            ("严格考核", 2),
        ]
    )
    text = text_from_bytes(data, "plan.docx")
    assert text.splitlines() == [
        "2024年工作要点",
        "一、总体要求",
        "（一）加强学习。每月学习一次。",
        "（二）推进建设。",
        "二、主要任务",
        "（一）抓好落实。",
        "1.细化措施",
        "2.严格考核",
    ]
    assert parse_text(text)["outline"][1]["children"][0]["children"][1]["title"] == "严格考核"
