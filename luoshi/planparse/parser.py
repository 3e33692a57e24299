"""From plan text to the plan JSON of DESIGN.md: outline, measures, facts, findings.

One pass over the lines. Headings are recognised by their marker kind, which also gives
their level (一、 1, （一） 2, 1. 3, （1） 4, ① 5); a heading nests under the nearest
earlier heading of a smaller level, so a plan may go 一、 → 1. directly. Everything runs
on a folded copy of the text (normalize.fold) with the same indices, so spans index the
original exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, cast

from luoshi.planparse import facts as F
from luoshi.planparse.findings import find_findings
from luoshi.planparse.normalize import chinese_number, fold
from luoshi.planparse.schema import Plan

SPACE = " \t\ufeff\u200b"
MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(r"(?P<n>[一二三四五六七八九十]{1,3})\s*[、.]")),
    (2, re.compile(r"\(\s*(?P<n>[一二三四五六七八九十]{1,3})\s*\)")),
    (3, re.compile(r"(?P<n>\d{1,3})\s*(?:、|\.(?!\d))")),
    (4, re.compile(r"\(\s*(?P<n>\d{1,3})\s*\)")),
    (5, re.compile(r"(?P<n>[①-⑳])")),
]
SENTENCE_STOPS = "。!?"
MAX_LABEL = 20  # characters of a heading label before a colon
OPEN_QUOTES, CLOSE_QUOTES = "“‘「『", "”’」』"
OPEN_BRACKETS, CLOSE_BRACKETS = "(《【〔[", ")》】〕]"

SPLIT_CHARS = re.compile(
    "[" + re.escape(OPEN_QUOTES + CLOSE_QUOTES + OPEN_BRACKETS + CLOSE_BRACKETS + SENTENCE_STOPS) + "]"
)
DOC_NUMBER = re.compile(r"^[\u4e00-\u9fa5]{1,12}[〔\[(【]\s*\d{4}\s*[〕\])】]\s*第?\s*\d+\s*号$")
ISSUER_BANNER = re.compile(r"^[\u4e00-\u9fa5()\s]{2,40}(?:文件|公报|通报|简报)$")
DATE_LINE = re.compile(
    r"^(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日$"
)
LAYOUT_LINE = re.compile(
    r"\s*(?:[-—–]+\s*\d{1,4}\s*[-—–]+|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|附件\s*\d*\s*:?)\s*"
)
PUBLICATION_NOTE = re.compile(r"^[(]?\s*此件(?:公开发布|不公开|依申请公开)\s*[)]?$")
NOTICE_TITLE = re.compile(r"关于印发.*的?通知$|关于.*的通知$")
NOTICE_TEXT = re.compile(r"现将.{0,60}印发给你们|印发给你们[,，]请")
TITLE_WORDS = (
    "要点",
    "方案",
    "计划",
    "安排",
    "意见",
    "办法",
    "规划",
    "清单",
    "细则",
    "分工",
    "任务",
    "总结",
    "报告",
    "规则",
    "制度",
    "措施",
    "决定",
)
YEAR_IN = re.compile(r"((?:19|20)\d{2})\s*(?:学)?年(?!代)")
CN_YEAR_IN = re.compile(r"([〇零一二三四五六七八九]{4})\s*年")


@dataclass(eq=False)
class Node:
    marker: str
    level: int
    number: int | None
    title_span: tuple[int, int]
    line: int
    measures: list[dict[str, Any]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    facts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Context:
    text: str
    folded: str
    year: int | None
    directory: F.Directory
    first_is_lead: bool = False  # "列第一位者为牵头单位，下同": the first unit of each note leads


def parse_text(text: str, *, directory: list[dict[str, Any]] | None = None, year: int | None = None) -> Plan:
    """The plan JSON for `text`. `directory` lists organisations ({id, name, aliases}) to
    match actors against; `year` overrides the year found in the document."""
    folded = fold(text)
    lines = _lines(folded)
    first_heading = next((i for i, (s, e) in enumerate(lines) if _heading(folded, s, e)), len(lines))
    cover, title_line = _front_matter(folded, lines[:first_heading])
    title = None
    if title_line is not None:
        s, e = lines[title_line]
        title = (s, e)
    found_year = year or _find_year(folded, lines, title, first_heading)
    ctx = Context(
        text, folded, found_year, F.Directory.build(directory), bool(F.FIRST_IS_LEAD.search(folded))
    )

    # A plan whose items carry 牵头单位：/责任单位： lines is a task list: an item is its
    # heading with attributes (consumers take such a heading as the task), not a measure.
    attribute_lines = any(F.ATTRIBUTE.match(folded, _skip_space(folded, s, e)) for s, e in lines)
    preamble: list[dict[str, Any]] = []
    roots: list[Node] = []
    stack: list[Node] = []
    for index, (s, e) in enumerate(lines):
        if LAYOUT_LINE.fullmatch(folded, s, e):
            continue  # page numbers and 附件 labels left in the text are no content
        if index >= first_heading and _closing_line(folded, lines, index):
            continue  # signature, date, 附件 list, contact line: no measures
        if index < first_heading:
            if index == title_line or cover.get(index) == "meta":
                continue
            for measure in _sentences_of(ctx, s, e, None):
                if cover.get(index) == "notice":
                    measure["cover"] = True
                preamble.append(measure)
            continue
        heading = _heading(folded, s, e)
        if heading is not None:
            level, number, marker_end = heading
            content = _skip_space(folded, marker_end, e)
            title_end, body_start = _title_end(folded, content, e)
            node = Node(
                text[s + _lead(folded, s, e) : marker_end].strip(), level, number, (content, title_end), index
            )
            while stack and stack[-1].level >= level:
                stack.pop()
            (stack[-1].children if stack else roots).append(node)
            stack.append(node)
            if not attribute_lines and _one_line_task(ctx, title_end, body_start, e):
                # "（三）将…下放至自贸试验区。（负责部门：…）": the heading is also the task
                end = title_end + 1
                task: dict[str, Any] = {"text": text[content:end], "span": [content, end]}
                task.update(_facts(ctx, content, end))
                node.measures.append(task)
                body_start = _skip_space(folded, end, e)
            else:
                node.facts = _facts(ctx, content, title_end)
            if body_start < e:
                node.measures += _sentences_of(ctx, body_start, e, node)
            continue
        owner = stack[-1] if stack else None
        attr_start = _skip_space(folded, s, e)
        if F.ATTRIBUTE.match(folded, attr_start) and owner is not None:
            actors, schedules = F.find_attributes(folded, attr_start, e, ctx.year, ctx.first_is_lead)
            _merge(ctx, owner.facts, {"actors": actors, "schedules": schedules})
            continue
        measures = _sentences_of(ctx, s, e, owner)
        if owner is not None:
            owner.measures += measures
        else:
            preamble += measures

    outline = [_node_json(ctx, n) for n in roots]
    plan: dict[str, Any] = {
        "year": found_year,
        "title": text[title[0] : title[1]].strip() if title else None,
        "preamble": preamble,
        "outline": outline,
    }
    plan["findings"] = find_findings(text, folded, plan, roots, _flatten(roots))
    return cast(Plan, plan)  # built as dicts for speed; test_schema holds it to the declaration


# --- lines and headings ------------------------------------------------------------


def _lines(folded: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in folded.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _lead(folded: str, s: int, e: int) -> int:
    i = s
    while i < e and (folded[i] in SPACE or folded[i].isspace()):
        i += 1
    return i - s


def _skip_space(folded: str, i: int, e: int) -> int:
    while i < e and (folded[i] in SPACE or folded[i].isspace()):
        i += 1
    return i


def _heading(folded: str, s: int, e: int) -> tuple[int, int | None, int] | None:
    """(level, number, end of marker) when the line starts with an outline marker."""
    i = _skip_space(folded, s, e)
    for level, pattern in MARKERS:
        m = pattern.match(folded, i, e)
        if m is None:
            continue
        rest = _skip_space(folded, m.end(), e)
        if rest >= e:
            return None  # a bare marker is no heading
        if level == 3 and folded[rest] in "年月日%" and folded[m.end() - 1] == ".":
            return None  # "2022年…", "5%…"
        n = m.group("n")
        number = ord(n) - ord("①") + 1 if level == 5 else chinese_number(n)
        return level, number, m.end()
    return None


def _title_end(folded: str, content: int, e: int) -> tuple[int, int]:
    """(end of title, start of body). The title is the first sentence when more follow,
    else the whole line; a short label before a colon ("时间安排：每月20日…") is the title;
    a line that runs on without 。 splits at a wide gap."""
    depth = 0
    for i in range(content, e):
        ch = folded[i]
        if ch in OPEN_QUOTES or ch in OPEN_BRACKETS:
            depth += 1
        elif (ch in CLOSE_QUOTES or ch in CLOSE_BRACKETS) and depth:
            depth -= 1
        elif (
            ch == ":"
            and depth == 0
            and i - content <= MAX_LABEL
            and _skip_space(folded, i + 1, e) < e
            and any(c in SENTENCE_STOPS for c in folded[i + 1 : e])
        ):
            # "1、素质要求：…。": the label is the title when a sentence follows it; a line
            # that runs on without one ("一、德育为首：塑造健全人格，…") is a title whole
            return i, _skip_space(folded, i + 1, e)
        elif ch in SENTENCE_STOPS and depth == 0:
            return i, _skip_space(folded, i + 1, e)
    gap = re.search(r"[\u4e00-\u9fa5”)]\s+(?=[\u4e00-\u9fa5“])", folded[content:e])
    if (
        gap
        and gap.start() < 40
        and e - (content + gap.end()) >= 15
        and re.search(r"[,，。;]", folded[content + gap.end() : e])
    ):
        title_end = content + gap.start() + 1
        return title_end, _skip_space(folded, title_end, e)
    end = e
    while end > content and (
        folded[end - 1] in SPACE or folded[end - 1].isspace() or folded[end - 1] in ":;"
    ):
        end -= 1
    return end, e


CONTACT_LINE = re.compile(
    r"^\s*[(]?\s*(?:联系人|联系电话|联系方式|电话|传真|邮箱|电子邮箱|地址|邮编|抄送|附件\s*\d*\s*[:：.、]|附\s*件\s*:)"
)


def _closing_line(folded: str, lines: list[tuple[int, int]], index: int) -> bool:
    """Lines that close a document rather than assign work: a date of issue, the issuer
    just above it, contact lines, 抄送 and the 附件 list."""
    s, e = lines[index]
    t = folded[s:e].strip(SPACE + " ")
    if not t:
        return False
    if DATE_LINE.match(t) or PUBLICATION_NOTE.match(t) or CONTACT_LINE.match(t):
        return True
    following = next(
        (folded[a:b].strip(SPACE + " ") for a, b in lines[index + 1 :] if folded[a:b].strip()), ""
    )
    return bool(DATE_LINE.match(following)) and len(t) <= 30 and not re.search(r"[。,;:!?]", t)


# --- front matter: cover notice, title, year ----------------------------------------


def _front_matter(folded: str, lines: list[tuple[int, int]]) -> tuple[dict[int, str], int | None]:
    """Classifies the lines before the first heading: cover-notice metadata ("meta": 文号,
    issuer, date, addressees, 此件公开发布), notice text ("notice") and the plan's title."""
    cover: dict[int, str] = {}
    texts = [folded[s:e].strip(SPACE + " ") for s, e in lines]
    has_notice = any(DOC_NUMBER.match(t) or NOTICE_TITLE.search(t) or NOTICE_TEXT.search(t) for t in texts)
    notice_end = -1
    for i, t in enumerate(texts):
        if not t:
            continue
        if LAYOUT_LINE.fullmatch(t):
            cover[i] = "meta"
        elif DOC_NUMBER.match(t) or ISSUER_BANNER.match(t) or DATE_LINE.match(t) or PUBLICATION_NOTE.match(t):
            cover[i] = "meta"
            notice_end = max(notice_end, i)
        elif (
            (has_notice or i == next((k for k, x in enumerate(texts) if x), -1))
            and t.endswith(":")
            and len(t) < 120
            and re.search(r"各|有关|、|,", t)
        ):
            cover[i] = "meta"  # addressees
            notice_end = max(notice_end, i)
        elif (
            has_notice
            and i + 1 < len(texts)
            and DATE_LINE.match(texts[i + 1])
            and len(t) <= 30
            and not re.search(r"[。,;]", t)
        ):
            cover[i] = "meta"  # issuer above the date
            notice_end = max(notice_end, i)
    if has_notice:
        for i, t in enumerate(texts):
            if NOTICE_TEXT.search(t):
                notice_end = max(notice_end, i)  # "现将《…》印发给你们": the notice ends here
        for i, t in enumerate(texts[: notice_end + 1]):
            if t and i not in cover:
                cover[i] = "notice"
    title = None
    for i, t in enumerate(texts):
        if not t or i in cover:
            continue
        if t.endswith(("。", "!", "?", ";", ",", ":")) or len(t) > 60:
            break  # body text began: no title after it
        if NOTICE_TITLE.search(t):
            continue
        title = i
        if any(w in t for w in TITLE_WORDS):
            break
    if title is None and has_notice:
        # measures issued straight under a 文号 ("国务院关于…的若干措施"): the notice's own
        # title line is the plan's title
        title = next(
            (
                i
                for i, t in enumerate(texts)
                if cover.get(i) == "notice" and "关于" in t and any(w in t for w in TITLE_WORDS)
            ),
            None,
        )
    elif title is not None:
        # the cover notice repeats the title above the plan: the earlier copy is the notice's
        for i, t in enumerate(texts[:title]):
            if t == texts[title] and cover.get(i) == "notice":
                cover[i] = "meta"
    return cover, title


