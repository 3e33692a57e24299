"""In a real browser: the plan office logs in and opens the organisation tree; a secretary
imports the branch roster, is shown the wrong row, fixes it and imports the sheet."""

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


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_a_secretary_imports_the_branch_roster_after_fixing_a_bad_row(
    demo, live_server, width, height, tmp_path
) -> None:
    import random

    from luoshi.orgs.models import Person
    from luoshi.orgs.tests.test_roster import office_row, sheet

    rng = random.Random(width)
    rows = [office_row(n, "办公室党支部", rng) for n in range(1, 31)]
    for row in rows:
        row[1] = f"{row[1]}{width}"
    wrong = [list(r) for r in rows]
    wrong[3][5] = "留学"
    (tmp_path / "wrong.xlsx").write_bytes(sheet(wrong))
    (tmp_path / "right.xlsx").write_bytes(sheet(rows))
    with browser_page(width, height) as page:
        log_in(page, live_server.url, "zhibu1")
        page.goto(f"{live_server.url}/orgs/people/import/")
        page.set_input_files("#import-file", str(tmp_path / "wrong.xlsx"))
        page.click("button:has-text('预览')")
        assert "第6行" in page.locator("#import-problems").inner_text()
        assert page.locator("#confirm-import").count() == 0
        page.click("a:has-text('重新上传')")
        page.set_input_files("#import-file", str(tmp_path / "right.xlsx"))
        page.click("button:has-text('预览')")
        assert page.locator("#count-new").inner_text() == "30"
        page.click("#confirm-import")
        page.wait_for_selector("text=花名册已导入：新增30人")
    assert Person.objects.filter(name__endswith=f"号{width}", org__name="办公室党支部").count() == 30
