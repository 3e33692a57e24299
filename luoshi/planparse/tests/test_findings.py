"""Findings on the draft: repeats, placeholders, numbering, empty headings."""

from __future__ import annotations

from luoshi.planparse.tests.helpers import parse


def kinds(plan, kind):
    return [f for f in plan["findings"] if f["kind"] == kind]


def test_a_repeated_clause_in_two_sentences_is_one_finding_with_both_places() -> None:
    text = "一、要求\n持续深化作风建设，健全完善基层减负常态化机制。\n健全完善基层减负常态化机制，强化精文减会约束。\n"
    [finding] = kinds(parse(text), "duplicate")
    first, second = finding["spans"]
    assert text[first[0] : first[1]] == text[second[0] : second[1]] == "健全完善基层减负常态化机制"


def test_near_repeats_are_reported_as_such() -> None:
    text = "一、要求\n严格执行精文减会的刚性约束要求，持续推进。\n强化执行精文减会刚性约束要求，不断深化。\n"
    assert len(kinds(parse(text), "near_duplicate")) == 1


def test_short_set_phrases_are_not_repeats() -> None:
    text = "一、要求\n营造浓厚氛围，推进工作。\n营造浓厚氛围，加强学习。\n"
    assert kinds(parse(text), "duplicate") == kinds(parse(text), "near_duplicate") == []


def test_placeholders_each_reported() -> None:
    text = "坚持以XXX思想为指导，学习xx精神，由***负责，某某同志牵头，××单位、○○局配合。\n"
    found = kinds(parse(text), "placeholder")
    assert [text[f["spans"][0][0] : f["spans"][0][1]] for f in found] == [
        "XXX",
        "xx",
        "***",
        "某某",
        "××",
        "○○",
    ]


def test_numbering_gaps_and_repeats() -> None:
    plan = parse("一、甲\n内容。\n三、乙\n内容。\n三、丙\n内容。\n")
    messages = [f["message"] for f in kinds(plan, "numbering")]
    assert len(messages) == 2 and "跳号" in messages[0] and "重复" in messages[1]


def test_empty_headings_are_reported() -> None:
    plan = parse("一、甲\n二、乙\n内容。\n")
    [finding] = kinds(plan, "empty_heading")
    assert "甲" in finding["message"]


def test_sentences_on_one_pattern_are_one_finding_not_a_pair_each() -> None:
    lines = [f"{i}.选派{u}干部。市{u}局为该职位选派的责任单位。" for i, u in enumerate("建财教卫", 1)]
    plan = parse("一、要求\n" + "\n".join(lines) + "\n")
    near = [f for f in plan["findings"] if f["kind"] == "near_duplicate"]
    assert len(near) == 1 and len(near[0]["spans"]) == 4
    assert near[0]["message"].startswith("4处表述相近")


def test_numbering_that_runs_through_sections_is_no_gap() -> None:
    plan = parse("一、甲\n1.做好甲。\n2.做好乙。\n二、乙\n3.做好丙。\n5.做好丁。\n")
    numbering = [f["message"] for f in plan["findings"] if f["kind"] == "numbering"]
    assert numbering == ["编号跳号：此处应为“4.”，实为“5.”"]


def test_a_sentence_copied_many_times_is_one_finding_with_every_place() -> None:
    row = "各党支部按季度报送学习记录和活动台账。"
    plan = parse("一、要求\n" + "".join(f"{i}.{row}\n" for i in range(1, 13)))
    [finding] = kinds(plan, "duplicate")
    assert len(finding["spans"]) == 12 and finding["message"].startswith("12句完全相同")
