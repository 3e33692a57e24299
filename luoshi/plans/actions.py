"""Plan operations: import and parse, review of the proposals, atomic publishing,
next year's plan and the comparison of two plans."""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from luoshi.accounts.choices import Role
from luoshi.audit.actions import record
from luoshi.audit.choices import AuditAction
from luoshi.core.concurrency import save_versioned
from luoshi.core.errors import ActionRefused, exception_place, refuse_access
from luoshi.core.scope import root_path_of
from luoshi.orgs.models import Organization
from luoshi.planparse import PlanError, parse_text, text_from_bytes
from luoshi.plans.choices import PlanStatus
from luoshi.plans.models import Measure, Plan, PlanFinding, Proposal
from luoshi.plans.proposals import Directory, Draft, OrgInfo, drafts_for_measure
from luoshi.plans.publish_checks import PublishWarning, WarningCode, publish_warnings, warnings_digest
from luoshi.tasks.models import Task
from luoshi.work.actions import DutySpec, create_duties
from luoshi.work.choices import DutyKind, Frequency, ScheduleKind
from luoshi.work.models import ScheduleFields

MAX_PLAN_BYTES = 20 * 1024 * 1024
logger = logging.getLogger(__name__)


def require_plan_office(user: Any) -> None:
    if user.role != Role.PLAN_OFFICE or user.org is None:
        raise refuse_access("只有机关党委管理员可以管理工作要点。", actor=user)


def department_orgs(user: Any) -> list[Organization]:
    return list(Organization.objects.filter(path__startswith=root_path_of(user.org.path)).order_by("path"))


def _directory(user: Any, orgs: list[Organization]) -> Directory:
    infos = [OrgInfo(o.pk, o.name, o.kind, o.path, o.duty_keyword_list(), o.is_active) for o in orgs]
    by_id = {i.id: i for i in infos}
    root = next(i for i in infos if i.path == root_path_of(user.org.path))
    return Directory(infos, by_id[user.org.pk], root)


def _walk(nodes: list[dict[str, Any]], section: str = "") -> list[tuple[str, dict[str, Any]]]:
    out = []
    for node in nodes:
        here = section or f"{node['marker']}{node['title']}"
        out.append((here, node))
        out += _walk(node["children"], here)
    return out


def import_plan(*, acting_user: Any, data: bytes, filename: str, year: int | None = None) -> Plan:
    """Parses an uploaded plan and saves it as a draft with its measures, findings and
    proposals. Nothing is saved when the document cannot be read."""
    require_plan_office(acting_user)
    if len(data) > MAX_PLAN_BYTES:
        raise ActionRefused("文件过大，工作要点文档不应超过 20 MB。")
    if year is not None and not 2000 <= year <= 2100:
        raise ActionRefused("年度应在 2000 至 2100 之间。")
    try:
        text = text_from_bytes(data, filename)
    except PlanError as error:
        raise ActionRefused(str(error)) from None
    orgs = department_orgs(acting_user)
    directory = [
        {"id": o.pk, "name": o.name, "short_name": o.short_name, "aliases": o.alias_list()} for o in orgs
    ]
    try:
        parsed = parse_text(text, directory=directory, year=year)
    except Exception as error:  # noqa: BLE001 - a parser fault must reach the user as a message, not a 500
        logger.error("plan parse failed: %s", exception_place(error))
        raise ActionRefused("文档解析失败，请检查文档内容；如问题持续，请联系系统管理员。") from None
    if parsed["year"] is None:
        raise ActionRefused("无法从文档中确定年度，请在导入时填写年度。")
    if not any(n["measures"] or n["children"] for n in parsed["outline"]) and not parsed["outline"]:
        raise ActionRefused("文档中没有找到“一、”“（一）”“1.”等标题，无法分解为任务。请检查文档内容。")
    root = next(o for o in orgs if o.path == root_path_of(acting_user.org.path))
    with transaction.atomic():
        plan = Plan.objects.create(
            title=(parsed["title"] or f"{parsed['year']}年工作要点")[:200],
            year=parsed["year"],
            org=root,
            office=acting_user.org,
            source_name=filename[:200],
            text=text,
            parsed=parsed,
            created_by=acting_user,
        )
        _save_measures_and_proposals(plan, parsed, _directory(acting_user, orgs))
        PlanFinding.objects.bulk_create(
            [
                PlanFinding(plan=plan, kind=f["kind"], message=f["message"][:300], spans=f["spans"])
                for f in parsed["findings"]
            ]
        )
        record(
            AuditAction.CREATE,
            actor=acting_user,
            obj=plan,
            after={"year": plan.year, "measures": plan.measures.count(), "proposals": plan.proposals.count()},
        )
    return plan


