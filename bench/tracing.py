"""Scenario tracing: contact candidates of 100 cases over a large scan table, beside a naive self-join,
and scan import from a CSV file beside a naive ORM insert and the raw executemany limit.

Size knob: FANGKONG_BENCH_SCANS (default 15,000,000 = 3 days x 5 M, the issue's figure) and
FANGKONG_BENCH_IMPORT_ROWS (default 1,000,000). Setup (not timed): one district, 20,000 venues of
the pack's kinds, scans of persons r1..rP over 2022-11-10..12 (a third with an exit scan, stays of
5-60 min) loaded through tracing.bulk.insert_scans (COPY / executemany), then ANALYZE.

Timed:
- `tracing.service.candidates_for` for 100 cases (persons with scans, reported 2022-11-12, so the
  whole table lies in their window): total seconds, with the candidates found.
- the naive self-join (every co-present pair, `venue_scan a JOIN venue_scan b` on venue and time)
  on a 1 M-scan subset: seconds.
- CSV import (`tracing.cli.import_file`: parse, validate, insert) of N rows into an empty table,
  a naive ORM insert (`session.add(VenueScan(...))` per row, one commit) of min(N, 100 000) rows,
  and the raw executemany/COPY of the same prepared tuples: rows per second each.
"""

from __future__ import annotations

import csv
import os
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

SEED = 2022
VENUES = 20_000
CASES = 100
SUBSET = 1_000_000
DAYS = ("2022-11-10", "2022-11-11", "2022-11-12")
GAP = 15


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def run(backends=("sqlite", "postgresql")) -> dict:
    os.environ["FANGKONG_CLOCK"] = "2022-11-13T09:00"
    os.environ.setdefault("FANGKONG_SECRET_KEY", "bench-secret-key-not-for-production")
    from fangkong.config import reset_settings

    reset_settings()
    scans = _env_int("FANGKONG_BENCH_SCANS", 15_000_000)
    rows = _env_int("FANGKONG_BENCH_IMPORT_ROWS", 1_000_000)
    result = {"scenario": "tracing", "scans": scans, "import_rows": rows, "cases": CASES, "venues": VENUES,
              "backends": {}}
    for backend in backends:
        result["backends"][backend] = _one(backend, scans, rows)
    _print(result)
    return result


def _scan_rows(count: int, persons: int, rng: random.Random, first_id: int = 0):
    """Tuples in tracing.bulk.SCAN_COLUMNS order, spread over three days from 06:00 to 22:00."""
    from fangkong.core import clock
    from fangkong.tracing.scans import epoch_minute

    zone = clock.zone()
    starts = [datetime.fromisoformat(f"{d}T06:00").replace(tzinfo=zone) for d in DAYS]
    for _ in range(count):
        person = rng.randrange(1, persons + 1)
        at = starts[rng.randrange(3)] + timedelta(minutes=rng.randrange(960))
        minute = epoch_minute(at)
        until = minute + (rng.randrange(5, 61) if rng.random() < 0.33 else 0)
        yield (f"r{person}", person, None, None, rng.randrange(1, VENUES + 1), at, minute, until, "import")


def _setup_places(conn) -> None:
    from fangkong.places import bulk as places_bulk
    from fangkong.policy import get_pack

    kinds = get_pack("measures20").tracing.venue_kinds
    places_bulk.insert_districts(conn, [(1, "140213", "平城区", "Pingcheng", "district", 40.08, 113.3)])
    places_bulk.insert_venues(conn, [(v, f"B{v:07d}", kinds[v % len(kinds)], f"场所{v}", "", 1, None, 40.0, 113.0)
                                     for v in range(1, VENUES + 1)])
    places_bulk.reset_id_sequences(conn)