def _find_year(
    folded: str, lines: list[tuple[int, int]], title: tuple[int, int] | None, first_heading: int
) -> int | None:
    """The plan's year: from its title (2022年, 2010学年), else its date of issue (a date
    line at the cover or the signature), else the front matter. Years of a cited title
    (《纲要（2021—2025年）》) or a span of years are not the plan's."""
    if title:
        y = _year_in(folded[title[0] : title[1]])
        if y:
            return y
    dates = [folded[s:e].strip() for s, e in lines if DATE_LINE.match(folded[s:e].strip())]
    if dates:
        y = _year_in(dates[0])
        if y:
            return y
    for s, e in lines[: max(first_heading, 1)]:
        y = _year_in(folded[s:e])
        if y:
            return y
    return None


SPAN_OF_YEARS = re.compile(r"(?:19|20)\d{2}\s*(?:年)?\s*[—–\-~～至到]+\s*(?:19|20)\d{2}\s*年")


def _year_in(text: str) -> int | None:
    text = re.sub(r"《[^》]*》", lambda m: " " * len(m.group()), text)
    text = SPAN_OF_YEARS.sub(lambda m: " " * len(m.group()), text)
    m = YEAR_IN.search(text)
    if m:
        return int(m.group(1))
    m = CN_YEAR_IN.search(text)
    if m:
        return int("".join(str(chinese_number(c)) for c in m.group(1)))
    m = re.search(r"[〔\[]((?:19|20)\d{2})[〕\]]", text)
    if m:
        return int(m.group(1))
    return None


