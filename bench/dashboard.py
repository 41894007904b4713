"""Scenario dashboard: the command's dashboard and the daily report at city load, on SQLite and PostgreSQL.

Setup (not timed): the demo city of 3,100,000 residents (demo.generator), 200,000 people under
management (bench.managed_setup), 1,000,000 hotline tickets over 100 days (bench.hotline), one
city-wide sampling round's 310,000 tube results over the last three days with the labs' daily
counts and 0.1 % positive pools (ten re-sampling tasks each), a few hundred cases and zones, the
quarantine bench's 20 sites (8,000 beds) filled by the day's automatic assignment;
planner statistics refreshed (PostgreSQL: VACUUM ANALYZE). Size knobs: FANGKONG_BENCH_DASHBOARD_CITY,
…_MANAGED, …_TICKETS, …_TUBES. The 15 M venue scans of the issue's load are not loaded
(FANGKONG_BENCH_DASHBOARD_SCANS, default 0): no dashboard figure or report table reads the scan
table, and loading them takes 20–30 minutes per backend on this machine (see bench/tracing.py).

Timed, as a city-level commander with a token, every section (`view_all=true`), each server our app
in its own uvicorn process (as `fangkong serve` runs it), asked over one keep-alive connection:
- cold: a new process, started (its lifespan ran, app.prepared: `startup_p50_ms` is the time until it
  accepts connections), and its first `GET /api/v1/dashboard`, checked to be computed, not kept; COLD
  processes, p95;
- warm: WARM further requests to each of those processes (COLD × WARM in all), p95 (the dashboard is kept
  FANGKONG_DASHBOARD_CACHE_SECONDS, 60 s by default: these are answered from it);
- uncached: a process with the cache off (each request computes every figure), WARM requests after
  its first, p95;
- raw limit: the SELECT statements one computation sent, replayed through the plain driver cursor;
- the daily report: report.build + write_xlsx, and report.build + write_pdf, seconds each.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import random
import statistics
import time
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from rich.console import Console
from rich.table import Table

from bench.hotline import MORNING, _load as load_tickets, _p95, _timed
from bench.zones_daily import _captured, _replay

SEED = 2022
COLD, WARM = 10, 20
DAY = date(2022, 11, 13)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(f"FANGKONG_BENCH_DASHBOARD_{name}", default))


def run(backends=("sqlite", "postgresql")) -> dict:
    os.environ["FANGKONG_CLOCK"] = MORNING.isoformat(timespec="minutes")
    os.environ.setdefault("FANGKONG_SECRET_KEY", "bench-secret-key-not-for-production")
    from fangkong.config import reset_settings

    reset_settings()
    sizes = {"city": _env_int("CITY", 3_100_000), "managed": _env_int("MANAGED", 200_000),
             "tickets": _env_int("TICKETS", 1_000_000), "tubes": _env_int("TUBES", 310_000),
             "scans": _env_int("SCANS", 0)}
    result = {"scenario": "dashboard", **sizes, "cold_requests": COLD, "warm_requests": WARM, "backends": {}}
    for backend in backends:
        result["backends"][backend] = _one(backend, sizes)
    _print(result)
    return result


def _load_lab(db, tubes: int) -> None:
    """One city round: `tubes` results over three days, the labs' daily counts, 0.1 % positive pools."""
    from sqlalchemy import insert, select

    from fangkong.core import clock
    from fangkong.lab.models import Lab, LabDay, ResampleTask, SamplingRound, TubeResult
    from fangkong.places.models import Community

    zone, rng = clock.zone(), random.Random(f"{SEED}:dashboard-lab")
    start = datetime(2022, 11, 11, 6, tzinfo=zone)
    with db.engine.begin() as conn:
        communities = [row for row, in conn.execute(select(Community.id).limit(2000))]
        conn.execute(insert(Lab), [{"id": i, "code": f"LAB{i}", "name": f"实验室{i}", "daily_capacity": 120_000}
                                   for i in (1, 2, 3)])
        conn.execute(insert(SamplingRound), [{
            "id": 1, "name": "全市", "scope_kind": "city", "scope_ids": [], "reason": "extent_unknown",
            "priority": "voluntary", "pack": "measures20", "point_ids": [], "starts_at": start,
            "target_at": start + timedelta(hours=24), "created_at": start, "created_by": "bench"}])
        rows, days = [], {}
        for tube in range(tubes):
            sampled = start + timedelta(minutes=tube * 2 * 24 * 60 // tubes)
            tested = sampled + timedelta(minutes=rng.randrange(90, 20 * 60))
            lab = 1 + tube % 3
            rows.append({"round_id": 1, "barcode": f"T{tube:09d}", "lab_id": lab, "outcome": "negative",
                         "tested_at": tested, "tested_on": tested.date(),
                         "turnaround_minutes": int((tested - sampled).total_seconds() // 60), "recorded_at": tested})
            days[(lab, tested.date())] = days.get((lab, tested.date()), 0) + 1
            if len(rows) == 50_000:
                conn.execute(insert(TubeResult), rows)
                rows = []
        if rows:
            conn.execute(insert(TubeResult), rows)
        conn.execute(insert(LabDay), [{"lab_id": lab, "day": day, "received": n + 500, "tested": n, "positive": 0}
                                      for (lab, day), n in sorted(days.items())])
        tasks = []
        for pool in range(max(1, tubes // 1000)):
            opened = start + timedelta(hours=rng.randrange(6, 60))
            for person in range(10):
                done = rng.random() < 0.8
                tasks.append({"round_id": 1, "source_barcode": f"T{pool:09d}", "person_mac": os.urandom(16),
                              "document_kind": "id_card", "document_enc": b"x", "community_id": rng.choice(communities),
                              "district_id": None, "reason": "positive_pool", "state": "cleared" if done else "pending",
                              "created_at": opened, "resampled_at": opened + timedelta(hours=3) if done else None})
        conn.execute(insert(ResampleTask), tasks)


def _load_quarantine(db) -> None:
    """The quarantine bench's 20 sites (8,000 beds), filled by the day's automatic assignment."""
    from sqlalchemy.orm import Session

    from bench.quarantine import _sites
    from fangkong.quarantine import service

    _sites(db.engine)
    with Session(db.engine) as session:
        service.auto_assign(session, actor="bench", scope=service.CITY_SCOPE, day=DAY, limit=10_000)
        session.commit()


def _one(backend: str, sizes: dict) -> dict:
    from bench.managed_setup import Database, populate

    db = Database(backend)
    try:
        started = time.perf_counter()
        populate(db, sizes["managed"], city=sizes["city"])
        load_tickets(db, sizes["tickets"])
        _load_quarantine(db)
        _load_lab(db, sizes["tubes"])
        _analyze(db)
        token = _token(db)
        setup = round(time.perf_counter() - started, 1)
        return {"setup_seconds": setup, **_measure(db, token), **_report(db)}
    finally:
        db.drop()


def _analyze(db) -> None:
    from sqlalchemy import inspect

    from fangkong.core.db import refresh_statistics

    tables = inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        refresh_statistics(conn, tables)
        conn.commit()
    if db.backend == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")


def _token(db) -> str:
    from sqlalchemy.orm import Session

    from fangkong.core.auth import create_user
    from fangkong.core.tokens import create_token

    with Session(db.engine) as session, session.begin():
        create_user(session, username="bench", password="bench-password-long", role="commander")
        _row, token = create_token(session, username="bench", name="bench", scopes=SCOPES)
    return token


PATH = "/api/v1/dashboard?view_all=true"
SCOPES = ["dashboard.view", "residents.read", "zones.view", "managed.read", "quarantine.view", "lab.view",
          "hotline.read", "inspection.read", "reports.over_enforcement"]  # every section of the commander


class _Server:
    """Our app in its own uvicorn process (bench.tracing_api._start: it accepts connections once started),
    asked over one keep-alive HTTP connection; `get` answers like a test client's."""

    def __init__(self, db, **env: str) -> None:
        from bench.tracing_api import ROOT, _start

        self.began = time.perf_counter()
        self.process, port = _start(["--factory", "fangkong.app:create_app"], {
            **os.environ, "FANGKONG_DATABASE_URL": db.url, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", **env})
        self.started = time.perf_counter()
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str, headers: dict) -> SimpleNamespace:
        self.connection.request("GET", path, headers=headers)
        answer = self.connection.getresponse()
        text = answer.read().decode()
        return SimpleNamespace(status_code=answer.status, text=text, json=lambda: json.loads(text))

    def __enter__(self) -> "_Server":
        return self

    def __exit__(self, *_exc) -> None:
        self.connection.close()
        self.process.terminate()
        self.process.wait(timeout=30)


def _measure(db, token: str) -> dict:
    from fastapi.testclient import TestClient

    from fangkong.app import create_app
    from fangkong.config import reset_settings

    headers = {"Authorization": f"Bearer {token}"}
    cold, startup, warm = [], [], []
    for _ in range(COLD):
        with _Server(db) as server:
            began = time.perf_counter()
            response = server.get(PATH, headers)
            cold.append(time.perf_counter() - began)
            startup.append(server.started - server.began)
            assert response.status_code == 200 and response.json()["cached"] is False, response.text
            warm += _timed(server, PATH, headers, WARM)  # kept from the cold one
    with _Server(db, FANGKONG_DASHBOARD_CACHE_SECONDS="0") as server:  # every request computes it afresh
        again = _timed(server, PATH, headers, WARM + 1)[1:]
    os.environ["FANGKONG_DASHBOARD_CACHE_SECONDS"] = "0"
    reset_settings()
    try:  # the statements of one computation, in this process, for the raw limit
        client = TestClient(create_app(engine=db.engine))
        statements, stop = _captured(db.engine)
        response = client.get(PATH, headers=headers)
        stop()
    finally:
        os.environ.pop("FANGKONG_DASHBOARD_CACHE_SECONDS")
        reset_settings()
    raw = _replay(db.engine, [s for s in statements if s[0].lstrip().upper().startswith("SELECT")
                              and "api_token" not in s[0] and "user_account" not in s[0]])
    figures = {f["key"]: f["value"] for s in response.json()["sections"] for f in s["figures"]}
    return {"cold_p95_ms": round(1000 * _p95(cold)), "cold_p50_ms": round(1000 * statistics.median(cold)),
            "startup_p50_ms": round(1000 * statistics.median(startup)),
            "warm_p95_ms": round(1000 * _p95(warm)), "warm_p50_ms": round(1000 * statistics.median(warm)),
            "uncached_p95_ms": round(1000 * _p95(again)), "uncached_p50_ms": round(1000 * statistics.median(again)),
            "raw_ms": round(1000 * raw), "uncached_ratio": round(_p95(again) / raw, 2) if raw else None,
            "statements": len(statements), "in_phase": figures.get("in_phase"), "tickets_14d": figures.get("received")}


def _report(db) -> dict:
    from fangkong.core.db import unit_of_work
    from fangkong.dashboard import report, report_pdf
    from fangkong.dashboard.service import ReportActor

    out = {}
    for fmt in ("xlsx", "pdf"):
        began = time.perf_counter()
        with unit_of_work(db.engine) as session:
            built = report.build(session, on=DAY, actor=ReportActor())
        if fmt == "pdf":
            size = len(report_pdf.write_pdf(built))
        else:
            buffer = io.BytesIO()
            report.write_xlsx(built, buffer)
            size = buffer.tell()
        out[f"report_{fmt}_seconds"] = round(time.perf_counter() - began, 2)
        out[f"report_{fmt}_bytes"] = size
    return out


def _print(result: dict) -> None:
    table = Table(title=f"dashboard: {result['city']:,} residents, {result['managed']:,} managed, "
                        f"{result['tickets']:,} tickets, {result['tubes']:,} tube results")
    for column in ("backend", "cold p95 ms", "warm p95 ms", "uncached p95 ms", "raw ms", "uncached/raw", "xlsx s",
                   "pdf s", "setup s"):
        table.add_column(column)
    for backend, r in result["backends"].items():
        table.add_row(backend, str(r["cold_p95_ms"]), str(r["warm_p95_ms"]), str(r["uncached_p95_ms"]),
                      str(r["raw_ms"]), str(r["uncached_ratio"]),
                      str(r["report_xlsx_seconds"]), str(r["report_pdf_seconds"]), str(r["setup_seconds"]))
    Console().print(table)
