"""Facts: schedules, targets, documents and actors, each rule with made-up sentences."""

from __future__ import annotations

import pytest

from luoshi.planparse.tests.helpers import facts, parse


def one(sentence: str, key: str, year: int = 2022):
    return facts(parse(f"一、要求\n{sentence}\n", year=year), key)


@pytest.mark.parametrize(
    ("sentence", "freq", "count"),
    [
        ("各支部每月召开支委会。", "monthly", None),
        ("书记每季度汇报1次工作。", "quarterly", 1),
        ("每季汇报两次。", "quarterly", 2),
        ("每半年开展一次检查。", "semiannual", 1),
        ("每年向党组述职。", "annual", None),
        ("每周开展学习。", "weekly", None),
        ("坚持一月一次集中学习。", "monthly", 1),
    ],
)
def test_recurring_schedules(sentence, freq, count) -> None:
    [schedule] = one(sentence, "schedules")
    assert (schedule["kind"], schedule["freq"], schedule["count"]) == ("recurring", freq, count)


def test_a_fixed_day_of_the_month_is_kept() -> None:
    [schedule] = one("固定每月15日为主题党日。", "schedules")
    assert schedule["freq"] == "monthly" and schedule["day"] == 15


@pytest.mark.parametrize(
    ("sentence", "when"),
    [
        ("年中听取汇报。", "mid-year"),
        ("年底前完成整改。", "year-end"),
        ("上半年召开推进会。", "first-half"),
        ("下半年组织考核。", "second-half"),
        ("开展半年工作观摩。", "mid-year"),
        ("5月份开展宣传。", "2022-05"),
        ("5月25日前报送材料。", "2022-05-25"),
        ("9月底前完成。", "2022-09"),
        ("“七一”期间开展表彰。", "2022-07-01"),
    ],
)
def test_once_schedules(sentence, when) -> None:
    [schedule] = one(sentence, "schedules")
    assert (schedule["kind"], schedule["when"]) == ("once", when)


def test_event_and_periodic_schedules_are_flagged_for_a_person() -> None:
    [event] = one("根据人员变动情况，及时调整名单。", "schedules")
    [periodic] = one("定期分析研判形势。", "schedules")
    assert event["kind"] == "event" and event["needs_decision"]
    assert periodic["kind"] == "periodic" and periodic["needs_decision"]


@pytest.mark.parametrize(
    "sentence",
    [
        "近5年来成绩显著。",
        "选拔35岁以下干部。",
        "体会不少于1000字。",
        "每次不少于1小时。",
        "日产6万管/日。",
        "增长15%左右。",
        "学习十九大精神。",
        "2022年是关键一年。",
        "如遇法定假日顺延。",
        "持续常态化开展。",
    ],
)
def test_sentences_without_schedules(sentence) -> None:
    assert one(sentence, "schedules") == []


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("对9家单位开展内部巡察。", 9),
        ("确定1件为民实事。", 1),
        ("每支部至少报送一篇调研文章。", 1),
        ("全年打卡1次。", 1),
        ("对十二家单位开展回头看。", 12),
        ("选树3名优秀党务工作者。", 3),
    ],
)
def test_targets(sentence, count) -> None:
    [target] = one(sentence, "targets")
    assert target["count"] == count


@pytest.mark.parametrize(
    "sentence",
    [
        "近5年来成效明显。",
        "选拔35岁以下干部。",
        "建设一支高素质专业化干部队伍。",
        "抓好四支队伍建设。",
        "坚持“三个代表”重要思想。",
        "每次不少于1小时。",
        "产能6万管/日。",
        "增长15%左右。",
        "完成“重点工作5张报表”。",
        "学习十九大精神。",
        "2022年是重要一年。",
        "坚决做到“两个维护”。",
        "落实“三个清单”。",
        "贯彻十二届十四次全会精神。",
        "深化“甲改革、乙改革”等八项改革。",
        "每季度汇报1次。",
        "传导到每一名党员。",
    ],
)
def test_numbers_that_are_no_targets(sentence) -> None:
    assert one(sentence, "targets") == []