# --- sentences and facts ----------------------------------------------------------------


def _sentence_spans(folded: str, s: int, e: int) -> list[tuple[int, int]]:
    """Sentences of one line: split at 。！？ outside quotes and brackets; what trails
    without a stop (a document cut off mid-sentence) is a sentence too."""
    out = []
    depth = 0
    start = s
    skip_to = s
    # only quotes, brackets and stops change anything: the scan jumps from one to the next
    for m in SPLIT_CHARS.finditer(folded, s, e):
        i = m.start()
        if i < skip_to:
            continue
        ch = folded[i]
        if ch in OPEN_QUOTES or ch in OPEN_BRACKETS:
            depth += 1
        elif (ch in CLOSE_QUOTES or ch in CLOSE_BRACKETS) and depth:
            depth -= 1
        elif ch in SENTENCE_STOPS and depth == 0:
            end = i + 1
            while end < e and folded[end] in SENTENCE_STOPS:
                end += 1
            out.append((start, end))
            start = skip_to = end
    if start < e:
        out.append((start, e))
    trimmed = []
    for a, b in out:
        a = _skip_space(folded, a, b)
        while b > a and (folded[b - 1] in SPACE or folded[b - 1].isspace()):
            b -= 1
        if b > a:
            trimmed.append((a, b))
    return trimmed


