"""The quarantine pages in Debian's Chromium on the demo city: the occupancy chart with the forecast under
another pack drawn by the vendored ECharts, the room board coloured by state, the day lists; nothing is
requested off the machine."""

from __future__ import annotations

from urllib.parse import urlsplit

import factories
import pytest
from liveserver import log_in
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core.i18n import catalog
from fangkong.quarantine import service
from fangkong.quarantine.models import QuarantineRoom

from web.test_zones_browser import demo_server, page  # noqa: F401 - the same live demo server and browser

pytestmark = pytest.mark.browser
ZH, EN = catalog("zh"), catalog("en")


def test_occupancy_board_and_day_pages_render_all_local(page, demo_server):  # noqa: F811
    base, engine = demo_server
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    log_in(page, base, "commander-wang", factories.ADMIN_PASSWORD, lands_on="/quarantine/occupancy",
           next="/quarantine/occupancy")
    page.wait_for_selector('#occupancy-chart[data-drawn="1"]')
    page.select_option("[data-testid=pack]", "measures20")
    page.get_by_test_id("forecast-show").click()
    page.wait_for_selector('#occupancy-chart[data-drawn="2"]')  # two curves side by side
    assert page.locator("#occupancy-chart svg").count() >= 1
    assert page.get_by_test_id("city-freed").is_visible()

    with Session(engine) as session:
        sites = service.list_sites(session, scope=service.CITY_SCOPE)
        first = sites[0]
        rooms = session.scalars(select(QuarantineRoom).where(QuarantineRoom.site_id == first["id"])).all()
    page.get_by_test_id("quarantine-tabs").get_by_text(ZH["quarantine.tabs.sites"], exact=True).click()
    assert page.get_by_test_id("site-row").count() == len(sites) == 12
    page.get_by_test_id("site-link").first.click()
    assert page.get_by_test_id("site-name").inner_text() == first["name"]
    assert page.get_by_test_id("room").count() == len(rooms)
    states = set(page.locator("[data-testid=room]").evaluate_all("els => els.map(el => el.dataset.state)"))
    colours = {state: page.locator(f'[data-testid=room][data-state="{state}"]').first.evaluate(
        "el => getComputedStyle(el).backgroundColor") for state in states}
    assert states and len(set(colours.values())) == len(states)  # one colour per state
    assert "rgb(255, 255, 255)" not in colours.values()

    page.get_by_test_id("day-link").click()
    assert page.get_by_test_id("arrivals").is_visible() and page.get_by_test_id("export-xlsx").is_visible()
    page.get_by_test_id("lang-switch").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert EN["quarantine.sheets.arrivals"] in page.get_by_test_id("arrivals").inner_text()

    hosts = {urlsplit(url).hostname for url in requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, sorted(url for url in requested if urlsplit(url).hostname != "127.0.0.1")
    assert any("/static/vendor/echarts.min.js" in url for url in requested)
    assert problems == []
