"""Moving many plan groups to new plans at once, set-wise (a policy switch).

Plans are stored once and never change (people.plans), so rewriting a group's plan is: store the
few new plans, then point the group's people at them. A temporary mapping table holds, per
(old plan, district), the new plan and the columns people copy from it; INSERT … SELECT writes
the history events and UPDATE … FROM moves the people, whatever the number of groups. Each runs
twice: once joined on an equal district (a plain equi-join the planner can hash; measured on
PostgreSQL: a join on COALESCE(district_id, …) was estimated at 5 % of its rows and run as
a nested loop re-reading each plan's people per district), once for people without a district.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import (
    JSON, Column, Date, DateTime, Index, Integer, MetaData, String, Table, and_, insert, literal, select, update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from fangkong.people.managed_models import ManagedEvent, ManagedPerson
from fangkong.people.plans import PlanGroup, actor_identity, plan_columns, store_plans
from fangkong.policy import Plan

_TEMP = MetaData()
_MOVE = Table(
    "fk_plan_move", _TEMP,
    Column("plan_id", Integer), Column("district_id", Integer), Column("new_plan_id", Integer),
    Column("pack", String(20)), Column("status", String(12)),
    Column("phase_kind", String(32)), Column("starts_on", Date), Column("release_on", Date),
    Column("before", JSON), Column("after", JSON),
    Index("ix_fk_plan_move_plan_district", "plan_id", "district_id", unique=True),
    prefixes=["TEMPORARY"],
)
SQLITE_MOVE_CACHE_KIB = -262_144  # 256 MB of page cache for the move, then back to the connection's own


def move_groups(
    session: Session, moves: Sequence[tuple[PlanGroup, Plan]], *, conditions: Iterable, today: date, at: datetime,
    actor, event_kind: str, before: Sequence[dict], after: Sequence[dict],
) -> int:
    """Point each group's people (those matching `conditions`) at the group's new plan, set-wise.

    The new plans are stored first (once each); then one history event per person
    (`before[i]`/`after[i]` for group i) and the people's plan columns, each by one statement
    joined on a temporary (old plan, district) → new plan table. Returns the number of people moved.
    """
    if not moves:
        return 0
    conn = session.connection()
    new_ids = store_plans(conn, [plan for _, plan in moves])
    rows = [
        {
            "plan_id": group.plan_id, "district_id": group.district_id, "new_plan_id": new_id,
            **plan_columns(plan, today), "before": b, "after": a,
        }
        for (group, plan), new_id, b, a in zip(moves, new_ids, before, after, strict=True)
    ]
    person = ManagedPerson.__table__
    M = _MOVE.c
    joins = (
        and_(M.plan_id == person.c.plan_id, M.district_id == person.c.district_id),
        and_(M.plan_id == person.c.plan_id, M.district_id.is_(None), person.c.district_id.is_(None)),
    )
    user_id, name = actor_identity(actor)
    moved = 0
    with _mapping(conn, rows), _sqlite_cache(conn):
        for joined in joins:
            conn.execute(insert(ManagedEvent.__table__).from_select(
                ["person_id", "at", "kind", "before", "after", "actor_user_id", "actor_name"],
                select(person.c.id, literal(at, DateTime(timezone=True)), literal(event_kind, String), M.before,
                       M.after, literal(user_id, Integer), literal(name, String))
                .join_from(person, _MOVE, joined).where(*conditions).order_by(person.c.id),
            ))
        for joined in joins:
            moved += conn.execute(
                update(person).values(
                    plan_id=M.new_plan_id, pack=M.pack, status=M.status, phase_kind=M.phase_kind,
                    starts_on=M.starts_on, release_on=M.release_on, updated_at=at,
                ).where(joined, *conditions)
            ).rowcount
    return moved


@contextmanager
def _mapping(conn: Connection, rows: list[dict]) -> Iterator[None]:
    _MOVE.drop(conn, checkfirst=True)
    _MOVE.create(conn)
    try:
        conn.execute(_MOVE.insert(), rows)
        if conn.dialect.name == "postgresql":  # a fresh temporary table has no statistics: plans would guess
            conn.exec_driver_sql(f"ANALYZE {_MOVE.name}")
        yield
    finally:
        _MOVE.drop(conn, checkfirst=True)


@contextmanager
def _sqlite_cache(conn: Connection) -> Iterator[None]:
    """A large page cache on SQLite while moving: with the default 2 MB the UPDATE re-reads index pages."""
    if conn.dialect.name != "sqlite":
        yield
        return
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size={SQLITE_MOVE_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
