"""Scenario lab: a city round of sampling records imported from CSV, its tube results applied with 0.1 %
positive pools resolved to their people, and 10,000-record batches through the sampling API.

Size knobs: FANGKONG_BENCH_LAB_RECORDS (default 3,100,000 swabs = 310,000 ten-in-one tubes, the
issue's figure) and FANGKONG_BENCH_LAB_BATCHES (default 10 batches of 10,000 records). Setup (not
timed): one district and community, 100 sampling points, one lab, a city round; the CSV files.

Timed, each on a fresh database:
- `lab import-samples` (lab.imports.import_samples: parse, check every rule, encrypt, insert; one
  commit per 100,000-line chunk, lab.imports.CHUNK) of the CSV; beside it the raw limit: the same
  tube and sample rows, prepared beforehand (encryption and MACs outside the clock), written by plain
  executemany (SQLite) / COPY (PostgreSQL) in the same chunks and commits, the cyclic garbage
  collector paused as the import pauses it.
- `lab import-results` of one result per tube (receptions included), 0.1 % of them positive pools
  whose ten people get their re-sampling tasks; raw limit: the same receipt and result rows by plain
  executemany / COPY.
- POST /api/v1/lab/samples:batch (TestClient, a sampling token) of the batches: records/s.
"""

from __future__ import annotations

import csv
import os
import random
import tempfile
import time
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.table import Table

SEED = 2022
POINTS = 100
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
START = "2022-11-12T06:00"
BORN = datetime(1940, 1, 1)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def run(backends=("sqlite", "postgresql")) -> dict:
    os.environ["FANGKONG_CLOCK"] = "2022-11-13T09:00"
    os.environ.setdefault("FANGKONG_SECRET_KEY", "bench-secret-key-not-for-production")
    from fangkong.config import reset_settings

    reset_settings()
    records = _env_int("FANGKONG_BENCH_LAB_RECORDS", 3_100_000)
    batches = _env_int("FANGKONG_BENCH_LAB_BATCHES", 10)
    folder = Path(tempfile.mkdtemp(prefix="fangkong-bench-lab-"))
    try:
        samples_csv, results_csv, positives = _files(folder, records)
        result = {"scenario": "lab", "records": records, "tubes": records // 10, "positive_pools": positives,
                  "api_batches": batches, "backends": {}}
        for backend in backends:
            result["backends"][backend] = _one(backend, samples_csv, results_csv, batches)
    finally:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    _print(result)
    return result


