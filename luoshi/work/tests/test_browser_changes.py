"""In a real browser: zhibu1 asks for an extension, jgdw grants it from the 延期申请 list,
and the occurrence shows the new due date, the original one and the history. At 1366 px
and 390 px."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from luoshi.orgs.tests.test_browser import log_in
from luoshi.testing.browser import browser_page
from luoshi.work.models import ExtensionRequest
from luoshi.work.tests.test_changes import one

SHOTS = os.environ.get("LUOSHI_SCREENSHOTS", "")


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_extension_walk(demo, live_server, width, height) -> None:
    today = timezone.localdate()
    occ = one(due=today + dt.timedelta(days=10))
    wished, granted = today + dt.timedelta(days=40), today + dt.timedelta(days=30)
    base = live_server.url
    with browser_page(width, height) as page:
        log_in(page, base, "zhibu1")
        page.goto(f"{base}/work/occurrences/{occ.pk}/")
        page.fill("#id_ext-wished_due", wished.isoformat())
        page.click("#extensions button:has-text('申请延期')")
        assert "延期理由" in page.inner_text(".alert-danger")  # no reason: refused, the date kept
        assert page.input_value("#id_ext-wished_due") == wished.isoformat()
        page.fill("#id_ext-reason", "迎接上级检查，需延后两周。")
        page.click("#extensions button:has-text('申请延期')")
        assert "已提交延期申请" in page.inner_text("main")
        assert "待审批" in page.inner_text("#extensions")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/ext-asked-{width}.png", full_page=True)
        page.context.clear_cookies()

        log_in(page, base, "jgdw")
        page.goto(f"{base}/work/review/")
        page.click("a:has-text('延期申请')")
        page.click(f"#extension-list a[href^='/work/occurrences/{occ.pk}/']")
        page.fill("#id_dec-due", granted.isoformat())
        page.fill("#id_dec-comment", "同意延期两周半。")
        page.click("#extensions button:has-text('同意延期')")
        assert "已审批延期申请" in page.inner_text("main")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/ext-granted-{width}.png", full_page=True)
        page.context.clear_cookies()

        log_in(page, base, "zhibu1")
        page.goto(f"{base}/work/occurrences/{occ.pk}/")
        new_due = f"{granted.year}年{granted.month}月{granted.day}日"
        assert new_due in page.inner_text("#occ-due") and "已延期" in page.inner_text("#occ-due")
        history = page.inner_text("#history")
        assert "申请延期" in history and "同意延期" in history and granted.isoformat() in history
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/ext-branch-{width}.png", full_page=True)
    assert ExtensionRequest.objects.get(occurrence=occ).granted_due == granted
