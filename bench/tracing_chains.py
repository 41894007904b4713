"""Scenario tracing_chains: the first view of the chain page at 10,000 cases and 50,000 confirmed contacts.

Setup (not timed): bench/chain_data.py loads the chains in bulk into a fresh database (SQLite file,
PostgreSQL schema); a commander logs in through the real form.
Timed, median of RUNS after one warm-up, through the app (Starlette's TestClient, in process):
the first view = `GET /tracing/chains` (the page with every cluster's statistics and the overview
graph's data) + `GET /api/v1/tracing/chains/{largest}` (the graph the page fetches and draws at
once). Beside it, the raw limit: the very SQL statements of both requests (captured with their
parameters: session, permission and the chain queries) replayed through the plain driver cursor.
Target (issue 7): first view ≤ 1 s.
"""

from __future__ import annotations

import os
import re
import statistics
import time

from rich.console import Console
from rich.table import Table

CASES = 10_000
RUNS = 5
PASSWORD = "bench-password-long-enough"


def run(backends=("sqlite", "postgresql")) -> dict:
    os.environ["FANGKONG_CLOCK"] = "2022-11-13T09:00"
    os.environ.setdefault("FANGKONG_SECRET_KEY", "bench-secret-key-not-for-production")
    from fangkong.config import reset_settings

    reset_settings()
    cases = int(os.environ.get("FANGKONG_BENCH_CHAIN_CASES", CASES))
    result = {"scenario": "tracing_chains", "cases": cases, "runs": RUNS, "backends": {}}
    for backend in backends:
        result["backends"][backend] = _one(backend, cases)
    _print(result)
    return result


def _log_in(client) -> None:
    token = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
    form = {"username": "bench", "password": PASSWORD, "next": "/tracing/chains",
            "csrf_token": token.search(client.get("/login").text).group(1)}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303


def _one(backend: str, cases: int) -> dict:
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from bench import chain_data
    from bench.managed_setup import Database
    from bench.zones_daily import _captured, _replay
    from fangkong.app import create_app
    from fangkong.core.auth import create_user

    db = Database(backend)
    try:
        started = time.perf_counter()
        loaded = chain_data.load(db.engine, cases=cases)
        with Session(db.engine) as session, session.begin():
            create_user(session, username="bench", password=PASSWORD, role="commander")
        setup = time.perf_counter() - started
        pages, graphs, views, raws, sizes = [], [], [], [], {}
        with TestClient(create_app(engine=db.engine)) as client:
            _log_in(client)
            largest = client.get("/api/v1/tracing/chains").json()["clusters"][0]  # warm-up
            for _ in range(RUNS):
                statements, stop = _captured(db.engine)
                began = time.perf_counter()
                page = client.get("/tracing/chains")
                middle = time.perf_counter()
                graph = client.get(f"/api/v1/tracing/chains/{largest['id']}")
                ended = time.perf_counter()
                stop()
                assert page.status_code == 200 and graph.status_code == 200, (page.text[:300], graph.text[:300])
                pages.append(middle - began)
                graphs.append(ended - middle)
                views.append(ended - began)
                raws.append(_replay(db.engine, statements))
                sizes = {"page_bytes": len(page.content), "graph_bytes": len(graph.content),
                         "graph_nodes": len(graph.json()["nodes"]), "statements": len(statements)}
    finally:
        db.drop()
    view, raw = statistics.median(views), statistics.median(raws)
    return {"setup_seconds": round(setup, 1), **loaded, "largest_generations": largest["generations"],
            "page_ms": round(statistics.median(pages) * 1000, 1),
            "graph_ms": round(statistics.median(graphs) * 1000, 1),
            "first_view_ms": round(view * 1000, 1), "first_view_max_ms": round(max(views) * 1000, 1),
            "raw_sql_ms": round(raw * 1000, 1), "ratio": round(view / raw, 2), **sizes}


def _print(result: dict) -> None:
    table = Table(title=f"tracing_chains — {result['cases']:,} cases, first view of the chain page "
                        f"(median of {result['runs']})")
    for column in ("backend", "contacts", "clusters", "page ms", "graph ms", "first view ms", "max ms",
                   "raw SQL ms", "ratio", "page KB", "graph nodes"):
        table.add_column(column)
    for backend, f in result["backends"].items():
        table.add_row(backend, f"{f['contacts']:,}", f"{f['clusters']:,}", str(f["page_ms"]), str(f["graph_ms"]),
                      str(f["first_view_ms"]), str(f["first_view_max_ms"]), str(f["raw_sql_ms"]), str(f["ratio"]),
                      str(f["page_bytes"] // 1024), str(f["graph_nodes"]))
    Console().print(table)
