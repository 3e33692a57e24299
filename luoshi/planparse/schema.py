"""The plan JSON as types: what `parse_text` returns and `luoshi plan parse --json` prints.

Consumers annotate with these (`plan["outline"][0]["measures"]` is a `list[Measure]`), so mypy
checks every key they read against the contract of DESIGN.md. test_schema checks the parser's
real output on every evaluation plan against these declarations, so they cannot drift apart.
Keys marked NotRequired appear only on some facts (a fan-out actor, a post, a trigger).
"""

# No `from __future__ import annotations` here: TypedDict needs NotRequired unquoted to know
# which keys are optional.
from typing import Any, Literal, NotRequired, TypedDict

Role = Literal["lead", "responsible", "cooperating", "addressed"]


class Actor(TypedDict):
    text: str
    span: list[int]
    org: Any  # the matched organisation's id from the directory, or None
    role: NotRequired[Role | None]  # who the actor is to the measure
    attribute: NotRequired[Literal["lead", "responsible", "support"]]  # from a responsibility note
    fanout: NotRequired[str | None]  # 各党支部, 各处室: every unit of a kind
    post: NotRequired[bool]  # a post (党组书记), not a body


class Schedule(TypedDict):
    kind: Literal["recurring", "once", "event", "periodic"]
    freq: Literal["weekly", "monthly", "quarterly", "semiannual", "annual"] | None
    when: str | None  # mid-year, year-end, first-half, second-half, YYYY-MM-DD, YYYY-MM
    count: int | None
    text: str
    span: list[int]
    day: NotRequired[int | None]
    needs_decision: NotRequired[bool]


class Target(TypedDict):
    count: int
    unit: str
    text: str
    span: list[int]


class Document(TypedDict):
    title: str  # inside 《》
    span: list[int]


class Deliverable(TypedDict):
    text: str
    kind: str  # 方案, 报告, 台账, 办法, 清单, 责任书…
    span: list[int]


class Facts(TypedDict):
    actors: list[Actor]
    schedules: list[Schedule]
    targets: list[Target]
    documents: list[Document]
    deliverables: list[Deliverable]


class Measure(Facts):
    text: str
    span: list[int]
    cover: NotRequired[bool]  # a sentence of the cover notice, in the preamble


class Node(Facts):
    marker: str
    level: int
    title: str
    title_span: list[int]
    measures: list[Measure]
    children: list["Node"]


class Finding(TypedDict):
    kind: str  # duplicate, near_duplicate, placeholder, numbering, empty_heading
    spans: list[list[int]]
    message: str


class Plan(TypedDict):
    year: int | None
    title: str | None
    preamble: list[Measure]
    outline: list[Node]
    findings: list[Finding]
