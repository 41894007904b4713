"""Hot write routes: the permission check, the work and the commit in one trip through the thread pool.

A sync route with `require(action)` and `get_session` goes through the thread pool three times (the
check, the endpoint, the commit); each trip is a hand-over between the event loop and a worker
thread, which for a one-scan request cost more than its database work (bench/README.md, tracing_api).
A route declares its action with `permissions.checked_in_trip(action)` and awaits `in_one_trip`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fangkong.core.permissions import Actor, authorize

T = TypeVar("T")


async def in_one_trip(request: Request, action: str, work: Callable[[Session, Actor], T]) -> T:
    """`work(session, actor)` for a caller allowed `action`, committed (rolled back on error), in one trip.

    The worker thread runs to its end even when the request is cancelled, so the session is always
    finished and its connection given back.
    """
    return await run_in_threadpool(_run, request, action, work)


def _run(request: Request, action: str, work: Callable[[Session, Actor], T]) -> T:
    state = request.app.state
    with state.unit_of_work(state) as session:
        return work(session, authorize(request, session, action))
