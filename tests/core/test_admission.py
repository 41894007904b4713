"""core.admission: on SQLite, writing requests pass one at a time — except the routes whose writes go to the
app's writer thread (core.one_trip), which the app lists from its route table."""

from __future__ import annotations

import asyncio
import re

from fangkong.app import _queued_write_routes, create_app
from fangkong.core.admission import DatabaseAdmission


def test_the_app_lists_the_routes_that_write_through_its_writer_thread(engine):
    patterns = _queued_write_routes(create_app(engine=engine))
    assert [p.pattern for p in patterns] == ["^/api/v1/tracing/scans:batch$"]


def test_queued_writes_pass_the_sqlite_writer_lock_other_writes_wait_for_it():
    inside: list[str] = []
    release = asyncio.Event()

    async def endpoint(scope, receive, send):
        inside.append(scope["path"])
        await release.wait()

    admission = DatabaseAdmission(endpoint, slots=10, serialize_writes=True, queued_writes=[re.compile("^/queued$")])

    def call(path: str):
        return admission({"type": "http", "method": "POST", "path": path}, None, None)

    async def scenario():
        writing = [asyncio.ensure_future(call(path)) for path in ("/write", "/write-too", "/queued")]
        for _ in range(5):
            await asyncio.sleep(0)
        seen = list(inside)
        release.set()
        await asyncio.gather(*writing)
        return seen

    assert asyncio.run(scenario()) == ["/write", "/queued"]  # "/write-too" waits for the first write
    assert inside == ["/write", "/queued", "/write-too"]
