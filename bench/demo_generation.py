"""Scenario demo_generation: `fangkong demo` into a fresh SQLite file, against the raw write limit.

Ours: generate_city() end to end (plan, residents drawn and encrypted, all writes, index
builds). Raw limit: the very rows, read back from the generated database table by table in
batches, written by plain sqlite3 executemany into a fresh file with the same schema (CREATE
statements copied from sqlite_master, default pragmas, one commit); only the writes are
timed. ratio = ours / raw.

Peak RSS of the process tree: ru_maxrss of this process plus, for each resident worker, the
largest ru_maxrss among the finished children (an upper bound: peaks need not coincide).
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

SEED = 2022
BATCH = 50_000
TABLES = ("district", "subdistrict", "community", "compound", "building", "unit", "venue", "household", "resident")


def run(population: int, workdir: str | None = None) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="fangkong-bench-", dir=workdir))
    try:
        ours = _generate(tmp / "demo.db", population)
        raw_seconds = _raw_writes(tmp / "demo.db", tmp / "raw.db")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "scenario": "demo_generation",
        "backend": "sqlite",
        **ours,
        "raw_seconds": round(raw_seconds, 2),
        "ratio": round(ours["seconds"] / raw_seconds, 2),
    }
    _print(result)
    return result


def _generate(path: Path, population: int) -> dict:
    os.environ["FANGKONG_DATABASE_URL"] = f"sqlite:///{path}"
    from fangkong.config import reset_settings
    from fangkong.core import migrate
    from fangkong.core.db import get_engine
    from fangkong.demo.generator import generate_city
    from fangkong.demo.progress import rich_progress

    reset_settings()
    get_engine.cache_clear()
    engine = get_engine()
    migrate.upgrade(engine)
    started = time.perf_counter()
    with rich_progress() as report:
        summary = generate_city(engine, population=population, seed=SEED, progress=report)
    seconds = time.perf_counter() - started
    engine.dispose()
    get_engine.cache_clear()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "population": population,
        "seed": SEED,
        "rows": summary.rows,
        "residents": summary.residents,
        "households": summary.households,
        "units": summary.units,
        "venues": summary.venues,
        "seconds": round(seconds, 2),
        "plan_seconds": round(summary.plan_seconds, 2),
        "rows_per_s": round(summary.rows / seconds),
        "residents_per_s": round(summary.residents / seconds),
        "workers": summary.workers,
        "peak_rss_mb": round((own + summary.workers * children) / 1024, 1),
        "peak_rss_main_mb": round(own / 1024, 1),
        "peak_rss_worker_mb": round(children / 1024, 1),
        "database_mb": round(path.stat().st_size / 1e6, 1),
    }


def _raw_writes(source: Path, target: Path) -> float:
    """Seconds plain sqlite3 spends writing the same rows into the same schema."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    schema = src.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid"
    ).fetchall()
    for (statement,) in schema:
        dst.execute(statement)
    dst.commit()
    spent = 0.0
    for table in TABLES:
        cursor = src.execute(f"SELECT * FROM {table} ORDER BY rowid")
        marks = ", ".join("?" for _ in cursor.description)
        insert = f"INSERT INTO {table} VALUES ({marks})"
        while rows := cursor.fetchmany(BATCH):
            started = time.perf_counter()
            dst.executemany(insert, rows)
            spent += time.perf_counter() - started
    started = time.perf_counter()
    dst.commit()
    spent += time.perf_counter() - started
    src.close()
    dst.close()
    return spent


def _print(result: dict) -> None:
    table = Table(title=f"demo_generation — {result['population']:,} residents, SQLite")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for label, key, unit in (
        ("generation (ours)", "seconds", "s"),
        ("  of which plan", "plan_seconds", "s"),
        ("rows written", "rows", ""),
        ("rows/s", "rows_per_s", ""),
        ("residents/s", "residents_per_s", ""),
        ("peak RSS (main + workers)", "peak_rss_mb", "MB"),
        ("database file", "database_mb", "MB"),
        ("raw sqlite3 executemany", "raw_seconds", "s"),
        ("ratio ours / raw", "ratio", "×"),
    ):
        value = result[key]
        table.add_row(label, f"{value:,}{(' ' + unit) if unit else ''}")
    Console().print(table)