FACT_KEYS = ("actors", "schedules", "targets", "documents")


def _work_items(parsed: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], list[dict[str, Any]], bool]]:
    """(section, heading, measure, inherited actors, from heading) for every unit of work:
    each measure, and each heading that has neither measures nor children (an item such as
    "1.努力实现地区生产总值增长6.2%左右" with its 牵头单位 lines)."""
    items = []
    for section, node in _walk(parsed["outline"]):
        heading = f"{node['marker']}{node['title']}"
        if node["measures"]:
            items += [(section, heading, m, node.get("actors", []), False) for m in node["measures"]]
        elif not node["children"]:
            as_measure = {
                "text": node["title"],
                "span": node["title_span"],
                **{k: node.get(k, []) for k in FACT_KEYS},
            }
            items.append((section, heading, as_measure, [], True))
    return items


def replace_draft(*, acting_user: Any, plan: Plan, data: bytes, filename: str) -> Plan:
    """The office fixed the document (placeholders, repeats) and uploads it again: the draft
    and its proposals are replaced by a fresh parse. Only a draft can be replaced; all or nothing."""
    require_plan_office(acting_user)
    _editable(plan)
    with transaction.atomic():
        new = import_plan(acting_user=acting_user, data=data, filename=filename, year=plan.year)
        Plan.objects.filter(pk=new.pk).update(previous=plan.previous)
        record(
            AuditAction.DELETE, actor=acting_user, obj=plan, message=f"以修改后的文档替换（新草稿 {new.pk}）"
        )
        plan.delete()
    new.refresh_from_db()
    return new


def _save_measures_and_proposals(plan: Plan, parsed: dict[str, Any], directory: Directory) -> None:
    measures: list[Measure] = []
    drafts: list[Draft] = []
    for seq, (section, heading, m, inherited, from_heading) in enumerate(_work_items(parsed), 1):
        measures.append(
            Measure(
                plan=plan,
                seq=seq,
                section=section[:200],
                heading=heading[:200],
                text=m["text"],
                span_start=m["span"][0],
                span_end=m["span"][1],
                facts={k: m.get(k, []) for k in FACT_KEYS},
                from_heading=from_heading,
            )
        )
        drafts += drafts_for_measure(directory, section, seq, m, inherited)
    Measure.objects.bulk_create(measures)
    by_seq = {m.seq: m for m in Measure.objects.filter(plan=plan)}
    _save_drafts(plan, drafts, by_seq)


def _save_drafts(plan: Plan, drafts: list[Draft], by_seq: dict[int, Measure]) -> None:
    proposals = []
    for order, d in enumerate(drafts, 1):
        s = d.schedule or {}
        t = d.target or {}
        proposals.append(
            Proposal(
                plan=plan,
                measure=by_seq.get(d.measure_seq) if d.measure_seq else None,
                order=order * 10,
                section=d.section[:200],
                title=d.title[:500],
                clause_start=d.clause[0],
                clause_end=d.clause[1],
                lead_org_id=d.lead,
                owner_source=d.owner_source,
                schedule_kind=s.get("kind") or "",
                freq=s.get("freq") or "",
                when=s.get("when") or "",
                day=s.get("day"),
                count_per_period=s.get("count"),
                schedule_text=(s.get("text") or "")[:100],
                target_count=t.get("count"),
                target_unit=(t.get("unit") or "")[:40],
            )
        )
    Proposal.objects.bulk_create(proposals)
    saved = list(Proposal.objects.filter(plan=plan).order_by("order"))
    through_resp = Proposal.responsible_orgs.through
    through_rel = Proposal.related_orgs.through
    through_resp.objects.bulk_create(
        [
            through_resp(proposal_id=p.pk, organization_id=o)
            for p, d in zip(saved, drafts, strict=True)
            for o in d.responsible
        ]
    )
    through_rel.objects.bulk_create(
        [
            through_rel(proposal_id=p.pk, organization_id=o)
            for p, d in zip(saved, drafts, strict=True)
            for o in d.related
        ]
    )


