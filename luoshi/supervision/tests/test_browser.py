"""In a real browser (issue E's walk): jgdw issues a 催办 for two late occurrences,
zhibu1 sees the bell, answers with a PDF, jgdw accepts and closes the order; a revealed
draw is verified by the browser itself from the published seed. At 1366 px and 390 px."""

from __future__ import annotations

import datetime as dt
import os
import tempfile

import pytest

from luoshi.core.samplefiles import pdf_bytes
from luoshi.orgs.tests.test_browser import log_in
from luoshi.supervision.tests.helpers import occurrence
from luoshi.testing.browser import browser_page


def log_out(page, base: str) -> None:
    page.context.clear_cookies()


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_order_walk(demo, live_server, width, height) -> None:
    late = [occurrence(due=dt.date(2026, 3, 3), title=f"浏览器逾期事项{i}") for i in (1, 2)]
    base = live_server.url
    pdf = os.path.join(tempfile.mkdtemp(), "情况说明.pdf")
    with open(pdf, "wb") as f:
        f.write(pdf_bytes(["answer"]))
    with browser_page(width, height) as page:
        page.on("dialog", lambda d: d.accept())
        log_in(page, base, "jgdw")
        page.goto(f"{base}/supervision/orders/new/")
        page.fill("#title", f"浏览器催办{width}")
        page.select_option("#level", "2")
        for occ in late:
            page.check(f"#occ{occ.pk}")
        page.click("button:has-text('下发')")
        page.wait_for_selector("h1:has-text('催办单')")
        order_url = page.url
        log_out(page, base)

        log_in(page, base, "zhibu1")
        bell = page.locator("[data-unread]")
        if width < 992:
            page.click(".navbar-toggler")
        assert int(bell.get_attribute("data-unread")) >= 1
        page.goto(order_url)
        page.click("a:has-text('书面答复')")
        page.fill("textarea[name=text]", "两项工作已补办，附情况说明。")
        page.set_input_files("input[name=files]", pdf)
        page.click("button:has-text('报送')")
        page.wait_for_selector("text=情况说明.pdf")
        log_out(page, base)

        log_in(page, base, "jgdw")
        page.goto(order_url)
        page.click("a:has-text('查看')")
        page.click("button[name=decision][value=accept]")
        page.goto(order_url)
        page.click("button:has-text('办结')")
        page.wait_for_selector(".alert:has-text('督办单已办结')")
        assert "已办结" in page.content()


def test_draw_verified_in_the_browser(demo, live_server) -> None:
    from luoshi.supervision.models import Draw

    draw = Draw.objects.filter(status="revealed").first()
    with browser_page() as page:
        log_in(page, live_server.url, "jijian")
        page.goto(f"{live_server.url}/supervision/draws/{draw.pk}/")
        page.click("[data-verify-draw]")
        page.wait_for_selector("#draw-verify-result:has-text('验证')")
        text = page.inner_text("#draw-verify-result")
        assert text.startswith("验证通过") and draw.result[0]["label"] in text
