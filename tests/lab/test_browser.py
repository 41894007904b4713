"""The capacity and turnaround page in Debian's Chromium on the demo city: both charts drawn by ECharts,
the positive pools listed, nothing requested off the machine."""

from __future__ import annotations

from urllib.parse import urlsplit

import factories
import pytest
from liveserver import log_in

from tracing.test_browser import CHROMIUM, CHROMIUM_ARGS, demo_server  # noqa: F401 - the demo city's live server

pytestmark = pytest.mark.browser


def test_capacity_page_draws_its_charts_from_the_demo(demo_server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    requested, problems = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        page.set_default_timeout(15_000)
        page.on("request", lambda request: requested.append(request.url))
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        log_in(page, demo_server, "commander-zhao", factories.ADMIN_PASSWORD, lands_on="/lab", next="/lab")
        page.wait_for_selector("[data-testid=capacity-chart] svg")
        page.wait_for_selector("[data-testid=turnaround-chart] svg")
        assert page.locator("[data-testid=capacity-chart] svg rect, [data-testid=capacity-chart] svg path").count() > 3
        assert page.locator("[data-testid=lab-capacity] tbody tr").count() >= 3
        assert page.locator("[data-testid=positive-pools] tbody tr").count() == 3
        assert "在时限内" in page.get_by_test_id("turnaround-share").inner_text()
        browser.close()
    hosts = {urlsplit(url).hostname for url in requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"} and problems == []