# --- review ---------------------------------------------------------------------------


def _editable(plan: Plan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise ActionRefused("工作要点已发布，不能再修改任务分解。")


PROPOSAL_FIELDS = [
    "title",
    "lead_org",
    "schedule_kind",
    "freq",
    "when",
    "day",
    "target_count",
    "target_unit",
    "dropped",
]


def update_proposal(
    *,
    acting_user: Any,
    proposal: Proposal,
    expected_version: int,
    responsible: list[Organization] | None = None,
    **changes: Any,
) -> Proposal:
    require_plan_office(acting_user)
    _editable(proposal.plan)
    if "title" in changes and not (changes["title"] or "").strip():
        raise ActionRefused("任务名称不能为空。")
    if changes.get("when") and not re.fullmatch(
        r"mid-year|year-end|first-half|second-half|\d{4}-\d{2}(-\d{2})?", changes["when"]
    ):
        raise ActionRefused("完成时限格式应为 年-月 或 年-月-日，如 2022-06 或 2022-06-30。")
    if changes.get("dropped") is False and proposal.merged_into_id:
        changes["merged_into"] = None  # taken back out of the merge: a task of its own again
    before = {k: str(getattr(proposal, k)) for k in changes}
    for name, value in changes.items():
        setattr(proposal, name, value)
    with transaction.atomic():
        save_versioned(proposal, expected_version, list(changes))
        if responsible is not None:
            if not responsible and not proposal.dropped:
                raise ActionRefused("请至少选择一个责任单位。")
            proposal.responsible_orgs.set(responsible)
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=proposal,
            object_repr=f"任务分解：{proposal.title[:60]}",
            before=before,
            after={k: str(v) for k, v in changes.items()},
        )
    return proposal


CLAUSE_BREAKS = ("。！？!?", "；;", "，,", "、")
_OPENERS, _CLOSERS = "“‘「『(（《〈【[", "”’」』)）》〉】]"


def split_points(text: str) -> list[int]:
    """Where a task's text can be cut: just after each clause break (。；，、) that stands
    outside quotes and brackets and leaves text on both sides."""
    points, depth = [], 0
    for i, ch in enumerate(text):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS and depth:
            depth -= 1
        elif depth == 0 and any(ch in breaks for breaks in CLAUSE_BREAKS) and text[i + 1 :].strip():
            points.append(i + 1)
    return points


def natural_split(text: str) -> int | None:
    """The most natural cut: the strongest clause break (。 before ； before ， before 、)
    that leaves at least a fifth of the text on each side, nearest the middle; None when
    the text has no clause break at all."""
    points = split_points(text)
    if not points:
        return None
    middle, size = len(text) / 2, len(text)
    for breaks in CLAUSE_BREAKS:
        here = [i for i in points if text[i - 1] in breaks and min(i, size - i) >= size / 5]
        if here:
            return min(here, key=lambda i: abs(i - middle))
    return min(points, key=lambda i: abs(i - middle))


def divide_text(text: str, at: int | None) -> tuple[str, str]:
    """The two parts of `text` cut at `at`, without the break that joined them."""
    if at is None or not 0 < at < len(text):
        return text.strip(), ""
    return text[:at].strip().rstrip("，,；;、 "), text[at:].strip()


def _span_of(plan: Plan, clause: tuple[int | None, int | None], part: str) -> tuple[int | None, int | None]:
    """Where `part` stands in the plan's text inside the proposal's clause, so each part
    highlights its own words in the source; the whole clause when the user rewrote it."""
    start, end = clause
    if start is None or end is None:
        return clause
    found = plan.text.find(part, start, end)
    return (found, found + len(part)) if found >= 0 else clause


