"""In a real browser: the plan office logs in and opens the organisation tree."""

from __future__ import annotations

import os

import pytest

from luoshi.conftest import PASSWORD
from luoshi.testing.browser import browser_page

SHOTS = os.environ.get("LUOSHI_SCREENSHOTS", "")


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_plan_office_logs_in_and_drills_down_the_tree(demo, live_server, width, height) -> None:
    with browser_page(width, height) as page:
        log_in(page, live_server.url, "jgdw")
        assert "工作台" in page.title()
        page.goto(f"{live_server.url}/orgs/")
        rows = page.locator("#org-tree tbody tr")
        assert rows.count() >= 20
        page.click("text=办公室党支部")
        page.wait_for_selector("h1:has-text('办公室党支部')")
        assert page.locator("text=本组织人员").count() == 1
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"org-detail-{width}.png"), full_page=True)


def test_wrong_password_shows_a_chinese_message(demo, live_server) -> None:
    with browser_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "jgdw")
        page.fill("#id_password", "wrong-Pass-1")
        page.click("button[type=submit]")
        assert page.locator(".alert-danger").inner_text().startswith("用户名或密码不正确")
