"""Scenario supplies: a bulk order for every household of 500 sealed buildings (≈ 30,000 households), assigned to
supply points within their capacity (≤ 3 s).

Setup (not timed): a fresh database per backend; one district of 50 communities, 100 compounds, 600 buildings
of 4 units × 15 households (36,000 households); 500 buildings sealed by 500 building zones in force on
2022-11-13 (the other 100 buildings are not, and get no order); in each community a convenience store serving
its first compound and a supermarket serving the community, sized together for 90 % of the community's
households (so about 10 % overflow, reported unassigned); 300 special-needs residents' households (their
orders go first). Clock 2022-11-13 07:00.
Timed: supplies.orders.order_buildings of the 500 sealed buildings with one pack (sealed households found
from the zones' history, the points' capacities loaded, 30,000 orders inserted, loads raised by conditional
updates), then commit.
Raw limit, same run: the plain driver inserting the same 30,000 order rows again (after deleting them,
untimed) with one executemany and raising the same loads, rolled back.
"""

from __future__ import annotations

import os
import time
from datetime import date
from types import SimpleNamespace

from bench.quarantine import print_measures

DAY = date(2022, 11, 13)
COMMUNITIES, COMPOUNDS_EACH, BUILDINGS, SEALED, UNITS, HOUSEHOLDS = 50, 2, 600, 500, 4, 15
SPECIAL = 300


def run(backends=("sqlite", "postgresql")) -> dict:
    os.environ["FANGKONG_CLOCK"] = "2022-11-13T07:00"
    from fangkong.config import reset_settings

    reset_settings()
    results = {"scenario": "supplies", "buildings": BUILDINGS, "sealed_buildings": SEALED,
               "households": BUILDINGS * UNITS * HOUSEHOLDS, "target_seconds": 3.0, "backends": {}}
    for backend in backends:
        results["backends"][backend] = _one(backend)
    _print(results)
    return results


def _setup(engine) -> list[int]:
    """The places, zones, points and special-needs households; returns the sealed buildings' ids."""
    from sqlalchemy import insert

    from fangkong.core import clock
    from fangkong.core.db import refresh_statistics
    from fangkong.people.models import Household
    from fangkong.places.models import Building, Community, Compound, District, Subdistrict, Unit
    from fangkong.supplies.models import SupplyPackage, SupplyPoint, SupplyPointArea
    from fangkong.zones.models import Zone, ZonePlace, ZoneSpan

    now = clock.now()
    with engine.begin() as conn:
        conn.execute(insert(District), [{"id": 1, "code": "140213", "name": "平城区", "name_en": "Pingcheng",
                                         "kind": "district", "lat": 40.08, "lon": 113.3}])
        conn.execute(insert(Subdistrict), [{"id": 1, "code": "140213001", "district_id": 1, "name": "开源街道"}])
        conn.execute(insert(Community), [{"id": c, "code": f"140213001{c:03d}", "subdistrict_id": 1, "district_id": 1,
                                          "name": f"社区{c}"} for c in range(1, COMMUNITIES + 1)])
        compounds = COMMUNITIES * COMPOUNDS_EACH
        conn.execute(insert(Compound), [{"id": k, "community_id": (k - 1) // COMPOUNDS_EACH + 1, "district_id": 1,
                                         "name": f"小区{k}", "lat": 40.08, "lon": 113.3}
                                        for k in range(1, compounds + 1)])
        conn.execute(insert(Building), [{"id": b, "compound_id": (b - 1) % compounds + 1, "number": b, "lat": 40.08,
                                         "lon": 113.3} for b in range(1, BUILDINGS + 1)])
        conn.execute(insert(Unit), [{"id": u, "building_id": (u - 1) // UNITS + 1, "number": (u - 1) % UNITS + 1}
                                    for u in range(1, BUILDINGS * UNITS + 1)])
        conn.execute(insert(Household), [{"id": h, "unit_id": (h - 1) // HOUSEHOLDS + 1, "size": 3}
                                         for h in range(1, BUILDINGS * UNITS * HOUSEHOLDS + 1)])
        conn.execute(insert(Zone), [{"id": z, "tier": "high", "state": "in_force", "pack": "measures20",
                                     "granularity": "building", "district_id": 1, "reason": "bench",
                                     "proposed_at": now, "proposed_by": "bench", "designated_at": now,
                                     "designated_on": date(2022, 11, 12), "updated_at": now}
                                    for z in range(1, SEALED + 1)])
        conn.execute(insert(ZonePlace), [{"zone_id": z, "kind": "building", "building_id": z,
                                          "compound_id": (z - 1) % compounds + 1,
                                          "community_id": ((z - 1) % compounds) // COMPOUNDS_EACH + 1,
                                          "district_id": 1, "added_on": date(2022, 11, 12)}
                                         for z in range(1, SEALED + 1)])
        conn.execute(insert(ZoneSpan), [{"zone_id": z, "tier": "high", "starts_on": date(2022, 11, 12),
                                         "reached_by": "designation"} for z in range(1, SEALED + 1)])
        conn.execute(insert(SupplyPackage), [{"id": 1, "code": "vegetable", "kind": "vegetable", "name": "蔬菜包",
                                              "contents": "-", "source": "-", "price_fen": 3000,
                                              "reference_fen": 3000, "active": True, "updated_at": now}])
        sealed_per_community = SEALED * UNITS * HOUSEHOLDS // COMMUNITIES
        points, areas = [], []
        for c in range(1, COMMUNITIES + 1):
            room = int(sealed_per_community * 0.9)
            for n, (kind, share) in enumerate((("convenience_store", 0.3), ("supermarket", 0.7))):
                point_id = 2 * c - 1 + n
                points.append({"id": point_id, "name": f"保供点{point_id}", "kind": kind, "address": "-",
                               "district_id": 1, "community_id": c, "contact_name": "-", "status": "open",
                               "daily_capacity": int(room * share), "created_at": now})
                areas.append({"point_id": point_id, "community_id": c,
                              "compound_id": (c - 1) * COMPOUNDS_EACH + 1 if n == 0 else None})
        conn.execute(insert(SupplyPoint), points)
        conn.execute(insert(SupplyPointArea), areas)
    _special_needs(engine, now)
    with engine.begin() as conn:
        refresh_statistics(conn)
    return list(range(1, SEALED + 1))


def _special_needs(engine, now) -> None:
    """Special-needs residents: one resident row each (the register points at a resident)."""
    from sqlalchemy import insert

    from fangkong.people.models import Resident
    from fangkong.supplies.models import SpecialNeeds

    step = SEALED * UNITS * HOUSEHOLDS // SPECIAL
    households = list(range(1, SEALED * UNITS * HOUSEHOLDS + 1, step))[:SPECIAL]
    with engine.begin() as conn:
        conn.execute(insert(Resident), [{"id": n + 1, "name": "老人", "id_number_enc": b"-",
                                         "id_number_mac": n.to_bytes(16, "big"), "sex": "female",
                                         "birth_date": date(1935, 1, 1), "household_id": h,
                                         "home_unit_id": (h - 1) // HOUSEHOLDS + 1, "community_id": 1,
                                         "district_id": 1} for n, h in enumerate(households)])
        conn.execute(insert(SpecialNeeds), [{"resident_id": n + 1, "household_id": h, "community_id": 1,
                                             "district_id": 1, "kinds": ["elderly_alone"], "needs": "", "medicine": "",
                                             "active": True, "registered_at": now, "registered_by": "bench"}
                                            for n, h in enumerate(households)])


def _one(backend: str) -> dict:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from bench.managed_setup import Database
    from fangkong.core.jurisdiction import CITY
    from fangkong.supplies import orders
    from fangkong.supplies.models import SupplyOrder, SupplyPointDay

    actor = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="bench"))
    db = Database(backend)
    try:
        buildings = _setup(db.engine)
        with Session(db.engine) as session:
            started = time.perf_counter()
            report = orders.order_buildings(session, actor=actor, building_ids=buildings, package_ids=[1], day=DAY)
            session.commit()
            spent = time.perf_counter() - started
        with Session(db.engine) as session:
            stored = session.scalar(select(func.count()).select_from(SupplyOrder))
            over = session.scalar(select(func.count()).select_from(SupplyPointDay)
                                  .where(SupplyPointDay.used > SupplyPointDay.capacity))
            outside = session.scalar(select(func.count()).select_from(SupplyOrder)
                                     .where(SupplyOrder.building_id > SEALED))
        raw = _raw(db.engine)
    finally:
        db.drop()
    return {"households_sealed": report.households, "orders": report.created, "stored": stored,
            "priority": report.priority, "unassigned": report.unassigned, "points_over_capacity": over,
            "orders_outside_zone": outside, "order_seconds": round(spent, 3), "raw_seconds": round(raw, 3),
            "ratio": round(spent / raw, 2), "met": spent <= 3.0}


