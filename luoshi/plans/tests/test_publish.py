"""From the reference plan to occurrences: the acceptance figures of issue C, atomicity
and exactly-once publishing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from luoshi.core.errors import ActionRefused
from luoshi.orgs.choices import OrgKind
from luoshi.orgs.models import Organization
from luoshi.plans import actions
from luoshi.plans.models import Plan
from luoshi.tasks.models import Task
from luoshi.work.models import Duty, Occurrence

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "2022-ziranziyuanting-jiguan-dangjian.txt"


def publish(persona, year=None) -> Plan:
    office = persona("jgdw")
    plan = actions.import_plan(
        acting_user=office, data=REFERENCE.read_bytes(), filename="要点.txt", year=year
    )
    actions.publish_plan(acting_user=office, plan=plan, confirmed=True)
    return plan


def occurrences_of(plan: Plan, fragment: str) -> list[Occurrence]:
    task = Task.objects.get(plan=plan, title__contains=fragment)
    return list(task.duty.occurrences.select_related("org"))


def test_quarterly_reports_give_four_occurrences_for_every_basic_level_organisation(persona) -> None:
    plan = publish(persona)
    occ = occurrences_of(plan, "每季度汇报1次")
    basic = Organization.objects.filter(kind__in=OrgKind.basic_level(), is_active=True).count()
    assert len(occ) == 4 * basic
    assert Counter(o.due_date.isoformat() for o in occ) == {
        d: basic for d in ("2022-03-31", "2022-06-30", "2022-09-30", "2022-12-30")
    }


def test_annual_review_mid_year_hearing_inspections_and_practical_matters(persona) -> None:
    plan = publish(persona)
    annual = occurrences_of(plan, "每年向厅党组进行述职")
    assert {o.due_date.isoformat() for o in annual} == {"2022-12-30"}
    assert len(annual) == Organization.objects.filter(kind__in=OrgKind.basic_level()).count()
    [hearing] = occurrences_of(plan, "年中安排专题听取")
    assert hearing.due_date.isoformat() == "2022-06-30"
    task = hearing.duty.task
    related = {o.name for o in task.related_orgs.all()} | {
        o.name for o in hearing.duty.responsible_orgs.all()
    }
    assert {"林业和草原局党组", "地质局党委"} <= related
    inspection = Task.objects.get(plan=plan, title__contains="对9家单位开展内部巡察")
    assert inspection.duty.target_count == 9
    matters = occurrences_of(plan, "确定1件为民实事")
    assert {o.org.kind for o in matters} == {OrgKind.DIVISION}
    assert len(matters) == Organization.objects.filter(kind=OrgKind.DIVISION).count()
    assert {o.target_count for o in matters} == {1}


def test_event_triggered_tasks_wait_for_a_person(persona) -> None:
    plan = publish(persona)
    task = Task.objects.get(plan=plan, title__contains="根据人事变动")
    assert task.duty.needs_decision and task.duty.occurrences.count() == 0


def test_publishing_twice_is_refused_and_changes_nothing(persona) -> None:
    plan = publish(persona)
    before = Occurrence.objects.count()
    with pytest.raises(ActionRefused, match="已经发布"):
        actions.publish_plan(acting_user=persona("jgdw"), plan=Plan.objects.get(pk=plan.pk), confirmed=True)
    assert Occurrence.objects.count() == before


def test_a_failure_half_way_through_publishing_leaves_nothing_behind(persona, monkeypatch) -> None:
    office = persona("jgdw")
    plan = actions.import_plan(acting_user=office, data=REFERENCE.read_bytes(), filename="要点.txt")
    counts = (Task.objects.count(), Occurrence.objects.count())

    def failing_create(*args, **kwargs):
        # after the duties and occurrences are written, the tasks are not
        raise RuntimeError("disk full")

    monkeypatch.setattr(Task.objects, "bulk_create", failing_create)
    with pytest.raises(RuntimeError):
        actions.publish_plan(acting_user=office, plan=plan, confirmed=True)
    assert (Task.objects.count(), Occurrence.objects.count()) == counts
    assert not Duty.objects.filter(kind="task", task__isnull=True).exists()
    assert Plan.objects.get(pk=plan.pk).status == "draft"


def test_a_year_without_holidays_is_not_published(persona) -> None:
    office = persona("jgdw")
    plan = actions.import_plan(
        acting_user=office, data=REFERENCE.read_bytes(), filename="要点.txt", year=2033
    )
    with pytest.raises(ActionRefused, match="2033年的法定节假日安排尚未录入"):
        actions.publish_plan(acting_user=office, plan=plan, confirmed=True)
    assert Plan.objects.get(pk=plan.pk).status == "draft"


def test_only_the_plan_office_imports(persona) -> None:
    with pytest.raises(ActionRefused):
        actions.import_plan(acting_user=persona("zhibu1"), data=REFERENCE.read_bytes(), filename="a.txt")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "为空"),
        (b"\x00\x01" * 500, "bin.txt", "不是文本"),
        (b"PK\x03\x04xx", "a.docx", "损坏"),
        ("没有任何标题的一段话。".encode(), "x.txt", "年度"),
    ],
)
def test_bad_documents_save_nothing(persona, data, name, message) -> None:
    before = Plan.objects.count()
    with pytest.raises(ActionRefused, match=message):
        actions.import_plan(acting_user=persona("jgdw"), data=data, filename=name)
    assert Plan.objects.count() == before


def test_gbk_document_imports(persona) -> None:
    data = REFERENCE.read_text(encoding="utf-8").encode("gbk", errors="replace")
    plan = actions.import_plan(acting_user=persona("jgdw"), data=data, filename="gbk.txt")
    assert plan.year == 2022 and plan.proposals.count() >= 50


def test_publishing_the_reference_plan_takes_a_bounded_number_of_queries(
    persona, django_assert_max_num_queries
) -> None:
    office = persona("jgdw")
    plan = actions.import_plan(acting_user=office, data=REFERENCE.read_bytes(), filename="要点.txt")
    with django_assert_max_num_queries(plan.proposals.count() + 40):
        actions.publish_plan(acting_user=office, plan=plan, confirmed=True)


def test_a_parser_fault_is_a_chinese_message_and_the_log_keeps_no_text(persona, monkeypatch, caplog) -> None:
    def broken(*args, **kwargs):
        raise IndexError("第七行：对9家单位开展内部巡察")

    monkeypatch.setattr(actions, "parse_text", broken)
    with pytest.raises(ActionRefused, match="文档解析失败"):
        actions.import_plan(acting_user=persona("jgdw"), data=REFERENCE.read_bytes(), filename="要点.txt")
    assert "IndexError" in caplog.text and "巡察" not in caplog.text and "Traceback" not in caplog.text
