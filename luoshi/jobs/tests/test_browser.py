"""In a real browser: a large export is queued, and its page turns into the download link
by itself once a worker has built the file."""

from __future__ import annotations

from luoshi.jobs.queue import HUEY
from luoshi.jobs.tests.test_worker import started
from luoshi.orgs.tests.test_browser import log_in
from luoshi.testing.browser import browser_page
from luoshi.work.models import Occurrence


def test_the_job_page_offers_the_download_once_the_worker_is_done(demo, live_server, monkeypatch) -> None:
    from luoshi.tasks import views

    HUEY.flush()
    monkeypatch.setattr(views, "INLINE_EXPORT_LIMIT", 10)
    plan_id = Occurrence.objects.order_by("id").values_list("duty__task__plan", flat=True).first()
    with browser_page() as page:
        log_in(page, live_server.url, "jgdw")
        page.goto(f"{live_server.url}/tasks/ledger/?plan={plan_id}&export=occurrences")
        assert "/jobs/" in page.url and "排队中" in page.inner_text("#job")
        with started("worker") as worker:
            worker.wait_for("后台任务已启动")
            link = page.wait_for_selector("#job .alert-success a", timeout=60_000)
            assert link is not None and "任务事项明细" in link.inner_text()
            with page.expect_download() as download:
                link.click()
            assert (
                download.value.suggested_filename.endswith(".xlsx")
                and "任务事项明细_" in download.value.suggested_filename
            )
        page.click("nav[aria-label=breadcrumb] >> text=任务台账")
        assert page.url.endswith(f"/tasks/ledger/?plan={plan_id}")
    HUEY.flush()