def split_proposal(
    *, acting_user: Any, proposal: Proposal, expected_version: int, first: str, second: str
) -> tuple[Proposal, Proposal]:
    """Divides one proposal into two with their own texts: the original keeps `first`, a
    new proposal right after it takes `second`; both keep the organisations, schedule and
    target, which the office then edits. Refused when either part is empty or both are the
    same (publishing would hand out the same task twice); a stale version changes nothing."""
    require_plan_office(acting_user)
    plan = proposal.plan
    _editable(plan)
    if proposal.dropped:
        raise ActionRefused("已标为不作为任务或已合并的条目不能拆分。")
    first, second = (first or "").strip(), (second or "").strip()
    if not first or not second:
        raise ActionRefused("拆分后的两部分都要有内容。")
    if first == second:
        raise ActionRefused("拆分后的两部分内容相同，请把原文分到两部分中。")
    if max(len(first), len(second)) > 500:
        raise ActionRefused("每部分不超过500字。")
    before = proposal.title
    with transaction.atomic():
        clause = (proposal.clause_start, proposal.clause_end)
        proposal.title = first
        proposal.clause_start, proposal.clause_end = _span_of(plan, clause, first)
        second_span = _span_of(plan, clause, second)
        save_versioned(proposal, expected_version, ["title", "clause_start", "clause_end"])
        responsible = list(proposal.responsible_orgs.all())
        related = list(proposal.related_orgs.all())
        Proposal.objects.filter(plan=plan, order__gt=proposal.order).update(order=F("order") + 10)
        copy = Proposal.objects.get(pk=proposal.pk)
        copy.pk = None
        copy.version = 1
        copy.order = proposal.order + 5
        copy.title = second
        copy.clause_start, copy.clause_end = second_span
        copy.save()
        copy.responsible_orgs.set(responsible)
        copy.related_orgs.set(related)
        record(
            AuditAction.CREATE,
            actor=acting_user,
            obj=copy,
            object_repr=f"拆分任务：{before[:60]}",
            before={"title": before},
            after={"first": first, "second": second, "from": proposal.pk},
        )
    return proposal, copy


def merge_proposals(*, acting_user: Any, proposals: list[Proposal]) -> Proposal:
    """The first keeps its rule and title and takes the others' organisations; the others
    are dropped and remember the proposal they went into (the page says 已合并, not
    不作为任务)."""
    require_plan_office(acting_user)
    if len(proposals) < 2:
        raise ActionRefused("请至少选择两条任务再合并。")
    if len({p.plan_id for p in proposals}) != 1:
        raise ActionRefused("只能合并同一工作要点中的任务。")
    _editable(proposals[0].plan)
    keep, others = proposals[0], proposals[1:]
    if keep.dropped:
        raise ActionRefused("第一条任务已标为不作为任务或已合并，不能再并入其他任务。")
    with transaction.atomic():
        for other in others:
            keep.responsible_orgs.add(*other.responsible_orgs.all())
            keep.related_orgs.add(*other.related_orgs.all())
        Proposal.objects.filter(pk__in=[o.pk for o in others]).update(
            dropped=True, merged_into=keep, version=F("version") + 1
        )
        Proposal.objects.filter(pk=keep.pk).update(version=F("version") + 1)
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=keep,
            object_repr=f"合并任务：{keep.title[:60]}",
            after={"merged": [o.pk for o in others]},
        )
    return keep


def assign_section(
    *, acting_user: Any, plan: Plan, section: str, responsible: list[Organization], lead: Organization | None
) -> int:
    """Gives every proposal of one section the same responsible organisations (and lead)."""
    require_plan_office(acting_user)
    _editable(plan)
    if not responsible:
        raise ActionRefused("请至少选择一个责任单位。")
    proposals = list(plan.proposals.filter(section=section, dropped=False))
    with transaction.atomic():
        for p in proposals:
            p.responsible_orgs.set(responsible)
        updates: dict[str, Any] = {"version": F("version") + 1, "owner_source": "section"}
        if lead is not None:
            updates["lead_org"] = lead
        plan.proposals.filter(pk__in=[p.pk for p in proposals]).update(**updates)
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=plan,
            message=f"整段分配：{section[:40]}，{len(proposals)}条",
            after={"responsible": [o.pk for o in responsible], "lead": lead.pk if lead else None},
        )
    return len(proposals)


