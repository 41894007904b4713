"""Shared by the policy_switch and managed_list scenarios: a fresh database with N people under management.

A small demo city (districts, communities, residents) is generated first; then N people are
drawn like the demo scenario's people anchored before the switch (every category ed9
identifies, anchors 2022-11-01 … 11-10, identified 0–2 days later) and written through
people.bulk.insert_managed in one call, as the app's bulk paths do (COPY on PostgreSQL,
executemany on SQLite; planner statistics refreshed at the end). The database is a
fangkong.core.testing.ScratchDatabase: a SQLite file in a temporary directory, or a schema of
its own in the PostgreSQL database `test`; `drop()` removes it.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from datetime import date, datetime, time as clock_time, timedelta
from pathlib import Path

from fangkong.core.testing import ScratchDatabase

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CITY = 50_000
SEED = 2022
FIRST_ANCHOR = date(2022, 11, 1)  # most plans still live on 11-11 (the demo starts in late October)


class Database(ScratchDatabase):
    def __init__(self, backend: str) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="fangkong-bench-"))
        super().__init__(backend, self.dir, postgres_url=POSTGRES_URL, prefix="fk_bench")

    def drop(self) -> None:
        super().drop()
        shutil.rmtree(self.dir, ignore_errors=True)


def populate(db: Database, people: int, city: int = CITY) -> float:
    """City of `city` residents + `people` under management anchored under ed9; returns the seconds spent
    on the people."""
    from sqlalchemy import func, select

    from fangkong.core import clock
    from fangkong.demo.generator import generate_city
    from fangkong.demo.scenario import BEFORE, SWITCH_ON
    from fangkong.people import bulk
    from fangkong.people.models import Resident
    from fangkong.policy import compute_plan, get_pack

    generate_city(db.engine, population=city, seed=SEED, workers=0)
    started = time.perf_counter()
    rng = random.Random(f"{SEED}:bench")
    with db.engine.connect() as conn:
        homes = conn.execute(select(Resident.id, Resident.name, Resident.district_id, Resident.community_id)).all()
        assert conn.execute(select(func.count()).select_from(Resident)).scalar_one() == city
    ed9 = get_pack("ed9")
    categories = list(BEFORE)
    weights = [w for w, _ in BEFORE.values()]
    span = (SWITCH_ON - FIRST_ANCHOR).days
    rows, plans = [], []
    zone = clock.zone()
    for pid in range(1, people + 1):
        category = rng.choices(categories, weights)[0]
        anchor = FIRST_ANCHOR + timedelta(days=rng.randrange(span))
        identified = min(anchor + timedelta(days=rng.randint(0, 2)), SWITCH_ON - timedelta(days=1))
        option = "centralized" if category == "high_risk_job" and rng.random() < 0.3 else None
        home = homes[rng.randrange(len(homes))]
        at = datetime.combine(identified, clock_time(9), tzinfo=zone)
        rows.append({
            "id": pid, "resident_id": home.id, "name": home.name, "category": category, "anchor": anchor,
            "identified_on": identified, "source": BEFORE[category][1], "district_id": home.district_id,
            "community_id": home.community_id, "created_at": at, "updated_at": at,
        })
        plans.append(compute_plan(ed9, category, anchor, identified, option=option))
    with db.engine.begin() as conn:
        bulk.insert_managed(conn, rows, plans, actor="bench")
    return time.perf_counter() - started
