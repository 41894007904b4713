"""Hot write routes: a writer thread commits together what their requests queued (a group commit).

A gate scan is a row or two. Alone, its trip through the thread pool, its connection, its token
look-up and its commit cost several times its rows (bench/README.md, tracing_api). A route declares
its action with `permissions.checked_in_trip(action)` and awaits `in_one_trip(request, action, work)`:
the job joins the app's queue; its writer thread drains it, taking every job waiting (up to MAX_ROUND)
into one unit of work (on PostgreSQL two threads take turns: `writer_threads`). Each job's caller is
checked first — a refused caller gets its 401/403 alone, having written nothing — then its work
runs, and the round commits once. When a job's work (or the commit) fails, the round is rolled back
and its jobs run again one by one, each in a unit of work of its own: one bad job never costs another
its rows or its answer. When nothing else is waiting a round is one job, as the thread pool's trip was.

Work whose class has `run_together(session, [(work, actor), ...]) -> [result, ...]` runs with the
other jobs of its kind in the round in one call (tracing.scans.ScanWork: one look-up of all their
venues, one audit statement), outside the requests' contexts: such work carries what it needs.

Each job runs in a copy of its request's context (the audit log's request id and client address).
A job whose request was cancelled (the client went away) still runs to its end, as a thread-pool
trip would. Writes queued here do not pass the SQLite writer lock of `core.admission` (the app lists
their paths there): on SQLite the writer is one thread, and it waits for SQLite's own lock like any
process.
"""

from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fangkong.core.auth import forget_principal
from fangkong.core.errors import DomainError
from fangkong.core.permissions import Actor, authorize

T = TypeVar("T")
MAX_ROUND = 64  # jobs in one commit; a scan job holds at most scans.MAX_BATCH records
POSTGRESQL_WRITERS = 2


async def in_one_trip(request: Request, action: str, work: Callable[[Session, Actor], T]) -> T:
    """`work(session, actor)` for a caller allowed `action`, committed with the jobs queued beside it."""
    return await request.app.state.group_writer.submit(request, action, work)


@dataclass(eq=False)
class _Job:
    request: Request
    action: str
    work: Callable[[Session, Actor], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future
    context: contextvars.Context = field(default_factory=contextvars.copy_context)
    outcome: tuple[bool, Any] = (False, None)  # (succeeded, result or exception)

    def checked(self, session: Session) -> Actor | None:
        """The caller as an Actor, or None with the refusal kept as this job's outcome."""
        try:
            return self.context.run(authorize, self.request, session, self.action)
        except DomainError as refusal:
            self.outcome = (False, refusal)
            return None

    def run(self, session: Session, actor: Actor) -> None:
        self.outcome = (True, self.context.run(self.work, session, actor))


def writer_threads(engine: Engine) -> int:
    """One writer on SQLite (one writer is all it has); on PostgreSQL two, so that one round is checked and
    built while the other waits for the server (bench/README.md, tracing_api)."""
    return 1 if engine.dialect.name == "sqlite" else POSTGRESQL_WRITERS


class GroupWriter:
    """The app's queue of write jobs and the thread(s) draining it (started with the first job)."""

    def __init__(self, state: Any, *, threads: int = 1) -> None:
        self.state = state
        self.threads = threads
        self._queue: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._running: list[threading.Thread] = []
        self._starting = threading.Lock()

    async def submit(self, request: Request, action: str, work: Callable[[Session, Actor], T]) -> T:
        loop = asyncio.get_running_loop()
        job = _Job(request, action, work, loop, loop.create_future())
        self._start()
        self._queue.put(job)
        return await job.future

    def _start(self) -> None:
        if not self._running:
            with self._starting:
                while len(self._running) < self.threads:
                    thread = threading.Thread(target=self._drain, name=f"fangkong-writer-{len(self._running)}",
                                              daemon=True)
                    thread.start()
                    self._running.append(thread)

    def _drain(self) -> None:
        while True:
            jobs = [self._queue.get()]
            while len(jobs) < MAX_ROUND:
                try:
                    jobs.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self._run_round(jobs)
            except BaseException as failure:  # noqa: BLE001 — a bug here must not leave requests waiting
                for job in jobs:
                    job.outcome = (False, failure)
            _deliver(jobs)

    def _run_round(self, jobs: list[_Job]) -> None:
        try:
            with self.state.unit_of_work(self.state) as session:
                allowed = [(job, actor) for job in jobs if (actor := job.checked(session)) is not None]
                for together, group in _by_kind(allowed):
                    if together is None:
                        for job, actor in group:
                            job.run(session, actor)
                        continue
                    results = together(session, [(job.work, actor) for job, actor in group])
                    for (job, _actor), result in zip(group, results, strict=True):
                        job.outcome = (True, result)
        except BaseException:  # noqa: BLE001 — the round is rolled back; each job is answered alone
            for job in jobs:
                self._run_alone(job)

    def _run_alone(self, job: _Job) -> None:
        forget_principal(job.request)  # the round's session, and what it loaded, is gone
        try:
            with self.state.unit_of_work(self.state) as session:
                actor = job.checked(session)
                if actor is not None:
                    job.run(session, actor)
        except BaseException as failure:  # noqa: BLE001 — it is this job's answer
            job.outcome = (False, failure)


def _by_kind(allowed: list[tuple[_Job, Actor]]) -> list[tuple[Callable | None, list[tuple[_Job, Actor]]]]:
    """The jobs whose work can run together (a `run_together` of its class), grouped by kind in order of
    arrival; every other job on its own (None)."""
    groups: dict[Any, list[tuple[_Job, Actor]]] = {}
    alone: list[tuple[None, list[tuple[_Job, Actor]]]] = []
    for job, actor in allowed:
        together = getattr(type(job.work), "run_together", None)
        if together is None:
            alone.append((None, [(job, actor)]))
        else:
            groups.setdefault(together, []).append((job, actor))
    return [*groups.items(), *alone]


def _deliver(jobs: list[_Job]) -> None:
    """Each job's outcome to its event loop: one hand-over per loop for the whole round."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
    for job in jobs:
        by_loop.setdefault(job.loop, []).append(job)
    for loop, own in by_loop.items():
        try:
            loop.call_soon_threadsafe(_settle, own)
        except RuntimeError:  # that loop has closed: nobody waits for these answers any more
            pass


def _settle(jobs: list[_Job]) -> None:
    for job in jobs:
        if job.future.cancelled():
            continue
        succeeded, value = job.outcome
        if succeeded:
            job.future.set_result(value)
        else:
            job.future.set_exception(value)
