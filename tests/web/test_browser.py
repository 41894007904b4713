"""The shell in Debian's Chromium through Playwright, against a live Uvicorn on 127.0.0.1.

Never downloads a browser: it uses /usr/bin/chromium, and skips (or fails with
FANGKONG_REQUIRE_BROWSER=1) when that is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import factories
import pytest

from fangkong.app import create_app
from fangkong.core.db import unit_of_work
from fangkong.core.i18n import catalog

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOT = "/tmp/fangkong-home.png"
ZH, EN = catalog("zh"), catalog("en")


def _require_chromium() -> None:
    if shutil.which(CHROMIUM) is None:
        reason = f"{CHROMIUM} is missing (apt-get install chromium); no browser is ever downloaded"
        if os.environ.get("FANGKONG_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (FANGKONG_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_server(fresh_database) -> Iterator[str]:
    import uvicorn

    with unit_of_work(fresh_database.engine) as session:
        factories.admin(session, username="commander-li")
        unit = factories.place_chain(session)
        factories.resident(session, name="王秀英", unit=unit, id_number=factories.id_number(seq=501))
        factories.managed(session, anchor="2022-11-06", unit=unit)
    app = create_app(engine=fresh_database.engine)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page() -> Iterator:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        browser_page = context.new_page()
        browser_page.set_default_timeout(10_000)
        yield browser_page
        context.close()
        browser.close()


def test_login_navigate_switch_language_all_local(page, live_server):
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    page.goto(live_server + "/")
    assert urlsplit(page.url).path == "/login"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == ZH["login.title"]

    page.fill("#username", "commander-li")
    page.fill("#password", "wrong-password-here")
    page.click("button[type=submit]")
    assert page.get_by_test_id("login-error").inner_text() == ZH["login.failed"]

    page.fill("#username", "commander-li")
    page.fill("#password", factories.ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/")
    assert page.get_by_test_id("current-user").is_visible()
    nav = page.locator("nav.sidebar")
    for key in ("places", "residents", "zones", "lab", "hotline", "dashboard"):
        assert nav.get_by_text(ZH[f"nav.{key}"], exact=True).is_visible()
    assert page.evaluate("typeof htmx") == "object"
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.get_by_test_id("lang-switch").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert nav.get_by_text(EN["nav.zones"], exact=True).is_visible()
    page.get_by_test_id("lang-switch").click()
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")

    nav.get_by_text(ZH["nav.places"], exact=True).click()
    page.wait_for_selector("#district-map .leaflet-interactive")  # a circle marker drawn by Leaflet
    assert page.locator("#district-map .leaflet-tile").count() == 0

    nav.get_by_text(ZH["nav.residents"], exact=True).click()
    page.fill("#id_number", "1402")
    page.click("#id_number ~ button")
    assert ZH["id_reasons.must have 18 characters"] in page.get_by_test_id("search-invalid").inner_text()
    assert urlsplit(page.url).path == "/people/residents"  # swapped in place by HTMX, no navigation
    number = factories.id_number(seq=501)
    page.fill("#id_number", number)
    page.click("#id_number ~ button")
    result = page.get_by_test_id("search-result").inner_text()
    assert "王秀英" in result and number[:4] + "*" * 10 + number[-4:] in result and number not in result

    nav.get_by_text(ZH["nav.managed"], exact=True).click()
    page.get_by_test_id("detail-link").first.click()
    assert page.get_by_test_id("timeline").is_visible()
    assert page.get_by_test_id("release-on").inner_text() == "2022-11-17"

    page.goto(live_server + "/policy/switch")
    page.select_option("#to", "measures20")
    page.fill("#effective", "2022-11-11")
    page.get_by_test_id("preview").click()
    assert page.get_by_test_id("r-changed").inner_text() == "1"
    page.wait_for_selector(".chart svg")  # drawn by static/js/charts.js from data-* attributes (no inline script)
    assert urlsplit(page.url).path == "/policy/switch"

    page.locator("form.logout button").click()
    page.wait_for_url(live_server + "/login")

    hosts = {urlsplit(url).hostname for url in requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, sorted(url for url in requested if urlsplit(url).hostname != "127.0.0.1")
    assert len(requested) > 10
    # the only console errors allowed are the browser's report of the deliberate 401 answer (wrong password)
    unexpected = [p for p in problems if "status of 401" not in p]
    assert unexpected == []
