"""High-volume writes of work resumption (demo, bench, imports): enterprises by Core executemany, status changes
by COPY on PostgreSQL and executemany on SQLite. Nothing here commits.

`status_rows` turns each enterprise's reported statuses (one a day, or only the changes) into change rows with
their `until_day`, the shape `enterprise_status` keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from fangkong.core import clock
from fangkong.core.db import refresh_statistics
from fangkong.enterprises.models import FOREVER, Enterprise

STATUS_COLUMNS = ("enterprise_id", "from_day", "until_day", "status", "staff_share", "output_value", "recorded_at",
                  "recorded_by", "district_id", "above_scale", "park")


def insert_enterprises(conn: Connection, rows: list[dict]) -> dict[str, int]:
    """Insert enterprises (dicts of Enterprise columns); returns credit code → id."""
    if not rows:
        return {}
    conn.execute(Enterprise.__table__.insert(), rows)
    codes = [r["credit_code"] for r in rows]
    found: dict[str, int] = {}
    for i in range(0, len(codes), 5000):
        found.update(conn.execute(select(Enterprise.credit_code, Enterprise.id)
                                  .where(Enterprise.credit_code.in_(codes[i:i + 5000]))).all())
    return found


def status_rows(reports: Iterable[tuple[int, date, str, int, float | None]], *, recorded_at: datetime,
                recorded_by: str, enterprises: dict[int, tuple[int, bool, str | None]]) -> list[tuple]:
    """(enterprise id, day, status, staff share, output) reports, in any order → change rows: a report that
    repeats the status in force adds nothing; each change ends where the next begins. `enterprises` gives each
    enterprise's (district id, above scale, park), copied into its rows."""
    by_enterprise: dict[int, list] = {}
    for enterprise_id, day, status, share, output in reports:
        by_enterprise.setdefault(enterprise_id, []).append((day, status, share, output))
    rows = []
    for enterprise_id, days in by_enterprise.items():
        days.sort(key=lambda d: d[0])
        changes = []
        for day, status, share, output in days:
            if changes and changes[-1][1] == status and changes[-1][2] == share:
                continue
            changes.append((day, status, share, output))
        for i, (day, status, share, output) in enumerate(changes):
            until = changes[i + 1][0] if i + 1 < len(changes) else FOREVER
            rows.append((enterprise_id, day, until, status, share, output, recorded_at, recorded_by,
                         *enterprises[enterprise_id]))
    return rows


def insert_statuses(conn: Connection, rows: Sequence[tuple]) -> int:
    if not rows:
        return 0
    names = ", ".join(STATUS_COLUMNS)
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY enterprise_status ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return len(rows)
    moment = clock.aware(rows[0][6]).astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M:%S.%f")
    cursor = driver.cursor()
    try:
        cursor.executemany(f"INSERT INTO enterprise_status ({names}) VALUES ({', '.join('?' * len(STATUS_COLUMNS))})",
                           ((r[0], r[1].isoformat(), r[2].isoformat(), r[3], r[4], r[5],
                             moment if r[6] == rows[0][6] else clock.aware(r[6]).astimezone(clock.zone())
                             .strftime("%Y-%m-%d %H:%M:%S.%f"), *r[7:]) for r in rows))
    finally:
        cursor.close()
    return len(rows)


def analyze(conn: Connection) -> None:
    refresh_statistics(conn, ["enterprise", "enterprise_status"])
