"""The warnings before publishing and the natural cut of a task's text, on unsaved objects:
no database, the date given."""

from __future__ import annotations

import datetime as dt

from luoshi.plans.actions import divide_text, natural_split, split_points
from luoshi.plans.models import Plan, Proposal
from luoshi.plans.publish_checks import WarningCode, document_year, publish_warnings, warnings_digest

JUNE_2022 = dt.date(2022, 6, 1)


def plan(year: int = 2022, text: str = "2022年机关党建工作要点\n一、总体要求\n") -> Plan:
    return Plan(year=year, text=text, title=f"{year}年工作要点")


def proposal(pk: int, title: str, kind: str = "", freq: str = "", dropped: bool = False) -> Proposal:
    return Proposal(pk=pk, title=title, schedule_kind=kind, freq=freq, dropped=dropped)


def codes(warnings) -> list[str]:
    return [w.code for w in warnings]


def test_a_clean_plan_of_this_year_has_no_warnings() -> None:
    proposals = [proposal(1, "每季度汇报1次", "recurring", "quarterly"), proposal(2, "年底前完成述职")]
    assert publish_warnings(plan(), proposals=proposals, today=JUNE_2022) == []


def test_identical_tasks_are_one_warning_listing_every_copy_first_kept() -> None:
    """Identical means the same words: punctuation and spaces do not make two tasks differ."""
    proposals = [
        proposal(3, "开展廉政警示教育周活动。"),
        proposal(4, "另一项任务"),
        proposal(5, "开展廉政警示教育周活动"),
        proposal(6, "开展 廉政警示教育周活动", dropped=True),
    ]
    [warning] = publish_warnings(plan(), proposals=proposals, today=JUNE_2022)
    assert warning.code == WarningCode.DUPLICATE and warning.proposals == (3, 5)
    assert "2条任务内容完全相同" in warning.message


def test_event_tasks_and_periodic_without_a_period_will_have_no_occurrences() -> None:
    proposals = [
        proposal(1, "根据人事变动及时更新清单", "event"),
        proposal(2, "定期分析思想状况", "periodic"),
        proposal(3, "定期分析，按季度", "periodic", "quarterly"),
        proposal(4, "另一事件", "event", dropped=True),
    ]
    warnings = publish_warnings(plan(), proposals=proposals, today=JUNE_2022)
    assert [(w.code, w.proposals) for w in warnings] == [
        (WarningCode.NO_OCCURRENCES, (1,)),
        (WarningCode.NO_OCCURRENCES, (2,)),
    ]
    assert "事件触发" in warnings[0].message and "未写明周期" in warnings[1].message


def test_a_plan_whose_year_is_over_offers_its_year_and_this_one() -> None:
    proposals = [proposal(1, "任务")]
    [warning] = publish_warnings(plan(), proposals=proposals, today=dt.date(2026, 12, 2))
    assert warning.code == WarningCode.YEAR_OVER and warning.years == (2022, 2026)
    assert publish_warnings(plan(), proposals=proposals, today=dt.date(2022, 12, 31)) == []


def test_a_document_of_another_year_than_chosen_at_import_is_a_warning() -> None:
    chosen_2023 = plan(year=2023)  # the text says 2022
    [warning] = publish_warnings(chosen_2023, proposals=[proposal(1, "任务")], today=JUNE_2022)
    assert warning.code == WarningCode.YEAR_MISMATCH and warning.years == (2022, 2023)
    assert "文档写的是2022年" in warning.message


def test_the_document_year_is_read_from_the_lines_before_the_first_heading() -> None:
    assert document_year("二〇二三年机关党建工作要点\n一、总体要求") == 2023
    assert document_year("机关党建工作要点\n一、总体要求\n2019年以来……") is None
    assert document_year("关于印发《2024年工作要点》的通知\n各党支部：") == 2024


def test_the_digest_changes_when_the_warnings_do() -> None:
    one = publish_warnings(plan(), proposals=[proposal(1, "事件", "event")], today=JUNE_2022)
    two = publish_warnings(plan(), proposals=[proposal(2, "事件", "event")], today=JUNE_2022)
    assert warnings_digest(one) != warnings_digest(two) and warnings_digest(one) == warnings_digest(list(one))


def test_the_natural_cut_is_the_strongest_clause_break_nearest_the_middle() -> None:
    text = "落实意识形态工作责任制，严格执行定期分析制度；让对党忠诚成为主流思想，营造氛围"
    at = natural_split(text)
    assert text[at - 1] == "；"
    assert divide_text(text, at) == (
        "落实意识形态工作责任制，严格执行定期分析制度",
        "让对党忠诚成为主流思想，营造氛围",
    )


def test_a_break_inside_quotes_or_at_the_very_end_is_no_cut() -> None:
    text = "开展“讲好红色故事、传承红色基因”主题活动。"
    assert split_points(text) == [] and natural_split(text) is None
    assert divide_text(text, None) == (text, "")


def test_a_lopsided_strong_break_gives_way_to_a_comma_near_the_middle() -> None:
    text = "甲；乙乙乙乙乙乙乙乙，丙丙丙丙丙丙丙丙丙"
    assert text[natural_split(text) - 1] == "，"
