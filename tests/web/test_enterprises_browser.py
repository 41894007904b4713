"""The work-resumption board in Debian's Chromium: the trend chart draws from local assets, the development
zone's above-scale rate reads 65 / 70 = 92.9 %, and stopping one enterprise on its page moves it to 91.4 %."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest

import enterprises_factories as ef
import factories
from liveserver import CHROMIUM, CHROMIUM_ARGS, require_chromium, serve
from fangkong.app import create_app
from fangkong.core.db import unit_of_work

pytestmark = pytest.mark.browser


def _zone(engine) -> int:
    with unit_of_work(engine) as session:
        ef.district(session)
        by = factories.actor(session, role="coordination")
        factories.user(session, role="coordination", username="coord-zhao")
        made = [ef.enterprise(session, by=by, status="resumed" if i < 65 else "stopped") for i in range(70)]
        return made[0].id


def test_board_rate_and_a_status_change_in_chromium(fresh_database, set_clock):
    require_chromium()
    from playwright.sync_api import sync_playwright

    set_clock("2022-11-13T09:00")
    first = _zone(fresh_database.engine)
    requested, problems = [], []
    with serve(create_app(engine=fresh_database.engine)) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        page.set_default_timeout(15_000)
        page.on("request", lambda request: requested.append(request.url))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(base + "/login?next=/enterprises")
        page.fill("#username", "coord-zhao")
        page.fill("#password", factories.ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/enterprises", timeout=45_000)
        page.wait_for_selector('#enterprises-chart[data-drawn="14"]')
        assert page.locator("#enterprises-chart canvas").count() >= 1
        row = page.locator('[data-testid=by-district] tr[data-district="140271"]')
        assert row.get_by_test_id("above-scale-rate").inner_text() == "92.9 %"
        page.goto(f"{base}/enterprises/{first}")
        form = page.get_by_test_id("status-form")
        form.locator("select[name=status]").select_option("stopped")
        form.locator("input[name=since]").fill(date(2022, 11, 13).isoformat())
        page.get_by_test_id("save-status").click()
        page.wait_for_selector('[data-testid=status-now]:has-text("停工")')
        page.goto(base + "/enterprises?on=2022-11-13")
        row = page.locator('[data-testid=by-district] tr[data-district="140271"]')
        assert row.get_by_test_id("above-scale-rate").inner_text() == "91.4 %"
        browser.close()
    assert {urlsplit(url).hostname for url in requested} == {"127.0.0.1"}
    assert problems == []
