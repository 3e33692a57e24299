"""Findings on a draft: repeated and near-repeated sentences or clauses, placeholders
left in, numbering gaps and repeats, empty headings.

Near-repeats are found through shared 3-character shingles, so the cost grows with the
number of clauses that share wording, not with the square of all clauses.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import chain
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from luoshi.planparse.parser import Node

PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:[Xx]{2,}|\*{2,}|×{2,}|○{2,}|某某)(?![A-Za-z])")
CLAUSE_STOPS = re.compile(r"[,，。;；:：!！?？]")
MIN_CLAUSE = 8  # characters; shorter clauses repeat by nature ("营造浓厚氛围")
NEAR = 0.6  # Jaccard similarity of 3-shingles that counts as a near repeat
MIN_NEAR = 12  # near repeats of short clauses are mostly set phrases
MAX_POSTING = 24  # clauses per shingle beyond which the shingle is too common to compare by


def find_findings(
    text: str, folded: str, plan: dict[str, Any], roots: list[Node], nodes: list[Node]
) -> list[dict[str, Any]]:
    measures = list(plan["preamble"]) + [m for n in _walk(plan["outline"]) for m in n["measures"]]
    findings = _repeats(folded, measures)
    findings += _placeholders(text, folded)
    findings += _numbering(text, roots, nodes)
    return findings


def _walk(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for n in nodes:
        out.append(n)
        out += _walk(n["children"])
    return out


def _clauses(folded: str, measure_index: int, span: list[int]) -> list[tuple[int, int, int, str]]:
    out = []
    s, e = span
    start = s
    for m in CLAUSE_STOPS.finditer(folded, s, e):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, e))
    clauses = []
    for a, b in out:
        key = re.sub(r"[\s“”‘’\"()（）《》、的]", "", folded[a:b])
        if len(key) >= MIN_CLAUSE:
            clauses.append((measure_index, a, b, key))
    return clauses


def _shingles(key: str) -> set[str]:
    return {key[i : i + 3] for i in range(len(key) - 2)}


def _repeats(folded: str, measures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    clauses = [c for i, m in enumerate(measures) for c in _clauses(folded, i, m["span"])]
    pairs: dict[tuple[int, int], set[tuple[int, int]]] = {}

    def note(x: tuple[int, int, int, str], y: tuple[int, int, int, str]) -> None:
        key = (min(x[0], y[0]), max(x[0], y[0]))
        pairs.setdefault(key, set()).update({(x[1], x[2]), (y[1], y[2])})

    # Exact repeats: every place of a clause is kept under its wording; the measures it
    # shares with a near repeat are remembered so that pair is not reported twice.
    places: dict[str, list[tuple[int, int, int, str]]] = defaultdict(list)
    for clause in clauses:
        places[clause[3]].append(clause)
    exact_pairs: set[tuple[int, int]] = set()
    for same in places.values():
        owners = sorted({c[0] for c in same})
        exact_pairs.update(zip(owners, owners[1:], strict=False))
    # Near repeats through shared shingles; a shingle found in many clauses says nothing
    # about any pair and would make the cost quadratic, so long posting lists are cut.
    index: dict[str, list[int]] = defaultdict(list)
    # only the sizes are kept: each clause's shingles live while it is compared, so memory
    # stays with the index (capped posting lists), not with every clause's set
    sizes = [0] * len(clauses)
    for i, clause in enumerate(clauses):
        if len(clause[3]) < MIN_NEAR:
            continue
        shingles = _shingles(clause[3])
        sizes[i] = len(shingles)
        postings = [index[sh] for sh in shingles]
        postings = [p for p in postings if len(p) < MAX_POSTING]
        candidates = Counter(chain.from_iterable(postings))  # counted in C: the hot loop
        for posting in postings:
            posting.append(i)
        for j, shared in candidates.items():
            if clauses[i][0] == clauses[j][0] or clauses[i][3] == clauses[j][3]:
                continue
            union = len(shingles) + sizes[j] - shared
            if union and shared / union >= NEAR:
                note(clauses[j], clauses[i])
    return _exact_findings(folded, measures, places) + _near_findings(measures, pairs, exact_pairs)


def _exact_findings(
    folded: str, measures: list[dict[str, Any]], places: dict[str, list[tuple[int, int, int, str]]]
) -> list[dict[str, Any]]:
    """One finding per set of measures that share wording: a sentence copied into thirty
    table rows, or a paragraph repeated whole, is one finding with every place, not a
    finding per clause or per pair."""
    groups: dict[tuple[int, ...], set[tuple[int, int]]] = {}
    for same in places.values():
        owners = tuple(sorted({c[0] for c in same}))
        if len(owners) > 1:
            groups.setdefault(owners, set()).update((c[1], c[2]) for c in same)
    findings = []
    for owners, spans in sorted(groups.items(), key=lambda item: min(item[1])):
        wordings = {folded[measures[i]["span"][0] : measures[i]["span"][1]] for i in owners}
        what = "完全相同" if len(wordings) == 1 else "表述重复"
        count = "两" if len(owners) == 2 else str(len(owners))
        findings.append(
            {
                "kind": "duplicate",
                "spans": [list(sp) for sp in sorted(spans)],
                "message": f"{count}{'句' if what == '完全相同' else '处'}{what}：“{measures[owners[0]]['text'][:20]}…”",
            }
        )
    return findings


def _near_findings(
    measures: list[dict[str, Any]],
    pairs: dict[tuple[int, int], set[tuple[int, int]]],
    exact_pairs: set[tuple[int, int]],
) -> list[dict[str, Any]]:
    """Near repeats grouped: six sentences built on one pattern ("市X局为该职位选派的责任单位")
    are one finding with six places, not fifteen pairs. Pairs that already share a clause
    word for word are the exact finding's."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.get(i, i) != i:
            i = parent[i]
        return i

    near = [(key, spans) for key, spans in sorted(pairs.items()) if key not in exact_pairs]
    for (a, b), _ in near:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, set[tuple[int, int]]] = {}
    for (a, _b), spans in near:
        groups.setdefault(root(a), set()).update(spans)
    return [
        {
            "kind": "near_duplicate",
            "spans": [list(sp) for sp in sorted(spans)],
            "message": f"{len(spans)}处表述相近，可能重复：“{measures[r]['text'][:20]}…”",
        }
        for r, spans in sorted(groups.items())
    ]


