"""Outline and measures: markers, levels, titles, sentences, front matter."""

from __future__ import annotations

from luoshi.planparse.tests.helpers import all_measures, parse, walk


def heads(plan):
    return [(n["level"], n["marker"], n["title"]) for n in walk(plan["outline"])]


def test_marker_kind_gives_the_level_and_nesting_follows_order() -> None:
    plan = parse(
        "一、总体要求\n（一）抓学习。认真学习。\n1.读原著。逐篇读。\n（1）写笔记\n①交流心得\n二、工作措施\n1.直接跟在一级之下\n"
    )
    assert heads(plan) == [
        (1, "一、", "总体要求"),
        (2, "（一）", "抓学习"),
        (3, "1.", "读原著"),
        (4, "（1）", "写笔记"),
        (5, "①", "交流心得"),
        (1, "二、", "工作措施"),
        (3, "1.", "直接跟在一级之下"),
    ]
    second = plan["outline"][1]
    assert [c["marker"] for c in second["children"]] == ["1."]


def test_half_width_brackets_and_other_number_marks() -> None:
    plan = parse("一、甲\n(一)乙\n1、丙\n2．丁\n(3)戊\n")
    assert [n["marker"] for n in walk(plan["outline"])] == ["一、", "(一)", "1、", "2．", "(3)"]


def test_title_is_the_first_sentence_and_the_rest_are_measures() -> None:
    plan = parse("（一）压实责任。各支部要落实制度。每月报告一次！\n")
    node = plan["outline"][0]
    assert node["title"] == "压实责任"
    assert [m["text"] for m in node["measures"]] == ["各支部要落实制度。", "每月报告一次！"]


def test_a_heading_running_into_text_without_a_stop_splits_at_the_gap() -> None:
    plan = parse("（二）夯实基础　坚持把党建工作摆在首位，持续推进标准化建设\n")
    node = plan["outline"][0]
    assert node["title"] == "夯实基础"
    assert node["measures"][0]["text"] == "坚持把党建工作摆在首位，持续推进标准化建设"


def test_stops_inside_quotes_and_brackets_do_not_split() -> None:
    plan = parse("一、要求\n开展“学习。交流。”活动（见附件。）并总结。一是学习，二是交流。\n")
    assert [m["text"] for m in all_measures(plan)] == [
        "开展“学习。交流。”活动（见附件。）并总结。",
        "一是学习，二是交流。",
    ]


def test_a_document_cut_off_mid_sentence_keeps_its_last_measure() -> None:
    plan = parse("一、要求\n认真学习。把服务中心大局作为开展支")
    assert all_measures(plan)[-1]["text"] == "把服务中心大局作为开展支"


def test_numbers_that_start_a_line_are_not_markers() -> None:
    plan = parse("2022年是关键之年。\n一、要求\n5%的增长来自创新。\n")
    assert heads(plan) == [(1, "一、", "要求")]
    assert plan["preamble"][0]["text"] == "2022年是关键之年。"


def test_attribute_lines_belong_to_their_heading_and_are_no_measures() -> None:
    plan = parse("1.推进改革。\n牵头单位：区发改局\n责任单位：各街道、区财政局\n完成时限：2023年6月底前\n")
    node = plan["outline"][0]
    assert node["measures"] == []
    assert [(a["text"], a["attribute"]) for a in node["actors"]] == [
        ("区发改局", "lead"),
        ("各街道", "responsible"),
        ("区财政局", "responsible"),
    ]
    assert node["schedules"][0]["when"] == "2023-06"


def test_an_attribute_parenthetical_ending_the_item_belongs_to_the_item() -> None:
    plan = parse("1.建设中心。制定方案。完成建设。(责任单位:建设专班)\n")
    node = plan["outline"][0]
    assert [m["text"] for m in node["measures"]] == ["制定方案。", "完成建设。"]
    assert node["actors"][-1]["text"] == "建设专班"


def test_an_attribute_parenthetical_between_sentences_belongs_to_the_sentence_before() -> None:
    plan = parse("1.建设中心。制定方案。（牵头单位：规划处）完成建设。\n")
    node = plan["outline"][0]
    assert [m["text"] for m in node["measures"]] == ["制定方案。", "完成建设。"]
    assert node["measures"][0]["actors"][-1]["text"] == "规划处"


def test_cover_notice_lines_are_neither_title_nor_measures() -> None:
    text = (
        "某某县人民政府文件\n某政发〔2024〕3号\n某县人民政府关于印发《2024年工作要点》的通知\n各乡镇，各部门：\n"
        "现将《2024年工作要点》印发给你们，请认真贯彻落实。\n某县人民政府\n2024年2月1日\n（此件公开发布）\n"
        "2024年工作要点\n为做好今年工作，制定要点如下。\n一、重点任务\n抓好落实。\n"
    )
    plan = parse(text)
    assert plan["title"] == "2024年工作要点"
    assert plan["year"] == 2024
    preamble = [m["text"] for m in plan["preamble"] if not m.get("cover")]
    assert preamble == ["为做好今年工作，制定要点如下。"]
    assert all("文件" not in m["text"] and "2024年2月1日" not in m["text"] for m in plan["preamble"])


def test_title_and_year_with_spaces_full_width_digits_and_traditional_characters() -> None:
    plan = parse("市教育局 ２０２２ 年黨建工作要點\n一、加強學習\n")
    assert plan["year"] == 2022
    assert plan["title"] == "市教育局 ２０２２ 年黨建工作要點"
    assert plan["outline"][0]["title"] == "加強學習"


def test_year_can_be_given_by_the_caller() -> None:
    assert parse("一、要求\n每季度报告。\n", year=2026)["year"] == 2026


def test_a_plan_without_title_line_has_none() -> None:
    plan = parse("2022年是重要一年。各级党组织要坚持学习。\n一、要求\n")
    assert plan["title"] is None and plan["year"] == 2022
    assert len(plan["preamble"]) == 2


def test_a_short_label_before_a_colon_is_the_title() -> None:
    plan = parse("（一）时间安排：每月20日开展主题党日。遇节假日顺延。\n")
    node = plan["outline"][0]
    assert node["title"] == "时间安排"
    assert [m["text"] for m in node["measures"]] == ["每月20日开展主题党日。", "遇节假日顺延。"]


def test_a_comma_after_a_numeral_is_no_marker() -> None:
    plan = parse("一、要求\n三，四月份完成部署。\n")
    assert len(plan["outline"]) == 1 and plan["outline"][0]["measures"][0]["text"] == "三，四月份完成部署。"


def test_attachment_labels_and_page_numbers_are_no_content() -> None:
    plan = parse("附件1\n2024年党建工作要点\n一、要求\n认真学习。\n— 2 —\n严格考核。\n")
    assert plan["title"] == "2024年党建工作要点"
    assert plan["preamble"] == []
    assert [m["text"] for m in plan["outline"][0]["measures"]] == ["认真学习。", "严格考核。"]
