"""Proposed tasks from the parsed plan: who, when, how many — before a person reviews them.

Owners come from the facts: organisations the text names (matched against the directory),
fan-out phrases (各基层党组织, 各党支部, 处室（单位）…) expanded to every active organisation of
those kinds, 牵头单位/责任单位 attributes; bodies that are only addressed (听取林草局党组汇报,
向厅党组述职) are named as related, not made owners. Where the text names nobody, the
organisations' duty keywords suggest one, else the plan office itself.

A measure with several schedules or targets in different clauses ("每季度汇报1次…，每年向厅党组
进行述职") becomes one proposal per clause group, each with its own rule.
Pure Python over plain data; the caller saves the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from luoshi.orgs.choices import OrgKind

FANOUT_KINDS: dict[str, set[str]] = {
    "basic_level": OrgKind.basic_level(),
    "party_orgs": {OrgKind.PARTY_GROUP, OrgKind.PARTY_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH},
    "branch": {OrgKind.BRANCH},
    "general_branch": {OrgKind.GENERAL_BRANCH},
    "party_committee": {OrgKind.PARTY_COMMITTEE},
    "party_group": {OrgKind.PARTY_GROUP},
    "division": {OrgKind.DIVISION},
}
# Verbs after which a named body is addressed, not put to work.
OBJECT_MARKERS = (
    "听取",
    "向",
    "对",
    "督导",
    "指导",
    "督促",
    "帮助",
    "联系",
    "配合",
    "协助",
    "列席",
    "报",
    "报告",
)
SEGMENT_STOPS = ",，;；、"
QUOTE_OPEN, QUOTE_CLOSE = "“‘「『(（《", "”’」』)）》"


@dataclass
class OrgInfo:
    id: int
    name: str
    kind: str
    path: str
    duty_keywords: list[str]
    is_active: bool = True


@dataclass
class Draft:
    section: str
    title: str
    measure_seq: int | None
    clause: tuple[int, int]
    lead: int | None = None
    responsible: list[int] = field(default_factory=list)
    related: list[int] = field(default_factory=list)
    owner_source: str = ""
    schedule: dict[str, Any] | None = None
    target: dict[str, Any] | None = None


@dataclass
class Directory:
    orgs: list[OrgInfo]
    office: OrgInfo
    root: OrgInfo

    def by_kinds(self, kinds: set[str]) -> list[int]:
        return [o.id for o in self.orgs if o.kind in kinds and o.is_active]

    def by_duty(self, text: str) -> int | None:
        best, hits = None, 0
        for org in self.orgs:
            n = sum(1 for k in org.duty_keywords if len(k) >= 2 and k in text)
            if n > hits and org.is_active:
                best, hits = org.id, n
        return best


def _segments(text: str, offset: int) -> list[tuple[int, int]]:
    """Top-level pieces of a sentence between ，；、 (not inside quotes or brackets)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in QUOTE_OPEN:
            depth += 1
        elif ch in QUOTE_CLOSE and depth:
            depth -= 1
        elif ch in SEGMENT_STOPS and depth == 0:
            out.append((offset + start, offset + i))
            start = i + 1
    out.append((offset + start, offset + len(text.rstrip("。!！?？ "))))
    return [(a, b) for a, b in out if b > a]


def _is_object(sentence: str, offset: int, actor: dict[str, Any]) -> bool:
    before = sentence[max(0, actor["span"][0] - offset - 4) : actor["span"][0] - offset]
    return before.endswith(OBJECT_MARKERS)


