"""FastAPI dependencies shared by every domain: the request's unit of work."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import anyio
from fastapi import Depends, Request
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State

from fangkong.core.errors import DomainError

log = logging.getLogger("fangkong")


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One unit of work per request: commit when the endpoint returns, roll back on error.

    Async on purpose: making a session touches no connection (that happens on its first statement, in
    the endpoint's worker thread), so only the end — commit or roll back, then close — takes a trip
    through the thread pool; a sync generator took two (measured on the scan API: see bench/README.md).
    Routes take it as `SESSION`, never as a bare `Depends(get_session)`.
    """
    session = request.app.state.sessionmaker()
    try:
        yield session
    except BaseException:
        with anyio.CancelScope(shield=True):  # a cancelled request still gives its connection back
            await run_in_threadpool(finish, session, commit=False)
        raise
    await run_in_threadpool(finish, session, commit=True)


# The answer leaves only after the commit. FastAPI ends a dependency of the default scope ("request")
# after the response has been sent: a client could read before the write was stored, and a failed
# commit had already been answered as success. Scope "function" ends it once the endpoint has
# returned and its response is built (models serialized, templates rendered, files written), before
# anything is sent; a failed commit then raises inside the route and the app's error handlers answer
# it. Chosen over a middleware that holds every answer back (it would buffer streamed exports) and
# over a commit in each route (one forgotten is a silent loss). tests/core/test_commit_before_answer.py
# checks that every route's session has this scope.
SESSION = Depends(get_session, scope="function")


def finish(session: Session, *, commit: bool) -> None:
    """Commit (or roll back) and close; a failed commit is rolled back and raised as a DomainError
    that says nothing was stored (409 when the stored data refused it, 503 otherwise)."""
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    except SQLAlchemyError as failure:
        session.rollback()
        if not commit:
            raise
        raise not_stored(failure) from failure
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def not_stored(failure: SQLAlchemyError) -> DomainError:
    log.warning("commit failed: %s", failure)
    if isinstance(failure, IntegrityError):
        return DomainError("not_stored", "the change conflicts with stored data and was not stored", 409,
                           {"reason": "constraint"})
    return DomainError("not_stored", "the database could not store the change; nothing was stored, "
                       "try again", 503, {"reason": "database"})


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
