"""Scenario policy_switch: switch_policy ed9 → measures20 on 2022-11-11 over 200,000 live plans.

Setup (not timed in the figures): a fresh database (SQLite file; PostgreSQL: a schema of its own
in `test`, dropped after) with a small demo city and N people anchored 2022-11-01 … 11-10 under
ed9 (bench.managed_setup, bulk COPY / executemany). Then the dry run (rolled back) and the apply
(committed: one transaction, audited), timed separately.

Raw limit: the row writes the apply made, done again by the plain driver without computation —
the changed people's plan columns (UPDATE by id), their phase rows from the effective date
(UPDATE by key), their appointments from the effective date (UPDATE by key), and the history
events (INSERT: executemany on SQLite, COPY on PostgreSQL) — in one transaction, rolled back.
ratio = ours / raw. Rows/s = those row writes / seconds.
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
        with Session(db.engine) as session:
            started = time.perf_counter()
            applied = switch_policy(session, to_pack_id="measures20", effective=EFFECTIVE, dry_run=False, actor="bench")
            session.commit()
            apply = time.perf_counter() - started
        raw, writes = _raw(db.engine)
    finally:
        db.drop()
    return {
        "setup_seconds": round(setup, 2),
        "live": report.total, "changed": applied.changed, "released_at_once": applied.released_at_once,
        "dry_run_seconds": round(dry, 2), "dry_run_plans_per_s": round(report.total / dry),
        "apply_seconds": round(apply, 2), "row_writes": writes, "apply_rows_per_s": round(writes / apply),
        "raw_seconds": round(raw, 2), "raw_rows_per_s": round(writes / raw),
        "apply_ratio": round(apply / raw, 2), "dry_run_ratio": round(dry / raw, 2),
    }


def _raw(engine) -> tuple[float, int]:
    """Seconds for the plain driver to write the rows the apply wrote (rolled back), and how many."""
    eff = EFFECTIVE.isoformat()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        d = (lambda v: v)  # noqa: E731 - values go back as read (ISO text on SQLite, dates on PostgreSQL)
        changed = "SELECT person_id FROM managed_event WHERE kind = 'switched'"
        persons = [(r[1], r[2], r[3], d(r[4]), d(r[5]), r[6], r[0]) for r in conn.exec_driver_sql(
            f"SELECT id, pack, status, phase_kind, starts_on, release_on, plan_key FROM managed_person "
            f"WHERE id IN ({changed})").all()]
        phases = [(r[2], d(r[3]), d(r[4]), r[5] if isinstance(r[5], str) else __import__("json").dumps(r[5]), r[6],
                   r[0], r[1]) for r in conn.exec_driver_sql(
            f"SELECT person_id, seq, kind, starts_on, ends_on, test_days, pack FROM managed_phase "
            f"WHERE ends_on >= '{eff}' AND person_id IN ({changed})").all()]
        tests = [(r[2], r[3], r[0], d(r[1])) for r in conn.exec_driver_sql(
            f"SELECT person_id, day, phase_seq, owed FROM test_appointment "
            f"WHERE day >= '{eff}' AND person_id IN ({changed})").all()]
        events = [tuple(r) for r in conn.exec_driver_sql(
            "SELECT person_id, at, kind, before, after, actor_user_id, actor_name FROM managed_event "
            "WHERE kind = 'switched'").all()]
        if not sqlite:
            import json
            events = [(p, at, k, json.dumps(b), json.dumps(a), u, n) for p, at, k, b, a, u, n in events]
        mark = "?" if sqlite else "%s"
        driver = conn.connection.driver_connection
        conn.rollback()
        started = time.perf_counter()
        cur = driver.cursor()
        if sqlite:
            cur.execute("BEGIN")
        cur.executemany(
            "UPDATE managed_person SET pack={0}, status={0}, phase_kind={0}, starts_on={0}, release_on={0}, "
            "plan_key={0} WHERE id={0}".format(mark), persons)
        cur.executemany(
            "UPDATE managed_phase SET kind={0}, starts_on={0}, ends_on={0}, test_days={0}, pack={0} "
            "WHERE person_id={0} AND seq={0}".format(mark), phases)
        cur.executemany(
            "UPDATE test_appointment SET phase_seq={0}, owed={0} WHERE person_id={0} AND day={0}".format(mark), tests)
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
    return spent, len(persons) + len(phases) + len(tests) + len(events)


def _print(result: dict) -> None:
    table = Table(title=f"policy_switch — {result['people']:,} plans, ed9 → measures20 on 2022-11-11")
    table.add_column("measure")
    for backend in result["backends"]:
        table.add_column(backend, justify="right")
    rows = result["backends"].values()
    for label, key in (
        ("live plans", "live"), ("changed", "changed"), ("released at once", "released_at_once"),
        ("dry run (s)", "dry_run_seconds"), ("dry run plans/s", "dry_run_plans_per_s"),
        ("apply (s)", "apply_seconds"), ("row writes", "row_writes"), ("apply rows/s", "apply_rows_per_s"),
        ("raw driver writes (s)", "raw_seconds"), ("raw rows/s", "raw_rows_per_s"),
        ("apply / raw", "apply_ratio"), ("dry run / raw", "dry_run_ratio"), ("setup (s)", "setup_seconds"),
    ):
        table.add_row(label, *(f"{r[key]:,}" for r in rows))
    Console().print(table)
