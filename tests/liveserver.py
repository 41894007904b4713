"""A real server for browser tests: the app under uvicorn in a thread on a free loopback port, and
Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium() -> None:
    """Skip without Chromium, or fail when FANGKONG_REQUIRE_BROWSER=1."""
    if shutil.which(CHROMIUM) is None:
        reason = f"{CHROMIUM} is missing (apt-get install chromium); no browser is ever downloaded"
        if os.environ.get("FANGKONG_REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


@contextmanager
def serve(app) -> Iterator[str]:
    """The app on http://127.0.0.1:<free port> until the block ends."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Visit:
    """A Chromium page that records every URL it requested and every script error it raised."""

    browser: object
    page: object
    requested: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def hosts(self) -> set[str]:
        return {urlsplit(url).hostname for url in self.requested}


def chromium_page(playwright) -> Visit:
    """Debian's Chromium, a 1280×900 zh-CN page with a 30 s default timeout, watched (see Visit)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    page.set_default_timeout(30_000)
    visit = Visit(browser, page)
    page.on("request", lambda request: visit.requested.append(request.url))
    page.on("pageerror", lambda error: visit.problems.append(str(error)))
    return visit


def log_in(page, base: str, username: str, password: str, *, lands_on: str, next: str | None = None) -> None:
    """The login form, filled and sent; returns once the browser has the answer for `lands_on` (a path).

    Waits for the redirect to be committed, not for the page's `load` event: the test's own selectors
    wait for what it needs, and a refused login fails at once with the status and the page's message."""
    page.goto(base + "/login" + (f"?next={next}" if next else ""))
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_response(lambda r: r.request.method == "POST" and urlsplit(r.url).path == "/login",
                              timeout=60_000) as sent:
        page.click("button[type=submit]")
    if sent.value.status != 303:
        pytest.fail(f"login as {username} answered {sent.value.status}: {page.inner_text('body')[:300]}")
    page.wait_for_url(base + lands_on, wait_until="commit", timeout=60_000)
