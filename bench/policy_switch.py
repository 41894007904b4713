"""Scenario policy_switch: switch_policy ed9 → measures20 on 2022-11-11 over 200,000 live plans.

Setup (not timed in the figures): a fresh database (SQLite file; PostgreSQL: a schema of its own
in `test`, dropped after) with a small demo city and N people anchored 2022-11-01 … 11-10 under
ed9 (bench.managed_setup, bulk COPY / executemany). Then the dry run (rolled back) and the apply
(committed: one transaction, audited), timed separately.

Raw limit: the row writes the apply made, done again by the plain driver without computation —
the moved people's plan columns (UPDATE by id: plan_id, pack, status, phase kind, dates) and
the history events (INSERT: executemany on SQLite, COPY on PostgreSQL) — in one transaction,
rolled back. The few new plans the apply stored (plan, phase and test-day rows) are counted
apart and not replayed. ratio = ours / raw. Rows/s = people + events written / seconds.
"""

from __future__ import annotations

import os
import time
from datetime import date

from rich.console import Console
from rich.table import Table

EFFECTIVE = date(2022, 11, 11)


def run(people: int = 200_000, backends=("sqlite", "postgresql")) -> dict:
    os.environ["FANGKONG_CLOCK"] = "2022-11-11T08:00"
    from fangkong.config import reset_settings

    reset_settings()
    results = {"scenario": "policy_switch", "people": people, "backends": {}}
    for backend in backends:
        results["backends"][backend] = _one(backend, people)
    _print(results)
    return results


def _one(backend: str, people: int) -> dict:
    from sqlalchemy.orm import Session

    from bench.managed_setup import Database, populate
    from fangkong.people.switch import switch_policy

    db = Database(backend)
    try:
        setup = populate(db, people)
        with Session(db.engine) as session:
            started = time.perf_counter()
            report = switch_policy(session, to_pack_id="measures20", effective=EFFECTIVE, dry_run=True)
            dry = time.perf_counter() - started
            session.rollback()
        plans_before = _plan_rows(db.engine)
        with Session(db.engine) as session:
            started = time.perf_counter()
            applied = switch_policy(session, to_pack_id="measures20", effective=EFFECTIVE, dry_run=False, actor="bench")
            session.commit()
            apply = time.perf_counter() - started
        plans_after = _plan_rows(db.engine)
        raw, writes = _raw(db.engine)
    finally:
        db.drop()
    return {
        "setup_seconds": round(setup, 2),
        "live": report.total, "changed": applied.changed, "released_at_once": applied.released_at_once,
        "plans_before": plans_before["managed_plan"],
        "new_plans": plans_after["managed_plan"] - plans_before["managed_plan"],
        "new_plan_rows": sum(plans_after.values()) - sum(plans_before.values()),
        "dry_run_seconds": round(dry, 2), "dry_run_people_per_s": round(report.total / dry),
        "apply_seconds": round(apply, 2), "row_writes": writes, "apply_rows_per_s": round(writes / apply),
        "raw_seconds": round(raw, 2), "raw_rows_per_s": round(writes / raw),
        "apply_ratio": round(apply / raw, 2), "dry_run_ratio": round(dry / raw, 2),
    }


def _raw(engine) -> tuple[float, int]:
    """Seconds for the plain driver to write the rows the apply wrote (rolled back), and how many."""
    import json

    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        changed = "SELECT person_id FROM managed_event WHERE kind = 'switched'"
        # values go back as read (ISO text on SQLite, dates on PostgreSQL)
        persons = [(r[1], r[2], r[3], r[4], r[5], r[6], r[0]) for r in conn.exec_driver_sql(
            f"SELECT id, plan_id, pack, status, phase_kind, starts_on, release_on FROM managed_person "
            f"WHERE id IN ({changed})").all()]
        events = [tuple(r) for r in conn.exec_driver_sql(
            "SELECT person_id, at, kind, before, after, actor_user_id, actor_name FROM managed_event "
            "WHERE kind = 'switched'").all()]
        if not sqlite:
            events = [(p, at, k, json.dumps(b), json.dumps(a), u, n) for p, at, k, b, a, u, n in events]
        mark = "?" if sqlite else "%s"
        driver = conn.connection.driver_connection
        conn.rollback()
        started = time.perf_counter()
        cur = driver.cursor()
        if sqlite:
            cur.execute("BEGIN")
        cur.executemany(
            "UPDATE managed_person SET plan_id={0}, pack={0}, status={0}, phase_kind={0}, starts_on={0}, "
            "release_on={0} WHERE id={0}".format(mark), persons)
        if sqlite:
            cur.executemany("INSERT INTO managed_event (person_id, at, kind, before, after, actor_user_id, actor_name) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)", events)
        else:
            with cur.copy("COPY managed_event (person_id, at, kind, before, after, actor_user_id, actor_name) "
                          "FROM STDIN") as copy:
                for row in events:
                    copy.write_row(row)
        spent = time.perf_counter() - started
        driver.rollback()
        cur.close()
    return spent, len(persons) + len(events)


def _plan_rows(engine) -> dict:
    """How many plans are stored (and their phase and test-day rows)."""
    with engine.connect() as conn:
        return {table: conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
                for table in ("managed_plan", "managed_plan_phase", "managed_plan_test")}


def _print(result: dict) -> None:
    table = Table(title=f"policy_switch — {result['people']:,} people under management, ed9 → measures20 on 2022-11-11")
    table.add_column("measure")
    for backend in result["backends"]:
        table.add_column(backend, justify="right")
    rows = result["backends"].values()
    for label, key in (
        ("live people", "live"), ("changed", "changed"), ("released at once", "released_at_once"),
        ("stored plans before", "plans_before"), ("new plans", "new_plans"), ("new plan rows", "new_plan_rows"),
        ("dry run (s)", "dry_run_seconds"), ("dry run people/s", "dry_run_people_per_s"),
        ("apply (s)", "apply_seconds"), ("row writes (people + events)", "row_writes"),
        ("apply rows/s", "apply_rows_per_s"),
        ("raw driver writes (s)", "raw_seconds"), ("raw rows/s", "raw_rows_per_s"),
        ("apply / raw", "apply_ratio"), ("dry run / raw", "dry_run_ratio"), ("setup (s)", "setup_seconds"),
    ):
        table.add_row(label, *(f"{r[key]:,}" for r in rows))
    Console().print(table)
