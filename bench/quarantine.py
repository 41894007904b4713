"""Scenario quarantine: assigning 10,000 queued people to 2,000 rooms across 20 sites (≤ 5 s), and the 14-day
occupancy forecast under another pack at 200,000 people under management (≤ 1 s).

Setup (not timed): a fresh database per backend (bench.managed_setup: a small demo city and N people
anchored 2022-11-01 … 11-10 under ed9), 20 open sites of 100 rooms of 4 beds (8,000 beds), clock
2022-11-11 08:00. Timed:
  assign    quarantine.bulk.auto_assign of the day's queue, its first 10,000 people (8,000 fit; the
            rest stay queued), then commit;
  forecast  quarantine.occupancy.forecast (measures20 from 11-11, 14 days, by site) over everyone;
  occupancy quarantine.occupancy.occupancy (today, 14 days, tomorrow's turnover).
Raw limits, same run: for the assignment, the plain driver writing the same rows (room counters,
stays, moves) in one transaction, rolled back; for the forecast, the plain driver reading the same
grouped rows (everyone by plan and district; the placed by site, plan, district). The forecast's freed places are
checked against the policy switch's dry run (`equal_to_dry_run`).
"""

from __future__ import annotations

import os
import time
from datetime import date

from rich.console import Console
from rich.table import Table

DAY = date(2022, 11, 11)
SITES, ROOMS, CAPACITY, QUEUED = 20, 100, 4, 10_000


def run(people: int = 200_000, backends=("sqlite", "postgresql")) -> dict:
    os.environ["FANGKONG_CLOCK"] = "2022-11-11T08:00"
    from fangkong.config import reset_settings

    reset_settings()
    results = {"scenario": "quarantine", "people": people, "sites": SITES, "rooms": SITES * ROOMS,
               "beds": SITES * ROOMS * CAPACITY, "queued_asked": QUEUED, "backends": {}}
    for backend in backends:
        results["backends"][backend] = _one(backend, people)
    _print(results)
    return results


def _sites(engine) -> None:
    from sqlalchemy import insert, select

    from fangkong.core import clock
    from fangkong.places.models import District
    from fangkong.quarantine.models import QuarantineRoom, QuarantineSite

    with engine.begin() as conn:
        districts = conn.execute(select(District.id)).scalars().all()
        for n in range(SITES):
            site_id = conn.execute(insert(QuarantineSite).returning(QuarantineSite.id).values(
                name=f"bench site {n}", address="-", district_id=districts[n % len(districts)], contact_name="-",
                status="open", created_at=clock.now())).scalar_one()
            conn.execute(insert(QuarantineRoom), [
                {"site_id": site_id, "number": str(r), "floor": r // 20, "capacity": CAPACITY, "occupied": 0,
                 "accessible": r % 10 == 0, "family": r % 8 == 0} for r in range(ROOMS)])


def _one(backend: str, people: int) -> dict:
    from sqlalchemy.orm import Session

    from bench.managed_setup import Database, populate
    from fangkong.people.switch import switch_policy
    from fangkong.quarantine import service

    db = Database(backend)
    try:
        setup = populate(db, people)
        _sites(db.engine)
        scope = service.CITY_SCOPE
        with Session(db.engine) as session:
            queue = len(service.queued(session, scope.jurisdiction, DAY))  # untimed: the whole queue
        with Session(db.engine) as session:
            started = time.perf_counter()
            report = service.auto_assign(session, actor="bench", scope=scope, day=DAY, limit=QUEUED)
            session.commit()
            assign = time.perf_counter() - started
        raw_assign = _raw_assign(db.engine)
        with Session(db.engine) as session:
            started = time.perf_counter()
            forecast = service.forecast(session, scope=scope, pack_id="measures20", effective=DAY, start=DAY)
            spent_forecast = time.perf_counter() - started
            started = time.perf_counter()
            service.occupancy(session, scope=scope, start=DAY)
            spent_occupancy = time.perf_counter() - started
            dry = switch_policy(session, to_pack_id="measures20", effective=DAY, dry_run=True)
            session.rollback()
        raw_read = _raw_read(db.engine)
    finally:
        db.drop()
    return {
        "setup_seconds": round(setup, 2), "queue": queue, "placed": report.placed, "left_of_asked": report.left,
        "rooms_used": report.rooms_used, "assign_seconds": round(assign, 3), "raw_assign_seconds": round(raw_assign, 3),
        "assign_ratio": round(assign / raw_assign, 2),
        "forecast_seconds": round(spent_forecast, 3), "occupancy_seconds": round(spent_occupancy, 3),
        "raw_read_seconds": round(raw_read, 3), "forecast_ratio": round(spent_forecast / raw_read, 2),
        "freed_places_14d": sum(forecast["freed"]),
        "equal_to_dry_run": forecast["freed"] == [dry.freed_centralized[d] for d in forecast["days"]],
    }


