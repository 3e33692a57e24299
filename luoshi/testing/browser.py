"""Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright.

When Chromium is missing the browser tests skip with a message, unless
LUOSHI_REQUIRE_BROWSER=1 (set by .ci/run), where its absence is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = os.environ.get("LUOSHI_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_available() -> bool:
    return bool(shutil.which(CHROMIUM)) or os.path.exists(CHROMIUM)


@contextmanager
def browser_page(width: int = 1366, height: int = 768) -> Iterator[Any]:
    import pytest

    if not chromium_available():
        if os.environ.get("LUOSHI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"找不到 Chromium（{CHROMIUM}）；CI 需要先安装 chromium。")
        pytest.skip(f"跳过浏览器测试：找不到 {CHROMIUM}（apt-get install chromium）")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself are still synchronous and safe.
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            try:
                yield browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
