"""High-volume writes of supplies: a bulk order's rows through the driver in one statement — COPY on
PostgreSQL, executemany on SQLite (places.bulk.insert_rows), ids from the database.

On SQLite the values are written the way SQLAlchemy's SQLite types store them (days as ISO text, moments as
local wall time with microseconds, booleans as 0/1), so the ORM reads them back as if it had written them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime

import psycopg
from sqlalchemy.orm import Session

from fangkong.core.errors import DomainError
from fangkong.places.bulk import insert_rows
from fangkong.supplies.models import SupplyOrder


def encoder(session: Session):
    """What the driver gets for a value of a day, a moment or a flag (convert the values shared by every row
    once, not per row)."""
    if session.get_bind().dialect.name == "postgresql":
        return lambda value: value
    return _sqlite_value


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def insert_orders(session: Session, rows: Sequence[dict]) -> None:
    """Rows as dicts with the same keys (columns of supply_order, without the id), values already encoded.

    An order placed meanwhile for the same household, pack, day and round (two workers at once) is a 409."""
    if not rows:
        return
    columns = list(rows[0])
    try:
        insert_rows(session.connection(), SupplyOrder.__table__, columns,
                    (tuple(row[c] for c in columns) for row in rows))
    except (sqlite3.IntegrityError, psycopg.errors.IntegrityError):
        raise DomainError("orders_changed", "some of these households were ordered for meanwhile: order again",
                          status=409) from None