def _sentences_of(ctx: Context, s: int, e: int, owner: Node | None) -> list[dict[str, Any]]:
    """Measures of one line. An attribute parenthetical (（牵头单位：…）) that ends the line
    belongs to the heading's whole item; one between sentences to the sentence before it."""
    measures: list[dict[str, Any]] = []
    spans = _sentence_spans(ctx.folded, s, e)
    for index, (a, b) in enumerate(spans):
        lead_close = _leading_parenthetical_end(ctx.folded, a, b)
        if lead_close is not None and F.is_attribute_parenthetical(
            ctx.folded, a, lead_close, ctx.first_is_lead
        ):
            # A note closes the sentence before it; one that closes a heading's only
            # paragraph (or stands alone under the heading) is the heading's.
            last = lead_close >= b and index == len(spans) - 1
            if owner is not None and (not measures or (last and _only_paragraph(owner, measures))):
                target: dict[str, Any] | None = owner.facts
            else:
                target = measures[-1] if measures else None
            if target is not None:
                actors, schedules = F.find_attributes(ctx.folded, a, lead_close, ctx.year, ctx.first_is_lead)
                _merge(ctx, target, {"actors": actors, "schedules": schedules})
            a = _skip_space(ctx.folded, lead_close, b)
            if a >= b:
                continue
        measure: dict[str, Any] = {"text": ctx.text[a:b], "span": [a, b]}
        measure.update(_facts(ctx, a, b))
        measures.append(measure)
    return measures


