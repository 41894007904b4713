"""FastAPI dependencies shared by every domain: the request's unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool


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
            await run_in_threadpool(_finish, session, commit=False)
        raise
    await run_in_threadpool(_finish, session, commit=True)


def _finish(session: Session, *, commit: bool) -> None:
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
