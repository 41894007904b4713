"""The hotline board and a ticket in Debian's Chromium: the chart draws from local assets, the figures show,
closing a ticket without a reply is refused on the page."""

from __future__ import annotations

import pytest

import factories
import hotline_factories as hf
from liveserver import chromium_page, log_in, require_chromium, serve
from fangkong.app import create_app
from fangkong.core import clock
from fangkong.core.db import unit_of_work
from fangkong.core.i18n import catalog
from fangkong.hotline import intake, loop

pytestmark = pytest.mark.browser

ZH = catalog("zh")


def _tickets(engine) -> dict:
    with unit_of_work(engine) as session:
        hf.departments(session)
        agent = factories.actor(session, role="hotline_agent")
        factories.user(session, role="hotline_agent", username="agent-li")
        made = {}
        with clock.frozen(clock.now().replace(hour=8)):
            for name, topic in (("open", "zones"), ("queued", "supplies"), ("done", "zones")):
                made[name] = intake.take_in(session, kind="enquiry", channel="phone", topic=topic, text="何时解封？",
                                            district="140213", actor=agent).id
            loop.accept(session, made["done"], actor=agent)
            loop.reply(session, made["done"], text="已答复", actor=agent)
        return made


def test_board_chart_and_the_close_refusal_in_chromium(fresh_database, set_clock):
    require_chromium()
    from playwright.sync_api import sync_playwright

    set_clock("2022-11-14T10:00")
    made = _tickets(fresh_database.engine)
    with serve(create_app(engine=fresh_database.engine)) as base, sync_playwright() as playwright:
        visit = chromium_page(playwright)
        page = visit.page
        log_in(page, base, "agent-li", factories.ADMIN_PASSWORD, lands_on="/hotline", next="/hotline")
        page.wait_for_selector('#hotline-chart[data-drawn="1"]')
        assert page.locator("#hotline-chart canvas").count() >= 1
        assert page.get_by_test_id("kpi-reply_rate").inner_text().endswith("33.3 %")  # 1 of 3 replied
        assert page.get_by_test_id("queue").locator("tbody tr").count() == 1
        page.goto(f"{base}/hotline/tickets/{made['open']}")
        page.get_by_test_id("close").click()
        assert page.get_by_test_id("problem").inner_text() == ZH["errors.code.reply_required"]
        assert page.get_by_test_id("state").inner_text().startswith(ZH["hotline.states.dispatched"])
        visit.browser.close()
    assert visit.hosts() == {"127.0.0.1"}
    assert visit.problems == []
