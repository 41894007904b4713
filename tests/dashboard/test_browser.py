"""The dashboard in Debian's Chromium on the demo city: the commander lands on it after login, every
section's charts draw from local assets, figures link to their lists, and no request leaves the machine."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

import factories
from liveserver import CHROMIUM, CHROMIUM_ARGS, require_chromium, serve
from fangkong.app import create_app
from fangkong.core.db import unit_of_work

pytestmark = pytest.mark.browser


def test_the_commander_dashboard_renders_in_chromium_with_nothing_off_the_machine(demo_city):
    require_chromium()
    from playwright.sync_api import sync_playwright

    with unit_of_work(demo_city.engine) as session:
        username = factories.user(session, role="commander").username
    requested, problems = [], []
    with serve(create_app(engine=demo_city.engine)) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        page.set_default_timeout(15_000)
        page.on("request", lambda request: requested.append(request.url))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(base + "/login")
        page.fill("#username", username)
        page.fill("#password", factories.ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/dashboard", timeout=45_000)
        charts = page.locator(".dashboard-chart")
        assert charts.count() >= 8
        page.wait_for_selector('.dashboard-chart[data-drawn="14"]')
        for i in range(charts.count()):
            assert charts.nth(i).get_attribute("data-drawn") == "14"
            assert charts.nth(i).locator("canvas").count() == 1
        high = page.get_by_test_id("figure-zones-high_in_force")
        value = int(high.get_attribute("data-value"))
        assert value > 0
        high.click()
        page.wait_for_url("**/zones?state=in_force&tier=high")
        assert page.get_by_test_id("zones").locator("tbody tr").count() == value
        browser.close()
    assert {urlsplit(url).hostname for url in requested} == {"127.0.0.1"}
    assert problems == []
