"""Plan operations: import and parse, review of the proposals, atomic publishing,
next year's plan and the comparison of two plans."""

from __future__ import annotations

import difflib
import logging
import re
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
from luoshi.tasks.models import Task
from luoshi.work.actions import DutySpec, create_duties
from luoshi.work.choices import DutyKind
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


def split_proposal(*, acting_user: Any, proposal: Proposal) -> Proposal:
    """A copy right after the original, for the part of the work that goes its own way."""
    require_plan_office(acting_user)
    _editable(proposal.plan)
    with transaction.atomic():
        responsible = list(proposal.responsible_orgs.all())
        related = list(proposal.related_orgs.all())
        Proposal.objects.filter(plan=proposal.plan, order__gt=proposal.order).update(order=F("order") + 10)
        copy = Proposal.objects.get(pk=proposal.pk)
        copy.pk = None
        copy.version = 1
        copy.order = proposal.order + 5
        copy.title = f"{proposal.title}（拆分）"[:500]
        copy.save()
        copy.responsible_orgs.set(responsible)
        copy.related_orgs.set(related)
        record(
            AuditAction.CREATE, actor=acting_user, obj=copy, object_repr=f"拆分任务：{proposal.title[:60]}"
        )
    return copy


def merge_proposals(*, acting_user: Any, proposals: list[Proposal]) -> Proposal:
    """The first keeps its rule and title and takes the others' organisations; the others are dropped."""
    require_plan_office(acting_user)
    if len(proposals) < 2:
        raise ActionRefused("请至少选择两条任务再合并。")
    if len({p.plan_id for p in proposals}) != 1:
        raise ActionRefused("只能合并同一工作要点中的任务。")
    _editable(proposals[0].plan)
    keep, others = proposals[0], proposals[1:]
    with transaction.atomic():
        for other in others:
            keep.responsible_orgs.add(*other.responsible_orgs.all())
            keep.related_orgs.add(*other.related_orgs.all())
        Proposal.objects.filter(pk__in=[o.pk for o in others]).update(dropped=True, version=F("version") + 1)
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


def publish_plan(*, acting_user: Any, plan: Plan) -> dict[str, int]:
    """Turns the proposals into tasks, each owning a duty that fans out to occurrences —
    all or nothing, exactly once.

    The draft→published flip is a conditional UPDATE checked by row count, so of two
    people publishing at once one succeeds and the other is told it is done. The duties
    and occurrences come from luoshi.work in bulk; then one bulk INSERT for the tasks.
    """
    require_plan_office(acting_user)
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
