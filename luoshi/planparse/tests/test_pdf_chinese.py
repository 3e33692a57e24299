"""A Chinese PDF as offices make them (printed by Chromium with a CJK font) reads into the
same outline and measures as the plain text: wrapped lines joined, radical-form glyphs
mapped back to ordinary characters."""

from __future__ import annotations

import html
from pathlib import Path

from luoshi.planparse import parse_text, text_from_bytes
from luoshi.testing.browser import browser_page

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "2022-ziranziyuanting-jiguan-dangjian.txt"


def measures(plan: dict) -> list[str]:
    out = []

    def walk(nodes: list[dict]) -> None:
        for n in nodes:
            out.extend(m["text"] for m in n["measures"])
            walk(n["children"])

    walk(plan["outline"])
    return out


def test_a_printed_chinese_pdf_parses_like_its_text(tmp_path) -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    page_html = (
        "<html><head><meta charset='utf-8'><style>body{font-family:'Noto Serif CJK SC',serif;font-size:16pt;"
        "width:156mm} p{margin:0;text-indent:2em}</style></head><body>" + paragraphs + "</body></html>"
    )
    with browser_page() as page:
        page.set_content(page_html)
        pdf = page.pdf(format="A4")
    from_pdf = parse_text(text_from_bytes(pdf, "plan.pdf"))
    from_text = parse_text(text)
    assert measures(from_pdf) == measures(from_text)
    assert from_pdf["year"] == 2022
