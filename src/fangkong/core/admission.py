"""Admission to the database: no more requests at once than pooled connections; one writer at a time on SQLite.

Sync endpoints run in worker threads, and FastAPI needs more than one thread per request (the
dependencies, the endpoint, the response validation). When more requests arrive than the pool has
connections, the extra ones block worker threads waiting for a connection, others block on a row
lock (PostgreSQL) or the write lock (SQLite), and the request that holds the lock cannot get a
thread to finish: everybody times out after 30 s (found by tests/quarantine/test_concurrency.py:
50 simultaneous assignments). So requests queue here, in the event loop, before they reach the
database: at most `slots` at once (the pool's size plus overflow), and on SQLite writing
requests (every method but GET, HEAD, OPTIONS) one at a time — SQLite has one writer anyway.
Static files pass straight through, and so do the routes whose writes go to the app's writer thread
(`core.one_trip`): they take no pooled thread, and that thread waits for SQLite's lock itself.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable

from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Receive, Scope, Send

READS = {"GET", "HEAD", "OPTIONS"}
DEFAULT_SLOTS = 10


def pool_slots(engine: Engine) -> int:
    pool = engine.pool
    size = getattr(pool, "size", None)
    if not callable(size):
        return DEFAULT_SLOTS
    return max(1, size() + max(getattr(pool, "_max_overflow", 0), 0))


class DatabaseAdmission:
    def __init__(self, app: ASGIApp, *, slots: int, serialize_writes: bool,
                 queued_writes: Iterable[re.Pattern] = ()) -> None:
        self.app = app
        self.queued_writes = tuple(queued_writes)
        self.slots = slots
        self.serialize_writes = serialize_writes
        self._loop: asyncio.AbstractEventLoop | None = None
        self._gate: asyncio.Semaphore | None = None
        self._writer: asyncio.Lock | None = None

    def _primitives(self) -> tuple[asyncio.Semaphore, asyncio.Lock]:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # test clients each run an event loop of their own
            self._loop, self._gate, self._writer = loop, asyncio.Semaphore(self.slots), asyncio.Lock()
        return self._gate, self._writer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/") or self._queued(scope):
            await self.app(scope, receive, send)
            return
        gate, writer = self._primitives()
        if self.serialize_writes and scope["method"] not in READS:
            async with writer, gate:
                await self.app(scope, receive, send)
            return
        async with gate:
            await self.app(scope, receive, send)

    def _queued(self, scope: Scope) -> bool:
        return scope["method"] == "POST" and any(route.match(scope["path"]) for route in self.queued_writes)
