"""Migration 20261129_0006: per-person plan copies become plans stored once; results move; and back.

Three people in the old storage (revision 0005), dates hand-computed (rules.md §1):
  1 and 2 share one ed9 close-contact plan anchored 11-06, identified 11-08: centralized 11-07..13
    (tests d1,2,3,5,7), home monitoring 11-14..16 (test d3), release 11-17; 1 has a result on 11-08.
  3 was switched to measures20 on 11-11: ed9 centralized 11-07..10, measures20 centralized 11-11,
    home quarantine 11-12..14 (tests d1,3), release 11-15; results on 11-11 and on 11-13, a day the
    switched plan no longer tests (kept, as the old switch kept every appointment with a result).
"""

from datetime import date, datetime, timezone

import sqlalchemy as sa

from conftest import FreshDatabase
from fangkong.core import migrate

D = date.fromisoformat
AT = datetime(2022, 11, 8, 9, tzinfo=timezone.utc)
person = sa.table(
    "managed_person", *(sa.column(n) for n in (
        "id", "name", "category", "source", "pack", "status", "phase_kind", "plan_key", "plan_id", "created_at",
        "updated_at")),
    sa.column("anchor", sa.Date), sa.column("identified_on", sa.Date), sa.column("starts_on", sa.Date),
    sa.column("release_on", sa.Date), sa.column("overrides", sa.JSON),
)
phase = sa.table(
    "managed_phase", sa.column("person_id"), sa.column("seq"), sa.column("kind"), sa.column("starts_on", sa.Date),
    sa.column("ends_on", sa.Date), sa.column("test_days", sa.JSON), sa.column("pack"),
)
appointment = sa.table(
    "test_appointment", sa.column("person_id"), sa.column("day", sa.Date), sa.column("phase_seq"),
    sa.column("owed", sa.Boolean), sa.column("result"),
)
event = sa.table("managed_event", sa.column("person_id"), sa.column("at"), sa.column("kind"), sa.column("actor_name"))

ED9 = [(1, "centralized_quarantine", "2022-11-07", "2022-11-13", [1, 2, 3, 5, 7], "ed9"),
       (2, "home_monitoring", "2022-11-14", "2022-11-16", [3], "ed9")]
SWITCHED = [(1, "centralized_quarantine", "2022-11-07", "2022-11-10", [1, 2, 3], "ed9"),
            (2, "centralized_quarantine", "2022-11-11", "2022-11-11", [1], "measures20"),
            (3, "home_quarantine", "2022-11-12", "2022-11-14", [1, 3], "measures20")]
ED9_DAYS = [("2022-11-07", 1), ("2022-11-08", 1), ("2022-11-09", 1), ("2022-11-11", 1), ("2022-11-13", 1),
            ("2022-11-16", 2)]
SWITCHED_DAYS = [("2022-11-07", 1), ("2022-11-08", 1), ("2022-11-09", 1), ("2022-11-11", 2), ("2022-11-12", 3),
                 ("2022-11-14", 3)]
RESULTS = {(1, "2022-11-08"): "negative", (3, "2022-11-11"): "negative", (3, "2022-11-13"): "negative"}


def _old_rows(conn) -> None:
    people = ((1, "k-ed9", ED9, "2022-11-17", "ed9"), (2, "k-ed9", ED9, "2022-11-17", "ed9"),
              (3, "k-switched", SWITCHED, "2022-11-15", "measures20"))
    for pid, key, plan, release, pack in people:
        conn.execute(person.insert().values(
            id=pid, name=f"P{pid}", category="close_contact", source="tracing", pack=pack, status="in_phase",
            phase_kind="centralized_quarantine", plan_key=key, created_at=AT, updated_at=AT, anchor=D("2022-11-06"),
            identified_on=D("2022-11-08"), starts_on=D("2022-11-07"), release_on=D(release), overrides=[],
        ))
        conn.execute(phase.insert(), [
            {"person_id": pid, "seq": seq, "kind": kind, "starts_on": D(start), "ends_on": D(end), "test_days": days,
             "pack": p} for seq, kind, start, end, days, p in plan
        ])
        days = ED9_DAYS if plan is ED9 else SWITCHED_DAYS + [("2022-11-13", 3)]  # kept for its result
        conn.execute(appointment.insert(), [
            {"person_id": pid, "day": D(day), "phase_seq": seq, "owed": D(day) >= D("2022-11-08"),
             "result": RESULTS.get((pid, day))} for day, seq in days
        ])
    conn.execute(event.insert().values(person_id=1, at=AT, kind="created", actor_name="test"))


def _snapshot(conn) -> tuple:
    return tuple(
        sorted(tuple(row) for row in conn.execute(sa.select(table)))
        for table in (phase, appointment)
    )


def test_plans_are_stored_once_results_kept_and_downgrade_rebuilds_the_copies(backend, tmp_path):
    database = FreshDatabase(backend, tmp_path, revision="20261129_0005")
    try:
        with database.engine.begin() as conn:
            _old_rows(conn)
            before = _snapshot(conn)
        migrate.upgrade(database.engine)
        with database.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            assert "managed_phase" not in tables and "test_appointment" not in tables
            plans = dict(conn.execute(sa.text("SELECT id, plan_key FROM managed_plan")).all())
            assert sorted(plans.values()) == ["k-ed9", "k-switched"]
            people = dict(conn.execute(sa.text("SELECT id, plan_id FROM managed_person")).all())
            assert people[1] == people[2] != people[3] and plans[people[1]] == "k-ed9"
            by_seq = sa.text("SELECT seq, kind, pack FROM managed_plan_phase WHERE plan_id = :p ORDER BY seq")
            phases = conn.execute(by_seq, {"p": people[3]}).all()
            assert [tuple(r) for r in phases] == [(seq, kind, p) for seq, kind, _, _, _, p in SWITCHED]
            tests = conn.execute(sa.select(sa.column("day", sa.Date), sa.column("phase_seq")).select_from(
                sa.table("managed_plan_test")).where(sa.column("plan_id") == people[1]).order_by("day")).all()
            assert [(d.isoformat(), seq) for d, seq in tests] == ED9_DAYS
            results = conn.execute(sa.select(
                sa.column("person_id"), sa.column("day", sa.Date), sa.column("result"), sa.column("recorded_at"),
            ).select_from(sa.table("test_result"))).all()
            assert {(p, d.isoformat()): (r, at) for p, d, r, at in results} == {
                key: (value, None) for key, value in RESULTS.items()}
            assert conn.execute(sa.text("SELECT person_id FROM managed_event")).scalars().all() == [1]
        migrate.downgrade(database.engine, "20261129_0005")
        with database.engine.connect() as conn:
            after = _snapshot(conn)
            keys = dict(conn.execute(sa.text("SELECT id, plan_key FROM managed_person")).all())
        assert keys == {1: "k-ed9", 2: "k-ed9", 3: "k-switched"}
        assert after == before
    finally:
        database.drop()