def _only_paragraph(owner: Node, measures: list[dict[str, Any]]) -> bool:
    """Are `measures` (one line's) all the heading has so far? Then a note closing them
    is the item's: every measure of the item inherits it."""
    return not owner.children and all(m in measures for m in owner.measures)


def _one_line_task(ctx: Context, title_end: int, body_start: int, e: int) -> bool:
    """A numbered line that is one whole sentence, alone or followed only by a note."""
    f = ctx.folded
    if title_end >= e or f[title_end] not in SENTENCE_STOPS:
        return False
    rest = _skip_space(f, title_end + 1, e)
    if rest >= e:
        return True
    close = _leading_parenthetical_end(f, rest, e)
    return (
        close is not None
        and _skip_space(f, close, e) >= e
        and F.is_attribute_parenthetical(f, rest, close, ctx.first_is_lead)
    )


def _leading_parenthetical_end(folded: str, a: int, b: int) -> int | None:
    """The end of a bracketed part that opens the sentence, such as （牵头单位：…）."""
    if folded[a] != "(":
        return None
    depth = 0
    for i in range(a, b):
        if folded[i] == "(":
            depth += 1
        elif folded[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _facts(ctx: Context, a: int, b: int) -> dict[str, list[dict[str, Any]]]:
    f = ctx.folded
    schedules = F.find_schedules(f, a, b, ctx.year)
    attr_actors, attr_schedules = F.find_attributes(f, a, b, ctx.year, ctx.first_is_lead)
    documents = F.find_documents(f, a, b)
    # Names inside a document title (《中国共产党支部工作条例》) are no actors of the measure.
    taken = attr_actors + documents
    actors = F.find_actors(f, a, b, ctx.directory)
    actors = [x for x in actors if not any(_overlaps(x["span"], y["span"]) for y in taken)] + attr_actors
    for x in actors:
        x["text"] = ctx.text[x["span"][0] : x["span"][1]]
        if "org" not in x:
            x["org"] = ctx.directory.match(x["text"])
    schedules = schedules + [
        x for x in attr_schedules if not any(_overlaps(x["span"], y["span"]) for y in schedules)
    ]
    for x in schedules:
        x["text"] = ctx.text[x["span"][0] : x["span"][1]]
    targets = F.find_targets(f, a, b, schedules)
    for x in targets:
        x["text"] = ctx.text[x["span"][0] : x["span"][1]]
    for x in documents:
        x["title"] = ctx.text[x["span"][0] : x["span"][1]]
    deliverables = F.find_deliverables(f, a, b)
    for x in deliverables:
        x["text"] = ctx.text[x["span"][0] : x["span"][1]]
    actors.sort(key=lambda x: x["span"][0])
    schedules.sort(key=lambda x: x["span"][0])
    return {
        "actors": actors,
        "schedules": schedules,
        "targets": targets,
        "documents": documents,
        "deliverables": deliverables,
    }


def _merge(ctx: Context, into: dict[str, Any], extra: dict[str, list[dict[str, Any]]]) -> None:
    for key, items in extra.items():
        for x in items:
            x["text"] = ctx.text[x["span"][0] : x["span"][1]]
            if key == "actors" and "org" not in x:
                x["org"] = ctx.directory.match(x["text"])
        into.setdefault(key, []).extend(items)


def _overlaps(a: list[int], b: list[int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# --- output ----------------------------------------------------------------------------


def _node_json(ctx: Context, node: Node) -> dict[str, Any]:
    s, e = node.title_span
    out: dict[str, Any] = {
        "marker": node.marker,
        "level": node.level,
        "title": ctx.text[s:e],
        "title_span": [s, e],
    }
    for key in ("actors", "schedules", "targets", "documents", "deliverables"):
        out[key] = node.facts.get(key, [])
    out["measures"] = node.measures
    out["children"] = [_node_json(ctx, c) for c in node.children]
    return out


def _flatten(nodes: list[Node]) -> list[Node]:
    out = []
    for n in nodes:
        out.append(n)
        out += _flatten(n.children)
    return out
