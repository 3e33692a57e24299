"""In a real browser: the plan office imports the reference plan and publishes it, a branch
secretary reports on an occurrence with a PDF, and the plan office accepts it."""

from __future__ import annotations

import os
from pathlib import Path

from luoshi.core.samplefiles import pdf_bytes
from luoshi.orgs.tests.test_browser import log_in
from luoshi.testing.browser import browser_page
from luoshi.work.models import Occurrence, Report

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "2022-ziranziyuanting-jiguan-dangjian.txt"
SHOTS = os.environ.get("LUOSHI_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_import_publish_report_and_accept_in_the_browser(demo, live_server, tmp_path) -> None:
    base = live_server.url
    with browser_page() as page:
        log_in(page, base, "jgdw")
        page.goto(f"{base}/plans/import/")
        page.set_input_files("#id_file", str(REFERENCE))
        page.fill("#id_year", "2026")
        page.click("button:has-text('导入并解析')")
        page.wait_for_selector("text=请逐条审定后发布")
        assert page.locator(".proposal").count() >= 50
        assert page.locator("mark.measure").count() >= 50
        shot(page, "review")
        page.click("a:has-text('发布（')")
        page.wait_for_selector("text=发布确认")
        for select in page.locator("select[name^='sched-']").all():
            select.select_option("event")
        if page.locator("#year-2026").count():
            page.check("#year-2026")
        page.click("button:has-text('按以上选择发布')")
        page.wait_for_selector("text=已发布")
        ledger_url = page.url
        shot(page, "ledger")
        page.click("button:has-text('退出')")

        log_in(page, base, "zhibu1")
        page.goto(ledger_url)
        page.locator("#ledger tbody td a[href^='/tasks/']").first.click()
        page.wait_for_selector("text=任务事项")
        page.locator("tbody a[href^='/work/occurrences/']").first.click()
        page.wait_for_selector("text=报送进展")
        evidence = tmp_path / "会议记录.pdf"
        evidence.write_bytes(pdf_bytes(["Branch committee meeting record"]))
        page.fill("#id_text", "本季度召开支委会3次，书记专题汇报主体责任落实情况，已按要求完成。")
        page.set_input_files("#id_files", str(evidence))
        page.click("button:has-text('报送')")
        page.wait_for_selector("text=已报送，等待审核")
        occurrence_url = page.url
        shot(page, "reported")
        page.click("button:has-text('退出')")

        log_in(page, base, "jgdw")
        page.goto(occurrence_url)
        page.click("button:has-text('通过')")
        page.wait_for_selector("text=审核通过")
        shot(page, "accepted")

    occurrence_id = int(occurrence_url.rstrip("/").rsplit("/", 1)[-1])
    occ = Occurrence.objects.get(pk=occurrence_id)
    report = Report.objects.filter(occurrence=occ).latest("id")
    assert occ.status == "done" and report.status == "accepted"
    assert report.evidence.get().original_name == "会议记录.pdf"
    assert occ.duty.task.plan.year == 2026 and occ.due_date.year == 2026
