"""High-volume writes of the zones tables, for the demo scenario and the benchmark.

`insert_rounds` writes test rounds in one executemany (no re-evaluation: run the daily job after);
`insert_table` loads plain tuples through places.bulk.insert_rows (COPY on PostgreSQL,
executemany on SQLite) with ids chosen by the caller. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.places.bulk import insert_rows, reset_id_sequence
from fangkong.zones.models import Zone, ZoneInfection, ZonePlace, ZoneSpan, ZoneTestRound

TABLES = {"zone": Zone, "zone_place": ZonePlace, "zone_span": ZoneSpan, "zone_infection": ZoneInfection,
          "zone_test_round": ZoneTestRound}


def insert_rounds(session: Session, rows: Iterable[tuple[int, datetime]], *, result: str = "negative",
                  recorded_by: str = "system") -> int:
    """Full test rounds (zone id, sampled at), all with the same result."""
    now = clock.now()
    values = []
    for zone_id, sampled_at in rows:
        moment = sampled_at.astimezone(clock.zone())
        values.append({"zone_id": zone_id, "sampled_at": moment, "sampled_on": moment.date(), "result": result,
                       "recorded_at": now, "recorded_by": recorded_by})
    if values:
        session.execute(insert(ZoneTestRound), values)
    return len(values)


def insert_table(conn: Connection, name: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    insert_rows(conn, TABLES[name].__table__, columns, rows)


def reset_id_sequences(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        for model in (Zone, ZonePlace, ZoneSpan, ZoneTestRound):
            reset_id_sequence(conn, model.__table__)
