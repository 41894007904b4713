"""Scenario tracing_api: the scan API on one process against a bare FastAPI endpoint, same run, same way.

Setup (not timed): a fresh database with a 2,000-resident demo city (its venues), a gate-staff
user (public_areas, city-wide) and an API token with the scope tracing.scan.
Each server is one uvicorn process (`--workers 1`, h11, access log off) started in a subprocess on
a free loopback port: ours is `fangkong.app:create_app` on that database; the bare one is
bench/bare_app.py, a FastAPI app whose only route takes the same JSON body as a dict and answers a
constant (a sync `def`, as our route is). The load: CONNECTIONS keep-alive connections from this
process (asyncio streams, no HTTP library in the way), each posting one scan per request, distinct
person/venue/minute so every request of ours inserts a row; WARMUP seconds first, then SECONDS
measured. Both servers get byte-identical requests (headers and bodies). Requests per second,
p50/p99 latency, and the ratio ours / bare. Beside them, `GET /healthz` of our app (its middleware
stack and one `SELECT 1`, no auth, no write): the floor of any route of ours, to tell the framework's
share from the scan's own work. Target (issue 7): ours ≥ 50 % of the bare endpoint.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

CONNECTIONS = int(os.environ.get("FANGKONG_BENCH_CONNECTIONS", 8))
WARMUP = 2.0
SECONDS = 10.0
POPULATION = 2_000
ROOT = Path(__file__).resolve().parent.parent


def run(backends=tuple(os.environ.get("FANGKONG_BENCH_BACKENDS", "sqlite,postgresql").split(","))) -> dict:
    os.environ["FANGKONG_CLOCK"] = "2022-11-13T09:00"
    os.environ.setdefault("FANGKONG_SECRET_KEY", "bench-secret-key-not-for-production")
    from fangkong.config import reset_settings

    reset_settings()
    result = {"scenario": "tracing_api", "connections": CONNECTIONS, "seconds": SECONDS, "backends": {}}
    for backend in backends:
        result["backends"][backend] = _one(backend)
    _print(result)
    return result


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(target: list[str], env: dict) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", *target, "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--log-level", "warning", "--no-access-log"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"uvicorn {target} did not start")


def _gets(path: str):
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    while True:
        yield request


def _requests(codes: list[str], residents: list[int], token: str, path: str):
    """Request bytes, forever: one scan each, a new (person, venue, minute) every time."""
    n = 0
    while True:
        person, venue = residents[n % len(residents)], codes[(n // len(residents)) % len(codes)]
        minute = n % (12 * 60)
        body = json.dumps({"scans": [{"venue_code": venue, "resident_id": person,
                                      "scanned_at": f"2022-11-12T{8 + minute // 60:02d}:{minute % 60:02d}:00+08:00"}]},
                          separators=(",", ":")).encode()
        yield (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
        n += 1


async def _load(port: int, requests) -> dict:
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    measuring = {"from": time.monotonic() + WARMUP}
    until = measuring["from"] + SECONDS

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (now := time.monotonic()) < until:
                writer.write(next(requests))
                status = int((await reader.readline()).split()[1])
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                if now >= measuring["from"]:
                    latencies.append(time.monotonic() - now)
                    statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    latencies.sort()
    return {"requests": len(latencies), "requests_per_s": round(len(latencies) / SECONDS),
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
            "statuses": {str(k): v for k, v in sorted(statuses.items())}}


def _one(backend: str) -> dict:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from bench.managed_setup import Database
    from fangkong.core.auth import create_user
    from fangkong.core.tokens import create_token
    from fangkong.demo.generator import generate_city
    from fangkong.people.models import Resident
    from fangkong.places.models import Venue
    from fangkong.tracing.models import VenueScan

    db = Database(backend)
    try:
        generate_city(db.engine, population=POPULATION, seed=2022, workers=0)
        with Session(db.engine) as session, session.begin():
            codes = list(session.scalars(select(Venue.code).order_by(Venue.id)))
            residents = list(session.scalars(select(Resident.id).order_by(Resident.id)))
            create_user(session, username="gate", password="bench-password-long-enough", role="public_areas")
            _row, token = create_token(session, username="gate", name="bench", scopes=["tracing.scan"])
        # the servers run this checkout's code, not whichever copy the environment installed (a worktree)
        env = {**os.environ, "FANGKONG_DATABASE_URL": db.url, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
        figures = {}
        for name, target, path in (("bare", ["bench.bare_app:app"], "/bare"),
                                   ("ours", ["--factory", "fangkong.app:create_app"], "/api/v1/tracing/scans:batch")):
            process, port = _start(target, env)
            try:
                if name == "ours":  # the app's own floor: its middleware and one database round trip, no auth
                    figures["healthz"] = asyncio.run(_load(port, _gets("/healthz")))
                figures[name] = asyncio.run(_load(port, _requests(codes, residents, token, path)))
            finally:
                process.terminate()
                process.wait(timeout=30)
        with Session(db.engine) as session:
            figures["ours"]["rows"] = session.scalar(select(func.count()).select_from(VenueScan))
    finally:
        db.drop()
    figures["ratio"] = round(figures["ours"]["requests_per_s"] / figures["bare"]["requests_per_s"], 2)
    return figures


def _print(result: dict) -> None:
    table = Table(title=f"tracing_api — one scan per request, {result['connections']} connections, "
                        f"{result['seconds']:.0f} s, one uvicorn process each")
    for column in ("backend", "bare r/s", "healthz r/s", "ours r/s", "ours/bare", "bare p50 ms", "ours p50 ms", "ours p99 ms",
                   "ours statuses", "rows"):
        table.add_column(column)
    for backend, f in result["backends"].items():
        table.add_row(backend, str(f["bare"]["requests_per_s"]), str(f["healthz"]["requests_per_s"]),
                      str(f["ours"]["requests_per_s"]), str(f["ratio"]),
                      str(f["bare"]["p50_ms"]), str(f["ours"]["p50_ms"]), str(f["ours"]["p99_ms"]),
                      json.dumps(f["ours"]["statuses"]), str(f["ours"]["rows"]))
    Console(width=160).print(table)