def add_proposal(
    *, acting_user: Any, plan: Plan, title: str, section: str, responsible: list[Organization]
) -> Proposal:
    """A task entered by hand, traced to no measure."""
    require_plan_office(acting_user)
    _editable(plan)
    if not title.strip():
        raise ActionRefused("任务名称不能为空。")
    if not responsible:
        raise ActionRefused("请至少选择一个责任单位。")
    last = plan.proposals.order_by("-order").values_list("order", flat=True).first() or 0
    with transaction.atomic():
        p = Proposal.objects.create(
            plan=plan,
            order=last + 10,
            section=section[:200],
            title=title.strip()[:500],
            lead_org=acting_user.org,
            owner_source="manual",
        )
        p.responsible_orgs.set(responsible)
        record(AuditAction.CREATE, actor=acting_user, obj=p, object_repr=f"手工新增任务：{p.title[:60]}")
    return p


def dismiss_finding(*, acting_user: Any, finding: PlanFinding) -> None:
    require_plan_office(acting_user)
    with transaction.atomic():
        PlanFinding.objects.filter(pk=finding.pk).update(dismissed=True, dismissed_by=acting_user)
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            object_type="plans.planfinding",
            object_id=finding.pk,
            object_repr=finding.message[:200],
            message="忽略草稿问题",
        )


# --- publish ---------------------------------------------------------------------------


class PublishNeedsConfirmation(ActionRefused):
    """Publishing was asked for without confirming the warnings; they travel with it."""

    def __init__(self, warnings: list[PublishWarning]) -> None:
        super().__init__(f"发布前有{len(warnings)}项提醒需要确认：{warnings[0].message}")
        self.warnings = warnings


@dataclass
class PublishDecisions:
    """What the office chose on the confirmation step, one answer per warning:
    `merge` lists the duplicate groups (by the id of the proposal kept) whose copies are
    merged into the first, the others are kept as they are; `schedules` gives a period
    (a Frequency value) to a task that would have no occurrences, the others stay event
    tasks; `year` is the year to publish under, when a year warning was shown."""

    merge: list[int] = field(default_factory=list)
    schedules: dict[int, str] = field(default_factory=dict)
    year: int | None = None


def publish_with_decisions(
    *, acting_user: Any, plan: Plan, decisions: PublishDecisions, seen: str | None = None
) -> dict[str, int]:
    """Applies the office's decisions on the warnings and publishes, in one transaction:
    if publishing is refused (no calendar for the chosen year, published meanwhile), none
    of the decisions is kept. `seen` is the digest of the warnings the office was shown;
    when the draft changed since, nothing happens and the new warnings come back."""
    require_plan_office(acting_user)
    _editable(plan)
    if seen is not None:
        current = publish_warnings(plan)
        if warnings_digest(current) != seen:
            raise (
                PublishNeedsConfirmation(current)
                if current
                else ActionRefused("任务分解在确认期间已被修改，请重新确认后发布。")
            )
    with transaction.atomic():
        for keep_id in decisions.merge:
            group = next(
                (
                    w
                    for w in publish_warnings(plan)
                    if w.code == WarningCode.DUPLICATE and w.proposals[0] == keep_id
                ),
                None,
            )
            if group is None:
                raise ActionRefused("要合并的重复任务已不存在，请刷新后重新确认。")
            chosen = list(plan.proposals.filter(pk__in=group.proposals).order_by("order", "id"))
            merge_proposals(acting_user=acting_user, proposals=chosen)
        for proposal_id, freq in decisions.schedules.items():
            if freq not in Frequency.values:
                raise ActionRefused("请选择有效的周期。")
            proposal = plan.proposals.filter(pk=proposal_id, dropped=False).first()
            if proposal is None:
                raise ActionRefused("要设定周期的任务已不存在，请刷新后重新确认。")
            update_proposal(
                acting_user=acting_user,
                proposal=proposal,
                expected_version=proposal.version,
                schedule_kind=ScheduleKind.RECURRING,
                freq=freq,
            )
        if decisions.year is not None and decisions.year != plan.year:
            _change_year(acting_user, plan, decisions.year)
        return publish_plan(acting_user=acting_user, plan=plan, confirmed=True)


