"""Scenario managed_list: the filtered, paginated person list at 200,000 people under management.

Setup as policy_switch (bench.managed_setup), on SQLite and PostgreSQL. ~200 requests through
the service function (people.managed_queries.list_managed, city scope, 50 per page) mixing
filters — category, status, district, release range, phase kind — and pages from 1 to deep
ones; p50/p95/max per request. Raw limit: the very SQL statements each request sent (captured
with their parameters), replayed through the plain driver cursor (execute + fetchall); the
ratio compares p95s.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import date, timedelta

from rich.console import Console
from rich.table import Table

REQUESTS = 200
CATEGORIES = ("close_contact", "secondary_contact", "inbound", "from_high_risk_zone", "from_medium_risk_zone",
              "from_low_risk_zone", "high_risk_job")
STATUSES = ("pending", "in_phase", "released", "case")
KINDS = ("centralized_quarantine", "home_quarantine", "home_monitoring")
DISTRICTS = ("140213", "140214", "140212", "140215", "140221", "140222", "140223", "140224", "140225", "140226",
             "140271")


def run(people: int = 200_000, backends=("sqlite", "postgresql")) -> dict:
    os.environ["FANGKONG_CLOCK"] = "2022-11-13T09:00"
    from fangkong.config import reset_settings

    reset_settings()
    result = {"scenario": "managed_list", "people": people, "requests": REQUESTS, "backends": {}}
    for backend in backends:
        result["backends"][backend] = _one(backend, people)
    _print(result)
    return result


def _requests(rng: random.Random) -> list[dict]:
    out = []
    for _ in range(REQUESTS):
        q: dict = {}
        if rng.random() < 0.5:
            q["category"] = rng.choice(CATEGORIES)
        if rng.random() < 0.5:
            q["status"] = rng.choice(STATUSES)
        if rng.random() < 0.4:
            q["district_code"] = rng.choice(DISTRICTS)
        if rng.random() < 0.3:
            start = date(2022, 11, 1) + timedelta(days=rng.randint(0, 15))
            q["release_from"], q["release_to"] = start, start + timedelta(days=rng.randint(0, 7))
        if rng.random() < 0.15:
            q["phase_kind"] = rng.choice(KINDS)
        q["page"] = rng.choice((1, 1, 1, 2, 3, 10, 50, 200, 1000, 3000))
        out.append(q)
    return out


def _one(backend: str, people: int) -> dict:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from bench.managed_setup import Database, populate
    from fangkong.core.jurisdiction import CITY
    from fangkong.people.managed_queries import list_managed

    db = Database(backend)
    try:
        setup = populate(db, people)
        captured: list = []

        def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
            if captured:
                captured[-1].append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", capture)
        ours, raw, rows = [], [], 0
        with Session(db.engine) as session:
            list_managed(session, scope=CITY, page=1)  # warm-up: connection, caches
            for q in _requests(random.Random(2022)):
                captured.append([])
                started = time.perf_counter()
                page, total = list_managed(session, scope=CITY, **q)
                ours.append(time.perf_counter() - started)
                rows += len(page)
            session.rollback()
        event.remove(db.engine, "before_cursor_execute", capture)
        with db.engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()
            for statements in captured:
                started = time.perf_counter()
                for stmt, params in statements:
                    cursor.execute(stmt, params)
                    cursor.fetchall()
                raw.append(time.perf_counter() - started)
            cursor.close()
    finally:
        db.drop()
    p95, raw95 = _p(ours, 95), _p(raw, 95)
    return {
        "setup_seconds": round(setup, 2), "rows_returned": rows,
        "p50_ms": round(_p(ours, 50) * 1000, 1), "p95_ms": round(p95 * 1000, 1), "max_ms": round(max(ours) * 1000, 1),
        "raw_p50_ms": round(_p(raw, 50) * 1000, 1), "raw_p95_ms": round(raw95 * 1000, 1),
        "ratio_p95": round(p95 / raw95, 2),
    }


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _print(result: dict) -> None:
    table = Table(title=f"managed_list — {result['people']:,} people, {result['requests']} requests, 50 per page")
    table.add_column("measure")
    for backend in result["backends"]:
        table.add_column(backend, justify="right")
    rows = result["backends"].values()
    for label, key in (("p50 (ms)", "p50_ms"), ("p95 (ms)", "p95_ms"), ("max (ms)", "max_ms"),
                       ("raw driver p50 (ms)", "raw_p50_ms"), ("raw driver p95 (ms)", "raw_p95_ms"),
                       ("p95 ours / raw", "ratio_p95"), ("setup (s)", "setup_seconds")):
        table.add_row(label, *(f"{r[key]:,}" for r in rows))
    Console().print(table)
