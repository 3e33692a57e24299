"""Plans in other offices' styles (eval/own, and a .docx and a PDF built here) yield the facts
that drive owner proposals: who leads, who cooperates, who is reported to, what must be
produced and when. The texts are invented; the rules they exercise are general."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from luoshi.planparse import parse_text, text_from_bytes
from luoshi.planparse.tests.helpers import all_measures, assert_spans_exact, docx_bytes, facts, parse, walk

OWN = Path(__file__).resolve().parents[3] / "eval" / "own"


def own(name: str) -> dict[str, Any]:
    return parse((OWN / name).read_text(encoding="utf-8"))


def roles(holder: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(a["text"], a["role"]) for a in holder["actors"]]


def heading(plan: dict[str, Any], title_start: str) -> dict[str, Any]:
    return next(n for n in walk(plan["outline"]) if n["title"].startswith(title_start))


def deliverables(plan: dict[str, Any]) -> list[tuple[str, str]]:
    return [(d["text"], d["kind"]) for d in facts(plan, "deliverables")]


def test_a_school_party_committee_plan() -> None:
    plan = own("school.txt")
    assert plan["year"] == 2024
    assert [n["marker"] for n in plan["outline"][0]["children"]] == ["1﹒", "2﹒"]  # the small full stop
    assert roles(heading(plan, "落实意识形态")) == [("党委宣传部", "lead"), ("各年级组", "cooperating")]
    assert roles(heading(plan, "建立党员发展台账")) == [
        ("组织部", "responsible"),
        ("各党支部", "cooperating"),
    ]
    schedules = [(s["kind"], s["freq"], s["count"]) for s in facts(plan, "schedules")]
    assert ("recurring", "semiannual", 4) in schedules  # 每学期…不少于4次
    assert ("recurring", "annual", 1) in schedules  # 每学年开展一次
    assert any(s["when"] == "year-end" and s["text"] == "期末" for s in facts(plan, "schedules"))
    assert ("意识形态工作情况报告", "报告") in deliverables(plan)
    assert ("师德承诺书", "承诺书") in deliverables(plan)
    life = heading(plan, "规范组织生活")["measures"][0]
    assert ("校党委", "addressed") in roles(life)  # 向校党委述职
    # the signature and date close the document: no measures
    assert not any("2024年9月2日" in m["text"] for m in all_measures(plan))


def test_a_provincial_implementation_plan() -> None:
    plan = own("province.txt")
    assert plan["year"] == 2024  # from the date of issue, not the span 2024—2026 in the title
    data = heading(plan, "完善政务数据共享机制")
    assert roles(data) == [
        ("省政务服务和数据管理局", "lead"),
        ("省经济和信息化厅", "cooperating"),  # 和 inside a name does not split it
        ("省财政厅", "cooperating"),
    ]
    assert ("《江川省政务数据共享管理办法》", "办法") in deliverables(plan)
    assert any(d["title"] == "江川省政务数据共享管理办法" for d in facts(plan, "documents"))
    online = heading(plan, "推进政务服务")["measures"]
    assert ("省有关部门", "cooperating") in roles(online[0])  # 会同…
    assert ("省政府", "addressed") in roles(online[0])  # 向省政府报告
    assert [(s["kind"], s["when"]) for s in online[1]["schedules"]][0] == (
        "once",
        "2024-07",
    )  # 从2024年7月开始
    security = heading(plan, "强化安全保障")["measures"][0]
    assert [s["kind"] for s in security["schedules"]] == ["event"]  # 如遇…
    assert ("省委", "addressed") in roles(security)
    # a concept named with 政府 is no actor
    assert not any("数字政府" in a["text"] for a in facts(plan, "actors"))


def test_state_council_measures_with_a_first_listed_lead() -> None:
    plan = own("state_council.txt")
    assert plan["title"] == "国务院关于进一步优化营商环境的若干措施"
    first = heading(plan, "全面实施市场准入")
    assert roles(first) == [
        ("国家发展改革委", "lead"),
        ("商务部", "responsible"),
        ("市场监管总局", "responsible"),
    ]
    # 列第一位者为牵头单位 holds for the notes after it too
    assert roles(heading(plan, "推行企业开办"))[0] == ("市场监管总局", "lead")
    # a one-sentence item is also a measure; the note is no measure of its own
    assert [m["text"] for m in first["measures"]] == [
        "全面实施市场准入负面清单制度，清理违规设置的准入壁垒。"
    ]
    local = heading(plan, "各省级人民政府")["measures"][0]
    assert roles(local) == [("各省级人民政府", "responsible"), ("国务院", "addressed")]
    assert [s["kind"] for s in local["schedules"]] == ["event"]  # 印发之日起30日内
    assert ("具体实施办法", "办法") in deliverables(plan)
    assert not any("2024年5月20日" in m["text"] or "此件公开发布" in m["text"] for m in all_measures(plan))


def test_a_district_plan_with_a_cover_notice_and_labelled_notes() -> None:
    plan = own("district.txt")
    assert plan["title"] == "临江区2024年机关党建工作计划"
    # the addressees and the notice are the cover, not the plan's preamble
    assert all(m.get("cover") for m in plan["preamble"])
    theory = plan["outline"][0]
    assert roles(theory)[:2] == [("区直机关工委", "lead"), ("区委宣传部", "cooperating")]  # 主责/协办
    assert any(s["when"] == "2024-01" for s in theory["measures"][0]["schedules"])  # 年初
    base = plan["outline"][1]["measures"]
    assert [s["when"] for s in base[0]["schedules"]] == ["2024-03", "2024-06"]  # 第一、二季度
    assert [s["kind"] for s in base[1]["schedules"]] == ["event"]  # 督查后5个工作日内
    assert ("整改清单", "清单") in deliverables(plan)
    assert ("检查报告", "报告") in deliverables(plan)


def test_a_notice_with_a_task_table_in_word() -> None:
    data = docx_bytes(
        [
            "各处室、各直属单位：",
            "现将《2024年重点工作任务分工》印发给你们，请认真抓好落实。",
            "2024年重点工作任务分工",
        ],
        [
            ["重点任务", "任务落实及措施", "负责处室", "配合处室", "时间节点"],
            ["完善制度体系", "制定机关党建工作责任清单。", "机关党委", "办公室、人事处", "2024年6月底前"],
            ["完善制度体系", "建立党员教育管理台账。", "机关党委", "各支部", "2024年9月"],
            ["加强作风建设", "开展作风建设专项检查。", "机关纪委", "", "2024年12月底前"],
        ],
    )
    text = text_from_bytes(data, "任务分工.docx")
    plan = parse_text(text)
    assert_spans_exact(text, plan)
    items = [n for n in walk(plan["outline"]) if n["level"] == 3]
    assert [n["title"] for n in items] == ["完善制度体系", "加强作风建设"]  # merged task cells once
    assert roles(items[0])[:3] == [("机关党委", "lead"), ("办公室", "cooperating"), ("人事处", "cooperating")]
    assert [s["when"] for s in items[0]["schedules"]] == ["2024-06", "2024-09"]
    assert ("机关党建工作责任清单", "清单") in deliverables(plan)
    assert ("党员教育管理台账", "台账") in deliverables(plan)


def test_a_table_continued_without_a_header_joins_the_table_above() -> None:
    from docx import Document

    document = Document()
    first = document.add_table(rows=2, cols=3)
    for c, v in enumerate(["工作任务", "牵头单位", "完成时限"]):
        first.cell(0, c).text = v
    for c, v in enumerate(["修订学习制度", "组织部", "2024年3月"]):
        first.cell(1, c).text = v
    second = document.add_table(rows=1, cols=3)
    for c, v in enumerate(["开展专题培训", "宣传部", "2024年5月"]):
        second.cell(0, c).text = v
    import io

    buffer = io.BytesIO()
    document.save(buffer)
    plan = parse_text(text_from_bytes(buffer.getvalue(), "t.docx"))
    items = walk(plan["outline"])
    assert [(n["marker"], n["title"]) for n in items] == [("1.", "修订学习制度"), ("2.", "开展专题培训")]
    assert roles(items[1]) == [("宣传部", "lead")]


PDF_TEXT = """江川省自然资源厅2024年机关党建工作要点
一、加强政治建设
（一）深化理论学习。厅党组理论学习中心组每季度开展1次集中学习，各党支部要结合实际制定学习计划，确保学习全覆盖、不留死角、见实效，并于每季度末向机关党委报送学习情况。（牵头单位：机关党委；配合单位：办公室）
（二）严肃党内政治生活。各党支部每年召开1次组织生活会，如遇人员变动，应及时调整支部委员会组成人员，确保支部工作不断档，年底前完成全部支部换届工作，形成换届工作报告。
二、加强基层组织建设
（一）推进标准化建设。机关党委牵头制定党支部标准化建设方案，建立问题整改台账，6月底前完成第一轮检查，12月底前完成第二轮检查并通报结果，各党支部按要求落实整改，做到边查边改、立行立改。
"""


def test_a_pdf_printed_with_page_headers_and_footers() -> None:
    from luoshi.testing.browser import browser_page

    # large type and short pages, so that the plan runs over several pages, each with the
    # office's running header and a page number in the footer
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in PDF_TEXT.splitlines())
    page_html = (
        "<html><head><meta charset='utf-8'><style>body{font-family:'Noto Serif CJK SC',serif;font-size:18pt}"
        " p{margin:0;text-indent:2em}</style></head><body>" + paragraphs + "</body></html>"
    )
    header = "<div style='font-size:10pt;width:100%;text-align:center'>江川省自然资源厅机关党委文件</div>"
    footer = (
        "<div style='font-size:10pt;width:100%;text-align:center'>"
        "第 <span class='pageNumber'></span> 页 共 <span class='totalPages'></span> 页</div>"
    )
    with browser_page() as page:
        page.set_content(page_html)
        pdf = page.pdf(
            width="148mm",
            height="150mm",
            display_header_footer=True,
            header_template=header,
            footer_template=footer,
            margin={"top": "22mm", "bottom": "22mm", "left": "15mm", "right": "15mm"},
        )
    text = text_from_bytes(pdf, "plan.pdf")
    assert "机关党委文件" not in text and "第 1 页" not in text and "共" not in text.split("\n")[-2]
    plan = parse_text(text)
    expected = parse_text(PDF_TEXT)
    assert [m["text"] for m in all_measures(plan)] == [m["text"] for m in all_measures(expected)]
    first = walk(plan["outline"])[1]
    assert roles(first)[-2:] == [("机关党委", "lead"), ("办公室", "cooperating")]
    assert ("换届工作报告", "报告") in deliverables(plan)
