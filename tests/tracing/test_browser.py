"""The chain page in Debian's Chromium, on the demo city: the cluster overview is drawn, the largest
cluster (the demo's chain of four generations) is fetched and drawn, nothing is requested off the machine."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import factories
import pytest
from liveserver import CHROMIUM, CHROMIUM_ARGS, log_in, require_chromium, serve

from fangkong.app import create_app
from fangkong.core.db import unit_of_work
from fangkong.demo.generator import generate_city
from fangkong.demo.scenario import build_scenario

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_server(fresh_database) -> Iterator[str]:
    require_chromium()
    engine = fresh_database.engine
    generate_city(engine, population=3_000, seed=7, workers=0)
    build_scenario(engine, seed=7)
    with unit_of_work(engine) as session:
        factories.user(session, role="commander", username="commander-zhao")
    with serve(create_app(engine=engine)) as base:
        yield base


def test_chain_page_draws_clusters_and_a_cluster_graph_locally(demo_server):
    from playwright.sync_api import sync_playwright

    requested, problems = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        page.set_default_timeout(15_000)
        page.on("request", lambda request: requested.append(request.url))
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        log_in(page, demo_server, "commander-zhao", factories.ADMIN_PASSWORD, lands_on="/tracing/chains",
               next="/tracing/chains")
        page.wait_for_selector("#chain-cluster[data-cluster]")
        assert page.locator("#chain-overview canvas").count() >= 1
        assert page.locator("#chain-cluster canvas").count() >= 1
        assert page.locator("[data-testid=cluster-table] tbody tr").count() > 0
        # the demo's chain of four generations (demo/tracing_chain.py) is the largest cluster: drawn first
        assert "最长 4 代" in page.inner_text("[data-testid=chain-totals]")
        first = page.locator("[data-testid=cluster-table] tbody tr").first.locator("td")
        assert (first.nth(1).inner_text(), first.nth(3).inner_text()) == ("4", "4")
        assert first.nth(0).inner_text() == "#" + page.get_attribute("#chain-cluster", "data-cluster")
        assert int(page.get_attribute("#chain-cluster", "data-nodes")) >= 5  # 4 cases and at least 戊
        browser.close()
    hosts = {urlsplit(url).hostname for url in requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"} and problems == []
    assert any("/api/v1/tracing/chains/" in url for url in requested)
