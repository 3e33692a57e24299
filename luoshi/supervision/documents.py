"""Supervision orders as official documents (.docx through luoshi.exports.official, the one
builder), and the orders and draws lists as .xlsx in the office layout (luoshi.ledgers'
titled table: Chinese fonts, A4 landscape, 截至 line, header repeated, no formulas)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from luoshi.exports.official import OfficialDocument, official_date
from luoshi.supervision.models import Draw, DrawStatus, OrderSource, SupervisionOrder
from luoshi.tasks.exports import titled_table_xlsx
from luoshi.work.choices import OccurrenceStatus


def order_subject_title(order: SupervisionOrder) -> str:
    """The item's name without the level its duty was first issued at (催办：…)."""
    return order.duty.title.split("：", 1)[-1]


def order_orgs(order: SupervisionOrder) -> list[str]:
    """The organisations the order is addressed to, in tree order."""
    return list(order.duty.responsible_orgs.order_by("path").values_list("name", flat=True))


def month_day(day: dt.date) -> str:
    """A date in a table cell of this year's document: 3月5日 (4号 characters, no wrap)."""
    return f"{day.month}月{day.day}日"


def order_docx(order: SupervisionOrder) -> bytes:
    """The order as a 公文: masthead, its document number, title, addressees, the level's
    wording and the 督办事由, the items (or the lead unit's steps) as a table, the answer
    deadline, signature and 版记."""
    doc = OfficialDocument.for_unit(order.duty.unit)
    issuer = doc.profile.issuer
    doc.masthead(issuer)
    doc.number_line(order.doc_number)
    doc.title(f"关于{order_subject_title(order)}的{order.level.name}通知")
    doc.addressee("、".join(order_orgs(order)) + "：")
    if order.source == OrderSource.PLAN:
        doc.paragraph(order.level.wording)
    else:
        doc.paragraph(f"现将{order.get_source_display()}事项交由你单位牵头办理，请按要求分解落实、按时办结。")
    if order.subject:
        for part in order.subject.splitlines():
            if part.strip():
                doc.paragraph(part.strip())
    steps = list(order.plan.select_related("org"))
    targets = list(order.occurrences.select_related("duty", "org").order_by("org__path", "due_date"))
    if steps:
        doc.heading1("一、工作步骤")
        doc.table(
            ["序号", "工作步骤", "责任单位", "责任人", "完成时限"],
            [[str(s.seq), s.content, s.org.name, s.owner, month_day(s.due_date)] for s in steps],
            widths_mm=[16, 58, 34, 20, 28],
        )
    elif targets:
        doc.heading1("一、督办事项")
        doc.table(
            ["序号", "事项", "责任单位", "完成时限"],
            [
                [str(n), f"{o.duty.title}（{o.period}）", o.org.name, month_day(o.due_date)]
                for n, o in enumerate(targets, 1)
            ],
            widths_mm=[16, 76, 36, 28],
        )
    doc.heading1("二、办理要求" if steps or targets else "一、办理要求")
    doc.paragraph(
        f"请于{official_date(order.answer_due)}前通过系统书面报告办理情况，并上传佐证材料。"
        + (f"本事项办结时限为{official_date(order.finish_by)}。" if order.finish_by else "")
    )
    doc.signature(issuer, timezone.localtime(order.issued_at).date())
    doc.note(f"（联系人：{order.issued_by.display_name or order.issued_by.username}）")
    doc.record(printer=issuer, printed=timezone.localdate())
    return doc.to_bytes()


def with_answer_counts(orders: QuerySet[SupervisionOrder]) -> QuerySet[SupervisionOrder]:
    """Each order with how many occurrences its duty has and how many are done, in the
    list's one query."""
    return orders.annotate(
        answers_total=Count("duty__occurrences", distinct=True),
        answers_done=Count(
            "duty__occurrences", filter=Q(duty__occurrences__status=OccurrenceStatus.DONE), distinct=True
        ),
    )


def orders_xlsx(orders: Iterable[SupervisionOrder], as_of: dt.date, note: str = "") -> bytes:
    """orders: from with_answer_counts."""
    rows: list[list[object]] = [
        [
            n,
            o.doc_number,
            o.level.name,
            o.get_source_display(),
            order_subject_title(o),
            "、".join(order_orgs(o)),
            o.answer_due.isoformat(),
            o.finish_by.isoformat() if o.finish_by else "",
            o.get_status_display(),
            f"{o.answers_done}/{o.answers_total}",  # type: ignore[attr-defined]
            timezone.localtime(o.issued_at).date().isoformat(),
        ]
        for n, o in enumerate(orders, 1)
    ]
    return titled_table_xlsx(
        "督办单台账" + (f"（{note}）" if note else ""),
        "督办单",
        [
            "序号",
            "文号",
            "级别",
            "来源",
            "督办事项",
            "承办单位",
            "答复时限",
            "办结时限",
            "状态",
            "已办结/事项",
            "下发日期",
        ],
        [6, 18, 8, 12, 40, 30, 12, 12, 10, 12, 12],
        rows,
        as_of,
    )


def draws_xlsx(draws: Iterable[Draw], as_of: dt.date) -> bytes:
    rows: list[list[object]] = [
        [
            n,
            d.title,
            len(d.pool),
            d.count,
            d.get_status_display(),
            "、".join(i["label"] for i in d.result or [])
            if d.status == DrawStatus.REVEALED
            else "（待揭示）",
            d.pool_hash,
            d.commitment,
            d.seed if d.status == DrawStatus.REVEALED else "",
            timezone.localtime(d.created_at).date().isoformat(),
            d.visit_date.isoformat() if d.visit_date else "",
        ]
        for n, d in enumerate(draws, 1)
    ]
    return titled_table_xlsx(
        "随机抽取记录",
        "随机抽取",
        [
            "序号",
            "名称",
            "范围数",
            "抽取数",
            "状态",
            "抽取结果",
            "范围哈希",
            "承诺值",
            "种子",
            "公布日期",
            "调研日期",
        ],
        [6, 28, 8, 8, 12, 36, 22, 22, 22, 12, 12],
        rows,
        as_of,
    )
