"""In a real browser: zhibu1 records a 主题党日 with attendance from the roster and the
month's occurrence turns green; dangyuan1 logs study and sees it on 我的记录."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone

from luoshi.orgs.tests.test_browser import log_in
from luoshi.testing.browser import browser_page

SHOTS = os.environ.get("LUOSHI_SCREENSHOTS", "")


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_secretary_records_a_theme_day_and_the_month_turns_green(demo, live_server, width, height) -> None:
    from luoshi.accounts.models import User
    from luoshi.ledgers.actions import roster
    from luoshi.ledgers.models import Meeting

    zhibu1 = User.objects.select_related("org").get(username="zhibu1")
    today = timezone.localdate()
    first = roster(zhibu1.org, today).first()
    period = f"{today.year}年{today.month}月"
    with browser_page(width, height) as page:
        log_in(page, live_server.url, "zhibu1")
        page.goto(f"{live_server.url}/ledgers/?org={zhibu1.org_id}")
        cell = page.locator(f"tr:has-text('主题党日') a[title^='{period}']")
        assert "已完成" not in (cell.get_attribute("title") or "")
        page.goto(f"{live_server.url}/ledgers/meetings/new/?org={zhibu1.org_id}&date={today}")
        page.select_option("#kind", "theme_day")
        page.fill("#place", "党员活动室")
        page.fill("#topic", "参观廉政教育基地")
        page.uncheck(f"#present_{first.pk}")
        page.fill(f"input[name=reason_{first.pk}]", "公差")
        page.click("button:has-text('保存会议记录')")
        page.wait_for_selector("text=已登记")
        assert page.locator("text=缺席").count() >= 1
        page.goto(f"{live_server.url}/ledgers/?org={zhibu1.org_id}")
        cell = page.locator(f"tr:has-text('主题党日') a[title^='{period}']")
        assert "traffic-green" in cell.locator("span").get_attribute("class")
        assert "已完成" in cell.get_attribute("title")
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"ledger-{width}.png"), full_page=True)
    assert Meeting.objects.filter(org=zhibu1.org, topic="参观廉政教育基地").exists()


def test_member_logs_study_and_sees_it_on_their_page(demo, live_server) -> None:
    with browser_page(390, 844) as page:
        log_in(page, live_server.url, "dangyuan1")
        page.goto(f"{live_server.url}/ledgers/mine/")
        before = page.locator("#study-hours").inner_text()
        page.fill("#s-title", "学习新修订的纪律处分条例")
        page.fill("#s-hours", "1.5")
        page.click("button:has-text('保存学习记录')")
        page.wait_for_selector("text=已登记")
        assert page.locator("text=学习新修订的纪律处分条例").count() == 1
        assert page.locator("#study-hours").inner_text() != before
