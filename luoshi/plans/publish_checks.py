"""What the plan office should decide before publishing: identical tasks, tasks that will
get no occurrences, a plan whose year is over, and a document that names another year.

Publishing turns each warning into work for every responsible organisation (or into no
work at all), and none of it can be undone by editing the draft, so the office sees each
warning with its choices on a confirmation step and `publish_plan` refuses until it is
confirmed. `publish_warnings` reads only: no writes, and the date is a parameter, so the
rules are testable on unsaved objects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils import timezone

from luoshi.work.choices import ScheduleKind

if TYPE_CHECKING:
    from luoshi.plans.models import Plan, Proposal


class WarningCode(StrEnum):
    DUPLICATE = "duplicate"
    NO_OCCURRENCES = "no_occurrences"
    YEAR_OVER = "year_over"
    YEAR_MISMATCH = "year_mismatch"


@dataclass(frozen=True)
class PublishWarning:
    """One thing to decide. `proposals` are the proposals concerned (a duplicate group, in
    order, the first being the one kept); `years` the years the office may publish under."""

    code: WarningCode
    message: str
    proposals: tuple[int, ...] = ()
    years: tuple[int, ...] = ()
    titles: tuple[str, ...] = field(default=(), compare=False)
    label: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        return f"{self.code}:{','.join(map(str, self.proposals))}:{','.join(map(str, self.years))}"

    def as_json(self) -> dict[str, object]:
        return {
            "code": str(self.code),
            "message": self.message,
            "proposals": list(self.proposals),
            "years": list(self.years),
        }


def warnings_digest(warnings: list[PublishWarning]) -> str:
    """A short fingerprint of what the office was shown, so that a confirmation given for
    one set of warnings is not taken for another (someone edited the draft meanwhile)."""
    return hashlib.sha256("|".join(w.key for w in warnings).encode()).hexdigest()[:16]


_YEAR_IN = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_YEAR_IN = re.compile(r"([〇零一二三四五六七八九]{4})\s*年")
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_HEADING = re.compile(r"\s*[一二三四五六七八九十]+、")


def document_year(text: str) -> int | None:
    """The year the document names in its title or first lines (before the first
    "一、"), as the parser would find it; None when it names none."""
    for line in text.splitlines()[:8]:
        if _HEADING.match(line):
            break
        if m := _YEAR_IN.search(line):
            return int(m.group(1))
        if m := _CN_YEAR_IN.search(line):
            return int("".join(_CN_DIGITS[c] for c in m.group(1)))
    return None


def _norm(text: str) -> str:
    return re.sub(r"[\s，。、；：,.;:“”\"（）()]", "", text)


def publish_warnings(
    plan: Plan, *, proposals: list[Proposal] | None = None, today: dt.date | None = None
) -> list[PublishWarning]:
    """The warnings for publishing `plan` as it stands, in the order the page shows them.
    Reads the plan's proposals unless given (those not dropped count)."""
    today = today or timezone.localdate()
    if proposals is None:
        proposals = list(plan.proposals.filter(dropped=False).order_by("order", "id"))
    active = [p for p in proposals if not p.dropped]
    out: list[PublishWarning] = []

    groups: dict[str, list[Proposal]] = {}
    for p in active:
        groups.setdefault(_norm(p.title), []).append(p)
    for same in groups.values():
        if len(same) > 1:
            out.append(
                PublishWarning(
                    WarningCode.DUPLICATE,
                    f"有{len(same)}条任务内容完全相同：“{same[0].title[:40]}”。"
                    "照原样发布，各责任单位会收到重复的任务。",
                    proposals=tuple(p.pk for p in same),
                    titles=tuple(p.title for p in same),
                )
            )
    for p in active:
        if p.needs_decision:  # event tasks and 定期 without a period fan out to nothing
            kind = "事件触发" if p.schedule_kind == ScheduleKind.EVENT else "定期但未写明周期"
            out.append(
                PublishWarning(
                    WarningCode.NO_OCCURRENCES,
                    f"“{p.title[:40]}”为{kind}，发布后不会生成任何任务事项，各单位看不到它，"
                    "直到机关党委为它确定时间。",
                    proposals=(p.pk,),
                    titles=(p.title,),
                    label=kind,
                )
            )
    doc_year = None
    previous_text = plan.previous.text if plan.previous_id and plan.previous else None
    if previous_text != plan.text:  # a next year's draft carries last year's text on purpose
        doc_year = document_year(plan.text)
    if doc_year is not None and doc_year != plan.year:
        out.append(
            PublishWarning(
                WarningCode.YEAR_MISMATCH,
                f"文档写的是{doc_year}年，导入时选择的年度是{plan.year}年；"
                f"任务事项的期限将按{plan.year}年计算。",
                years=tuple(sorted({plan.year, doc_year})),
            )
        )
    if plan.year < today.year:
        out.append(
            PublishWarning(
                WarningCode.YEAR_OVER,
                f"{plan.year}年已经结束：按{plan.year}年发布，所有任务事项的期限都已过去，"
                "发布后会全部显示为逾期。补录往年的要点可以照此发布。",
                years=tuple(sorted({plan.year, today.year})),
            )
        )
    return out