def _change_year(acting_user: Any, plan: Plan, year: int) -> None:
    """The plan is published under another year: its title and every dated time limit
    of its proposals move with it (2022-06 becomes 2023-06)."""
    if not 2000 <= year <= 2100:
        raise ActionRefused("年度应在 2000 至 2100 之间。")
    shift, before = year - plan.year, plan.year
    plan.title = re.sub(str(before), str(year), plan.title)[:200]
    plan.year = year
    save_versioned(plan, plan.version, ["year", "title"])
    for p in plan.proposals.exclude(when=""):
        shifted = _shift_when(p.when, shift)
        if shifted != p.when:
            Proposal.objects.filter(pk=p.pk).update(when=shifted, version=F("version") + 1)
    record(
        AuditAction.UPDATE,
        actor=acting_user,
        obj=plan,
        message=f"发布前改定年度：{before}→{year}",
        before={"year": before},
        after={"year": year},
    )


def publish_plan(*, acting_user: Any, plan: Plan, confirmed: bool = False) -> dict[str, int]:
    """Turns the proposals into tasks, each owning a duty that fans out to occurrences —
    all or nothing, exactly once.

    The draft→published flip is a conditional UPDATE checked by row count, so of two
    people publishing at once one succeeds and the other is told it is done. The duties
    and occurrences come from luoshi.work in bulk; then one bulk INSERT for the tasks.
    Refused with the warnings (PublishNeedsConfirmation) unless `confirmed`: the office
    decides on identical tasks, tasks without occurrences and the year first.
    """
    require_plan_office(acting_user)
    if not confirmed and plan.status == PlanStatus.DRAFT and (warnings := publish_warnings(plan)):
        raise PublishNeedsConfirmation(warnings)
    proposals = list(
        plan.proposals.filter(dropped=False)
        .select_related("measure", "lead_org")
        .prefetch_related("responsible_orgs", "related_orgs")
    )
    if not proposals:
        raise ActionRefused("没有可发布的任务。")
    missing = [p for p in proposals if not p.responsible_orgs.all()]
    if missing:
        raise ActionRefused(f"有{len(missing)}条任务还没有责任单位，请先补充：“{missing[0].title[:30]}”。")
    with transaction.atomic():
        claimed = Plan.objects.filter(pk=plan.pk, status=PlanStatus.DRAFT).update(
            status=PlanStatus.PUBLISHED, published_at=timezone.now(), version=F("version") + 1
        )
        if claimed != 1:
            raise ActionRefused("该工作要点已经发布。")
        specs = [
            DutySpec.of(p.title, p.lead_org or plan.office, list(p.responsible_orgs.all()), p)
            for p in proposals
        ]
        duties, occurrence_count = create_duties(
            acting_user=acting_user, unit=plan.org, year=plan.year, kind=DutyKind.TASK, specs=specs
        )
        tasks = Task.objects.bulk_create(
            [
                Task(
                    duty=duty,
                    plan=plan,
                    measure=p.measure,
                    order=p.order,
                    section=p.section,
                    title=p.title,
                    measure_text=p.measure.text if p.measure else "",
                    span_start=p.clause_start if p.measure else None,
                    span_end=p.clause_end if p.measure else None,
                    created_by=acting_user,
                )
                for p, duty in zip(proposals, duties, strict=True)
            ]
        )
        Task.related_orgs.through.objects.bulk_create(
            [
                Task.related_orgs.through(task_id=task.pk, organization_id=o.pk)
                for p, task in zip(proposals, tasks, strict=True)
                for o in p.related_orgs.all()
            ]
        )
        record(
            AuditAction.UPDATE,
            actor=acting_user,
            obj=plan,
            message="发布工作要点",
            before={"status": PlanStatus.DRAFT},
            after={"status": PlanStatus.PUBLISHED, "tasks": len(tasks), "occurrences": occurrence_count},
        )
    plan.refresh_from_db()
    return {"tasks": len(tasks), "occurrences": occurrence_count}


# --- next year and comparison -----------------------------------------------------------


def _shift_when(when: str, years: int) -> str:
    m = re.fullmatch(r"(\d{4})(-.*)", when or "")
    return f"{int(m.group(1)) + years}{m.group(2)}" if m else when


