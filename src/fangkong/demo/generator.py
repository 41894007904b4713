"""Generate the demo city (大同市) into an empty database, in one transaction.

The plan (places, households, venues) is drawn in this process; residents are drawn and
encrypted in chunks, by two spawned worker processes for large cities, while this process
writes: executemany on SQLite, COPY on PostgreSQL. The same seed and population give the same
names, ID numbers, phones and places (only the ciphertexts' random nonces differ).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from fangkong.config import get_settings
from fangkong.core.db import refresh_statistics
from fangkong.core.errors import DomainError
from fangkong.core.pii import get_cipher
from fangkong.demo import residents
from fangkong.demo.city import load_city
from fangkong.demo.plan import CityPlan, build_plan
from fangkong.people import bulk as people_bulk
from fangkong.people.models import Household, Resident
from fangkong.places import bulk as places_bulk
from fangkong.places.models import Building, Community, Compound, District, Subdistrict, Unit, Venue

MAX_POPULATION = 20_000_000
PARALLEL_FROM = 20_000  # below this, spawning workers costs more than it saves
HOUSEHOLD_BATCH = 100_000
CITY_MODELS = (District, Subdistrict, Community, Compound, Building, Unit, Venue, Household, Resident)
CITY_TABLES = tuple(model.__tablename__ for model in CITY_MODELS)

ProgressCallback = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class DemoSummary:
    population: int
    seed: int
    districts: int
    subdistricts: int
    communities: int
    compounds: int
    buildings: int
    units: int
    households: int
    residents: int
    venues: int
    seconds: float
    plan_seconds: float
    write_seconds: float
    workers: int

    @property
    def rows(self) -> int:
        return (
            self.districts + self.subdistricts + self.communities + self.compounds + self.buildings
            + self.units + self.households + self.residents + self.venues
        )


def validate_request(population: int, seed: int) -> None:
    if population < 1:
        raise DomainError("invalid_population", f"population must be at least 1, not {population}")
    if population > MAX_POPULATION:
        raise DomainError(
            "invalid_population", f"population must be at most {MAX_POPULATION:,}, not {population:,}"
        )
    if seed < 0:
        raise DomainError("invalid_seed", f"seed must be zero or positive, not {seed}")


def existing_city(engine: Engine) -> tuple[int, int]:
    """(districts, residents) already in the database."""
    with engine.connect() as conn:
        districts = conn.execute(select(func.count()).select_from(District)).scalar_one()
        people = conn.execute(select(func.count()).select_from(Resident)).scalar_one()
    return districts, people


def generate_city(
    engine: Engine,
    *,
    population: int,
    seed: int,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
) -> DemoSummary:
    """Build the city; refuse (DomainError) when the database already holds one.

    `workers`: processes drawing residents; None chooses 2 for large cities, 0 draws in-process.
    The rows do not depend on it.
    """
    validate_request(population, seed)
    districts, people = existing_city(engine)
    if districts or people:
        raise DomainError(
            "city_exists",
            f"the database already holds a city ({districts} districts, {people:,} residents); "
            "use an empty database, or --if-empty to keep it",
            status=409,
        )
    report = progress or (lambda stage, done, total: None)
    started = time.perf_counter()
    city = load_city()
    plan = build_plan(city, population, seed)
    plan_seconds = time.perf_counter() - started
    tasks = list(_tasks(plan, city, seed))
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if population >= PARALLEL_FROM else 0
    write_started = time.perf_counter()
    with _bulk_connection(engine) as conn:
        report("places", 0, 1)
        _write_places(conn, plan)
        report("places", 1, 1)
        households = len(plan.household_size)
        for start in range(0, households, HOUSEHOLD_BATCH):
            end = min(start + HOUSEHOLD_BATCH, households)
            people_bulk.insert_households(conn, zip(
                range(start + 1, end + 1), plan.household_unit[start:end], plan.household_size[start:end]
            ))
            report("households", end, households)
        written = 0
        with people_bulk.deferred_resident_indexes(conn):
            for rows in _resident_chunks(tasks, workers):
                people_bulk.insert_residents(conn, rows)
                written += len(rows)
                report("residents", written, population)
            report("indexes", 0, 1)
        people_bulk.reset_id_sequences(conn)
        places_bulk.reset_id_sequences(conn)
        refresh_statistics(conn, CITY_TABLES)
        report("indexes", 1, 1)
    write_seconds = time.perf_counter() - write_started
    return DemoSummary(
        population=population, seed=seed, districts=len(plan.districts),
        subdistricts=len(plan.subdistricts), communities=len(plan.communities),
        compounds=len(plan.compounds), buildings=len(plan.buildings), units=len(plan.units),
        households=households, residents=written, venues=len(plan.venues),
        seconds=time.perf_counter() - started, plan_seconds=plan_seconds, write_seconds=write_seconds,
        workers=workers,
    )


def _write_places(conn: Connection, plan: CityPlan) -> None:
    places_bulk.insert_districts(conn, plan.districts)
    places_bulk.insert_subdistricts(conn, plan.subdistricts)
    places_bulk.insert_communities(conn, plan.communities)
    places_bulk.insert_compounds(conn, plan.compounds)
    places_bulk.insert_buildings(conn, plan.buildings)
    places_bulk.insert_units(conn, plan.units)
    places_bulk.insert_venues(conn, plan.venues)


def _tasks(plan: CityPlan, city, seed: int) -> Iterator[residents.ChunkTask]:
    id_areas = {index: spec.id_areas for index, spec in enumerate(city.districts, start=1)}
    first_resident = 1
    for chunk, start, end in plan.chunks():
        units = tuple(plan.household_unit[start:end])
        sizes = tuple(plan.household_size[start:end])
        yield residents.ChunkTask(
            seed=seed, chunk=chunk, reference_date=city.reference_date,
            first_household_id=start + 1, first_resident_id=first_resident,
            units=units,
            communities=tuple(plan.unit_community[u - 1] for u in units),
            districts=tuple(plan.unit_district[u - 1] for u in units),
            sizes=sizes, id_areas=id_areas,
        )
        first_resident += sum(sizes)


def _resident_chunks(tasks: list[residents.ChunkTask], workers: int) -> Iterator[list[tuple]]:
    """Resident rows chunk by chunk, in chunk order; at most a few chunks wait in memory."""
    tasks = [task for task in tasks if task.sizes]
    if workers <= 0:
        cipher = get_cipher()
        for task in tasks:
            yield residents.build_chunk(task, cipher)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=residents.init_worker, initargs=(get_settings().data_key,)) as pool:
        pending: deque = deque()
        queue = iter(tasks)
        for task in queue:
            pending.append(pool.apply_async(residents.work, (task,)))
            if len(pending) >= workers + 1:
                break
        while pending:
            rows = pending.popleft().get()
            task = next(queue, None)
            if task is not None:
                pending.append(pool.apply_async(residents.work, (task,)))
            yield rows


@contextmanager
def _bulk_connection(engine: Engine) -> Iterator[Connection]:
    """One connection and one transaction for the whole load, tuned for it on SQLite.

    SQLite: foreign-key checks off (the plan is consistent by construction and the tests
    check it), no fsync until the end, a large page cache; an explicit BEGIN so that the
    index DDL belongs to the same transaction. Settings are restored and the WAL checkpointed
    afterwards.
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            driver = conn.connection.driver_connection
            for pragma in ("foreign_keys=OFF", "synchronous=OFF", "cache_size=-400000", "temp_store=MEMORY", "threads=2"):
                driver.execute(f"PRAGMA {pragma}")
        try:
            with conn.begin():
                if sqlite:
                    driver.execute("BEGIN")
                yield conn
        finally:
            if sqlite:
                for pragma in ("foreign_keys=ON", "synchronous=NORMAL", "cache_size=-2000", "temp_store=DEFAULT", "threads=0"):
                    driver.execute(f"PRAGMA {pragma}")
                driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
