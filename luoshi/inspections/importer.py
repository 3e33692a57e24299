"""Importing a 问题清单 from the .xlsx teams keep: 序号, 问题类别, 问题描述, 整改措施,
责任单位, 责任人, 整改时限 (header row anywhere in the first ten rows, columns in any order).
A problem with several measures takes several rows: the later ones repeat its 序号, or
leave 序号, 问题类别, 问题描述 and 责任单位 empty (merged cells read as empty) — as the
整改台账 luoshi exports lays them out.

Every row is checked before anything is saved; every bad row is reported in Chinese with
its row number, and then nothing is imported.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.errors import ActionRefused
from luoshi.inspections import actions
from luoshi.inspections.models import Finding, FindingCategory, Round
from luoshi.orgs.models import Organization

COLUMNS = ["序号", "问题类别", "问题描述", "整改措施", "责任单位", "责任人", "整改时限"]
REQUIRED = ["问题类别", "问题描述", "责任单位"]
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000


class ImportRefused(ActionRefused):
    """The file was refused; `problems` lists every bad row."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "导入未完成，请修改后重新导入：" + "；".join(problems[:20]) + ("……" if len(problems) > 20 else "")
        )


@dataclass
class MeasureRow:
    text: str
    person: str
    deadline: dt.date


@dataclass
class Row:
    number: int
    seq: int | None
    category: FindingCategory
    description: str
    org: Organization
    measures: list[MeasureRow]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = DATE_RE.match(_text(value))
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _org_names(round_: Round) -> dict[str, Organization]:
    names: dict[str, Organization] = {}
    for inspected in round_.inspected.select_related("org"):
        org = inspected.org
        for name in [org.name, org.short_name, *re.split(r"[、,，;；\s]+", org.aliases or "")]:
            if name:
                names.setdefault(name.strip(), org)
    return names


def read_rows(round_: Round, content: bytes) -> list[Row]:
    """The file's rows, checked; ImportRefused with every problem otherwise."""
    from openpyxl import load_workbook

    if len(content) > MAX_BYTES:
        raise ImportRefused(["文件超过5MB"])
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds on a bad file
        raise ImportRefused(
            ["文件不是有效的 .xlsx 工作簿，请用 Excel 或 WPS 另存为 .xlsx 后再导入"]
        ) from None
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 11))
    book.close()
    header_at, header = None, {}
    for i, values in enumerate(rows[:10]):
        cells = [_text(v).replace(" ", "") for v in values]
        if "问题描述" in cells:
            header_at, header = i, {name: cells.index(name) for name in COLUMNS if name in cells}
            break
    if header_at is None:
        raise ImportRefused(["前10行中找不到表头（应包含：" + "、".join(COLUMNS) + "）"])
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportRefused(["表头缺少列：" + "、".join(missing)])
    body = rows[header_at + 1 :]
    if len(body) > MAX_ROWS:
        raise ImportRefused([f"一次最多导入{MAX_ROWS}行"])
    cats = {c.name: c for c in actions.categories()}
    orgs = _org_names(round_)
    used = set(round_.findings.values_list("seq", flat=True))
    today = timezone.localdate()
    problems: list[str] = []
    parsed: list[Row] = []

    def cell(values: tuple[Any, ...], name: str) -> Any:
        index = header.get(name)
        return values[index] if index is not None and index < len(values) else None

    def measure_of(values: tuple[Any, ...], errors: list[str]) -> MeasureRow | None:
        measure = _text(cell(values, "整改措施"))
        raw_deadline = cell(values, "整改时限")
        deadline = parse_date(raw_deadline)
        person = _text(cell(values, "责任人"))
        if _text(raw_deadline) and deadline is None:
            errors.append(f"整改时限“{_text(raw_deadline)}”不是有效日期（如 2026-06-30）")
        elif measure and deadline is None:
            errors.append("填写了整改措施但没有整改时限")
        elif deadline and not measure:
            errors.append("填写了整改时限但没有整改措施")
        elif deadline and deadline < today:
            errors.append(f"整改时限{deadline:%Y-%m-%d}早于今天")
        if len(person) > 50:
            errors.append("责任人超过50字")
        return MeasureRow(measure, person, deadline) if measure and deadline and not errors else None

    in_file: dict[int, Row] = {}
    previous: Row | None = None
    for offset, values in enumerate(body):
        number = header_at + 2 + offset
        if all(_text(v) == "" for v in values):
            continue
        errors: list[str] = []
        seq_text = _text(cell(values, "序号"))
        description = _text(cell(values, "问题描述"))
        repeated = in_file.get(int(seq_text)) if seq_text.isdigit() and len(seq_text) < 7 else None
        blank = not any(_text(cell(values, n)) for n in ("序号", "问题类别", "问题描述", "责任单位"))
        same = repeated if repeated and description in ("", repeated.description) else None
        if same is not None or (blank and previous is not None):
            # Another measure of the problem above.
            owner = same or previous
            assert owner is not None
            more = measure_of(values, errors)
            if more is None and not errors:
                errors.append("续行没有整改措施")
            if errors:
                problems.append(f"第{number}行：" + "，".join(errors))
            elif more is not None:
                owner.measures.append(more)
            continue
        seq = None
        if seq_text:
            if not seq_text.isdigit() or not 1 <= int(seq_text) <= 100000:
                errors.append(f"序号“{seq_text}”不是正整数")
            elif int(seq_text) in used:
                errors.append(f"序号{seq_text}重复")
            else:
                seq = int(seq_text)
                used.add(seq)
        category_name = _text(cell(values, "问题类别"))
        category = cats.get(category_name)
        if not category_name:
            errors.append("问题类别为空")
        elif category is None:
            errors.append(f"问题类别“{category_name}”不在类别列表中（{'、'.join(cats)}）")
        if not description:
            errors.append("问题描述为空")
        elif len(description) > 5000:
            errors.append("问题描述超过5000字")
        org_name = _text(cell(values, "责任单位"))
        org = orgs.get(org_name)
        if not org_name:
            errors.append("责任单位为空")
        elif org is None:
            errors.append(f"责任单位“{org_name}”不是本轮被巡察单位")
        measure = measure_of(values, errors)
        if errors:
            problems.append(f"第{number}行：" + "，".join(errors))
            previous = None
            continue
        assert category is not None and org is not None
        previous = Row(number, seq, category, description, org, [measure] if measure else [])
        parsed.append(previous)
        if seq is not None:
            in_file[seq] = previous
    if problems:
        raise ImportRefused(problems)
    if not parsed:
        raise ImportRefused(["表头下没有数据行"])
    next_seq = max(used, default=0)
    for row in parsed:
        if row.seq is None:
            next_seq += 1
            row.seq = next_seq
    return parsed


def import_findings(*, acting_user: Any, round_: Round, content: bytes, filename: str = "") -> list[Finding]:
    """All rows or none: checked first, then saved in one transaction."""
    actions._require_manager(acting_user, round_)
    rows = read_rows(round_, content)
    created: list[Finding] = []
    with transaction.atomic():
        for row in rows:
            finding = actions.add_finding(
                acting_user=acting_user,
                round_=round_,
                org=row.org,
                category=row.category,
                description=row.description,
                seq=row.seq,
            )
            for measure in row.measures:
                actions.add_measure(
                    acting_user=acting_user,
                    finding=finding,
                    text=measure.text,
                    deadline=measure.deadline,
                    responsible_person=measure.person,
                )
            created.append(finding)
        record(
            AuditAction.CREATE,
            actor=acting_user,
            obj=round_,
            message=f"导入问题清单：{filename[:80]}，{len(created)}项",
        )
    return created
