"""Scenario hotline: the agents' board and the figures at 1,000,000 tickets, on SQLite and PostgreSQL.

Setup (not timed): a fresh database (bench.managed_setup.Database) with the districts of the city,
the built-in departments and routing rules, and 1,000,000 tickets received over the 100 days up to
2022-11-13 09:00 (about 10,000 a day), loaded through executemany / COPY: older ones closed and
visited, those of the last 14 days in every state, some past their deadline; then planner
statistics (PostgreSQL: VACUUM ANALYZE, the state autovacuum reaches after a load).

Timed: `GET /api/v1/hotline/board` and `GET /api/v1/hotline/figures` (the default 14 days) through
the app with a token, as a city-level agent; 20 requests each, p50 and p95.

Raw limit: the SQL statements one request of each sent (captured with their parameters), replayed
through the plain driver cursor (execute + fetchall). ratio = our p95 / raw.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import datetime, timedelta
from functools import lru_cache

from rich.console import Console
from rich.table import Table

from bench.zones_daily import _captured, _replay

TICKETS = 1_000_000
DAYS = 100
REQUESTS = 20
MORNING = datetime(2022, 11, 13, 9, 0)
SEED = 2022
DISTRICTS = (("140213", "平城区"), ("140214", "云冈区"), ("140212", "新荣区"), ("140215", "云州区"),
             ("140221", "阳高县"), ("140222", "天镇县"), ("140271", "大同经开区"))
KINDS = (("enquiry", 45), ("help", 25), ("complaint", 20), ("report", 5), ("suggestion", 5))
TOPICS = ("zones", "epidemic_policy", "testing", "supplies", "supplies.medicine", "quarantine", "work_resumption",
          "other", "epidemic_policy.over_enforcement")


def run(tickets: int = TICKETS, backends=("sqlite", "postgresql")) -> dict:
    os.environ["FANGKONG_CLOCK"] = MORNING.isoformat(timespec="minutes")
    os.environ.setdefault("FANGKONG_SECRET_KEY", "bench-secret-key-not-for-production")
    from fangkong.config import reset_settings

    reset_settings()
    result = {"scenario": "hotline", "tickets": tickets, "requests": REQUESTS, "backends": {}}
    for backend in backends:
        result["backends"][backend] = _one(backend, tickets)
    _print(result)
    return result


def _rows(tickets: int, districts: list[int], departments: list[int], tz) -> list[tuple]:
    from fangkong.hotline import sla

    rng = random.Random(f"{SEED}:hotline-bench")
    reply_due = lru_cache(maxsize=None)(lambda day, kind: sla.reply_due(datetime.combine(day, datetime.min.time(),
                                                                                          tzinfo=tz), kind, "normal"))
    kinds, weights = zip(*KINDS)
    first = MORNING - timedelta(days=DAYS)
    span = DAYS * 86_400
    rows = []
    for ticket_id in range(1, tickets + 1):
        received = (first + timedelta(seconds=rng.random() * span)).replace(tzinfo=tz)
        kind = rng.choices(kinds, weights)[0]
        due = reply_due(received.date(), kind)
        age = (MORNING.replace(tzinfo=tz) - received).days
        department = rng.choice(departments)
        replied_at = closed_at = visited_at = accepted_at = reply = satisfaction = visit_due = None
        roll = rng.random()
        if age > 14 or roll < 0.5:  # done: replied, closed and visited (a return visit follows within a day)
            state = "visited" if roll < 0.995 else "closed"
        else:
            state = rng.choice(("received", "dispatched", "accepted", "accepted", "replied", "closed"))
        if state == "accepted" and rng.random() < 0.25:
            due = received + timedelta(hours=rng.randint(2, 40))  # some late ones
        if state in ("accepted", "replied", "closed", "visited"):
            accepted_at = received + timedelta(hours=1)
        if state in ("replied", "closed", "visited"):
            replied_at, reply = received + timedelta(hours=rng.randint(2, 60)), "已答复"
        if state in ("closed", "visited"):
            closed_at = replied_at + timedelta(hours=2)
            visit_due = sla.visit_due(closed_at)
        if state == "visited":
            visited_at = closed_at + timedelta(hours=20)
            satisfaction = rng.choices(("satisfied", "basically", "not"), (80, 15, 5))[0]
        topic = rng.choice(TOPICS)
        rows.append((
            ticket_id, kind, "phone", "normal", topic, topic.endswith("over_enforcement"), "市民", "",
            rng.choice(districts), "bench", state, None, department if state != "received" else None, department,
            received, received.date(), due, accepted_at, reply, replied_at, closed_at, visit_due, visited_at,
            satisfaction, 0, "bench",
        ))
    return rows


COLUMNS = ("id", "kind", "channel", "urgency", "topic", "over_enforcement", "caller_name", "address", "district_id",
           "text", "state", "refused_reason", "department_id", "owner_department_id", "received_at", "received_on",
           "reply_due_at", "accepted_at", "reply", "replied_at", "closed_at", "visit_due_at", "visited_at",
           "satisfaction", "reopened", "created_by")


def _load(db, tickets: int) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from fangkong.core import clock
    from fangkong.core.db import refresh_statistics
    from fangkong.hotline import day_counts, routing
    from fangkong.hotline.models import Department
    from fangkong.places.models import District

    with Session(db.engine) as session, session.begin():
        if not session.scalar(select(District.id).limit(1)):  # a generated city brings its own districts
            session.add_all([District(code=code, name=name, name_en=code, kind="district", lat=40.0, lon=113.3)
                             for code, name in DISTRICTS])
            session.flush()
        routing.load_routing(session)
        districts = list(session.scalars(select(District.id)))
        departments = list(session.scalars(select(Department.id)))
    rows = _rows(tickets, districts, departments, clock.zone())
    columns = ", ".join(COLUMNS)
    with db.engine.connect() as conn:
        driver = conn.connection.driver_connection
        cursor = driver.cursor()
        if db.backend == "sqlite":
            cursor.executemany(f"INSERT INTO hotline_ticket ({columns}) VALUES ({', '.join('?' * len(COLUMNS))})",
                               [_sqlite(r) for r in rows])
        else:
            with cursor.copy(f"COPY hotline_ticket ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute("SELECT setval(pg_get_serial_sequence('hotline_ticket', 'id'), %s)", (tickets,))
        driver.commit()
        cursor.close()
        day_counts.rebuild(conn)  # written with plain SQL: the per-day counts are made from them, as a bulk load must
        refresh_statistics(conn, ["hotline_ticket", "hotline_day_count"])
        conn.commit()
    if db.backend == "postgresql":  # the steady state autovacuum reaches: visibility map set, index-only scans
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE) hotline_ticket, hotline_day_count")


def _sqlite(row: tuple) -> tuple:
    """SQLAlchemy's SQLite storage of dates and moments (ISO text, no zone)."""
    def stored(value):
        if isinstance(value, datetime):
            return value.astimezone(value.tzinfo).replace(tzinfo=None).isoformat(sep=" ")
        if hasattr(value, "isoformat") and not isinstance(value, str):
            return value.isoformat()
        return value
    return tuple(stored(v) for v in row)