def start_next_plan(*, acting_user: Any, plan: Plan, year: int) -> Plan:
    """A draft for `year` from an earlier plan: the same text and its tasks as proposals."""
    require_plan_office(acting_user)
    if year <= plan.year or year > plan.year + 5:
        raise ActionRefused("新年度应晚于原工作要点的年度（最多晚5年）。")
    shift = year - plan.year
    # (what it was, its schedule and owners): tasks of a published plan, else the proposals.
    source: list[tuple[Any, ScheduleFields, Any, list[Organization]]] = [
        (t, t.duty, t.duty.lead_org, list(t.duty.responsible_orgs.all()))
        for t in plan.tasks.select_related("duty__lead_org").prefetch_related(
            "duty__responsible_orgs", "related_orgs"
        )
    ]
    if not source:
        source = [
            (p, p, p.lead_org, list(p.responsible_orgs.all()))
            for p in plan.proposals.filter(dropped=False)
            .select_related("lead_org")
            .prefetch_related("responsible_orgs", "related_orgs")
        ]
    with transaction.atomic():
        new = Plan.objects.create(
            title=re.sub(str(plan.year), str(year), plan.title)[:200],
            year=year,
            org=plan.org,
            office=plan.office,
            source_name=plan.source_name,
            text=plan.text,
            parsed=plan.parsed,
            previous=plan,
            created_by=acting_user,
        )
        measures = {}
        for m in plan.measures.all():
            copy = Measure.objects.create(
                plan=new,
                seq=m.seq,
                section=m.section,
                heading=m.heading,
                text=m.text,
                span_start=m.span_start,
                span_end=m.span_end,
                facts=m.facts,
                from_heading=m.from_heading,
            )
            measures[m.pk] = copy
        for item, schedule, lead, responsible in source:
            p = Proposal.objects.create(
                plan=new,
                measure=measures.get(item.measure_id),
                order=item.order,
                section=item.section,
                title=item.title,
                clause_start=getattr(item, "clause_start", None) or getattr(item, "span_start", None),
                clause_end=getattr(item, "clause_end", None) or getattr(item, "span_end", None),
                lead_org=lead,
                owner_source="previous",
                **(schedule.schedule_values() | {"when": _shift_when(schedule.when, shift)}),
            )
            p.responsible_orgs.set(responsible)
            p.related_orgs.set(item.related_orgs.all())
        record(AuditAction.CREATE, actor=acting_user, obj=new, message=f"由{plan.year}年工作要点生成")
    return new


def _norm(text: str) -> str:
    return re.sub(r"[\s，。、；：,.;:“”\"]", "", text)


def compare_plans(old: Plan, new: Plan) -> list[dict[str, Any]]:
    """Measure by measure: unchanged, changed (similar wording), added and removed."""
    old_measures = list(old.measures.all())
    new_measures = list(new.measures.all())
    old_by_text = {}
    for m in old_measures:
        old_by_text.setdefault(_norm(m.text), m)
    used: set[int] = set()
    rows: list[dict[str, Any]] = []
    unmatched_new = []
    for m in new_measures:
        same = old_by_text.get(_norm(m.text))
        if same is not None and same.pk not in used:
            used.add(same.pk)
            rows.append({"status": "unchanged", "old": same, "new": m})
        else:
            unmatched_new.append(m)
    remaining = [m for m in old_measures if m.pk not in used]
    for m in unmatched_new:
        best, ratio = None, 0.0
        for candidate in remaining:
            if candidate.pk in used:
                continue
            r = difflib.SequenceMatcher(None, _norm(candidate.text), _norm(m.text), autojunk=False).ratio()
            if r > ratio:
                best, ratio = candidate, r
        if best is not None and ratio >= 0.6:
            used.add(best.pk)
            rows.append({"status": "changed", "old": best, "new": m, "ratio": round(ratio, 2)})
        else:
            rows.append({"status": "added", "old": None, "new": m})
    rows += [{"status": "removed", "old": m, "new": None} for m in old_measures if m.pk not in used]
    rows.sort(key=lambda r: r["new"].seq if r["new"] else 10_000 + r["old"].seq)
    return rows
