"""Scan inserts: INSERT OR IGNORE executemany on SQLite; on PostgreSQL one INSERT for a few rows, COPY into a
staging table for more.

The unique key (person_key, venue_id, at_minute) makes a repeated scan within the same minute, or
a re-sent batch, collapse into the stored one; each function returns how many rows were new.
Rows are tuples in SCAN_COLUMNS order. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import chain, islice

from sqlalchemy.engine import Connection

from fangkong.core import clock
from fangkong.core.db import refresh_statistics

SCAN_COLUMNS = ("person_key", "resident_id", "document_kind", "document_enc", "venue_id", "scanned_at",
                "at_minute", "until_minute", "source")
_NAMES = ", ".join(SCAN_COLUMNS)
SMALL_BATCH = 100  # PostgreSQL: up to this many rows go in one INSERT … VALUES, more through COPY


def _sqlite_time(moment: datetime) -> str:
    """The wall time in the city's zone, as SQLAlchemy stores a DateTime on SQLite."""
    return moment.astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M:%S.%f")


def insert_scans(conn: Connection, rows: Iterable[Sequence]) -> int:
    rest = iter(rows)
    head = list(islice(rest, SMALL_BATCH + 1))  # a large load still streams: only its first rows are held
    if not head:
        return 0
    rows = chain(head, rest)
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with driver.cursor() as cursor:
            if len(head) <= SMALL_BATCH:  # a scan or a few from the app: staging costs more than it saves
                one = "(" + ", ".join(["%s"] * len(SCAN_COLUMNS)) + ")"
                cursor.execute(f"INSERT INTO venue_scan ({_NAMES}) VALUES {', '.join([one] * len(head))} "
                               "ON CONFLICT DO NOTHING", [value for row in head for value in row])
                return cursor.rowcount
            # the scan columns only (no id): staging rows never draw from the id sequence
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS venue_scan_staging ON COMMIT DELETE ROWS AS "
                           f"SELECT {_NAMES} FROM venue_scan WITH NO DATA")
            cursor.execute("TRUNCATE venue_scan_staging")
            with cursor.copy(f"COPY venue_scan_staging ({_NAMES}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO venue_scan ({_NAMES}) SELECT {_NAMES} FROM venue_scan_staging "
                           "ON CONFLICT DO NOTHING")
            inserted = cursor.rowcount
            cursor.execute("TRUNCATE venue_scan_staging")
            return inserted
    cursor = driver.cursor()
    try:
        before = driver.total_changes
        cursor.executemany(
            f"INSERT OR IGNORE INTO venue_scan ({_NAMES}) VALUES ({', '.join('?' for _ in SCAN_COLUMNS)})",
            ((*row[:5], _sqlite_time(row[5]), *row[6:]) for row in rows),
        )
        return driver.total_changes - before
    finally:
        cursor.close()


def analyze(conn: Connection) -> None:
    """Planner statistics after a large load (the interval queries need the venue index chosen)."""
    refresh_statistics(conn, ["venue_scan"])
