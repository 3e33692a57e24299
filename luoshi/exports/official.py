"""The one builder for official documents (公文) in the GB/T 9704-2012 layout.

Supervision orders, inspection feedback, rectification reports, progress reports and the
assessment notice all print through `OfficialDocument`, so a unit's format is set in one
place (its `DocumentProfile`) and every document agrees with it.

The numbers of the standard, as python-docx needs them:

- A4; top margin 37 mm, binding side (left) 28 mm, text area 156 × 225 mm, so bottom 35 mm
  and right 26 mm.
- 22 lines of 28 characters: every paragraph has an exact line pitch of 579 twips
  (225 mm / 22 = 579.8; 580 renders 21 lines) on a `lines` document grid, and body runs are
  condensed by 0.25 pt, because 28 characters of 16 pt are 448 pt and the line is 442 pt. (A
  `linesAndChars` grid squeezes the same in Word, but LibreOffice then gives every character
  two cells: 14 to the line.)
- Title 2号 (22 pt) 小标宋; body 3号 (16 pt) 仿宋; headings 一、 黑体, （一） 楷体, 1. and （1）
  仿宋; page numbers 4号 (14 pt) 宋体 "— 1 —" as complex PAGE fields, odd pages on the right
  and even pages on the left, one character in, 7 mm below the text area.
- Dates in Arabic numerals without zero padding (2026年3月1日); 〔〕 round the year of a
  document number.

python-docx starts from a US-Letter template whose theme names Japanese fonts; WPS then asks
for missing fonts or shows MS Mincho. So the builder names East-Asian fonts on every run,
in the styles and document defaults, and in the theme, drops every theme-font attribute, sets
the theme language to zh-CN, and lists each named font in the font table with a fallback
(`altName`) for desktops that lack the commercial GB fonts.

Building costs a few milliseconds per page; the document is held in memory until
`to_bytes()`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, fields, replace
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

LINE_PITCH_TWIPS = 579
TEXT_WIDTH_MM = 156
TEXT_HEIGHT_MM = 225
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 14  # 4号: a 3号 table of several columns wraps every cell
# 28 characters in the 156 mm line: each 3号 character condensed to 15.75 pt (1/20 pt units).
BODY_CONDENSE_TWENTIETHS = -5
# Schema order: the children of w:rPr that follow w:spacing, and of w:pPr that follow w:pBdr
# (Word refuses a document whose elements are out of order).
RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:lang")
PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:snapToGrid", "w:spacing", "w:ind", "w:jc", "w:outlineLvl", "w:rPr")
PPR_AFTER_SNAP = PPR_AFTER_BORDER[3:]
RED = RGBColor(0xFF, 0x00, 0x00)

# Where luoshi's documents knowingly differ from GB/T 9704-2012, shown on the profile page.
DEVIATIONS = [
    "版记紧随正文之后编排，不强制移至偶数页末页底部。",
    "不编排份号、密级和保密期限、紧急程度；需要时在文书处理系统中补充。",
    "不加盖印章，发文机关署名和成文日期按不加盖印章的格式编排（署名右空二字，日期首字比署名右移二字）。",
    "字体按标准写明（方正小标宋简体、仿宋_GB2312、楷体_GB2312、黑体、宋体），并在字体表中登记替代字体；实际显示取决于电脑上安装的字体。",
    "表格文字用4号仿宋，以免多栏表格每格换行。",
    "三级标题（1.）是否加粗由单位格式设置决定，标准规定为仿宋不加粗。",
]

# The fallback WPS and Word use when the named font is not installed (fontTable altName).
FONT_FALLBACKS = {
    "方正小标宋简体": "宋体",
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "仿宋": "FangSong",
    "楷体": "KaiTi",
    "黑体": "SimHei",
    "宋体": "SimSun",
}

NUMERALS = "一二三四五六七八九十"


def chinese_numeral(number: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五: heading numbers up to 99."""
    if number <= 10:
        return NUMERALS[number - 1]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[ones - 1] if ones else "")


