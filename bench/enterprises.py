"""Scenario enterprises: the resumption board at 20,000 enterprises and 2,000 sites with a year of daily statuses.

Setup (not timed): a fresh database (bench.managed_setup.Database) with the districts of the city;
20,000 enterprises (a third above scale, parks in the development zone) whose daily status over the year
2021-11-14 … 2022-11-13 follows a random walk (each day a 4 % chance of a change: 7.3 M daily reports, kept
as their ~300 k changes through enterprises.bulk — COPY / executemany); 2,000 construction sites with 50
workers each (100,000 residents), a testing round per site with 95 % of the roster sampled; 5,000 problems,
a fifth still open. Then planner statistics (PostgreSQL: VACUUM ANALYZE).

Timed: `GET /api/v1/enterprises/board?on=D` (resumption by district and park, the 14-day trend, open problems
by kind and age, the sites' compliance) through the app with a token as a city-level commander, for 20 days D
spread over the year (the last one 2022-11-13); and `GET /api/v1/enterprises?on=D&above_scale=true&resumed=true`
(the dashboard figure's list, first page). p50 and p95.

Raw limit: the SQL statements one request of each sent (captured with their parameters), replayed through the
plain driver cursor (execute + fetchall). ratio = our p95 / raw.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import date, datetime, timedelta

from rich.console import Console
from rich.table import Table

from bench.zones_daily import _captured, _replay

ENTERPRISES = 20_000
SITES = 2_000
WORKERS = 50
PROBLEMS = 5_000
CHANGE_PER_DAY = 0.04
LAST_DAY = date(2022, 11, 13)
DAYS = 365
REQUESTS = 20
SEED = 2022
DISTRICTS = (("140213", "平城区"), ("140214", "云冈区"), ("140212", "新荣区"), ("140215", "云州区"),
             ("140221", "阳高县"), ("140222", "天镇县"), ("140271", "大同经开区"))
PARKS = ("装备制造产业园", "医药产业园", "新能源产业园", "物流园")


def run(enterprises: int = ENTERPRISES, backends=("sqlite", "postgresql")) -> dict:
    os.environ["FANGKONG_CLOCK"] = datetime.combine(LAST_DAY, datetime.min.time()).replace(hour=9).isoformat(
        timespec="minutes")
    os.environ.setdefault("FANGKONG_SECRET_KEY", "bench-secret-key-not-for-production")
    from fangkong.config import reset_settings

    reset_settings()
    result = {"scenario": "enterprises", "enterprises": enterprises, "sites": SITES, "workers": SITES * WORKERS,
              "daily_statuses": enterprises * DAYS, "requests": REQUESTS, "backends": {}}
    for backend in backends:
        result["backends"][backend] = _one(backend, enterprises)
    _print(result)
    return result


def _walk(rng: random.Random) -> list[tuple[date, str, int]]:
    """A year of daily statuses as its changes: (first day, status, staff share)."""
    first = LAST_DAY - timedelta(days=DAYS - 1)
    status = rng.choice(("resumed", "resumed", "partial", "stopped"))
    out, day = [], first
    while day <= LAST_DAY:
        share = {"resumed": 100, "stopped": 0}.get(status, rng.choice((30, 50, 70)))
        out.append((day, status, share))
        day += timedelta(days=1 + int(rng.expovariate(CHANGE_PER_DAY)))
        status = rng.choice([s for s in ("stopped", "partial", "resumed") if s != status])
    return out


def _load(db, enterprises: int) -> dict:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from fangkong.core import clock
    from fangkong.core.db import refresh_statistics
    from fangkong.enterprises import bulk
    from fangkong.enterprises.models import ConstructionSite, Problem, RosterMember, SiteRound
    from fangkong.lab.models import Sample, SamplingRound
    from fangkong.people.models import Resident
    from fangkong.places.models import District

    rng = random.Random(f"{SEED}:enterprises-bench")
    now = clock.now()
    with Session(db.engine) as session, session.begin():
        session.add_all([District(code=code, name=name, name_en=code, kind="district", lat=40.0, lon=113.3)
                         for code, name in DISTRICTS])
        session.flush()
        districts = list(session.scalars(select(District.id).order_by(District.id)))
        zone = districts[-1]
        conn = session.connection()
        rows = []
        for n in range(enterprises):
            district = zone if rng.random() < 0.3 else rng.choice(districts)
            rows.append({"name": f"企业{n}", "credit_code": f"B{n:017d}", "industry": "制造", "district_id": district,
                         "park": rng.choice(PARKS) if district == zone and rng.random() < 0.7 else None,
                         "above_scale": rng.random() < 0.35, "staff": 100, "contact_name": "张",
                         "contact_phone_enc": None, "closed_loop": False, "living": None, "created_at": now})
        ids = bulk.insert_enterprises(conn, rows)
        changes = []
        for code, enterprise_id in ids.items():
            changes += [(enterprise_id, day, status, share, None) for day, status, share in _walk(rng)]
        attributes = {ids[r["credit_code"]]: (r["district_id"], r["above_scale"], r["park"]) for r in rows}
        status_rows = bulk.status_rows(changes, recorded_at=now, recorded_by="bench", enterprises=attributes)
        bulk.insert_statuses(conn, status_rows)
        # residents for the rosters (MACs only matter), sites, rounds, samples
        conn.execute(Resident.__table__.insert(), [
            {"name": f"工人{i}", "id_number_enc": b"x", "id_number_mac": i.to_bytes(16, "big"), "sex": "male",
             "birth_date": date(1980, 1, 1)} for i in range(1, SITES * WORKERS + 1)])
        resident_ids = dict(conn.execute(select(Resident.id_number_mac, Resident.id)).all())
        conn.execute(ConstructionSite.__table__.insert(), [
            {"project": f"工地{i}", "builder": "建工", "district_id": rng.choice(districts), "location": "",
             "venue_id": None, "closure": "fully_closed", "created_at": now} for i in range(SITES)])
        site_ids = list(conn.scalars(select(ConstructionSite.id).order_by(ConstructionSite.id)))
        conn.execute(SamplingRound.__table__.insert(), [
            {"name": f"工地轮次{i}", "scope_kind": "list", "scope_ids": [], "reason": "key_groups",
             "priority": "voluntary", "pack": "measures20", "point_ids": [], "starts_at": now - timedelta(days=k),
             "target_at": now, "created_at": now, "created_by": "bench"} for i in range(SITES) for k in (1, 3)])
        round_ids = list(conn.scalars(select(SamplingRound.id).order_by(SamplingRound.id)))
        roster, links, samples = [], [], []
        for s, site_id in enumerate(site_ids):
            latest, older = round_ids[2 * s], round_ids[2 * s + 1]
            links += [{"site_id": site_id, "round_id": latest}, {"site_id": site_id, "round_id": older}]
            for w in range(WORKERS):
                mac = (s * WORKERS + w + 1).to_bytes(16, "big")
                roster.append({"site_id": site_id, "resident_id": resident_ids[mac], "person_mac": mac, "added_at": now})
                if rng.random() < 0.95:
                    samples.append({"round_id": latest, "barcode": f"T{s}-{w // 10}", "person_mac": mac,
                                    "document_kind": "id_card", "document_enc": b"x", "sampled_at": now,
                                    "attempt": 0})
        conn.execute(RosterMember.__table__.insert(), roster)
        for s, site_id in enumerate(site_ids):  # what sites.link_round keeps: the round that starts last
            conn.execute(ConstructionSite.__table__.update().where(ConstructionSite.id == site_id)
                         .values(latest_round_id=round_ids[2 * s]))
        conn.execute(SiteRound.__table__.insert(), links)
        conn.execute(Sample.__table__.insert(), samples)
        enterprise_ids = list(ids.values())
        problems = []
        for n in range(PROBLEMS):
            raised = now - timedelta(hours=rng.randint(1, 24 * 60))
            state = "closed" if rng.random() < 0.8 else rng.choice(("raised", "assigned", "handled"))
            problems.append({"enterprise_id": rng.choice(enterprise_ids), "site_id": None,
                             "district_id": rng.choice(districts),
                             "kind": rng.choice(("logistics", "raw_material", "energy", "staff", "living_supplies",
                                                 "other")), "urgency": "normal", "text": "问题", "state": state,
                             "task_force": "coordination", "owner": None, "raised_at": raised,
                             "raised_on": raised.date(), "due_at": raised + timedelta(hours=72)})
        conn.execute(Problem.__table__.insert(), problems)
        refresh_statistics(conn, ["enterprise", "enterprise_status", "enterprise_roster", "construction_site",
                                  "construction_site_round", "sample", "sampling_round", "enterprise_problem",
                                  "resident"])
    if db.backend == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("enterprise", "enterprise_status", "enterprise_roster", "sample", "enterprise_problem"):
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {table}")
    return {"status_changes": len(status_rows)}


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def _one(backend: str, enterprises: int) -> dict:
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from bench.managed_setup import Database
    from fangkong.app import create_app
    from fangkong.core.auth import create_user
    from fangkong.core.tokens import create_token

    db = Database(backend)
    try:
        started = time.perf_counter()
        loaded = _load(db, enterprises)
        with Session(db.engine) as session, session.begin():
            create_user(session, username="bench", password="bench-password-long", role="commander")
            _row, token = create_token(session, username="bench", name="bench", scopes=["enterprises.view"])
        setup = time.perf_counter() - started
        client = TestClient(create_app(engine=db.engine))
        headers = {"Authorization": f"Bearer {token}"}
        days = [LAST_DAY - timedelta(days=int(i * (DAYS - 1) / (REQUESTS - 1))) for i in range(REQUESTS)]
        figures = {**loaded, "setup_seconds": None}
        for name, path in (("board", "/api/v1/enterprises/board?on={}"),
                           ("list", "/api/v1/enterprises?on={}&above_scale=true&resumed=true")):
            spent = []
            for day in days:
                began = time.perf_counter()
                response = client.get(path.format(day.isoformat()), headers=headers)
                spent.append(time.perf_counter() - began)
                assert response.status_code == 200, response.text
            statements, stop = _captured(db.engine)
            client.get(path.format(LAST_DAY.isoformat()), headers=headers)
            stop()
            raw = _replay(db.engine, [s for s in statements if s[0].lstrip().upper().startswith("SELECT")
                                      and "api_token" not in s[0] and "user_account" not in s[0]])
            p95 = _p95(spent)
            figures[name] = {"p50_ms": round(1000 * statistics.median(spent)), "p95_ms": round(1000 * p95),
                             "max_ms": round(1000 * max(spent)), "raw_ms": round(1000 * raw),
                             "ratio": round(p95 / raw, 2) if raw else None}
        figures["setup_seconds"] = round(setup, 1)
        return figures
    finally:
        db.drop()


def _print(result: dict) -> None:
    table = Table(title=f"enterprises: {result['enterprises']:,} enterprises × {DAYS} days, {result['sites']:,} "
                        f"sites, {result['requests']} requests each")
    table.add_column("figure")
    for backend in result["backends"]:
        table.add_column(backend, justify="right")
    for name in ("board", "list"):
        for key in ("p50_ms", "p95_ms", "max_ms", "raw_ms", "ratio"):
            table.add_row(f"{name} {key}", *(str(b[name][key]) for b in result["backends"].values()))
    table.add_row("status changes stored", *(str(b["status_changes"]) for b in result["backends"].values()))
    table.add_row("setup (s)", *(str(b["setup_seconds"]) for b in result["backends"].values()))
    Console().print(table)
