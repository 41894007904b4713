"""The chain page and a case's candidates in Debian's Chromium, on the demo city: the cluster overview
is drawn, a cluster's graph is fetched and drawn, nothing is requested off the machine."""

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
from fangkong.demo.generator import generate_city
from fangkong.demo.scenario import build_scenario

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def demo_server(fresh_database) -> Iterator[str]:
    if shutil.which(CHROMIUM) is None:
        reason = f"{CHROMIUM} is missing (apt-get install chromium); no browser is ever downloaded"
        if os.environ.get("FANGKONG_REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    import uvicorn

    engine = fresh_database.engine
    generate_city(engine, population=3_000, seed=7, workers=0)
    build_scenario(engine, seed=7)
    with unit_of_work(engine) as session:
        factories.user(session, role="commander", username="commander-zhao")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(engine=engine), host="127.0.0.1", port=port,
                                           log_level="warning"))
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


def test_chain_page_draws_clusters_and_a_cluster_graph_locally(demo_server):
    from playwright.sync_api import sync_playwright

    requested, problems = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        page.set_default_timeout(15_000)
        page.on("request", lambda request: requested.append(request.url))
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.goto(demo_server + "/login?next=/tracing/chains")
        page.fill("#username", "commander-zhao")
        page.fill("#password", factories.ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(demo_server + "/tracing/chains", timeout=45_000)
        page.wait_for_selector("#chain-cluster[data-cluster]")
        assert page.locator("#chain-overview canvas").count() >= 1
        assert page.locator("#chain-cluster canvas").count() >= 1
        assert page.locator("[data-testid=cluster-table] tbody tr").count() > 0
        browser.close()
    hosts = {urlsplit(url).hostname for url in requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"} and problems == []
    assert any("/api/v1/tracing/chains/" in url for url in requested)
