"""The supplies pages in Debian's Chromium: the board's chart draws from local assets, ticked orders move along
on the orders page (the page script gathers the ticks), the delivery list prints."""

from __future__ import annotations


import pytest

import factories
import supplies_factories as sf
from liveserver import chromium_page, log_in, require_chromium, serve
from fangkong.app import create_app
from fangkong.core.db import unit_of_work
from fangkong.core.i18n import catalog

pytestmark = pytest.mark.browser

ZH = catalog("zh")


def _story(engine) -> dict:
    with unit_of_work(engine) as session:
        made = sf.sealed_building(session, sealed=3, outside=1)
        sf.point(session, capacity=100, name="开源街道民谐社区沃佳沃便利店", compounds=[made.compound_id])
        sf.bulk(session, made)
        factories.user(session, role="community_worker", jurisdiction=made.community_code, username="worker-wang")
        return {"building": made.building_id}


def test_board_chart_and_moving_ticked_orders_in_chromium(fresh_database):
    require_chromium()
    from playwright.sync_api import sync_playwright

    made = _story(fresh_database.engine)
    with serve(create_app(engine=fresh_database.engine)) as base, sync_playwright() as playwright:
        visit = chromium_page(playwright)
        page = visit.page
        log_in(page, base, "worker-wang", factories.ADMIN_PASSWORD, lands_on="/supplies", next="/supplies")
        page.wait_for_selector('#supplies-chart[data-drawn="1"]')
        assert page.locator("#supplies-chart canvas").count() >= 1
        assert page.get_by_test_id("kpi-sealed").inner_text().endswith("3")
        page.goto(base + "/supplies/orders?day=2022-11-13")
        boxes = page.locator("input[name=pick]")
        assert boxes.count() == 3
        boxes.nth(0).check()
        boxes.nth(1).check()
        page.select_option("#move-form select[name=to]", "prepared")
        page.get_by_test_id("move").click()
        page.wait_for_selector('[data-testid="moved"]')
        states = page.get_by_test_id("order-state").all_inner_texts()
        assert sorted(states) == sorted([ZH["supplies.states.prepared"]] * 2 + [ZH["supplies.states.placed"]])
        page.goto(f"{base}/supplies/buildings/{made['building']}/list?day=2022-11-13")
        assert page.get_by_test_id("list-row").count() == 3
        assert page.get_by_test_id("print").is_visible()
        page.emulate_media(media="print")
        assert not page.get_by_test_id("print").is_visible()  # the print layout hides the buttons and tabs
        visit.browser.close()
    assert visit.hosts() == {"127.0.0.1"}
    assert visit.problems == []
