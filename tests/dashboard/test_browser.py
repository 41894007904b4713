"""The dashboard in Debian's Chromium on the demo city: the commander lands on it after login, every
section's charts draw from local assets, figures link to their lists, and no request leaves the machine."""

from __future__ import annotations

import pytest

import factories
from liveserver import chromium_page, log_in, require_chromium, serve
from fangkong.app import create_app
from fangkong.core.db import unit_of_work

pytestmark = pytest.mark.browser


def test_the_commander_dashboard_renders_in_chromium_with_nothing_off_the_machine(demo_city):
    require_chromium()
    from playwright.sync_api import sync_playwright

    with unit_of_work(demo_city.engine) as session:
        username = factories.user(session, role="commander").username
    with serve(create_app(engine=demo_city.engine)) as base, sync_playwright() as playwright:
        visit = chromium_page(playwright)
        page = visit.page
        log_in(page, base, username, factories.ADMIN_PASSWORD, lands_on="/dashboard")
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
        visit.browser.close()
    assert visit.hosts() == {"127.0.0.1"}
    assert visit.problems == []
