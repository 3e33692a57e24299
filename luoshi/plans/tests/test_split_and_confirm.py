"""Splitting in place on the review page, the confirmation step before publishing, and
what a merged proposal and a published plan say (issue D, item 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.plans.models import Plan, Proposal
from luoshi.plans.tests.test_review import publish_as_it_stands
from luoshi.tasks.models import Task

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "2022-ziranziyuanting-jiguan-dangjian.txt"
HX = {"HX-Request": "true"}
FRAGMENT = "每季度汇报1次"


@pytest.fixture
def draft(login_as):
    client = login_as("jgdw")
    client.post(
        "/plans/import/", {"file": SimpleUploadedFile("要点.txt", REFERENCE.read_bytes()), "year": ""}
    )
    return client, Plan.objects.order_by("-id").first()


def longest(plan: Plan) -> Proposal:
    return max(plan.proposals.filter(dropped=False), key=lambda p: len(p.title))


def test_a_split_on_the_review_page_publishes_two_tasks_with_different_texts(draft) -> None:
    """Acceptance of issue D: the split form is prefilled with the text divided at a clause
    break, the two parts come back in place as two cards, and publishing makes two tasks
    whose texts are the two parts, not the whole text twice."""
    client, plan = draft
    p = longest(plan)
    whole = p.title
    form = client.get(f"/plans/{plan.pk}/proposals/{p.pk}/split/", headers=HX)
    body = form.content.decode()
    assert form.status_code == 200 and "<html" not in body and "拆分为两条任务" in body
    first, second = form.context["form"].initial["first"], form.context["form"].initial["second"]
    assert first and second and first != second and whole.startswith(first) and whole.endswith(second)
    assert len(first) + len(second) < len(whole) + 1  # divided, not copied
    cards = client.post(
        f"/plans/{plan.pk}/proposals/{p.pk}/split/",
        {"first": first, "second": second, "version": p.version},
        headers=HX,
    )
    html = cards.content.decode()
    new = plan.proposals.get(title=second)
    assert cards.status_code == 200 and html.count('class="card mb-2 proposal') == 2
    assert f'id="p-{p.pk}"' in html and f'id="p-{new.pk}"' in html and whole not in html
    p.refresh_from_db()
    assert p.title == first and new.order == p.order + 5
    assert set(new.responsible_orgs.all()) == set(p.responsible_orgs.all())
    assert plan.text[new.clause_start : new.clause_end] == second  # the new part points at its own words

    assert publish_as_it_stands(client, plan).status_code == 302
    titles = list(Task.objects.filter(plan=plan, title__in=[first, second]).values_list("title", flat=True))
    assert sorted(titles) == sorted([first, second])
    assert not Task.objects.filter(plan=plan, title=whole).exists()


def test_a_split_point_can_be_chosen_among_the_clause_breaks(draft) -> None:
    client, plan = draft
    p = longest(plan)
    marks = client.get(f"/plans/{plan.pk}/proposals/{p.pk}/split/", headers=HX).context["pieces"]
    other = next(m for m in marks if m["at"] and not m["chosen"])
    form = client.get(f"/plans/{plan.pk}/proposals/{p.pk}/split/?at={other['at']}", headers=HX).context[
        "form"
    ]
    assert (form.initial["first"] + form.initial["second"]).replace("，", "").replace(
        "；", ""
    ) == p.title.replace("，", "").replace("；", "").rstrip("。")
    assert p.title[: other["at"]].startswith(form.initial["first"])


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [("同一段文字", "同一段文字", "两部分内容相同"), ("只有第一部分", "", "必填")],
)
def test_a_refused_split_keeps_what_was_typed_and_changes_nothing(draft, first, second, message) -> None:
    client, plan = draft
    p = longest(plan)
    count = plan.proposals.count()
    response = client.post(
        f"/plans/{plan.pk}/proposals/{p.pk}/split/",
        {"first": first, "second": second, "version": p.version},
        headers=HX,
    )
    body = response.content.decode()
    assert response.status_code == 400 and message in body and first in body
    assert plan.proposals.count() == count and Proposal.objects.get(pk=p.pk).title == p.title


def test_a_split_from_a_stale_page_is_a_conflict(draft) -> None:
    client, plan = draft
    p = longest(plan)
    data = {
        "first": "甲部分",
        "second": "乙部分",
        "version": p.version - 1 if p.version > 1 else p.version + 1,
    }
    response = client.post(f"/plans/{plan.pk}/proposals/{p.pk}/split/", data, headers=HX)
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()
    assert Proposal.objects.get(pk=p.pk).title == p.title


def test_only_the_plan_office_splits(draft, login_as) -> None:
    _, plan = draft
    p = longest(plan)
    assert login_as("zhibu1").get(f"/plans/{plan.pk}/proposals/{p.pk}/split/").status_code == 403


def test_the_api_splits_with_the_same_parameters(draft, api_token) -> None:
    _, plan = draft
    p = longest(plan)
    headers = {"Authorization": f"Bearer {api_token('jgdw')}"}
    from django.test import Client

    api = Client()
    url = f"/api/plans/{plan.pk}/proposals/{p.pk}/split"
    body = {"version": p.version, "first": "甲部分", "second": "乙部分"}
    response = api.post(url, json.dumps(body), content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [i["title"] for i in items] == ["甲部分", "乙部分"]
    again = api.post(url, json.dumps(body), content_type="application/json", headers=headers)
    assert again.status_code == 409  # the version moved on
    same = dict(body, version=items[0]["version"], second="甲部分")
    assert (
        api.post(url, json.dumps(same), content_type="application/json", headers=headers).status_code == 400
    )


def test_a_merged_proposal_says_where_it_went_and_a_published_plan_shows_no_draft_badges(draft) -> None:
    client, plan = draft
    keep, other = plan.proposals.order_by("order")[:2]
    client.post(f"/plans/{plan.pk}/proposals/merge/", {"ids": [keep.pk, other.pk]})
    card = client.get(f"/plans/{plan.pk}/proposals/{other.pk}/", headers=HX).content.decode()
    assert "已合并" in card and f'href="#p-{keep.pk}"' in card and "不作为任务" not in card
    draft_page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "草稿问题" in draft_page and "需人工确定时间" in draft_page
    assert "生成下一年度草稿" not in draft_page  # next year starts from a published plan
    publish_as_it_stands(client, plan)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "已发布" in page and "已合并" in page
    assert "草稿问题" not in page and "需人工确定时间" not in page and "原文未写明责任单位" not in page
    assert "拆分" not in page and "整段分配" not in page and "生成下一年度草稿" in page


def test_the_confirmation_step_lists_each_warning_with_its_choices(draft) -> None:
    client, plan = draft
    page = client.get(f"/plans/{plan.pk}/publish/")
    body = page.content.decode()
    assert page.status_code == 200 and Plan.objects.get(pk=plan.pk).status == "draft"
    assert "2022年已经结束" in body and 'name="year"' in body
    assert (
        len(page.context["no_occurrences"]) == 2 and "保持为事件触发" in body and "设定周期：每季度" in body
    )


def test_publishing_without_a_decision_asks_again_and_keeps_the_answers_given(draft) -> None:
    client, plan = draft
    page = client.get(f"/plans/{plan.pk}/publish/")
    row = page.context["no_occurrences"][0]
    response = client.post(
        f"/plans/{plan.pk}/publish/", {"seen": page.context["seen"], row["name"]: "monthly"}
    )
    body = response.content.decode()
    assert response.status_code == 400 and "请为每项提醒作出选择" in body and "发布年度" in body
    assert 'value="monthly" selected' in body
    assert Plan.objects.get(pk=plan.pk).status == "draft"


def test_the_decisions_are_applied_with_publishing(draft) -> None:
    """Merging identical tasks, giving a period to a task without one, and moving the plan
    to this year all happen in the same step as publishing."""
    client, plan = draft
    a, b = plan.proposals.order_by("order")[:2]
    Proposal.objects.filter(pk=b.pk).update(title=a.title)
    page = client.get(f"/plans/{plan.pk}/publish/")
    [dup] = page.context["duplicates"]
    event, periodic = page.context["no_occurrences"]
    this_year = page.context["years"][-1]
    data = {
        "seen": page.context["seen"],
        dup["name"]: "merge",
        event["name"]: "event",
        periodic["name"]: "quarterly",
        "year": str(this_year),
    }
    response = client.post(f"/plans/{plan.pk}/publish/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan.refresh_from_db()
    assert plan.status == "published" and plan.year == this_year and str(this_year) in plan.title
    assert Proposal.objects.get(pk=b.pk).merged_into_id == a.pk
    assert Task.objects.filter(plan=plan, title=a.title).count() == 1
    periodic_task = Task.objects.get(plan=plan, title=periodic["warning"].titles[0])
    assert periodic_task.duty.freq == "quarterly" and periodic_task.duty.occurrences.exists()
    assert {o.due_date.year for o in periodic_task.duty.occurrences.all()} == {this_year}


def test_a_confirmation_for_warnings_that_changed_meanwhile_is_asked_again(draft) -> None:
    client, plan = draft
    page = client.get(f"/plans/{plan.pk}/publish/")
    data = {"seen": page.context["seen"], "year": str(plan.year)}
    data |= {row["name"]: "event" for row in page.context["no_occurrences"]}
    a, b = plan.proposals.order_by("order")[:2]
    Proposal.objects.filter(pk=b.pk).update(title=a.title)  # someone made two tasks identical
    response = client.post(f"/plans/{plan.pk}/publish/", data)
    assert response.status_code == 409 and "提醒已更新" in response.content.decode()
    assert Plan.objects.get(pk=plan.pk).status == "draft"


def test_the_api_answers_409_with_the_warnings_unless_confirmed(draft, api_token) -> None:
    _, plan = draft
    from django.test import Client

    headers = {"Authorization": f"Bearer {api_token('jgdw')}"}
    api = Client()
    url = f"/api/plans/{plan.pk}/publish"
    refused = api.post(url, headers=headers)
    assert refused.status_code == 409, refused.content.decode()
    codes = {w["code"] for w in refused.json()["warnings"]}
    assert codes == {"no_occurrences", "year_over"} and "需要确认" in refused.json()["detail"]
    assert Plan.objects.get(pk=plan.pk).status == "draft" and not plan.tasks.exists()
    listed = api.get(f"/api/plans/{plan.pk}/publish-warnings", headers=headers).json()
    assert [w["code"] for w in listed] == [w["code"] for w in refused.json()["warnings"]]
    done = api.post(url, json.dumps({"confirm": True}), content_type="application/json", headers=headers)
    assert done.status_code == 200 and done.json()["tasks"] == plan.proposals.filter(dropped=False).count()


def test_identical_findings_are_one_row_and_dismissed_together(draft) -> None:
    client, plan = draft
    same = [f for f in plan.findings.all() if plan.findings.filter(message=f.message).count() > 1]
    assert same, "the reference plan repeats a placeholder on one line"
    page = client.get(f"/plans/{plan.pk}/")
    rows = page.context["finding_rows"]
    assert len(rows) == len({(f.kind, f.message) for f in plan.findings.all()}) < plan.findings.count()
    assert f"（{plan.findings.filter(message=same[0].message).count()}处）" in page.content.decode()
    client.post(f"/plans/{plan.pk}/findings/{same[0].pk}/dismiss/")
    assert not plan.findings.filter(message=same[0].message, dismissed=False).exists()
    assert plan.findings.exclude(message=same[0].message).filter(dismissed=False).exists()


def test_an_edit_without_responsible_organisations_names_the_field(draft) -> None:
    client, plan = draft
    p = longest(plan)
    response = client.post(
        f"/plans/{plan.pk}/proposals/{p.pk}/edit/",
        {"title": "改写的任务", "version": p.version},
        headers=HX,
    )
    assert response.status_code == 400
    assert "请至少选择一个责任单位" in str(response.context["form"].errors["responsible"])
    assert "改写的任务" in response.content.decode() and Proposal.objects.get(pk=p.pk).title == p.title


def test_a_merged_proposal_taken_back_is_a_task_of_its_own_again(draft, persona) -> None:
    from luoshi.core.errors import ActionRefused
    from luoshi.plans import actions

    client, plan = draft
    keep, other = plan.proposals.order_by("order")[:2]
    client.post(f"/plans/{plan.pk}/proposals/merge/", {"ids": [keep.pk, other.pk]})
    other.refresh_from_db()
    with pytest.raises(ActionRefused, match="不能拆分"):
        actions.split_proposal(
            acting_user=persona("jgdw"),
            proposal=other,
            expected_version=other.version,
            first="甲",
            second="乙",
        )
    actions.update_proposal(
        acting_user=persona("jgdw"), proposal=other, expected_version=other.version, dropped=False
    )
    other.refresh_from_db()
    assert not other.dropped and other.merged_into_id is None


def test_a_refused_manual_task_comes_back_with_what_was_typed(draft) -> None:
    client, plan = draft
    count = plan.proposals.count()
    response = client.post(f"/plans/{plan.pk}/proposals/new/", {"title": "手工录入的任务", "section": "其他"})
    body = response.content.decode()
    assert response.status_code == 400 and 'value="手工录入的任务"' in body
    assert "responsible" in response.context["manual_form"].errors and plan.proposals.count() == count


def test_the_schema_documents_the_publish_confirmation() -> None:
    from django.test import Client

    schema = Client().get("/api/openapi.json").json()
    publish = next(v["post"] for k, v in schema["paths"].items() if k.endswith("/publish"))
    body = publish["requestBody"]["content"]["application/json"]["schema"]
    assert "confirm" in body["properties"] and "409" in publish["responses"]