def _load(db, scans: int) -> tuple[float, int]:
    from fangkong.tracing import bulk

    rng = random.Random(f"{SEED}:scans")
    persons = max(scans // 5, 1000)
    started = time.perf_counter()
    with db.engine.begin() as conn:
        _setup_places(conn)
        left = scans
        while left > 0:
            chunk = min(left, 500_000)
            bulk.insert_scans(conn, _scan_rows(chunk, persons, rng))
            left -= chunk
        bulk.analyze(conn)
    return time.perf_counter() - started, persons


def _candidates(db, persons: int) -> dict:
    from datetime import date

    from sqlalchemy.orm import Session

    from fangkong.people.case_models import Case
    from fangkong.tracing import service

    rng = random.Random(f"{SEED}:cases")
    cases = [Case(id=i, resident_id=rng.randrange(1, persons + 1), reported_on=date(2022, 11, 12), home_unit_id=None)
             for i in range(1, CASES + 1)]
    with Session(db.engine) as session:
        service.candidates_for(session, cases[0], pack="measures20")  # warm the caches once
        started = time.perf_counter()
        found = sum(len(service.candidates_for(session, case, pack="measures20")) for case in cases)
        spent = time.perf_counter() - started
    return {"seconds": round(spent, 3), "candidates": found}


NAIVE = """
SELECT count(*) FROM (SELECT * FROM venue_scan WHERE id <= :n) a
JOIN (SELECT * FROM venue_scan WHERE id <= :n) b
  ON a.venue_id = b.venue_id AND a.person_key <> b.person_key
 AND b.at_minute <= a.until_minute + :gap AND b.until_minute >= a.at_minute - :gap
"""


def _naive(db) -> dict:
    from sqlalchemy import text

    with db.engine.connect() as conn:
        started = time.perf_counter()
        pairs = conn.execute(text(NAIVE), {"n": SUBSET, "gap": GAP}).scalar()
        return {"seconds": round(time.perf_counter() - started, 3), "pairs": pairs, "subset": SUBSET}


def _import(backend: str, rows: int) -> dict:
    from bench.managed_setup import Database
    from sqlalchemy.orm import Session

    from fangkong.tracing import bulk
    from fangkong.tracing.cli import CLI_ACTOR, import_file
    from fangkong.tracing.models import VenueScan

    rng = random.Random(f"{SEED}:import")
    prepared = list(_scan_rows(rows, max(rows // 5, 1000), rng))
    folder = Path(tempfile.mkdtemp(prefix="fangkong-bench-csv-"))
    path = folder / "scans.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(("venue_code", "scanned_at", "left_at", "resident_id"))
        for key, person, _k, _e, venue, at, minute, until, _s in prepared:
            left = (at + timedelta(minutes=until - minute)).isoformat() if until != minute else ""
            writer.writerow((f"B{venue:07d}", at.isoformat(), left, person))
    figures = {}
    for name in ("import", "naive_orm", "raw"):
        db = Database(backend)
        try:
            with db.engine.begin() as conn:
                _setup_places(conn)
            sample = prepared if name != "naive_orm" else prepared[:min(rows, 100_000)]
            with Session(db.engine) as session:
                started = time.perf_counter()
                if name == "import":
                    _skip_resident_check(session)
                    report = import_file(session, path, actor=CLI_ACTOR)
                    assert not report.refused, report.refused[:3]
                elif name == "naive_orm":
                    for key, person, kind, enc, venue, at, minute, until, source in sample:
                        session.add(VenueScan(person_key=key, resident_id=person, venue_id=venue, scanned_at=at,
                                              at_minute=minute, until_minute=until, source=source))
                else:
                    bulk.insert_scans(session.connection(), sample)
                session.commit()
                spent = time.perf_counter() - started
            figures[name] = {"rows": len(sample), "seconds": round(spent, 3), "rows_per_s": round(len(sample) / spent)}
        finally:
            db.drop()
    path.unlink()
    folder.rmdir()
    figures["import_vs_naive"] = round(figures["import"]["rows_per_s"] / figures["naive_orm"]["rows_per_s"], 2)
    figures["raw_vs_import"] = round(figures["raw"]["rows_per_s"] / figures["import"]["rows_per_s"], 2)
    return figures


def _skip_resident_check(session) -> None:
    """The bench file names residents r1..rP without a resident table: let every id pass the existence check."""
    from fangkong.tracing import bulk

    bulk.existing_residents = lambda _conn, ids: set(ids)


def _one(backend: str, scans: int, rows: int) -> dict:
    from bench.managed_setup import Database

    db = Database(backend)
    try:
        load, persons = _load(db, scans)
        figures = {"load_seconds": round(load, 1), "candidates_100_cases": _candidates(db, persons),
                   "naive_self_join_1m": _naive(db)}
    finally:
        db.drop()
    figures["import"] = _import(backend, rows)
    return figures


def _print(result: dict) -> None:
    table = Table(title=f"tracing: {result['scans']:,} scans, {result['cases']} cases")
    for column in ("backend", "load s", "candidates s", "found", "naive 1M s", "import r/s", "naive ORM r/s",
                   "raw r/s", "import/naive", "raw/import"):
        table.add_column(column)
    for backend, f in result["backends"].items():
        i = f["import"]
        table.add_row(backend, str(f["load_seconds"]), str(f["candidates_100_cases"]["seconds"]),
                      str(f["candidates_100_cases"]["candidates"]), str(f["naive_self_join_1m"]["seconds"]),
                      str(i["import"]["rows_per_s"]), str(i["naive_orm"]["rows_per_s"]), str(i["raw"]["rows_per_s"]),
                      str(i["import_vs_naive"]), str(i["raw_vs_import"]))
    Console().print(table)
