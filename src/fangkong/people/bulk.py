"""High-volume inserts into households, residents and people under management: executemany on SQLite, COPY on PostgreSQL.

Rows are plain tuples in the order of HOUSEHOLD_COLUMNS / RESIDENT_COLUMNS, ids chosen by the
caller, ID numbers and phones already encrypted (fangkong.core.pii). Nothing here commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import JSON
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateIndex

from fangkong.people import plans as stored
from fangkong.core.db import refresh_statistics
from fangkong.people.managed_models import ManagedEvent, ManagedPerson
from fangkong.people.models import Household, Resident
from fangkong.places.bulk import insert_rows, reset_id_sequence

HOUSEHOLD_COLUMNS = ("id", "unit_id", "size")
RESIDENT_COLUMNS = (
    "id", "name", "id_number_enc", "id_number_mac", "phone_enc", "phone_mac", "sex", "birth_date",
    "household_id", "home_unit_id", "community_id", "district_id",
)


def insert_households(conn: Connection, rows: Iterable[Sequence]) -> None:
    insert_rows(conn, Household.__table__, HOUSEHOLD_COLUMNS, rows)


def insert_residents(conn: Connection, rows: Iterable[Sequence]) -> None:
    """`birth_date` may be a date or an ISO string ('1990-01-31')."""
    insert_rows(conn, Resident.__table__, RESIDENT_COLUMNS, rows)


@contextmanager
def deferred_resident_indexes(conn: Connection) -> Iterator[None]:
    """On SQLite, drop the residents' secondary indexes for a load and rebuild them after it.

    Building an index once from sorted data beats updating five b-trees row by row (measured:
    about a quarter faster for a million residents). The unique index on id_number_mac is
    part of the table definition and stays, so duplicates still fail at insert time.
    On other backends this does nothing.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    indexes = sorted(Resident.__table__.indexes, key=lambda index: index.name)
    preparer = conn.dialect.identifier_preparer
    for index in indexes:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {preparer.quote(index.name)}")
    yield
    for index in indexes:
        conn.execute(CreateIndex(index))


def reset_id_sequences(conn: Connection) -> None:
    """After inserting explicit ids on PostgreSQL, move the id sequences past the highest id."""
    if conn.dialect.name == "postgresql":
        reset_id_sequence(conn, Household.__table__)
        reset_id_sequence(conn, Resident.__table__)


# ---------------------------------------------------------------- people under management

MANAGED_TABLES = ("managed_person", "managed_event", "managed_plan", "managed_plan_phase", "managed_plan_test")
MANAGED_COLUMNS = (
    "id", "resident_id", "name", "document_kind", "document_enc", "document_mac", "category", "anchor",
    "identified_on", "source", "district_id", "community_id", "created_at", "updated_at",
)


def insert_managed(conn: Connection, people: Sequence[dict], plans: Sequence, *, actor: str = "system") -> None:
    """People under management with their plans, in bulk: each distinct plan stored once, the people, a created event.

    `people[i]` holds MANAGED_COLUMNS (ids chosen by the caller, documents already encrypted,
    `created_at` also the time of the created event); `plans[i]` is its engine plan, overrides
    already applied. Plans not stored yet are inserted (people.plans.store_plans); columns that
    follow from the plan (people.plans.plan_columns) are computed here, as of each person's
    `created_at` day; the stored rows are those put_under_management writes, without the
    per-person audit row (the caller records one for the batch). People and events go by COPY
    on PostgreSQL, executemany elsewhere; planner statistics are refreshed after the load
    (core.db.refresh_statistics). Nothing here commits.
    """
    persons, events = [], []
    for person, plan, plan_id in zip(people, plans, stored.store_plans(conn, plans), strict=True):
        pid, at = person["id"], person["created_at"]
        persons.append({
            **{k: person.get(k) for k in MANAGED_COLUMNS}, "plan_id": plan_id,
            **stored.plan_columns(plan, at.date()),
        })
        events.extend(stored.event_rows([pid], kind="created", at=at, actor=actor, after=[stored.plan_summary(plan)]))
    insert_dicts(conn, ManagedPerson.__table__, persons)
    insert_dicts(conn, ManagedEvent.__table__, events)
    if conn.dialect.name == "postgresql":
        reset_id_sequence(conn, ManagedPerson.__table__)
    refresh_statistics(conn, MANAGED_TABLES)


def insert_dicts(conn: Connection, table, rows: Sequence[dict]) -> None:
    """Rows as dicts (the same keys in every row): COPY on PostgreSQL, Core executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), list(rows))
        return
    columns = list(rows[0])
    json_columns = {name for name in columns if isinstance(table.c[name].type, JSON)}
    dumps = json.dumps

    def native(row: dict) -> tuple:
        return tuple(dumps(row[c]) if c in json_columns and row[c] is not None else row[c] for c in columns)

    insert_rows(conn, table, columns, (native(row) for row in rows))
