"""The audit log: append-only rows for every write and every view of personal data.

The database itself refuses UPDATE and DELETE on `audit_event` (triggers created by the
migration), so not even a bug in the application can rewrite history.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from fangkong.core import clock
from fangkong.core.db import Base
from fangkong.core.pagination import PageRequest, fetch_page


# (request id, client address) of the request being served, bound by the app's middleware
_request_context: ContextVar[tuple[str | None, str | None]] = ContextVar("audit_request", default=(None, None))


def bind_request(request_id: str | None, ip: str | None) -> None:
    _request_context.set((request_id, ip))


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_name: Mapped[str] = mapped_column(String(64))
    actor_via: Mapped[str] = mapped_column(String(16))  # session | token | cli | system
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(500))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(64))


_INSERT_EVENT = insert(AuditEvent)


def record(session: Session, **fields: Any) -> int:
    """Append one audit row (`event`'s fields) in the caller's unit of work — it commits or rolls back with
    the change; its id.

    `actor` is a permissions.Actor (or anything with .user and .principal.via); the request id
    and client address come from the request being served, if any. The caller's pending objects are
    flushed first (callers read their ids after this); the row itself is one Core INSERT, not an ORM
    object: some requests (a scan) write little else, and a unit-of-work flush was 14 % of their time.
    """
    session.flush()
    return session.connection().execute(_INSERT_EVENT, event(**fields)).inserted_primary_key[0]


def record_many(session: Session, events: list[dict]) -> None:
    """Append the rows `event(...)` built, in one statement (the writer's round of many requests)."""
    if events:
        session.connection().execute(_INSERT_EVENT, events)


def current_request() -> tuple[str | None, str | None]:
    """(request id, client address) of the request being served, to build its `event` elsewhere."""
    return _request_context.get()


def event(
    *,
    action: str,
    object_type: str,
    object_id: Any = None,
    actor: Any = None,
    actor_name: str | None = None,
    actor_via: str = "system",
    reason: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    request: tuple[str | None, str | None] | None = None,
) -> dict:
    """One audit row's values (`record`'s arguments; `request` defaults to the request being served)."""
    request_id, ip = request or _request_context.get()
    user = getattr(actor, "user", None)
    via = getattr(getattr(actor, "principal", None), "via", None) or actor_via
    return {
        "at": clock.now(), "actor_user_id": getattr(user, "id", None),
        "actor_name": actor_name or getattr(user, "username", None) or via, "actor_via": via,
        "action": action, "object_type": object_type, "object_id": None if object_id is None else str(object_id),
        "reason": reason, "before": before, "after": after, "request_id": request_id, "ip": ip,
    }


def search(
    session: Session,
    *,
    page: PageRequest,
    actor_name: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    for column, value in (
        (AuditEvent.actor_name, actor_name),
        (AuditEvent.action, action),
        (AuditEvent.object_type, object_type),
        (AuditEvent.object_id, object_id),
    ):
        if value:
            query = query.where(column == value)
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until)
    return fetch_page(session, query, page, AuditEvent.id.desc())
