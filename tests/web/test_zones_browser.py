"""The zone map and the public list in Debian's Chromium, on the demo city with its zones: nothing is
requested off the machine (no tile server)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from urllib.parse import urlsplit

import factories
import pytest
from liveserver import chromium_page, log_in, require_chromium, serve
from sqlalchemy.orm import Session

from fangkong.app import create_app
from fangkong.core.db import unit_of_work
from fangkong.core.i18n import catalog
from fangkong.core.jurisdiction import CITY
from fangkong.demo.generator import generate_city
from fangkong.demo.scenario import build_scenario
from fangkong.zones import service

pytestmark = pytest.mark.browser

ZH, EN = catalog("zh"), catalog("en")
TODAY = date(2022, 11, 13)


@pytest.fixture
def demo_server(fresh_database) -> Iterator[tuple[str, object]]:
    require_chromium()
    engine = fresh_database.engine
    generate_city(engine, population=3_000, seed=7, workers=0)
    build_scenario(engine, seed=7)
    with unit_of_work(engine) as session:
        factories.user(session, role="commander", username="commander-wang")
    with serve(create_app(engine=engine)) as base:
        yield base, engine


@pytest.fixture
def page() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        visit = chromium_page(playwright)
        yield visit.page
        visit.browser.close()


def _zones_on(engine, day: date) -> int:
    with Session(engine) as session:
        return len({z[0] for z in service.map_data(session, scope=CITY, on=day, with_compounds=False)["zones"]})


def test_zone_map_and_public_list_render_with_the_demo_zones_all_local(page, demo_server):
    base, engine = demo_server
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    log_in(page, base, "commander-wang", factories.ADMIN_PASSWORD, lands_on="/zones/map", next="/zones/map")
    page.wait_for_selector('#zone-map[data-drawn="2022-11-13"]')
    in_force = _zones_on(engine, TODAY)
    assert in_force > 0 and page.get_by_test_id("map-count").inner_text() == str(in_force)
    assert page.locator("#zone-map canvas").count() >= 1  # drawn by Leaflet on a plain background
    assert page.locator("#zone-map .leaflet-tile").count() == 0
    assert page.locator(".map-label").filter(has_text="平城区").count() == 1

    # the slider goes back to the first designation: the zones in force that day
    first = page.get_by_test_id("map-slider")
    page.evaluate("el => { el.value = '0'; el.dispatchEvent(new Event('input')); }", first.element_handle())
    page.wait_for_selector('#zone-map[data-drawn="2022-10-24"]')
    assert page.get_by_test_id("map-day").inner_text() == "2022-10-24"
    assert page.get_by_test_id("map-count").inner_text() == str(_zones_on(engine, date(2022, 10, 24)))

    page.get_by_test_id("zone-tabs").get_by_text(ZH["zones.tabs.public"], exact=True).click()
    assert page.get_by_test_id("public-title").inner_text() == ZH["zones.public.title_high"]
    with Session(engine) as session:
        rows = list(service.public_rows(session, scope=CITY, on=TODAY))
    assert page.locator("[data-testid=public-list] tbody tr").count() == len(rows) > 0
    assert page.get_by_test_id("print").is_visible() and page.get_by_test_id("export-xlsx").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("nav.sidebar").is_visible() and not page.get_by_test_id("print").is_visible()
    page.emulate_media(media="screen")
    page.get_by_test_id("lang-switch").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.get_by_test_id("public-title").inner_text() == EN["zones.public.title_high"]

    page.get_by_test_id("zone-tabs").get_by_text(EN["zones.tabs.list"], exact=True).click()
    page.get_by_test_id("zone-link").first.click()
    assert page.get_by_test_id("zone-history").is_visible()

    hosts = {urlsplit(url).hostname for url in requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, sorted(url for url in requested if urlsplit(url).hostname != "127.0.0.1")
    assert any("/api/v1/zones/map" in url for url in requested)
    assert problems == []
