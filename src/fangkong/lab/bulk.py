"""High-volume writes of the lab: executemany on SQLite, COPY on PostgreSQL. Nothing here commits.

Callers have already set aside what is stored (duplicates are answered before the write), so
rows go straight into their table. Times are written as SQLAlchemy writes a DateTime on SQLite
(the city's wall time as text); PostgreSQL receives aware datetimes through COPY.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache

import psycopg
from sqlalchemy import String, any_, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

from fangkong.core import clock
from fangkong.core.db import refresh_statistics

TUBE_COLUMNS = ("round_id", "barcode", "pool_size", "point_id", "district_id", "sampled_at")
SAMPLE_COLUMNS = ("round_id", "barcode", "person_mac", "document_kind", "document_enc", "sampled_at", "attempt")
RESULT_COLUMNS = ("round_id", "barcode", "lab_id", "outcome", "ct_orf", "ct_n", "tested_at", "tested_on",
                  "turnaround_minutes", "recorded_at")
RECEIPT_COLUMNS = ("round_id", "barcode", "lab_id", "received_at")


@lru_cache(maxsize=65536)  # a round's swabs share few distinct minutes
def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


@lru_cache(maxsize=65536)
def _copy_value(value):
    """A time as COPY's text: psycopg formats an aware datetime per row, at twice the cost of the row."""
    return value.isoformat() if isinstance(value, (datetime, date)) else value


def _with_texts(rows: list[Sequence], dated: list[int], text) -> list[list]:
    converted = []
    for row in rows:
        row = list(row)
        for index in dated:
            if row[index] is not None:
                row[index] = text(row[index])
        converted.append(row)
    return converted


class Conflict(Exception):
    """A row collided with a unique key: the caller rolls back its savepoint and checks more carefully."""


def insert_rows(conn: Connection, table: str, columns: Sequence[str], rows: list[Sequence]) -> int:
    """Insert `rows` (tuples in `columns` order) into `table`; returns how many, or raises Conflict."""
    if not rows:
        return 0
    try:
        return _insert(conn, table, columns, rows)
    except (sqlite3.IntegrityError, psycopg.errors.IntegrityError) as exc:
        raise Conflict(str(exc)) from exc


def _insert(conn: Connection, table: str, columns: Sequence[str], rows: list[Sequence]) -> int:
    names = ", ".join(columns)
    driver = conn.connection.driver_connection
    dated = [i for i, c in enumerate(columns) if c.endswith(("_at", "_on"))]
    if conn.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in _with_texts(rows, dated, _copy_value) if dated else rows:
                copy.write_row(row)
        return len(rows)
    if dated:
        rows = _with_texts(rows, dated, _sqlite_value)
    cursor = driver.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})", rows)
    finally:
        cursor.close()
    return len(rows)


def among(conn: Connection, column, values):
    """`column IN values` for thousands of texts as ONE parameter (a JSON array on SQLite, an array on
    PostgreSQL): rendering 20,000 bound parameters costs more than the query itself."""
    values = sorted(values)
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(String)))
    return column.in_(select(literal_column("value")).select_from(func.json_each(json.dumps(values))))


def analyze(conn: Connection) -> None:
    """Planner statistics after a large load (the barcode look-ups of the results need their index)."""
    refresh_statistics(conn, ["tube", "sample"])