def _raw(engine) -> float:
    """The plain driver writing the same order rows and loads again (after undoing them, untimed), rolled back."""
    columns = ("household_id", "unit_id", "building_id", "compound_id", "community_id", "district_id", "package_id",
               "quantity", "price_fen", "delivery_day", "round", "point_id", "source", "priority", "deadline_at",
               "state", "placed_at", "placed_by")
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        rows = [tuple(r) for r in conn.exec_driver_sql(f"SELECT {', '.join(columns)} FROM supply_order").all()]
        loads = [tuple(r) for r in conn.exec_driver_sql("SELECT used, point_id, day FROM supply_point_day").all()]
        driver = conn.connection.driver_connection
        conn.rollback()
        mark = "?" if sqlite else "%s"
        cur = driver.cursor()
        if sqlite:
            cur.execute("BEGIN")
        cur.execute("DELETE FROM supply_order")
        cur.execute("UPDATE supply_point_day SET used = 0")
        started = time.perf_counter()
        cur.executemany(f"INSERT INTO supply_order ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})",
                        rows)
        cur.executemany(f"UPDATE supply_point_day SET used = used + {mark} WHERE point_id = {mark} AND day = {mark}",
                        loads)
        spent = time.perf_counter() - started
        driver.rollback()
        cur.close()
    return spent


def _print(result: dict) -> None:
    print_measures(f"supplies — bulk order for {result['sealed_buildings']} sealed buildings "
                   f"({result['households']:,} households in {result['buildings']} buildings)", result["backends"], (
        ("sealed households", "households_sealed"), ("orders created", "orders"), ("orders stored", "stored"),
        ("priority (special needs)", "priority"), ("unassigned (no room)", "unassigned"),
        ("points over capacity", "points_over_capacity"), ("orders outside the zone", "orders_outside_zone"),
        ("bulk order (s)", "order_seconds"), ("raw writes (s)", "raw_seconds"), ("order / raw", "ratio"),
        ("≤ 3 s", "met"),
    ))
