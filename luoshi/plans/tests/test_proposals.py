"""Proposed owners from the facts, on plain data (no database)."""

from __future__ import annotations

from luoshi.orgs.choices import OrgKind
from luoshi.planparse import parse_text
from luoshi.plans.proposals import Directory, OrgInfo, drafts_for_measure

ORGS = [
    OrgInfo(1, "厅党组", OrgKind.PARTY_GROUP, "0000001/", []),
    OrgInfo(2, "机关党委", OrgKind.PARTY_COMMITTEE, "0000001/0000002/", ["党员教育"]),
    OrgInfo(3, "机关纪委", OrgKind.DISCIPLINE_COMMITTEE, "0000001/0000002/0000003/", ["巡察", "廉政"]),
    OrgInfo(4, "第一党支部", OrgKind.BRANCH, "0000001/0000002/0000004/", []),
    OrgInfo(5, "第二党支部", OrgKind.BRANCH, "0000001/0000002/0000005/", []),
    OrgInfo(6, "办公室", OrgKind.DIVISION, "0000001/0000002/0000004/0000006/", []),
    OrgInfo(7, "林草局党组", OrgKind.PARTY_GROUP, "0000001/0000007/", []),
    OrgInfo(8, "组织部", OrgKind.OTHER, "0000001/0000008/", []),
    OrgInfo(9, "撤销的支部", OrgKind.BRANCH, "0000001/0000002/0000009/", [], is_active=False),
]
DIRECTORY = Directory(ORGS, ORGS[1], ORGS[0])
NAMES = [{"id": o.id, "name": o.name, "aliases": []} for o in ORGS]


def drafts(text: str):
    plan = parse_text("一、要求\n" + text + "\n", directory=NAMES, year=2024)
    node = plan["outline"][0]
    out = []
    for seq, m in enumerate(node["measures"], 1):
        out += drafts_for_measure(DIRECTORY, "一、要求", seq, m, node.get("actors", []))
    return out


def test_fan_out_phrases_expand_to_every_active_organisation_of_the_kind() -> None:
    [d] = drafts("各党支部每月召开支委会。")
    assert d.responsible == [4, 5] and d.owner_source == "fanout"
    [d] = drafts("结合处室（单位）职能，确定1件为民实事。")
    assert d.responsible == [6] and d.target["count"] == 1
    [d] = drafts("各基层党组织书记每季度汇报。")
    assert d.responsible == [2, 4, 5]


def test_named_bodies_are_owners_and_addressed_ones_related() -> None:
    [d] = drafts("党组书记年中听取林草局党组汇报。")
    assert d.responsible == [1] and d.related == [7]


def test_several_rules_in_one_sentence_split_it() -> None:
    parts = drafts("各党支部每季度汇报1次工作，每年向厅党组述职。")
    assert [p.schedule["freq"] for p in parts] == ["quarterly", "annual"]
    assert all(p.responsible == [4, 5] for p in parts)
    assert parts[1].related == [1]


def test_duty_keywords_suggest_an_owner_else_the_plan_office() -> None:
    [d] = drafts("对9家单位开展内部巡察。")
    assert d.responsible == [3] and d.owner_source == "duty"
    [d] = drafts("加强机关文化建设。")
    assert d.responsible == [2] and d.owner_source == "office"


def test_item_attributes_lead_every_measure_of_the_item() -> None:
    plan = parse_text(
        "1.抓好组织生活。第一党支部每月学习。各党支部每季度检查。（牵头单位：组织部）\n",
        directory=NAMES,
        year=2024,
    )
    node = plan["outline"][0]
    result = [
        d
        for seq, m in enumerate(node["measures"], 1)
        for d in drafts_for_measure(DIRECTORY, "1.", seq, m, node["actors"])
    ]
    assert [d.lead for d in result] == [8, 8]
    assert result[0].responsible == [4] and result[1].responsible == [4, 5]


def test_a_bracketed_note_proposes_the_lead_and_names_the_cooperating_unit(persona) -> None:
    """（A牵头，B配合） closes the sentence: A leads and owes it, B is named beside it."""
    from luoshi.orgs.models import Organization
    from luoshi.plans import actions

    text = "2026年机关党建工作要点\n一、加强组织建设\n（一）健全制度。制定党支部工作考核办法（办公室牵头，人事处配合）。\n"
    plan = actions.import_plan(acting_user=persona("jgdw"), data=text.encode(), filename="要点.txt")
    proposal = plan.proposals.get(title__contains="考核办法")
    office = Organization.objects.get(name="办公室")
    personnel = Organization.objects.get(name="人事处")
    assert proposal.lead_org == office
    assert office in proposal.responsible_orgs.all()
    assert personnel in proposal.related_orgs.all() and personnel not in proposal.responsible_orgs.all()
