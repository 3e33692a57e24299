"""In a real browser: jijian opens a round for three organisations and records two
findings, zhibu1 rectifies with evidence, jijian verifies and closes both, a 回头看 reopens
one, and zhibu1 sees it back in 我的待办."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone

from luoshi.conftest import PASSWORD
from luoshi.testing.browser import browser_page


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def log_out(page) -> None:
    page.click("button:has-text('退出')")


def test_the_loop_in_a_browser(demo, live_server, tmp_path: Path) -> None:
    from luoshi.core.samplefiles import pdf_bytes
    from luoshi.inspections.models import Finding, Round
    from luoshi.orgs.models import Organization

    base = live_server.url
    year = timezone.localdate().year
    deadline = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    orgs = list(Organization.objects.filter(kind="branch", parent__short_name="机关党委").order_by("order"))[
        :3
    ]
    evidence = tmp_path / "整改佐证.pdf"
    evidence.write_bytes(pdf_bytes(["rectified"]))
    with browser_page() as page:
        log_in(page, base, "jijian")
        page.click("nav >> text=巡察整改")
        page.click("text=新建巡察轮次")
        page.fill("#title", "浏览器巡察")
        page.fill("#batch", "7")
        page.fill("#starts_on", f"{year}-03-01")
        page.fill("#ends_on", f"{year}-04-01")
        for org in orgs:
            page.check(f"#org{org.pk}")
        page.click("button:has-text('新建')")
        page.wait_for_selector("h1:has-text('浏览器巡察')")
        for text in ("会议记录不全", "台账不规范"):
            page.select_option("#f-org", str(orgs[0].pk))
            page.fill("#f-desc", text)
            page.click("button:has-text('录入')")
            page.wait_for_selector(f"text={text}")
        round_ = Round.objects.get(title="浏览器巡察")
        findings = list(Finding.objects.filter(round=round_).order_by("seq"))
        assert len(findings) == 2
        for f in findings:
            page.goto(f"{base}/inspections/findings/{f.pk}/")
            page.fill("#m-text", f"整改{f.seq}")
            page.fill("#m-deadline", deadline)
            page.click("button:has-text('下发整改措施')")
            page.wait_for_selector("text=已下发整改措施")
        log_out(page)

        log_in(page, base, "zhibu1")
        for f in findings:
            page.goto(f"{base}/work/my/?status=later")
            if page.locator(f"text=巡察整改：整改{f.seq}").count() == 0:
                page.goto(f"{base}/work/my/?status=soon")
            page.click(f"text=巡察整改：整改{f.seq}")
            page.fill("#id_text", "已整改到位。")
            if f.seq == 1:
                page.set_input_files("#id_files", str(evidence))
            page.click("button:has-text('报送')")
            page.wait_for_selector("text=已报送")
        log_out(page)

        log_in(page, base, "jijian")
        for f in findings:
            page.goto(f"{base}/inspections/findings/{f.pk}/")
            page.click("button:has-text('验收通过')")
            page.wait_for_selector("text=已验收通过")
            page.fill("textarea[name=comment]", "整改到位，同意销号")
            page.click("button:has-text('销号')")
            page.wait_for_selector("[data-status=closed]")
        page.goto(f"{base}/inspections/rounds/new/")
        page.fill("#title", "浏览器回头看")
        page.select_option("#kind", "follow_up")
        page.fill("#starts_on", f"{year}-05-01")
        page.fill("#ends_on", f"{year}-05-30")
        page.check(f"#org{orgs[0].pk}")
        page.click("button:has-text('新建')")
        page.wait_for_selector("h1:has-text('浏览器回头看')")
        form = page.locator("form", has=page.locator(f"input[name=finding][value='{findings[0].pk}']"))
        form.locator("select[name=result]").select_option("reopened")
        form.locator("input[name=reason]").fill("问题反弹")
        form.locator("input[name=new_deadline]").fill(deadline)
        form.locator("button").click()
        page.wait_for_selector("text=已记录复查结论")
        log_out(page)

        log_in(page, base, "zhibu1")
        page.goto(f"{base}/work/my/?status=later")
        if page.locator("text=回头看重新整改").count() == 0:
            page.goto(f"{base}/work/my/?status=soon")
        assert page.locator("text=巡察整改：回头看重新整改：问题反弹").count() == 1
    findings[0].refresh_from_db()
    findings[1].refresh_from_db()
    assert (findings[0].status, findings[1].status) == ("reopened", "closed")
