"""The demo scenario of 2022-11-13 (issue 4 item 6): every category, switched on 11-11, deterministic."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from fangkong.demo.generator import generate_city
from fangkong.demo.scenario import build_scenario, scenario_size
from fangkong.tracing.models import ContactCandidate
from fangkong.people.managed_models import (
    CATEGORIES, ManagedEvent, ManagedPerson, ManagedPlan, ManagedPlanPhase, TestResult,
)

SWITCH = date(2022, 11, 11)


def _scenario(engine, seed=7, population=3_000):
    generate_city(engine, population=population, seed=seed, workers=0)
    return build_scenario(engine, seed=seed)


# close contacts confirmed by the tracing part of the demo (tests/demo/test_tracing_scenario.py) are not
# this scenario's people
TRACED = select(ContactCandidate.managed_person_id).where(ContactCandidate.managed_person_id.is_not(None))


def _state(engine):
    with engine.connect() as conn:
        people = conn.execute(select(
            ManagedPerson.id, ManagedPerson.resident_id, ManagedPerson.document_kind, ManagedPerson.category,
            ManagedPerson.anchor, ManagedPerson.identified_on, ManagedPerson.source, ManagedPerson.pack,
            ManagedPerson.status, ManagedPerson.release_on, ManagedPlan.plan_key, ManagedPerson.district_id,
        ).join(ManagedPlan, ManagedPlan.id == ManagedPerson.plan_id).where(ManagedPerson.id.not_in(TRACED))
            .order_by(ManagedPerson.id)).all()
        phase = ManagedPlanPhase
        phases = conn.execute(
            select(ManagedPerson.id.label("person_id"), phase.seq, phase.kind, phase.starts_on, phase.ends_on,
                   phase.pack)
            .join(phase, phase.plan_id == ManagedPerson.plan_id).where(ManagedPerson.id.not_in(TRACED))
            .order_by(ManagedPerson.id, phase.seq)
        ).all()
        tests = conn.execute(select(TestResult.person_id, TestResult.day, TestResult.result).order_by(
            TestResult.person_id, TestResult.day)).all()
        events = conn.execute(select(ManagedEvent.person_id, ManagedEvent.kind, ManagedEvent.at, ManagedEvent.after)
                              .where(ManagedEvent.person_id.not_in(TRACED)).order_by(ManagedEvent.id)).all()
    return people, phases, tests, events


def test_scenario_has_every_category_switched_plans_results_and_cases(fresh_database):
    summary = _scenario(fresh_database.engine)
    people, phases, tests, events = _state(fresh_database.engine)
    assert summary.people == len(people) == scenario_size(3_000)
    assert {p.category for p in people} == set(CATEGORIES)
    assert summary.before_switch > 0 and summary.after_switch > 0
    assert sum(1 for p in people if p.resident_id is None) == summary.non_residents >= 2
    assert {p.document_kind for p in people if p.resident_id is None} <= {"passport", "other"}
    assert "passport" in {p.document_kind for p in people}

    statuses = Counter(p.status for p in people)
    assert statuses["released"] > 0 and statuses["in_phase"] > 0
    assert statuses["case"] == summary.cases >= 2
    assert sum(1 for t in tests if t.result == "positive") == summary.cases
    assert len(tests) == summary.results > 0  # results are rows only where recorded

    # switched on 11-11: history events, measures20 segments from 11-11 on, ed9 segments before
    switched = {e.person_id for e in events if e.kind == "switched"}
    assert len(switched) == summary.switched > 0
    assert {e.at.date() for e in events if e.kind == "switched"} == {SWITCH}
    assert all(e.after["pack"] == "measures20" and e.after["effective"] == "2022-11-11"
               for e in events if e.kind == "switched")
    by_person: dict[int, list] = {}
    for row in phases:
        by_person.setdefault(row.person_id, []).append(row)
    for person_id in switched:
        segments = by_person.get(person_id, [])
        assert all(s.pack == "ed9" for s in segments if s.ends_on < SWITCH)
        assert all(s.pack == "measures20" for s in segments if s.starts_on >= SWITCH)
    mixed = [pid for pid in switched
             if {s.pack for s in by_person.get(pid, [])} == {"ed9", "measures20"}]
    assert mixed, "some switched plans keep ed9 days served and continue under measures20"
    # categories measures20 does not identify were released on 11-11; nobody new has them
    for p in people:
        if p.category in ("secondary_contact", "from_medium_risk_zone"):
            assert p.anchor < SWITCH and (p.release_on <= SWITCH)
        if p.anchor >= SWITCH:
            assert p.pack == "measures20" and p.id not in switched
    assert {e.kind for e in events} >= {"created", "switched", "status"}
    assert sum(1 for e in events if e.kind == "created") == len(people)


def test_scenario_is_deterministic_for_the_seed(fresh_database, backend, tmp_path):
    from conftest import FreshDatabase

    _scenario(fresh_database.engine, seed=11)
    other = FreshDatabase(backend, tmp_path / "again")
    try:
        _scenario(other.engine, seed=11)
        first, second = _state(fresh_database.engine), _state(other.engine)
        assert first[0] == second[0] and first[1] == second[1] and first[2] == second[2]
        assert [(e.person_id, e.kind, e.after) for e in first[3]] == [(e.person_id, e.kind, e.after) for e in second[3]]
    finally:
        other.drop()
