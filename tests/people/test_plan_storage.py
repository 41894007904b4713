"""Plans stored once and shared; test results stored only where recorded; the queries built on them.

Dates hand-computed from rules.md §1 (clock frozen at 2022-11-13 09:00):
measures20 close contact anchored 11-10: centralized 11-11..15 (tests d1,2,3,5 → 11-11, 12, 13, 15),
home quarantine 11-16..18 (tests d1,3 → 11-16, 18), released 11-19.
ed9 close contact anchored 11-06: centralized 11-07..13 (d1,2,3,5,7 → 11-07, 08, 09, 11, 13),
home monitoring 11-14..16 (d3 → 11-16), released 11-17.
"""

from datetime import date

import pytest
from sqlalchemy import func, select

import factories
from fangkong.core.errors import NotFound
from fangkong.core.jurisdiction import CITY
from fangkong.people import managed, managed_due, managed_queries
from fangkong.people.managed_models import ManagedPlan, ManagedPlanPhase, ManagedPlanTest, TestResult

D = date.fromisoformat


def count(session, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.scalar(query)


def test_people_with_the_same_plan_share_one_stored_plan(session):
    unit = factories.place_chain(session)
    by = factories.actor(session, role="prevention")
    first, second = (factories.managed(session, anchor="2022-11-06", identified=D("2022-11-08"), unit=unit, by=by)
                     for _ in range(2))
    later = factories.managed(session, anchor="2022-11-06", identified=D("2022-11-09"), unit=unit, by=by)
    assert first.plan_id == second.plan_id != later.plan_id  # owed from another day: another plan
    assert count(session, ManagedPlan) == 2
    stored = session.get(ManagedPlan, first.plan_id)
    assert (stored.pack, stored.category, stored.anchor, stored.owed_from, stored.starts_on, stored.release_on) == (
        "ed9", "close_contact", D("2022-11-06"), D("2022-11-08"), D("2022-11-07"), D("2022-11-17"),
    )
    phases = session.execute(
        select(ManagedPlanPhase.seq, ManagedPlanPhase.kind, ManagedPlanPhase.starts_on, ManagedPlanPhase.ends_on)
        .where(ManagedPlanPhase.plan_id == first.plan_id).order_by(ManagedPlanPhase.seq)
    ).all()
    assert [tuple(p) for p in phases] == [
        (1, "centralized_quarantine", D("2022-11-07"), D("2022-11-13")),
        (2, "home_monitoring", D("2022-11-14"), D("2022-11-16")),
    ]
    tests = session.execute(
        select(ManagedPlanTest.day, ManagedPlanTest.phase_seq).where(ManagedPlanTest.plan_id == first.plan_id)
        .order_by(ManagedPlanTest.day)
    ).all()
    assert [(d.isoformat()[5:], seq) for d, seq in tests] == [
        ("11-07", 1), ("11-08", 1), ("11-09", 1), ("11-11", 1), ("11-13", 1), ("11-16", 2),
    ]


def test_results_are_rows_only_where_recorded(session):
    by = factories.actor(session, role="prevention")
    person = factories.managed(session, anchor="2022-11-10", pack="measures20", by=by)
    assert count(session, TestResult, person_id=person.id) == 0
    managed.record_result(session, person.id, day=D("2022-11-12"), result="negative", actor=by)
    managed.record_result(session, person.id, day=D("2022-11-12"), result="negative", actor=by)  # again: one row
    assert count(session, TestResult, person_id=person.id) == 1
    with pytest.raises(NotFound):  # 11-14 is no test day of the plan
        managed.record_result(session, person.id, day=D("2022-11-14"), result="negative", actor=by)
    assert count(session, TestResult, person_id=person.id) == 1
    detail = managed_queries.person_detail(session, person)
    assert [(a["day"].isoformat()[5:], a["result"]) for a in detail["appointments"]] == [
        ("11-11", None), ("11-12", "negative"), ("11-13", None), ("11-15", None), ("11-16", None), ("11-18", None),
    ]


def test_phase_kind_filter_follows_the_day_asked(session):
    unit = factories.place_chain(session)
    contact = factories.managed(session, anchor="2022-11-10", pack="measures20", unit=unit)
    ill = factories.managed(session, anchor="2022-11-10", pack="measures20", unit=unit)
    managed.escalate_to_case(session, ill.id, actor=factories.actor(session))

    def ids(kind, on):
        items, total = managed_queries.list_managed(session, scope=CITY, phase_kind=kind, on=D(on), per_page=200)
        assert total == len(items)
        return {i["id"] for i in items}

    assert ids("centralized_quarantine", "2022-11-13") == {contact.id}  # a case is in no phase
    assert ids("home_quarantine", "2022-11-13") == set()
    assert ids("home_quarantine", "2022-11-16") == {contact.id}
    assert ids("centralized_quarantine", "2022-11-19") == ids("home_quarantine", "2022-11-19") == set()


def test_tests_due_follow_the_plan_the_identified_day_and_cases(session):
    unit = factories.place_chain(session)
    by = factories.actor(session, role="prevention")
    common = dict(anchor="2022-11-10", pack="measures20", unit=unit, by=by)
    due = factories.managed(session, identified=D("2022-11-11"), **common)
    done = factories.managed(session, identified=D("2022-11-11"), **common)
    late = factories.managed(session, **common)  # identified today, 11-13: owed from then
    ill = factories.managed(session, identified=D("2022-11-11"), **common)
    managed.record_result(session, done.id, day=D("2022-11-13"), result="negative", actor=by)
    managed.escalate_to_case(session, ill.id, actor=by)

    def due_on(day):
        return {row["id"]: row for row in managed_due.due_in_community(
            session, scope=CITY, community_id=due.community_id, day=D(day))}

    on_13 = due_on("2022-11-13")
    assert set(on_13) == {due.id, done.id, late.id}
    assert on_13[done.id]["result"] == "negative" and on_13[due.id]["result"] is None
    assert on_13[due.id]["phase_kind"] == "centralized_quarantine"
    assert set(due_on("2022-11-12")) == {due.id, done.id}  # late was not identified yet
    assert due_on("2022-11-14") == {}  # no test day
    [row] = [r for r in managed_due.due_per_community(session, scope=CITY, day=D("2022-11-13"))
             if r["community_id"] == due.community_id]
    assert row["count"] == 3


def test_bulk_insert_stores_each_plan_once_and_refreshes_statistics(fresh_database):
    from datetime import datetime, timezone

    from fangkong.people import bulk
    from fangkong.people.managed_models import ManagedPerson
    from fangkong.policy import compute_plan, get_pack
    from planner import planner_rows

    at = datetime(2022, 11, 8, 9, tzinfo=timezone.utc)
    people = [
        {"id": pid, "name": f"P{pid}", "category": "close_contact", "anchor": D(anchor),
         "identified_on": D("2022-11-08"), "source": "tracing", "created_at": at, "updated_at": at}
        for pid, anchor in ((1, "2022-11-06"), (2, "2022-11-06"), (3, "2022-11-07"))
    ]
    ed9 = get_pack("ed9")
    plans = [compute_plan(ed9, "close_contact", p["anchor"], p["identified_on"]) for p in people]
    with fresh_database.engine.begin() as conn:
        bulk.insert_managed(conn, people, plans, actor="test")
    with fresh_database.engine.connect() as conn:
        plan_ids = dict(conn.execute(select(ManagedPerson.id, ManagedPerson.plan_id)).all())
        assert plan_ids[1] == plan_ids[2] != plan_ids[3]
        assert conn.execute(select(func.count()).select_from(ManagedPlan)).scalar_one() == 2
        assert planner_rows(conn, "managed_person") == 3 and planner_rows(conn, "managed_plan") == 2


def test_every_pack_plan_reads_back_as_stored(session):
    from fangkong.people import plans as stored
    from fangkong.people.managed_models import CATEGORIES
    from fangkong.policy import compute_plan, get_pack
    from fangkong.policy.errors import PolicyError

    originals = []
    for pack in ("ed9", "measures20"):
        for category in CATEGORIES:
            try:
                originals.append(compute_plan(get_pack(pack), category, D("2022-11-06"), D("2022-11-08")))
            except PolicyError:
                continue  # not identified by this pack
    assert len(originals) >= 10
    ids = stored.store_plans(session.connection(), originals + originals)  # the second time: found, not stored
    assert ids[:len(originals)] == ids[len(originals):] and len(set(ids)) == len(originals)
    loaded = stored.load_plans(session, ids)
    assert [loaded[i] for i in ids[:len(originals)]] == originals