def _raw_assign(engine) -> float:
    """The plain driver writing the assignment's rows again (room counters, stays, moves) after undoing them
    (untimed), all rolled back."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        stays = [tuple(r) for r in conn.exec_driver_sql(
            "SELECT id, person_id, site_id, room_id, state, group_key, special_needs, assigned_on, created_by "
            "FROM quarantine_stay").all()]
        rooms = [tuple(r) for r in conn.exec_driver_sql(
            "SELECT occupied, id FROM quarantine_room WHERE occupied > 0").all()]
        moves = [tuple(r) for r in conn.exec_driver_sql(
            "SELECT stay_id, person_id, kind, to_room_id, at, note, actor_name FROM quarantine_move").all()]
        driver = conn.connection.driver_connection
        conn.rollback()
        mark = "?" if sqlite else "%s"
        cur = driver.cursor()
        if sqlite:
            cur.execute("BEGIN")
        for statement in ("DELETE FROM quarantine_move", "DELETE FROM quarantine_stay",
                          "UPDATE quarantine_room SET occupied = 0"):  # untimed: back to before the assignment
            cur.execute(statement)
        started = time.perf_counter()
        cur.executemany(f"UPDATE quarantine_room SET occupied = occupied + {mark} WHERE id = {mark}", rooms)
        cur.executemany("INSERT INTO quarantine_stay (id, person_id, site_id, room_id, state, group_key, "
                        f"special_needs, assigned_on, created_by) VALUES ({', '.join([mark] * 9)})", stays)
        cur.executemany("INSERT INTO quarantine_move (stay_id, person_id, kind, to_room_id, at, note, actor_name) "
                        f"VALUES ({', '.join([mark] * 7)})", moves)
        spent = time.perf_counter() - started
        driver.rollback()
        cur.close()
    return spent


def _raw_read(engine) -> float:
    """The plain driver reading the forecast's grouped rows (everyone by plan and district, the placed by site),
    no plans, no computation."""
    live = "p.status != 'case' AND p.release_on > '2022-11-11'"
    statements = (
        f"SELECT p.plan_id, p.district_id, count(*) FROM managed_person p WHERE {live} GROUP BY p.plan_id, p.district_id",
        "SELECT s.site_id, p.plan_id, p.district_id, count(*) FROM quarantine_stay s JOIN managed_person p "
        f"ON p.id = s.person_id WHERE s.state IN ('assigned', 'checked_in') AND {live} "
        "GROUP BY s.site_id, p.plan_id, p.district_id",
    )
    with engine.connect() as conn:
        started = time.perf_counter()
        for sql in statements:
            conn.exec_driver_sql(sql).all()
        return time.perf_counter() - started


def _print(result: dict) -> None:
    print_measures(f"quarantine — {result['people']:,} people under management, {result['sites']} sites, "
                   f"{result['rooms']:,} rooms, {result['beds']:,} beds", result["backends"], (
        ("queue on 11-11", "queue"), ("placed (of 10,000 asked)", "placed"), ("left (no bed)", "left_of_asked"),
        ("rooms used", "rooms_used"), ("assign (s)", "assign_seconds"), ("raw writes (s)", "raw_assign_seconds"),
        ("assign / raw", "assign_ratio"), ("forecast 14 d (s)", "forecast_seconds"),
        ("occupancy 14 d (s)", "occupancy_seconds"), ("raw grouped read (s)", "raw_read_seconds"),
        ("forecast / raw", "forecast_ratio"), ("places freed, 14 d", "freed_places_14d"),
        ("equal to dry run", "equal_to_dry_run"), ("setup (s)", "setup_seconds"),
    ))


def print_measures(title: str, backends: dict, measures) -> None:
    """A table of (label, key) measures, one column per backend: numbers with separators, flags as words."""
    table = Table(title=title)
    table.add_column("measure")
    for backend in backends:
        table.add_column(backend, justify="right")
    for label, key in measures:
        table.add_row(label, *(str(r[key]) if isinstance(r[key], bool) else f"{r[key]:,}" for r in backends.values()))
    Console().print(table)