def _owners(
    directory: Directory, sentence: str, offset: int, actors: list[dict[str, Any]]
) -> tuple[list[int], list[int], int | None, str]:
    """(responsible, related, lead, source) from a list of actors."""
    responsible: list[int] = []
    related: list[int] = []
    lead: int | None = None
    source = ""
    previous_end, previous_object = -10, False
    for actor in actors:
        # "听取林草局党组、地质局党委汇报": a body joined to an addressed one is addressed too.
        joined = sentence[previous_end - offset : actor["span"][0] - offset] in (
            "、",
            "和",
            "及",
            "与",
            "以及",
        )
        is_object = _is_object(sentence, offset, actor) or (joined and previous_object)
        previous_end, previous_object = actor["span"][1], is_object
        role = actor.get("role")
        if (role == "lead" or actor.get("attribute") == "lead") and actor.get("org"):
            lead = actor["org"]
            responsible.append(actor["org"])
            source = "attribute"
            continue
        if role == "cooperating" and actor.get("org"):
            # 配合/协办: named on the task beside the owners, not owing it themselves.
            related.append(actor["org"])
            source = source or "attribute"
            continue
        if role == "addressed" and actor.get("org"):
            related.append(actor["org"])
            continue
        if actor.get("attribute") and actor.get("org"):
            responsible.append(actor["org"])
            source = "attribute"
            continue
        fanout = actor.get("fanout")
        text = actor.get("text", "")
        if not fanout and text.endswith(("党支部书记", "支部书记")) and "党组" not in text:
            fanout = "branch"
        if fanout in FANOUT_KINDS:
            responsible += directory.by_kinds(FANOUT_KINDS[fanout])
            source = source or "fanout"
            continue
        org = actor.get("org")
        if org is None and text.endswith("党组书记") and directory.root.kind == OrgKind.PARTY_GROUP:
            org = directory.root.id
        if org is None:
            continue
        if is_object:
            related.append(org)
        else:
            responsible.append(org)
            source = source or "text"
    return _unique(responsible), [r for r in _unique(related) if r not in responsible], lead, source


def _unique(ids: list[int]) -> list[int]:
    seen: set[int] = set()
    return [i for i in ids if not (i in seen or seen.add(i))]


def _inside(span: list[int], clause: tuple[int, int]) -> bool:
    return clause[0] <= span[0] < clause[1]


def drafts_for_measure(
    directory: Directory, section: str, seq: int, measure: dict[str, Any], inherited: list[dict[str, Any]]
) -> list[Draft]:
    text: str = measure["text"]
    offset: int = measure["span"][0]
    anchors = sorted(
        [("schedule", s) for s in measure.get("schedules", [])]
        + [("target", t) for t in measure.get("targets", [])],
        key=lambda a: a[1]["span"][0],
    )
    segments = _segments(text, offset)
    anchor_segments: list[int] = []
    for _, fact in anchors:
        index = next((i for i, (a, b) in enumerate(segments) if a <= fact["span"][0] < b), None)
        if index is not None and index not in anchor_segments:
            anchor_segments.append(index)
    if len(anchor_segments) >= 2:
        groups, start = [], 0
        for n, index in enumerate(anchor_segments):
            end = len(segments) - 1 if n == len(anchor_segments) - 1 else index
            groups.append((segments[start][0], segments[end][1]))
            start = end + 1
    else:
        groups = [(offset, offset + len(text.rstrip("。!！?？ ")))]
    sentence_owners = _owners(directory, text, offset, measure.get("actors", []))
    # The heading's actors (its title, 牵头单位/责任单位 lines) stand outside this sentence.
    inherited_owners = _owners(directory, "", 0, inherited)
    drafts = []
    for clause in groups:
        actors = [a for a in measure.get("actors", []) if _inside(a["span"], clause)]
        responsible, related, lead, source = _owners(directory, text, offset, actors)
        if not responsible:
            responsible, _, lead, source = sentence_owners
        if not responsible:
            responsible, _, lead, source = inherited_owners
        if not responsible:
            duty = directory.by_duty(text)
            responsible, source = ([duty], "duty") if duty else ([directory.office.id], "office")
        if not related:
            related = [r for r in sentence_owners[1] if r not in responsible]
        schedules = [s for s in measure.get("schedules", []) if _inside(s["span"], clause)]
        targets = [t for t in measure.get("targets", []) if _inside(t["span"], clause)]
        if lead is None:
            lead = inherited_owners[2]  # the item's 牵头单位 leads each of its measures
        if len(responsible) == 1 and lead is None:
            lead = responsible[0]
        drafts.append(
            Draft(
                section=section,
                title=text[clause[0] - offset : clause[1] - offset].strip(),
                measure_seq=seq,
                clause=clause,
                lead=lead if lead is not None else directory.office.id,
                responsible=responsible,
                related=related,
                owner_source=source,
                schedule=schedules[0] if schedules else None,
                target=targets[0] if targets else None,
            )
        )
    return drafts
