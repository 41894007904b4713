"""FastAPI dependencies shared by every domain: the request's unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import anyio
from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One unit of work per request: commit when the endpoint returns, roll back on error.

    Async on purpose: making a session touches no connection (that happens on its first statement, in
    the endpoint's worker thread), so only the end — commit or roll back, then close — takes a trip
    through the thread pool; a sync generator took two (measured on the scan API: see bench/README.md).
    """
    session = request.app.state.sessionmaker()
    try:
        yield session
    except BaseException:
        with anyio.CancelScope(shield=True):  # a cancelled request still gives its connection back
            await run_in_threadpool(finish, session, commit=False)
        raise
    await run_in_threadpool(finish, session, commit=True)


def finish(session: Session, *, commit: bool) -> None:
    """Commit (or roll back) and close; a failed commit is rolled back before the error goes on."""
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def unit_of_work(state: State) -> Iterator[Session]:
    """A unit of work taken in one piece, in a worker thread (core.one_trip's writer): commit when the
    block ends, roll back on error, close. `app.state.unit_of_work` holds it (tests put theirs there,
    as they override `get_session`)."""
    session = state.sessionmaker()
    try:
        yield session
    except BaseException:
        finish(session, commit=False)
        raise
    finish(session, commit=True)
