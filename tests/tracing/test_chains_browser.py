"""The chain page at the issue's size in Debian's Chromium: 10,000 cases and 50,000 confirmed contacts
(bench/chain_data.py, bulk Core/COPY inserts). The overview draws one node per cluster for the
largest 2,000, the table counts them all, the largest cluster's graph (about 2,000 nodes) is fetched
and drawn, nothing is requested off the machine and the page throws nothing."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import factories
import pytest
from liveserver import CHROMIUM, CHROMIUM_ARGS, log_in, require_chromium, serve

from bench import chain_data
from fangkong.app import create_app
from fangkong.core.db import unit_of_work
from fangkong.tracing.web import MAX_CLUSTER_NODES

pytestmark = pytest.mark.browser


def test_chain_page_draws_at_benchmark_size(fresh_database):
    require_chromium()
    from playwright.sync_api import sync_playwright

    engine = fresh_database.engine
    loaded = chain_data.load(engine, cases=10_000)
    assert (loaded["cases"], loaded["contacts"]) == (10_000, 50_000) and loaded["clusters"] > MAX_CLUSTER_NODES
    with unit_of_work(engine) as session:
        factories.user(session, role="commander", username="commander-chains")
    requested, problems = [], []
    with serve(create_app(engine=engine)) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
            page.set_default_timeout(30_000)
            page.on("request", lambda request: requested.append(request.url))
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            started = time.monotonic()
            log_in(page, base, "commander-chains", factories.ADMIN_PASSWORD, lands_on="/tracing/chains",
                   next="/tracing/chains")
            page.wait_for_selector(f"#chain-overview[data-drawn='{MAX_CLUSTER_NODES}']")
            page.wait_for_selector("#chain-cluster[data-cluster='1']")  # the largest cluster holds case 1
            drawn = time.monotonic() - started
            assert page.locator("#chain-overview canvas").count() >= 1
            assert page.locator("#chain-cluster canvas").count() >= 1
            largest = loaded["largest"]
            assert int(page.get_attribute("#chain-cluster", "data-nodes")) == largest + largest * 5 - (largest - 1)
            totals = page.inner_text("[data-testid=chain-totals]")
            assert "病例 10000 例" in totals and "已确认密接 50000 人" in totals, totals
            assert f"{loaded['clusters']} 个聚集" in totals, totals
            shown = page.inner_text("[data-testid=chain-shown]")
            assert f"最大的 {MAX_CLUSTER_NODES} 个聚集" in shown and f"共 {loaded['clusters']} 个" in shown, shown
            assert page.locator("[data-testid=cluster-table] tbody tr").count() == 50
        finally:
            browser.close()
    hosts = {urlsplit(url).hostname for url in requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"} and problems == []
    print(f"chain page at 10,000 cases drawn {drawn:.1f} s after the login was submitted")