def _placeholders(text: str, folded: str) -> list[dict[str, Any]]:
    out = []
    line, counted_to = 1, 0
    for m in PLACEHOLDER.finditer(folded):
        line += folded.count("\n", counted_to, m.start())  # counted on from the last match: linear
        counted_to = m.start()
        out.append(
            {
                "kind": "placeholder",
                "spans": [[m.start(), m.end()]],
                "message": f"第{line}行留有占位符“{text[m.start() : m.end()]}”，请替换为实际内容",
            }
        )
    return out


def _marker_for(marker: str, number: int) -> str:
    """The marker `marker` would be with `number`: 三、 → 四、, （2） → （3）, 5. → 6."""
    m = re.search(r"\d+", marker)
    if m:
        return marker[: m.start()] + str(number) + marker[m.end() :]
    m = re.search(r"[一二三四五六七八九十]+", marker)
    if m:
        return marker[: m.start()] + _chinese(number) + marker[m.end() :]
    return marker


def _chinese(n: int) -> str:
    digits = "一二三四五六七八九"
    if n < 10:
        return digits[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens - 1]) + "十" + (digits[ones - 1] if ones else "")


def _numbering(text: str, roots: list[Node], nodes: list[Node]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    # the last number seen at each level, in document order: numbering that runs straight
    # through sections (1.–5. under 一、, 6.–10. under 二、) is no gap
    last_at: dict[int, int] = {}

    def check(siblings: list[Node]) -> None:
        by_level: dict[int, list[Node]] = defaultdict(list)
        for n in siblings:
            by_level[n.level].append(n)
        for same in by_level.values():
            expected = 1
            for i, n in enumerate(same):
                if n.number is None:
                    continue
                if i == 0 and n.number != 1 and n.number == last_at.get(n.level, 0) + 1:
                    expected = n.number
                if n.number != expected:
                    what = "重复" if n.number < expected else "跳号"
                    out.append(
                        {
                            "kind": "numbering",
                            "spans": [list(n.title_span)],
                            "message": f"编号{what}：此处应为“{_marker_for(n.marker, expected)}”，实为“{n.marker}”",
                        }
                    )
                expected = n.number + 1
                last_at[n.level] = n.number
        for n in siblings:
            check(n.children)

    check(roots)
    last = nodes[-1] if nodes else None
    for n in nodes:
        has_content = n.measures or n.children or any(n.facts.get(k) for k in ("actors", "schedules"))
        if not has_content and n.level <= 2 and n is not last:
            out.append(
                {
                    "kind": "empty_heading",
                    "spans": [list(n.title_span)],
                    "message": f"标题“{text[n.title_span[0] : n.title_span[1]]}”下没有内容",
                }
            )
    return out