def _timed(client, path: str, headers: dict, count: int = REQUESTS) -> list[float]:
    """Seconds of `count` GET requests of `path`, each asserted 200."""
    spent = []
    for _ in range(count):
        began = time.perf_counter()
        response = client.get(path, headers=headers)
        spent.append(time.perf_counter() - began)
        assert response.status_code == 200, response.text
    return spent


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def _one(backend: str, tickets: int) -> dict:
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from bench.managed_setup import Database
    from fangkong.app import create_app
    from fangkong.core.auth import create_user
    from fangkong.core.tokens import create_token

    db = Database(backend)
    try:
        started = time.perf_counter()
        _load(db, tickets)
        with Session(db.engine) as session, session.begin():
            create_user(session, username="bench", password="bench-password-long", role="hotline_agent")
            _row, token = create_token(session, username="bench", name="bench", scopes=["hotline.read"])
        setup = time.perf_counter() - started
        client = TestClient(create_app(engine=db.engine))
        headers = {"Authorization": f"Bearer {token}"}
        figures = {}
        for name, path in (("board", "/api/v1/hotline/board"), ("figures", "/api/v1/hotline/figures")):
            spent = _timed(client, path, headers)
            statements, stop = _captured(db.engine)
            client.get(path, headers=headers)
            stop()
            raw = _replay(db.engine, [s for s in statements if s[0].lstrip().upper().startswith("SELECT")
                                      and "api_token" not in s[0] and "user_account" not in s[0]])
            p95 = _p95(spent)
            figures[name] = {"p50_ms": round(1000 * statistics.median(spent)), "p95_ms": round(1000 * p95),
                             "raw_ms": round(1000 * raw), "ratio": round(p95 / raw, 2) if raw else None}
        figures["setup_seconds"] = round(setup, 1)
        return figures
    finally:
        db.drop()


def _print(result: dict) -> None:
    table = Table(title=f"hotline: {result['tickets']:,} tickets, {result['requests']} requests each")
    table.add_column("figure")
    for backend in result["backends"]:
        table.add_column(backend, justify="right")
    rows = [(f"{name} {key}", name, key) for name in ("board", "figures") for key in ("p50_ms", "p95_ms", "raw_ms",
                                                                                    "ratio")]
    for label, name, key in rows:
        table.add_row(label, *(str(b[name][key]) for b in result["backends"].values()))
    table.add_row("setup (s)", *(str(b["setup_seconds"]) for b in result["backends"].values()))
    Console().print(table)
