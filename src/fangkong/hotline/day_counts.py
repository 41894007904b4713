"""Per-day counts of the hotline's tickets, kept by every write: the dashboard's 14 days without scanning them.

A ticket counts on the day it was received, under its district and its current department, in each
counter its state has reached (KEPT: received, taken on, replied, replied on time, resolved, visited,
satisfied; refused tickets count nowhere). A flush that adds, changes or deletes tickets moves their
share: before it, what the database holds for them is taken off; after it, what it holds now is added
— both read with the same SQL (`kept_columns`) that `rebuild` and the figures' own scan use, so there
is one definition of each counter. Bulk loads that write tickets with plain SQL call `rebuild`.
(The reminder sweep's UPDATE touches no counted column.) The one count that moves with the clock — open
tickets past their reply deadline — is not kept: it is counted from the tickets (few, indexed by state
and deadline).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, case, delete, event, func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from fangkong.hotline.models import Ticket, TicketDayCount

KEPT = ("received", "responded", "replied", "on_time", "resolved", "visited", "satisfied")
KEY = ("received_on", "district_id", "department_id")
_PENDING = "hotline_day_counts"


def _flag(condition):
    return func.sum(case((condition, 1), else_=0))


def kept_columns():
    """One aggregate per KEPT counter over a group of (non-refused) tickets."""
    replied = Ticket.state.in_(("replied", "closed", "visited"))
    return (
        func.count(),
        _flag(Ticket.state.notin_(("received", "dispatched"))),
        _flag(replied),
        _flag(and_(replied, Ticket.replied_at <= Ticket.reply_due_at)),
        _flag(Ticket.state.in_(("closed", "visited"))),
        _flag(Ticket.satisfaction.is_not(None)),
        _flag(Ticket.satisfaction.in_(("satisfied", "basically"))),
    )


def _grouped(*conditions):
    key = (Ticket.received_on, func.coalesce(Ticket.district_id, 0), func.coalesce(Ticket.department_id, 0))
    return select(*key, *kept_columns()).where(Ticket.state != "refused", *conditions).group_by(*key)


def rebuild(conn: Connection) -> None:
    """Every count again from the tickets (after a bulk load, or to repair), in the caller's transaction."""
    conn.execute(delete(TicketDayCount))
    conn.execute(insert(TicketDayCount).from_select([*KEY, *KEPT], _grouped()))


def _shares(conn: Connection, ids: list[int]) -> dict[tuple, list[int]]:
    shares: dict[tuple, list[int]] = {}
    for start in range(0, len(ids), 500):
        for day, district, department, *counts in conn.execute(_grouped(Ticket.id.in_(ids[start:start + 500]))):
            shares[(day, district, department)] = [int(c or 0) for c in counts]
    return shares


def _add(conn: Connection, deltas: dict[tuple, list[int]]) -> None:
    rows = [{**dict(zip(KEY, key)), **dict(zip(KEPT, counts))} for key, counts in deltas.items() if any(counts)]
    if not rows:
        return
    upsert = (postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert)(TicketDayCount)
    conn.execute(upsert.on_conflict_do_update(
        index_elements=list(KEY), set_={name: getattr(TicketDayCount, name) + upsert.excluded[name] for name in KEPT}),
        rows)


@event.listens_for(Session, "before_flush")
def _take_off_old_shares(session: Session, _context, _instances) -> None:
    session.info.pop(_PENDING, None)  # a flush that failed before its after_flush leaves nothing to apply
    touched = [t for t in (*session.new, *session.dirty, *session.deleted) if isinstance(t, Ticket)]
    if not touched:
        return
    stored = [t.id for t in (*session.dirty, *session.deleted) if isinstance(t, Ticket) and t.id is not None]
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(KEPT))
    for key, counts in (_shares(session.connection(), stored) if stored else {}).items():
        deltas[key] = [-c for c in counts]
    session.info[_PENDING] = (deltas, [t for t in touched if t not in session.deleted])


@event.listens_for(Session, "after_flush")
def _add_new_shares(session: Session, _context) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    deltas, tickets = pending
    conn = session.connection()
    for key, counts in _shares(conn, [t.id for t in tickets]).items():
        deltas[key] = [old + new for old, new in zip(deltas[key], counts)]
    _add(conn, deltas)
