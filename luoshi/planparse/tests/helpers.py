"""Small documents made on the fly for the parser's tests."""

from __future__ import annotations

import io
from typing import Any

from luoshi.planparse import parse_text


def parse(text: str, **options: Any) -> dict[str, Any]:
    plan = parse_text(text, **options)
    assert_spans_exact(text, plan)
    return plan


def walk(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for n in nodes:
        out.append(n)
        out += walk(n["children"])
    return out


def all_measures(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for n in walk(plan["outline"]) for m in n["measures"]]


def facts(plan: dict[str, Any], key: str) -> list[dict[str, Any]]:
    holders = all_measures(plan) + plan["preamble"] + walk(plan["outline"])
    return [x for h in holders for x in h.get(key, [])]


def assert_spans_exact(text: str, plan: dict[str, Any]) -> None:
    """The contract every consumer relies on: text[start:end] is what is carried."""
    for node in walk(plan["outline"]):
        s, e = node["title_span"]
        assert text[s:e] == node["title"]
    for holder in all_measures(plan) + plan["preamble"] + walk(plan["outline"]):
        if "text" in holder:
            assert text[holder["span"][0] : holder["span"][1]] == holder["text"]
        for key in ("actors", "schedules", "targets"):
            for x in holder.get(key, []):
                assert text[x["span"][0] : x["span"][1]] == x["text"]
        for d in holder.get("documents", []):
            assert text[d["span"][0] : d["span"][1]] == d["title"]


def docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    from docx import Document

    document = Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


from luoshi.core.samplefiles import pdf_bytes  # noqa: E402,F401 - re-exported for the tests
