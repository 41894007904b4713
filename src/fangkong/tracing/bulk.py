"""Scan inserts: INSERT OR IGNORE executemany on SQLite; on PostgreSQL one INSERT for a few rows, COPY into a
staging table for more. Beside them, the look-ups every scan request makes (its venues, its residents),
through the driver too: a gate sends one scan a request, and SQLAlchemy's execution costs ~50 µs a
statement where the driver's costs ~2 (bench/README.md, tracing_api).

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
IN_LIST = 900  # values per IN list of a look-up (SQLite builds before 3.32 took at most 999 parameters)
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
                _insert_values(cursor, head)
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


def insert_scan_groups(conn: Connection, groups: list[list[Sequence]]) -> list[int]:
    """`insert_scans` of each group in turn; how many rows of each were new. On PostgreSQL, a few rows in
    all go in one INSERT … RETURNING (one round trip for a round of the app's writer), each new row
    credited to the first group holding it, as if the groups had been stored one after the other."""
    rows = [row for group in groups for row in group]
    if conn.dialect.name != "postgresql" or len(groups) == 1 or not rows or len(rows) > SMALL_BATCH:
        return [insert_scans(conn, group) for group in groups]
    with conn.connection.driver_connection.cursor() as cursor:
        _insert_values(cursor, rows, returning=" RETURNING person_key, venue_id, at_minute")
        new = set(cursor.fetchall())
    counts = []
    for group in groups:
        keys = {(row[0], row[4], row[6]) for row in group} & new
        new -= keys
        counts.append(len(keys))
    return counts


def _insert_values(cursor, rows: list[Sequence], returning: str = "") -> None:
    """PostgreSQL: the rows in one INSERT … VALUES, a stored (person, venue, minute) left as it is."""
    one = "(" + ", ".join(["%s"] * len(SCAN_COLUMNS)) + ")"
    cursor.execute(f"INSERT INTO venue_scan ({_NAMES}) VALUES {', '.join([one] * len(rows))} "
                   f"ON CONFLICT DO NOTHING{returning}", [value for row in rows for value in row])


def venues_and_residents(conn: Connection, codes: Sequence[str],
                         ids: Sequence[int]) -> tuple[dict[str, tuple[int, str]], set[int]]:
    """`venues_by_code` and `existing_residents` at once: one statement while both lists are short (a
    round of the scan API), a round trip less on PostgreSQL."""
    if not codes or not ids or len(codes) + len(ids) > IN_LIST:
        return (venues_by_code(conn, codes) if codes else {}), (existing_residents(conn, ids) if ids else set())
    rows = _rows(conn, f"SELECT v.code, v.id, d.code FROM venue v JOIN district d ON d.id = v.district_id "
                       f"WHERE v.code IN ({_marks(conn, len(codes))}) "
                       f"UNION ALL SELECT NULL, id, NULL FROM resident WHERE id IN ({_marks(conn, len(ids))})",
                 [*codes, *ids])
    venues = {code: (found, district) for code, found, district in rows if code is not None}
    return venues, {found for code, found, _district in rows if code is None}


def venues_by_code(conn: Connection, codes: Sequence[str]) -> dict[str, tuple[int, str]]:
    """code → (id, district code) of the venues among `codes`."""
    sql = "SELECT v.code, v.id, d.code FROM venue v JOIN district d ON d.id = v.district_id WHERE v.code IN ({marks})"
    return {code: (venue_id, district) for code, venue_id, district in _read_among(conn, sql, codes)}


def existing_residents(conn: Connection, ids: Sequence[int]) -> set[int]:
    """Those of `ids` that are residents."""
    return {row[0] for row in _read_among(conn, "SELECT id FROM resident WHERE id IN ({marks})", ids)}


def _read_among(conn: Connection, sql: str, among: Sequence) -> list[tuple]:
    """The rows of `sql` for the values `among` (its IN list, {marks}), IN_LIST at a time."""
    rows: list[tuple] = []
    for start in range(0, len(among), IN_LIST):
        part = list(among[start:start + IN_LIST])
        rows.extend(_rows(conn, sql.format(marks=_marks(conn, len(part))), part))
    return rows


def _marks(conn: Connection, count: int) -> str:
    return ", ".join(["%s" if conn.dialect.name == "postgresql" else "?"] * count)


def _rows(conn: Connection, sql: str, params: Sequence) -> list[tuple]:
    """The rows of one query through the driver's cursor."""
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def analyze(conn: Connection) -> None:
    """Planner statistics after a large load (the interval queries need the venue index chosen)."""
    refresh_statistics(conn, ["venue_scan"])
