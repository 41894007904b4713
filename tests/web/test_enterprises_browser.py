"""The work-resumption board in Debian's Chromium: the trend chart draws from local assets, the development
zone's above-scale rate reads 65 / 70 = 92.9 %, and stopping one enterprise on its page moves it to 91.4 %."""

from __future__ import annotations

from datetime import date

import pytest

import enterprises_factories as ef
import factories
from liveserver import chromium_page, log_in, require_chromium, serve
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
    with serve(create_app(engine=fresh_database.engine)) as base, sync_playwright() as playwright:
        visit = chromium_page(playwright)
        page = visit.page
        log_in(page, base, "coord-zhao", factories.ADMIN_PASSWORD, lands_on="/enterprises", next="/enterprises")
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
        visit.browser.close()
    assert visit.hosts() == {"127.0.0.1"}
    assert visit.problems == []