def official_date(day: dt.date) -> str:
    """2026年3月1日: Arabic numerals, never zero-padded."""
    return f"{day.year}年{day.month}月{day.day}日"


def document_number(prefix: str, year: int, seq: int) -> str:
    """机党督〔2026〕3号."""
    return f"{prefix}〔{year}〕{seq}号"


@dataclass(frozen=True)
class Profile:
    """The fonts a unit prints with. The defaults are the standard's; `DocumentProfile`
    stores a unit's overrides, since local rules differ (e.g. 三级标题 in bold)."""

    title_font: str = "方正小标宋简体"
    body_font: str = "仿宋_GB2312"
    heading1_font: str = "黑体"
    heading2_font: str = "楷体_GB2312"
    heading3_bold: bool = False
    latin_font: str = "Times New Roman"
    page_number_font: str = "宋体"
    issuer: str = ""  # the 发文机关标志 and 署名 when a document names none

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


def _text_width(text: str) -> float:
    """Width in character cells: half-width characters take half a cell."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


class OfficialDocument:
    """A 公文 being written, top to bottom: masthead, number, title, addressee, body with
    headings and tables, signature, notes and the 版记."""

    def __init__(self, profile: Profile | None = None) -> None:
        self.profile = profile or Profile()
        self.doc = Document()
        self._set_page()
        self._set_fonts_everywhere()
        self._add_page_numbers()

    @classmethod
    def for_unit(cls, unit: Any) -> OfficialDocument:
        """The builder with `unit`'s profile (the standard where the unit has none)."""
        from luoshi.exports.models import profile_for

        return cls(profile_for(unit))

    # Page, grid and fonts ---------------------------------------------------------------

    def _set_page(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(297 - 37 - TEXT_HEIGHT_MM)
        section.left_margin, section.right_margin = Mm(28), Mm(210 - 28 - TEXT_WIDTH_MM)
        section.header_distance = Mm(15)
        # The number's top sits 7 mm below the text area; its 14 pt line is about 5 mm.
        section.footer_distance = Mm(297 - 37 - TEXT_HEIGHT_MM - 7 - 5)
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))

    def _fonts_element(self, east_asian: str, latin: str | None = None) -> Any:
        rfonts = OxmlElement("w:rFonts")
        latin = latin or self.profile.latin_font
        for attr, value in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asian), ("cs", latin)):
            rfonts.set(qn(f"w:{attr}"), value)
        rfonts.set(qn("w:hint"), "eastAsia")
        return rfonts

    def _set_fonts_everywhere(self) -> None:
        body = self.profile.body_font
        styles = self.doc.styles.element
        # Document defaults: body font, 3号, Chinese language, no theme fonts.
        rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for old in rpr.findall(qn("w:rFonts")):
            rpr.remove(old)
        rpr.insert(0, self._fonts_element(body))
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
        for tag in ("w:sz", "w:szCs"):
            size = rpr.find(qn(tag))
            if size is None:
                size = OxmlElement(tag)
                rpr.append(size)
            size.set(qn("w:val"), str(BODY_PT * 2))
        # Every style: theme attributes out, the body font in.
        for rfonts in styles.iter(qn("w:rFonts")):
            for attr in list(rfonts.attrib):
                if attr.endswith("Theme"):
                    del rfonts.attrib[attr]
            rfonts.set(qn("w:eastAsia"), rfonts.get(qn("w:eastAsia")) or body)
        normal = self.doc.styles["Normal"]
        normal.font.name = self.profile.latin_font
        normal.font.size = Pt(BODY_PT)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), body)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Twips(LINE_PITCH_TWIPS)
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.widow_control = False  # a widow rule moves lines and breaks the 22-line page
        settings = self.doc.settings.element
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), "zh-CN")
            theme_lang.set(qn("w:eastAsia"), "zh-CN")
        self.doc.settings.odd_and_even_pages_header_footer = True
        for part in self.doc.part.package.iter_parts():
            name = str(part.partname)
            if name.startswith("/word/theme/"):
                part._blob = self._chinese_theme(part.blob)
            elif name == "/word/stylesWithEffects.xml":
                part._blob = re.sub(rb'\s+w:(ascii|hAnsi|eastAsia|cs)Theme="[^"]*"', b"", part.blob)
            elif name == "/word/fontTable.xml":
                part._blob = self._font_table(part.blob)

    def _chinese_theme(self, blob: bytes) -> bytes:
        """The theme's East-Asian fonts: 黑体 for headings, the body font for text; the
        Japanese script entries, which WPS reports as missing, removed."""
        text = blob.decode("utf-8")
        text = re.sub(r'<a:font script="(Jpan|Hang|Hant)" typeface="[^"]*"/>', "", text)
        major, minor = self.profile.heading1_font, self.profile.body_font
        text = re.sub(
            r'(<a:majorFont>.*?<a:ea typeface=")[^"]*(")', rf"\g<1>{major}\g<2>", text, count=1, flags=re.S
        )
        text = re.sub(
            r'(<a:minorFont>.*?<a:ea typeface=")[^"]*(")', rf"\g<1>{minor}\g<2>", text, count=1, flags=re.S
        )
        text = re.sub(r'(<a:font script="Hans" typeface=")[^"]*(")', rf"\g<1>{minor}\g<2>", text)
        return text.encode("utf-8")

    def _font_table(self, blob: bytes) -> bytes:
        """Each Chinese font the profile names, with the font Word or WPS takes without it."""
        text = blob.decode("utf-8")
        names = {
            self.profile.title_font,
            self.profile.body_font,
            self.profile.heading1_font,
            self.profile.heading2_font,
            self.profile.page_number_font,
        }
        entries = "".join(
            f'<w:font w:name="{name}">'
            + (f'<w:altName w:val="{FONT_FALLBACKS[name]}"/>' if name in FONT_FALLBACKS else "")
            + '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
            for name in sorted(names)
            if f'w:name="{name}"' not in text
        )
        return text.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")

    def _add_page_numbers(self) -> None:
        section = self.doc.sections[0]
        one_char = Pt(PAGE_NUMBER_PT)
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            paragraph = footer.paragraphs[0]
            paragraph.alignment = align
            fmt = paragraph.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(PAGE_NUMBER_PT)
            fmt.first_line_indent = Pt(0)
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                fmt.right_indent = one_char
            else:
                fmt.left_indent = one_char
            font = self.profile.page_number_font
            self._run(paragraph, "— ", font, PAGE_NUMBER_PT, latin=font)
            self._page_field(paragraph, font)
            self._run(paragraph, " —", font, PAGE_NUMBER_PT, latin=font)

    def _page_field(self, paragraph: Any, font: str) -> None:
        """A complex PAGE field (begin, instruction, separate, result, end): what Word and
        WPS update on every page."""
        for kind, text in (
            ("begin", None),
            ("instr", " PAGE "),
            ("separate", None),
            ("result", "1"),
            ("end", None),
        ):
            run = self._run(paragraph, "", font, PAGE_NUMBER_PT, latin=font)
            if kind == "instr":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._element.append(instr)
            elif kind == "result":
                run.text = text
            else:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._element.append(char)

    # Paragraph and run primitives -----------------------------------------------------

    def _run(
        self,
        paragraph: Any,
        text: str,
        font: str,
        size: float,
        *,
        bold: bool = False,
        color: RGBColor | None = None,
        latin: str | None = None,
    ) -> Any:
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        if color is not None:
            run.font.color.rgb = color
        rpr = run._element.get_or_add_rPr()
        for old in rpr.findall(qn("w:rFonts")):
            rpr.remove(old)
        rpr.insert(0, self._fonts_element(font, latin))
        if size == BODY_PT:
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:val"), str(BODY_CONDENSE_TWENTIETHS))
            rpr.insert_element_before(spacing, *RPR_AFTER_SPACING)
        return run

    def _paragraph(
        self,
        *,
        align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent_chars: float = 2,
        left_chars: float = 0,
        right_chars: float = 0,
        line_twips: int = LINE_PITCH_TWIPS,
    ) -> Any:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Twips(line_twips)
        fmt.space_before = fmt.space_after = Pt(0)
        ind = fmt.element.get_or_add_pPr().get_or_add_ind()
        # Both the character count (what WPS and Word show and keep when fonts change) and
        # the twips it stands for (what other readers take).
        for attr, chars in (("firstLine", indent_chars), ("left", left_chars), ("right", right_chars)):
            if chars:
                ind.set(qn(f"w:{attr}Chars"), str(round(chars * 100)))
                ind.set(qn(f"w:{attr}"), str(round(chars * BODY_PT * 20)))
        return paragraph

    @staticmethod
    def _off_grid(paragraph: Any) -> None:
        """Lines taller than the grid pitch (title, masthead) keep their exact height instead
        of snapping to two grid rows."""
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        paragraph.paragraph_format.element.get_or_add_pPr().insert_element_before(snap, *PPR_AFTER_SNAP)

    def blank_line(self) -> None:
        self._paragraph(indent_chars=0)

    # The parts of a document, in order ------------------------------------------------

    def masthead(self, issuer: str | None = None) -> None:
        """发文机关标志: red, centred, its top 35 mm below the top of the text area."""
        paragraph = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, line_twips=1200)
        paragraph.paragraph_format.space_before = Mm(35)
        self._off_grid(paragraph)
        self._run(paragraph, issuer or self.profile.issuer, self.profile.title_font, 36, color=RED)
        self.blank_line()

    def number_line(self, number: str) -> None:
        """发文字号 two lines under the masthead, with the red rule 4 mm below it."""
        self.blank_line()
        paragraph = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
        paragraph.paragraph_format.space_after = Mm(4)
        self._run(paragraph, number, self.profile.body_font, BODY_PT)
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for attr, value in (("val", "single"), ("sz", "12"), ("space", "1"), ("color", "FF0000")):
            bottom.set(qn(f"w:{attr}"), value)
        borders.append(bottom)
        paragraph.paragraph_format.element.get_or_add_pPr().insert_element_before(borders, *PPR_AFTER_BORDER)
        self.blank_line()

    def title(self, text: str) -> None:
        """标题: 2号小标宋, centred, one blank line after."""
        paragraph = self._paragraph(align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0)
        self._off_grid(paragraph)
        self._run(paragraph, text, self.profile.title_font, TITLE_PT)
        self.blank_line()

    def addressee(self, text: str) -> None:
        """主送机关: flush left, ending in a full-width colon."""
        self._text(text if text.endswith("：") else text + "：", indent_chars=0)

    def heading1(self, text: str) -> None:
        self._text(text, font=self.profile.heading1_font)

    def heading2(self, text: str) -> None:
        self._text(text, font=self.profile.heading2_font)

    def heading3(self, text: str) -> None:
        self._text(text, bold=self.profile.heading3_bold)

    def paragraph(self, text: str) -> None:
        """正文: 3号 body font, two characters in."""
        self._text(text)

    def _text(
        self, text: str, *, font: str | None = None, bold: bool = False, indent_chars: float = 2
    ) -> None:
        paragraph = self._paragraph(indent_chars=indent_chars)
        self._run(paragraph, text, font or self.profile.body_font, BODY_PT, bold=bold)

    def table(self, headers: list[str], rows: list[list[str]], widths_mm: list[float] | None = None) -> None:
        """A grid table in 4号 body font, header row bold and repeated on each page."""
        widths = widths_mm or [TEXT_WIDTH_MM / len(headers)] * len(headers)
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=False):
            column.width = Mm(width)
        header_row = table.rows[0]
        tr_pr = header_row._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        tr_pr.append(repeat)
        self._fill_row(header_row, headers, widths, True)
        for row in rows:
            self._fill_row(table.add_row(), [str(value) for value in row], widths, False)
        self.blank_line()

    def _fill_row(self, row: Any, values: list[str], widths: list[float], bold: bool) -> None:
        for cell, value, width in zip(row.cells, values, widths, strict=False):
            cell.width = Mm(width)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = (
                WD_ALIGN_PARAGRAPH.CENTER if bold or len(value) <= 8 else WD_ALIGN_PARAGRAPH.LEFT
            )
            fmt = paragraph.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(TABLE_PT + 6)
            fmt.first_line_indent = Pt(0)
            self._run(paragraph, value, self.profile.body_font, TABLE_PT, bold=bold)

    def signature(self, issuer: str | None, day: dt.date) -> None:
        """落款 without a seal: one blank line, the issuer two characters from the right, the
        date on the next line starting two characters right of the issuer's first."""
        issuer = issuer or self.profile.issuer
        self.blank_line()
        if issuer:
            paragraph = self._paragraph(align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0, right_chars=2)
            self._run(paragraph, issuer, self.profile.body_font, BODY_PT)
        date_text = official_date(day)
        right = max(_text_width(issuer or "") - _text_width(date_text), 0) if issuer else 4
        paragraph = self._paragraph(align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0, right_chars=right)
        self._run(paragraph, date_text, self.profile.body_font, BODY_PT)

    def note(self, text: str) -> None:
        """附注: under the date, two characters in, in parentheses."""
        if not text.startswith("（"):
            text = f"（{text}）"
        self._text(text)

    def record(self, *, cc: str = "", printer: str = "", printed: dt.date | None = None) -> None:
        """版记: 抄送 and 印发机关/印发日期 between rules, in 4号 body font."""
        self.blank_line()
        if cc:
            paragraph = self._record_line(top=True)
            self._run(
                paragraph, cc if cc.startswith("抄送") else f"抄送：{cc}", self.profile.body_font, TABLE_PT
            )
        if printer or printed:
            paragraph = self._record_line(top=not cc, bottom=True)
            paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM - 5), alignment=2)  # right
            self._run(paragraph, printer, self.profile.body_font, TABLE_PT)
            if printed:
                self._run(paragraph, f"\t{official_date(printed)}印发", self.profile.body_font, TABLE_PT)

    def _record_line(self, *, top: bool = False, bottom: bool = False) -> Any:
        paragraph = self._paragraph(indent_chars=0, left_chars=1, right_chars=1)
        borders = OxmlElement("w:pBdr")
        for side, wanted in (("top", top), ("bottom", True)):
            if not wanted:
                continue
            edge = OxmlElement(f"w:{side}")
            thick = (side == "top" and top) or bottom
            for attr, value in (
                ("val", "single"),
                ("sz", "8" if thick else "4"),
                ("space", "1"),
                ("color", "000000"),
            ):
                edge.set(qn(f"w:{attr}"), value)
            borders.append(edge)
        paragraph.paragraph_format.element.get_or_add_pPr().insert_element_before(borders, *PPR_AFTER_BORDER)
        return paragraph

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self._paragraph(indent_chars=0).add_run().add_break(WD_BREAK.PAGE)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def with_overrides(base: Profile, overrides: dict[str, Any]) -> Profile:
    """`base` with the stored overrides that name a profile field (others are ignored)."""
    known = set(Profile.field_names())
    return replace(base, **{k: v for k, v in overrides.items() if k in known and v not in ("", None)})


def next_document_number(unit: Any, prefix: str, year: int) -> str:
    """The next number of `prefix` in `year` for `unit`, e.g. 机党督〔2026〕3号. Takes the
    counter row under a lock, so two orders printed at once never share a number."""
    from luoshi.exports.models import DocumentCounter

    return document_number(prefix, year, DocumentCounter.take(unit, prefix, year))


__all__ = [
    "DEVIATIONS",
    "OfficialDocument",
    "Profile",
    "chinese_numeral",
    "document_number",
    "next_document_number",
    "official_date",
]