def id_number(serial: int) -> str:
    """A distinct valid ID number per serial: 1,000 a birth day from 1940-01-01 on."""
    born = BORN + timedelta(days=serial // 1000)
    first17 = f"140213{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def _files(folder: Path, records: int) -> tuple[Path, Path, int]:
    rng = random.Random(f"{SEED}:lab")
    start = datetime.fromisoformat(START)
    samples, results = folder / "samples.csv", folder / "results.csv"
    tubes = records // 10
    positive = set(rng.sample(range(tubes), max(1, tubes // 1000)))
    with open(samples, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(("tube_barcode", "pool_size", "point_code", "sampled_at", "id_number"))
        for serial in range(tubes * 10):
            tube = serial // 10
            at = start + timedelta(minutes=tube * 840 // tubes)
            writer.writerow((f"T{tube:09d}", 10, f"P{tube % POINTS:03d}", at.isoformat(), id_number(serial)))
    with open(results, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(("tube_barcode", "lab_code", "received_at", "result", "ct_orf", "tested_at"))
        for tube in range(tubes):
            at = start + timedelta(minutes=tube * 840 // tubes)
            hit = tube in positive
            writer.writerow((f"T{tube:09d}", "LAB1", (at + timedelta(hours=1)).isoformat(),
                             "positive" if hit else "negative", "28.5" if hit else "",
                             (at + timedelta(hours=rng.randrange(2, 14))).isoformat()))
    return samples, results, len(positive)


def _setup(db) -> int:
    from sqlalchemy.orm import Session

    from fangkong.lab import rounds
    from fangkong.lab.cli import CLI_ACTOR
    from fangkong.places import bulk as places_bulk

    with db.engine.begin() as conn:
        places_bulk.insert_districts(conn, [(1, "140213", "平城区", "Pingcheng", "district", 40.08, 113.3)])
        places_bulk.insert_subdistricts(conn, [(1, "140213001", 1, "开源街道")])
        places_bulk.insert_communities(conn, [(1, "140213001001", 1, 1, "民谐社区")])
        places_bulk.reset_id_sequences(conn)
    with Session(db.engine) as session:
        for p in range(POINTS):
            rounds.add_point(session, code=f"P{p:03d}", name=f"采样点{p}", kind="community", community_id=1)
        rounds.add_lab(session, code="LAB1", name="大同体育馆气膜实验室", daily_capacity=400_000)
        round_id = rounds.create_round(session, actor=CLI_ACTOR, name="全市", scope_kind="city",
                                       reason="extent_unknown", starts_at=datetime.fromisoformat(START)).id
        session.commit()
    return round_id


def _timed_import(db, round_id: int, samples_csv: Path, results_csv: Path) -> dict:
    from fangkong.core.db import unit_of_work
    from fangkong.lab import imports
    from fangkong.lab.cli import CLI_ACTOR

    open_session = partial(unit_of_work, db.engine)
    started = time.perf_counter()
    report = imports.import_samples(open_session, samples_csv, round_id=round_id, actor=CLI_ACTOR)
    samples_s = time.perf_counter() - started
    assert not report.refused, report.refused[:3]
    started = time.perf_counter()
    applied = imports.import_results(open_session, results_csv, round_id=round_id, actor=CLI_ACTOR)
    results_s = time.perf_counter() - started
    assert not applied.refused, applied.refused[:3]
    from sqlalchemy import func, select

    from fangkong.lab.models import ResampleTask
    with db.engine.connect() as conn:
        tasks = conn.execute(select(func.count()).select_from(ResampleTask)).scalar_one()
    return {"samples_seconds": round(samples_s, 2), "samples_per_s": round(report.inserted / samples_s),
            "results_seconds": round(results_s, 2), "results_per_s": round(applied.inserted / results_s),
            "resample_tasks": tasks}


def _raw(db, round_id: int, samples_csv: Path, results_csv: Path) -> dict:
    """The same rows by the plain driver; preparing them (MACs, encryption) is outside the clock."""
    from fangkong.core import clock
    from fangkong.core.gcpause import collector_paused
    from fangkong.core.pii import get_cipher
    from fangkong.lab import bulk
    from fangkong.lab.imports import CHUNK

    cipher, zone = get_cipher(), clock.zone()
    spent, tube_seen = 0.0, set()
    with open(samples_csv, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        while True:
            lines = [row for _, row in zip(range(CHUNK), reader)]
            if not lines:
                break
            tubes, samples = [], []
            for barcode, pool, point, at, number in lines:
                moment = datetime.fromisoformat(at).replace(tzinfo=zone)
                if barcode not in tube_seen:
                    tube_seen.add(barcode)
                    tubes.append((round_id, barcode, int(pool), 1 + int(point[1:]), 1, moment))
                samples.append((round_id, barcode, cipher.lookup_mac(number), "id_card", cipher.encrypt(number),
                                moment, 0))
            started = time.perf_counter()
            with collector_paused(), db.engine.begin() as conn:  # as the import: the raw limit is no slower
                bulk.insert_rows(conn, "tube", bulk.TUBE_COLUMNS, tubes)
                bulk.insert_rows(conn, "sample", bulk.SAMPLE_COLUMNS, samples)
            spent += time.perf_counter() - started
    samples_raw = spent
    receipts, rows, now = [], [], clock.now()
    with open(results_csv, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for barcode, _lab, received, outcome, ct, tested in reader:
            r, t = datetime.fromisoformat(received).replace(tzinfo=zone), datetime.fromisoformat(tested).replace(tzinfo=zone)
            receipts.append((round_id, barcode, 1, r))
            rows.append((round_id, barcode, 1, outcome, float(ct) if ct else None, None, t, t.date(), 0, now))
    started = time.perf_counter()
    for i in range(0, len(rows), CHUNK):
        with collector_paused(), db.engine.begin() as conn:
            bulk.insert_rows(conn, "tube_receipt", bulk.RECEIPT_COLUMNS, receipts[i:i + CHUNK])
            bulk.insert_rows(conn, "tube_result", bulk.RESULT_COLUMNS, rows[i:i + CHUNK])
    return {"samples_seconds": round(samples_raw, 2), "results_seconds": round(time.perf_counter() - started, 2)}


def _api(db, round_id: int, batches: int) -> dict:
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from fangkong.app import create_app
    from fangkong.core.auth import create_user
    from fangkong.core.tokens import create_token

    with Session(db.engine) as session:
        create_user(session, username="sampler", password="bench-password-123", role="community_worker",
                    jurisdiction_code="140200")
        _row, token = create_token(session, username="sampler", name="app", scopes=["lab.sample"])
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    base = 5_000_000
    bodies = [{"round_id": round_id, "samples": [
        {"tube_barcode": f"A{(base + b * 10_000 + i) // 10:09d}", "pool_size": 10, "point_code": f"P{(i // 10) % POINTS:03d}",
         "sampled_at": "2022-11-12T10:00", "id_number": id_number(base + b * 10_000 + i)} for i in range(10_000)]}
        for b in range(batches)]
    with TestClient(create_app(engine=db.engine)) as client:  # started as a server starts it (app.prepared)
        started = time.perf_counter()
        for body in bodies:
            answer = client.post("/api/v1/lab/samples:batch", json=body, headers=headers)
            assert answer.status_code == 200 and answer.json()["inserted"] == 10_000, answer.text[:300]
        spent = time.perf_counter() - started
    return {"records": batches * 10_000, "seconds": round(spent, 2), "records_per_s": round(batches * 10_000 / spent)}


def _one(backend: str, samples_csv: Path, results_csv: Path, batches: int) -> dict:
    from bench.managed_setup import Database

    figures = {}
    for name in ("ours", "raw"):
        db = Database(backend)
        try:
            round_id = _setup(db)
            if name == "ours":
                figures[name] = _timed_import(db, round_id, samples_csv, results_csv)
                figures["api"] = _api(db, round_id, batches)
            else:
                figures[name] = _raw(db, round_id, samples_csv, results_csv)
        finally:
            db.drop()
    figures["samples_vs_raw"] = round(figures["ours"]["samples_seconds"] / figures["raw"]["samples_seconds"], 2)
    figures["results_vs_raw"] = round(figures["ours"]["results_seconds"] / figures["raw"]["results_seconds"], 2)
    return figures


def _print(result: dict) -> None:
    table = Table(title=f"lab: {result['records']:,} swabs in {result['tubes']:,} tubes, "
                        f"{result['positive_pools']} positive pools")
    for column in ("backend", "import s", "raw s", "ours/raw", "results s", "raw s", "ours/raw", "tasks", "API rec/s"):
        table.add_column(column)
    for backend, f in result["backends"].items():
        table.add_row(backend, str(f["ours"]["samples_seconds"]), str(f["raw"]["samples_seconds"]),
                      str(f["samples_vs_raw"]), str(f["ours"]["results_seconds"]), str(f["raw"]["results_seconds"]),
                      str(f["results_vs_raw"]), str(f["ours"]["resample_tasks"]), str(f["api"]["records_per_s"]))
    Console().print(table)