@pytest.mark.parametrize(
    "sentence,count,unit",
    [
        ("心得不少于1000字。", 1000, "字"),  # the whole unit
        ("每年培训党员100人以上。", 100, "人"),
        ("覆盖1.5万人。", 15000, "人"),
        ("组织300余名党员志愿者。", 300, "名党员志愿者"),
        ("全年组织安全检查1次。", 1, "次"),
    ],
)
def test_targets_with_qualifiers_and_large_numbers(sentence, count, unit) -> None:
    targets = one(sentence, "targets")
    assert [(t["count"], t["unit"]) for t in targets] == [(count, unit)]


def test_documents_keep_nested_quotes() -> None:
    docs = one("贯彻《关于加强对“一把手”监督的意见》和《条例（试行）》。", "documents")
    assert [d["title"] for d in docs] == ["关于加强对“一把手”监督的意见", "条例（试行）"]


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("年中专题听取林草局党组汇报。", "林草局党组"),
        ("充分发挥驻厅纪检监察组和机关纪委作用。", "驻厅纪检监察组"),
        ("充分发挥驻厅纪检监察组和机关纪委作用。", "机关纪委"),
        ("各基层党组织书记每季度汇报。", "各基层党组织书记"),
        ("党组书记履行第一责任人职责。", "党组书记"),
        ("结合处室（单位）职能开展工作。", "处室（单位）"),
        ("向厅党组进行述职。", "厅党组"),
        ("督导机关党组织定期研究。", "机关党组织"),
    ],
)
def test_actors(sentence, actor) -> None:
    assert actor in [a["text"] for a in one(sentence, "actors")]


def test_fan_out_phrases_say_which_organisations_they_cover() -> None:
    actors = {
        a["text"]: a.get("fanout")
        for a in one("各基层党组织书记和各党支部、处室（单位）都要落实。", "actors")
    }
    assert actors["各基层党组织书记"] == "basic_level"
    assert actors["各党支部"] == "branch"
    assert actors["处室（单位）"] == "division"


def test_names_inside_document_titles_are_no_actors() -> None:
    assert one("贯彻《中国共产党支部工作条例》。", "actors") == []


def test_actors_are_matched_against_the_organisation_directory() -> None:
    directory = [
        {"id": 7, "name": "林业和草原局党组", "aliases": ["林草局党组", "林草局"]},
        {"id": 8, "name": "地质局党委", "aliases": []},
    ]
    plan = parse("一、要求\n年中听取林草局党组、地质局党委汇报。\n", directory=directory)
    actors = {a["text"]: a["org"] for a in facts(plan, "actors")}
    assert actors == {"林草局党组": 7, "地质局党委": 8}


def test_every_year_by_a_date_is_one_deadline() -> None:
    [schedule] = one("每年11月底前完成民主评议。", "schedules")
    assert (schedule["kind"], schedule["when"]) == ("once", "2022-11")


@pytest.mark.parametrize(
    ("sentence", "when"), [("第一季度完成部署。", "2022-03"), ("三季度末开展检查。", "2022-09")]
)
def test_a_named_quarter_is_due_at_its_end(sentence, when) -> None:
    [schedule] = one(sentence, "schedules")
    assert (schedule["kind"], schedule["when"]) == ("once", when)


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("机关工会组织开展健步走活动。", "机关工会"),
        ("团委牵头开展青年活动。", "团委"),
        ("组织部负责干部培训。", "组织部"),
        ("各科室要认真落实。", "各科室"),
        ("主要负责同志要亲自抓。", "主要负责同志"),
    ],
)
def test_more_kinds_of_bodies_and_roles(sentence, actor) -> None:
    assert actor in [a["text"] for a in one(sentence, "actors")]


def test_every_single_month_with_a_measure_word() -> None:
    [schedule] = one("每个月召开一次支委会。", "schedules")
    assert (schedule["freq"], schedule["count"]) == ("monthly", 1)
