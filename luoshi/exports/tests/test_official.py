"""The official-document builder: the GB/T 9704 numbers read back from the .docx XML, a
LibreOffice render with 22 lines on a full page, fonts that WPS finds, the per-unit profile
and the document-number counter."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest

from luoshi.exports.official import OfficialDocument, Profile, chinese_numeral, official_date
from luoshi.testing.office import convert

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def build(profile: Profile | None = None, paragraphs: int = 3) -> bytes:
    doc = OfficialDocument(profile or Profile(issuer="中共测试厅机关委员会"))
    doc.masthead()
    doc.number_line("机党督〔2026〕1号")
    doc.title("关于加快报送主体责任落实情况的督办通知")
    doc.addressee("各基层党组织")
    doc.heading1("一、督办事项")
    doc.heading2("（一）未按时报送的单位")
    doc.heading3("1．第三季度")
    for _ in range(paragraphs):
        doc.paragraph(
            "各基层党组织书记每季度汇报1次全面从严治党主体责任落实情况，请于5个工作日内书面说明原因并补报。"
            * 2
        )
    doc.table(["序号", "单位"], [["1", "办公室党支部"]], [20, 136])
    doc.signature(None, dt.date(2026, 3, 1))
    doc.record(cc="厅党组成员", printer="机关党委办公室", printed=dt.date(2026, 3, 1))
    return doc.to_bytes()


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def test_page_margins_and_line_grid_are_the_standards() -> None:
    document = part(build(), "word/document.xml")
    size = re.search(r"<w:pgSz [^>]*>", document).group(0)
    assert 'w:w="11906"' in size and 'w:h="16838"' in size  # A4 in twips
    margins = re.search(r"<w:pgMar [^>]*>", document).group(0)
    # 37 mm top, 28 mm binding side; 35 and 26 leave the 156 × 225 mm text area.
    for side, mm in (("top", 37), ("left", 28), ("bottom", 35), ("right", 26)):
        twips = int(re.search(rf'w:{side}="(\d+)"', margins).group(1))
        assert abs(twips - mm * 1440 / 25.4) < 2, side
    grid = re.search(r"<w:docGrid [^>]*>", document).group(0)
    assert 'w:type="lines"' in grid and 'w:linePitch="579"' in grid
    # Every text paragraph has the exact 579-twip pitch (22 lines in 225 mm).
    spacings = [
        re.search(r'w:line="(\d+)"', tag).group(1)
        for tag in re.findall(r"<w:spacing [^>]*w:lineRule=\"exact\"[^>]*>", document)
    ]
    assert spacings and set(spacings) <= {"579", "1200", "400"}


def test_every_run_names_its_east_asian_font_and_no_theme_font_is_left() -> None:
    data = build()
    document = part(data, "word/document.xml")
    runs = re.findall(r"<w:r>.*?</w:r>", document, flags=re.S)
    assert runs
    for run in runs:
        if "<w:t" in run:
            assert 'w:eastAsia="' in run, run
    for name in ("word/document.xml", "word/styles.xml", "word/stylesWithEffects.xml"):
        assert "Theme=" not in part(data, name), name
    theme = part(data, "word/theme/theme1.xml")
    assert 'script="Jpan"' not in theme
    assert '<a:ea typeface="仿宋_GB2312"/>' in theme
    assert 'w:eastAsia="zh-CN"' in part(data, "word/settings.xml")
    fonts = part(data, "word/fontTable.xml")
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', fonts)


def test_fonts_and_sizes_follow_the_standard() -> None:
    document = part(build(), "word/document.xml")

    def run_of(text: str) -> str:
        return re.search(rf"<w:r>(?:(?!</w:r>).)*{re.escape(text)}", document, flags=re.S).group(0)

    assert 'w:eastAsia="方正小标宋简体"' in run_of("督办通知") and 'w:val="44"' in run_of("督办通知")
    assert 'w:eastAsia="黑体"' in run_of("一、督办事项") and 'w:val="32"' in run_of("一、督办事项")
    assert 'w:eastAsia="楷体_GB2312"' in run_of("（一）未按时")
    assert 'w:eastAsia="仿宋_GB2312"' in run_of("1．第三季度") and "<w:b/>" not in run_of("1．第三季度")
    assert "2026年3月1日" in document  # never zero-padded


def test_page_numbers_are_page_fields_right_on_odd_and_left_on_even_pages() -> None:
    data = build()
    assert "<w:evenAndOddHeaders/>" in part(data, "word/settings.xml")
    document = part(data, "word/document.xml")
    refs = dict(re.findall(r'<w:footerReference w:type="(\w+)" r:id="(\w+)"', document))
    assert {"default", "even"} <= set(refs)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        footers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
    aligns = set()
    for footer in footers:
        assert 'w:fldCharType="begin"' in footer and "> PAGE </w:instrText>" in footer
        assert "— " in footer and " —" in footer and 'w:eastAsia="宋体"' in footer and 'w:val="28"' in footer
        aligns.add(re.search(r'<w:jc w:val="(\w+)"', footer).group(1))
    assert aligns == {"left", "right"}


def test_a_profile_overrides_fonts_and_bold_third_level() -> None:
    document = part(build(Profile(body_font="仿宋", heading3_bold=True)), "word/document.xml")
    third = re.search(r"<w:r>(?:(?!</w:r>).)*1．第三季度", document, flags=re.S).group(0)
    assert "<w:b/>" in third and 'w:eastAsia="仿宋"' in third


def test_numerals_and_dates() -> None:
    assert [chinese_numeral(n) for n in (1, 10, 11, 20, 25)] == ["一", "十", "十一", "二十", "二十五"]
    assert official_date(dt.date(2026, 3, 1)) == "2026年3月1日"


def test_libreoffice_renders_22_lines_on_a_full_page() -> None:
    import pdfplumber

    pdf = convert(build(paragraphs=40), ".docx")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) >= 3
        page = document.pages[1]  # a page of body text only
        words = page.extract_words(keep_blank_chars=False, use_text_flow=True)
        body_bottom = page.height - 35 / 25.4 * 72  # the text area ends 35 mm above the foot
        lines = {round(w["top"]) for w in words if w["bottom"] <= body_bottom + 2}
        assert len(lines) == 22
        numbers = [w["text"] for w in words if w["top"] > body_bottom]
        assert "2" in "".join(numbers)  # "— 2 —" under the text area
        left = min(w["x0"] for w in words if w["bottom"] <= body_bottom + 2)
        assert abs(left - 28 / 25.4 * 72) < 3  # the binding margin


@pytest.mark.django_db
def test_document_numbers_count_per_unit_prefix_and_year(persona) -> None:
    from luoshi.exports.official import next_document_number

    unit = persona("jgdw").org
    first = next_document_number(unit, "测督", 2026)
    second = next_document_number(unit, "测督", 2026)
    other_prefix = next_document_number(unit, "测通", 2026)
    next_year = next_document_number(unit, "测督", 2027)
    assert (first, second, other_prefix, next_year) == (
        "测督〔2026〕1号",
        "测督〔2026〕2号",
        "测通〔2026〕1号",
        "测督〔2027〕1号",
    )


@pytest.mark.django_db
def test_the_plan_office_sets_the_format_and_others_may_not(login_as, api_token, client) -> None:
    from luoshi.audit.models import AuditEvent

    office = login_as("jgdw")
    page = office.get("/documents/format/")
    assert page.status_code == 200 and "与国家标准不同之处" in page.content.decode()
    before = AuditEvent.objects.count()
    saved = office.post("/documents/format/", {"body_font": "仿宋", "heading3_bold": "on"})
    assert saved.status_code == 302
    assert AuditEvent.objects.count() == before + 1
    sample = office.get("/documents/format/sample.docx")
    assert 'w:eastAsia="仿宋"' in part(sample.content, "word/document.xml")
    refused = office.post("/documents/format/", {"body_font": "<b>"})
    assert "不能包含" in refused.content.decode()
    assert login_as("zhibu1").get("/documents/format/").status_code == 403
    token = api_token("jgdw")
    answer = client.get("/api/document-profile", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (
        answer.status_code == 200 and answer.json()["body_font"] == "仿宋" and answer.json()["heading3_bold"]
    )
    put = client.put(
        "/api/document-profile",
        {"body_font": ""},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert put.status_code == 200 and put.json()["body_font"] == "仿宋_GB2312"
    other = api_token("zhibu1")
    assert client.get("/api/document-profile", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403
