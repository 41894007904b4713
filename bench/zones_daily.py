"""Scenario zones_daily: the daily lifting job over 2,000 zones and 50,000 infections, and the map data
of the whole city, on SQLite and PostgreSQL.

Setup (not timed in the figures): a fresh database (bench.managed_setup.Database) with the places of
the 3.1-million city (districts down to units and venues, no residents: neither figure reads them),
then 2,000 zones in force designated 11-01 … 11-14 (a tenth of them medium, left over from ed9),
50,000 cases linked to them (reported from the day before designation up to 11-19), a negative
full round in each zone every day up to 11-19, and the daily job of 11-19 (so that the run of
11-20 keeps, flags overdue and supersedes proposals too). All loaded through COPY / executemany.

Timed: `zones.service.run_daily(on=2022-11-20)` (rolled back after each of 3 runs; the median),
and the map data of 11-20 for the whole city: `zones.service.map_data` and the API request
`GET /api/v1/zones/map` through the app with a token (median of 5; payload bytes).

Raw limit: the very SQL statements each timed call sent (captured with their parameters),
replayed through the plain driver cursor (execute + fetchall; executemany for the inserts),
rolled back. ratio = ours / raw.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import date, datetime, time as clock_time, timedelta

from rich.console import Console
from rich.table import Table

DAY = date(2022, 11, 20)
ZONES = 2_000
INFECTIONS = 50_000
POPULATION = 3_100_000
SEED = 2022
RUNS, MAP_RUNS = 3, 5


def run(backends=("sqlite", "postgresql")) -> dict:
    os.environ["FANGKONG_CLOCK"] = "2022-11-20T07:00"
    os.environ.setdefault("FANGKONG_SECRET_KEY", "bench-secret-key-not-for-production")
    from fangkong.config import reset_settings

    reset_settings()
    result = {"scenario": "zones_daily", "zones": ZONES, "infections": INFECTIONS, "city": POPULATION,
              "day": DAY.isoformat(), "backends": {}}
    for backend in backends:
        result["backends"][backend] = _one(backend)
    _print(result)
    return result


def _load(db) -> dict:
    """Places of the whole city, then zones, spans, places, cases, infections and rounds; committed."""
    from fangkong.core import clock
    from fangkong.demo.city import load_city
    from fangkong.demo.plan import build_plan
    from fangkong.places import bulk as places_bulk
    from fangkong.zones import bulk

    plan = build_plan(load_city(), POPULATION, SEED)
    rng = random.Random(f"{SEED}:zones-bench")
    tz = clock.zone()
    now = datetime.combine(DAY, clock_time(6), tzinfo=tz)
    building_of = {u[0]: u[1] for u in plan.units}
    compound_of = {b[0]: b[1] for b in plan.buildings}
    place_of = {c[0]: (c[1], c[2]) for c in plan.compounds}
    units = rng.sample([u[0] for u in plan.units], ZONES)
    zones, places, spans, cases, infections, rounds = [], [], [], [], [], []
    case_id = 0
    for zone_id, unit_id in enumerate(units, start=1):
        designated = date(2022, 11, 1) + timedelta(days=rng.randrange(14))
        building = building_of[unit_id]
        compound = compound_of[building]
        community, district = place_of[compound]
        medium = designated < date(2022, 11, 11) and rng.random() < 0.1
        tier = "medium" if medium else "high"
        at = datetime.combine(designated, clock_time(10), tzinfo=tz)
        zones.append((zone_id, tier, "in_force", "measures20", "unit", district, f"bench zone {zone_id}", at, "bench",
                      at, designated, "bench", now))
        places.append((zone_id, zone_id, "unit", unit_id, building, compound, community, district, designated))
        spans.append((zone_id, zone_id, tier, designated, "designation"))
        last = min(designated + timedelta(days=rng.randrange(9)), DAY - timedelta(days=1))
        for _ in range(INFECTIONS // ZONES):
            case_id += 1
            reported = designated - timedelta(days=1) + timedelta(
                days=rng.randrange(max((last - designated).days + 2, 1)))
            cases.append((case_id, f"病例{case_id}", "confirmed", "lab", reported, district, community, "", now, "bench"))
            infections.append((zone_id, case_id, reported))
        day = designated
        while day < DAY:
            moment = datetime.combine(day, clock_time(10), tzinfo=tz)
            rounds.append((len(rounds) + 1, zone_id, moment, day, "negative", now, "bench"))
            day += timedelta(days=1)
    from fangkong.people.case_models import Case

    with db.engine.begin() as conn:
        places_bulk.insert_districts(conn, plan.districts)
        places_bulk.insert_subdistricts(conn, plan.subdistricts)
        places_bulk.insert_communities(conn, plan.communities)
        places_bulk.insert_compounds(conn, plan.compounds)
        places_bulk.insert_buildings(conn, plan.buildings)
        places_bulk.insert_units(conn, plan.units)
        places_bulk.insert_venues(conn, plan.venues)
        places_bulk.reset_id_sequences(conn)
        places_bulk.insert_rows(conn, Case.__table__, ("id", "name", "kind", "source", "reported_on", "district_id",
                                           "community_id", "note", "created_at", "created_by"), cases)
        if conn.dialect.name == "postgresql":
            places_bulk.reset_id_sequence(conn, Case.__table__)
        bulk.insert_table(conn, "zone", ("id", "tier", "state", "pack", "granularity", "district_id", "reason",
                                         "proposed_at", "proposed_by", "designated_at", "designated_on",
                                         "approved_by", "updated_at"), zones)
        bulk.insert_table(conn, "zone_place", ("id", "zone_id", "kind", "unit_id", "building_id", "compound_id",
                                               "community_id", "district_id", "added_on"), places)
        bulk.insert_table(conn, "zone_span", ("id", "zone_id", "tier", "starts_on", "reached_by"), spans)
        bulk.insert_table(conn, "zone_infection", ("zone_id", "case_id", "reported_on"), infections)
        bulk.insert_table(conn, "zone_test_round", ("id", "zone_id", "sampled_at", "sampled_on", "result",
                                                    "recorded_at", "recorded_by"), rounds)
        bulk.reset_id_sequences(conn)
    if db.backend == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return {"compounds": len(plan.compounds), "rounds": len(rounds), "cases": len(cases)}


def _captured(engine):
    from sqlalchemy import event

    statements: list = []

    def capture(_conn, _cursor, statement, parameters, _context, many) -> None:
        statements.append((statement, parameters, many))

    event.listen(engine, "before_cursor_execute", capture)
    return statements, lambda: event.remove(engine, "before_cursor_execute", capture)


def _replay(engine, statements) -> float:
    """Seconds for the plain driver cursor to run the same statements (rolled back)."""
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        conn.rollback()
        cursor = driver.cursor()
        started = time.perf_counter()
        for statement, parameters, many in statements:
            if many:
                cursor.executemany(statement, parameters)
            else:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
        spent = time.perf_counter() - started
        driver.rollback()
        cursor.close()
    return spent


def _one(backend: str) -> dict:
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from bench.managed_setup import Database
    from fangkong.app import create_app
    from fangkong.core.auth import create_user
    from fangkong.core.jurisdiction import CITY
    from fangkong.core.tokens import create_token
    from fangkong.zones import service

    db = Database(backend)
    try:
        started = time.perf_counter()
        loaded = _load(db)
        with Session(db.engine) as session, session.begin():
            service.run_daily(session, on=DAY - timedelta(days=1), actor="bench")
            create_user(session, username="bench", password="bench-password-long", role="commander")
            _row, token = create_token(session, username="bench", name="bench", scopes=["zones.view"])
        setup = time.perf_counter() - started

        daily, reports, captured = [], [], []
        for attempt in range(RUNS):
            statements, stop = _captured(db.engine)
            with Session(db.engine) as session:
                began = time.perf_counter()
                report = service.run_daily(session, on=DAY, actor="bench")
                daily.append(time.perf_counter() - began)
                session.rollback()
            stop()
            reports.append(report.to_dict())
            captured = statements
        daily_raw = _replay(db.engine, captured)

        maps, size = [], 0
        with Session(db.engine) as session:
            for _ in range(MAP_RUNS):
                statements, stop = _captured(db.engine)
                began = time.perf_counter()
                data = service.map_data(session, scope=CITY, on=DAY)
                maps.append(time.perf_counter() - began)
                stop()
            map_statements = statements
        map_raw = _replay(db.engine, map_statements)
        app = create_app(engine=db.engine)
        requests = []
        with TestClient(app) as client:
            headers = {"Authorization": f"Bearer {token}"}
            client.get("/api/v1/zones/map", headers=headers)  # warm-up
            for _ in range(MAP_RUNS):
                began = time.perf_counter()
                response = client.get(f"/api/v1/zones/map?on={DAY}", headers=headers)
                requests.append(time.perf_counter() - began)
                assert response.status_code == 200, response.text
                size = len(response.content)
    finally:
        db.drop()
    report = reports[-1]
    median, map_median, request_median = (statistics.median(v) for v in (daily, maps, requests))
    return {
        "setup_seconds": round(setup, 1), **loaded, "in_force": report["in_force"],
        "proposed": report["proposed"], "kept": report["kept"], "overdue": report["overdue"],
        "superseded": report["superseded"],
        "daily_seconds": round(median, 3), "daily_raw_seconds": round(daily_raw, 3),
        "daily_ratio": round(median / daily_raw, 2), "daily_statements": len(captured),
        "map_ms": round(map_median * 1000, 1), "map_raw_ms": round(map_raw * 1000, 1),
        "map_ratio": round(map_median / map_raw, 2), "map_request_ms": round(request_median * 1000, 1),
        "map_bytes": size, "map_zones": len(data["zones"]), "map_compounds": len(data["compounds"]) // 2,
    }


def _print(result: dict) -> None:
    table = Table(title=f"zones_daily — {result['zones']:,} zones, {result['infections']:,} infections, "
                        f"map of the {result['city']:,}-resident city, {result['day']}")
    table.add_column("measure")
    for backend in result["backends"]:
        table.add_column(backend, justify="right")
    rows = result["backends"].values()
    for label, key in (
        ("zones in force", "in_force"), ("proposed / kept / overdue", None),
        ("daily job (s, median)", "daily_seconds"), ("raw driver, same SQL (s)", "daily_raw_seconds"),
        ("daily / raw", "daily_ratio"), ("map data (ms, median)", "map_ms"), ("raw driver (ms)", "map_raw_ms"),
        ("map / raw", "map_ratio"), ("GET /api/v1/zones/map (ms)", "map_request_ms"), ("payload (bytes)", "map_bytes"),
        ("setup (s)", "setup_seconds"),
    ):
        if key is None:
            table.add_row(label, *(f"{r['proposed']} / {r['kept']} / {r['overdue']}" for r in rows))
        else:
            table.add_row(label, *(f"{r[key]:,}" for r in rows))
    Console().print(table)
