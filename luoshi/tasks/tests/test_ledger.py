"""The task ledger: filters, traffic lights, scope, query counts and the Excel export."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.audit.models import AuditEvent
from luoshi.plans.models import Plan
from luoshi.tasks.models import Task
from luoshi.work.models import Occurrence

pytestmark = pytest.mark.django_db


def demo_plan() -> Plan:
    return Plan.objects.filter(status="published").order_by("id").first()


def test_the_office_sees_every_task_of_the_plan(login_as) -> None:
    plan = demo_plan()
    page = login_as("jgdw").get(f"/tasks/ledger/?plan={plan.pk}")
    assert page.status_code == 200
    assert page.context["page"].paginator.count == Task.objects.filter(plan=plan).count()


def test_a_secretary_sees_only_tasks_with_their_occurrences(login_as) -> None:
    plan = demo_plan()
    page = login_as("zhibu1").get(f"/tasks/ledger/?plan={plan.pk}")
    tasks = [r["task"] for r in page.context["rows"]]
    assert 0 < len(tasks) == page.context["page"].paginator.count  # one page of them
    mine = Occurrence.objects.filter(org__name__in=["办公室党支部", "办公室"], duty__task__plan=plan)
    assert sum(t.counts["total"] for t in tasks) == mine.count()


def test_filters_by_org_status_and_due_range(login_as) -> None:
    plan = demo_plan()
    client = login_as("jgdw")
    office = Occurrence.objects.filter(org__name="办公室党支部", duty__task__plan=plan)
    page = client.get(f"/tasks/ledger/?plan={plan.pk}&org={office.first().org_id}")
    assert sum(t.counts["total"] for t in page.context["page"].object_list) == office.count()
    page = client.get(f"/tasks/ledger/?plan={plan.pk}&status=overdue")
    assert (
        sum(t.counts["total"] for t in page.context["page"].object_list)
        == Occurrence.objects.filter(duty__task__plan=plan, status="overdue").count()
    )
    page = client.get(f"/tasks/ledger/?plan={plan.pk}&due_after=2022-03-01&due_before=2022-03-31")
    expected = Occurrence.objects.filter(
        duty__task__plan=plan, due_date__range=("2022-03-01", "2022-03-31")
    ).count()
    assert sum(t.counts["total"] for t in page.context["page"].object_list) == expected


def test_ledger_query_count_does_not_grow_with_occurrences(login_as, persona) -> None:
    plan = demo_plan()
    client = login_as("jgdw")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/tasks/ledger/?plan={plan.pk}")
    task = Task.objects.filter(plan=plan).first()
    orgs = list(task.duty.responsible_orgs.all())
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                duty=task.duty,
                org=orgs[i % len(orgs)],
                period=f"附加{i}",
                period_start="2022-01-01",
                due_date="2022-12-30",
            )
            for i in range(300)
        ]
    )
    with CaptureQueriesContext(connection) as after:
        client.get(f"/tasks/ledger/?plan={plan.pk}")
    assert len(after) == len(before)


def test_excel_export_has_the_official_layout_and_never_more_than_the_screen(login_as) -> None:
    plan = demo_plan()
    client = login_as("zhibu1")
    screen = client.get(f"/tasks/ledger/?plan={plan.pk}").context["page"].paginator.count
    response = client.get(f"/tasks/ledger/?plan={plan.pk}&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet["A2"].value.startswith("截至")
    assert [c.value for c in sheet[3]] == [
        "序号",
        "工作任务",
        "具体措施",
        "牵头单位",
        "责任单位",
        "完成时限",
        "进展情况",
        "完成状态",
    ]
    numbered = [r for r in sheet.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert len(numbered) == screen
    assert [r[0] for r in numbered] == list(range(1, screen + 1))  # 序号 are numbers, in order
    assert sheet.freeze_panes == "A4"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$3:$3"
    assert any(str(rng).startswith("A4:H4") for rng in sheet.merged_cells.ranges)  # the first section row
    assert sheet["B4"].font.name == "宋体"
    task_rows = [row for row in sheet.iter_rows(min_row=4) if isinstance(row[0].value, int)]
    assert all(row[2].alignment.wrap_text and row[6].alignment.wrap_text for row in task_rows)
    statuses = {r[7] for r in numbered}
    assert statuses <= {"已完成", "已逾期", "进行中", "未开始", "无事项"}
    progress = [r[6] for r in numbered if r[6] and "最新进展" in r[6]]
    assert progress, "进展情况 carries the latest report's narrative"
    title = response["Content-Disposition"]
    assert "%E5%B7%A5%E4%BD%9C%E4%BB%BB%E5%8A%A1%E4%BB%BB%E5%8A%A1" not in title  # never 工作任务任务台账
    assert (
        numbered[0][1].startswith("（") and numbered[0][2]
    )  # 工作任务 is the plan's item, 具体措施 the task
    assert AuditEvent.objects.filter(action="export", actor_name="zhibu1").exists()


def test_text_that_looks_like_a_formula_stays_text(login_as) -> None:
    plan = demo_plan()
    Task.objects.filter(
        plan=plan, order=Task.objects.filter(plan=plan).order_by("order").first().order
    ).update(title='=HYPERLINK("http://evil","点我")')
    response = login_as("jgdw").get(f"/tasks/ledger/?plan={plan.pk}&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert '\'=HYPERLINK("http://evil","点我")' in values


def test_occurrence_export_has_numbers_dates_and_the_latest_progress(login_as) -> None:
    plan = demo_plan()
    response = login_as("jgdw").get(f"/tasks/ledger/?plan={plan.pk}&export=occurrences")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value.startswith("截至")
    assert sheet.max_row - 3 == Occurrence.objects.filter(duty__task__plan=plan).count()
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows[:3]] == [1, 2, 3]  # 序号 is a number
    assert all(isinstance(r[4], dt.datetime) for r in rows)  # 完成时限 is a date
    assert any(r[7] for r in rows), "最新进展 is filled where a report exists"
    assert not any(r[5] and r[5][-1].isdigit() for r in rows)  # 完成状态 is a word, never 逾期3


def test_drill_down_from_task_to_occurrence_and_reports(login_as) -> None:
    plan = demo_plan()
    client = login_as("jgdw")
    task = Task.objects.filter(plan=plan, duty__occurrences__reports__isnull=False).first()
    page = client.get(f"/tasks/{task.pk}/")
    assert page.status_code == 200
    occ = task.duty.occurrences.filter(reports__isnull=False).first()
    detail = client.get(f"/work/occurrences/{occ.pk}/")
    assert detail.status_code == 200 and occ.reports.first().text in detail.content.decode()


def test_exports_per_user_and_api_calls_per_token_are_limited(login_as, api_token, monkeypatch) -> None:
    from django.test import Client

    from luoshi.accounts import ratelimit

    monkeypatch.setattr(ratelimit, "EXPORTS_PER_USER", (2, 60))
    monkeypatch.setattr(ratelimit, "API_PER_TOKEN", (3, 60))
    client = login_as("jgdw")
    plan = demo_plan()
    statuses = [client.get(f"/tasks/ledger/?plan={plan.pk}&export=xlsx").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    api = Client(headers={"Authorization": f"Bearer {api_token('jgdw')}"})
    codes = [api.get("/api/orgs").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
