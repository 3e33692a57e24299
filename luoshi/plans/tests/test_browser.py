"""The review page in a real browser, at desk and phone width: splitting in place, a refused
edit that shows its reason, and publishing through the confirmation step."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from luoshi.orgs.tests.test_browser import log_in
from luoshi.plans.models import Plan
from luoshi.tasks.models import Task
from luoshi.testing.browser import browser_page

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "2022-ziranziyuanting-jiguan-dangjian.txt"


def import_draft(page, base: str) -> Plan:
    page.goto(f"{base}/plans/import/")
    page.set_input_files("#id_file", str(REFERENCE))
    page.click("button:has-text('导入并解析')")
    page.wait_for_selector("text=请逐条审定后发布")
    return Plan.objects.order_by("-id").first()


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_split_in_place_then_publish_through_the_confirmation_step(demo, live_server, width, height) -> None:
    base = live_server.url
    with browser_page(width, height) as page:
        log_in(page, base, "jgdw")
        plan = import_draft(page, base)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing runs off the side
        before = int(page.inner_text("#active-count-button"))
        card = page.locator(".proposal").filter(has_text="加大新闻宣传力度").first
        card.get_by_text("拆分").click()
        form = page.locator("form[hx-post*='/split/']")
        form.wait_for()
        assert form.locator("textarea[name=first]").input_value() == "加大新闻宣传力度，用好用活新媒体"
        page.locator("a[title='在此处拆分']").first.click()  # another cut: after the first comma
        expect(page.locator("textarea[name=first]")).to_have_value("加大新闻宣传力度")
        page.locator("form[hx-post*='/split/'] button:has-text('拆分为两条任务')").click()
        page.wait_for_selector(".proposal:has-text('用好用活新媒体，营造浓厚氛围，掀起学习贯彻热潮')")
        assert int(page.inner_text("#active-count-button")) == before + 1

        # a refused edit comes back with its reason and what was typed
        card = page.locator(".proposal").filter(has_text="持续深化理想信念教育").first
        card.get_by_text("编辑").click()
        edit = page.locator("form[hx-post*='/edit/']")
        edit.wait_for()
        edit.locator("textarea[name=title]").fill("改写过的任务名称")
        edit.locator("select[name=responsible]").select_option([])
        edit.locator("button:has-text('保存')").click()
        page.wait_for_selector("form[hx-post*='/edit/'] .invalid-feedback:has-text('请至少选择一个责任单位')")
        assert (
            page.locator("form[hx-post*='/edit/'] textarea[name=title]").input_value() == "改写过的任务名称"
        )
        page.locator("form[hx-post*='/edit/'] a:has-text('取消')").click()

        if width < 992:  # on a phone the text is folded; 原文 N opens it at the measure
            page.locator(".proposal a[href='#m-3']").first.click()
            expect(page.locator("#m-3")).to_be_in_viewport()
        page.click("a:has-text('发布（')")
        page.wait_for_selector("text=发布确认")
        page.check(f"#year-{plan.year}")
        for select in page.locator("select[name^='sched-']").all():
            select.select_option("event")
        page.click("button:has-text('按以上选择发布')")
        page.wait_for_selector("text=已发布")
    titles = set(Task.objects.filter(plan=plan).values_list("title", flat=True))
    assert {"加大新闻宣传力度", "用好用活新媒体，营造浓厚氛围，掀起学习贯彻热潮"} <= titles
