"""The policy switch ed9 → measures20 on 2022-11-11, with hand-computed dates (rules.md §1, issue 4).

The set of six people, all anchored under ed9 (before 11-11):
  A close contact, anchor 11-06: ed9 C 11-07..13 + M 11-14..16, release 11-17 → m20: C ..11-11, Q 11-12..14, release 11-15
  B close contact, anchor 11-10: ed9 C 11-11..17 + M ..20, release 11-21 → m20 C 11-11..15, Q 11-16..18, release 11-19
  C from a high-risk zone, anchor 11-09: ed9 C 11-10..16 → m20 home quarantine 11-11..16 (same release 11-17)
  D close contact, anchor 11-04: ed9 C 11-05..11 + M 11-12..14 → m20 Q 11-11..12, release 11-13
  E secondary contact, anchor 11-08: ed9 Q 11-09..15 → not identified: released on 11-11
  F close contact, anchor 11-01: ed9 release 11-12 → m20 release 11-10 ≤ 11-11: released on 11-11
Centralized places freed (before − after) from 11-11: C and D on 11-11; A and C on 11-12, 11-13;
C on 11-14, 11-15; B and C on 11-16; B on 11-17.
"""

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

import factories
from fangkong.core.audit import AuditEvent
from fangkong.core.errors import DomainError
from fangkong.people import managed, managed_queries
from fangkong.people.managed_models import (
    ManagedEvent, ManagedPerson, ManagedPlan, ManagedPlanPhase, ManagedPlanTest, TestResult,
)
from fangkong.people.switch import switch_policy

D = date.fromisoformat
EFFECTIVE = D("2022-11-11")
PEOPLE = {
    "A": ("close_contact", "2022-11-06"),
    "B": ("close_contact", "2022-11-10"),
    "C": ("from_high_risk_zone", "2022-11-09"),
    "D": ("close_contact", "2022-11-04"),
    "E": ("secondary_contact", "2022-11-08"),
    "F": ("close_contact", "2022-11-01"),
}
FREED = {"2022-11-11": 2, "2022-11-12": 2, "2022-11-13": 2, "2022-11-14": 1, "2022-11-15": 1, "2022-11-16": 2,
         "2022-11-17": 1}


def six_people(session, district_code="140213"):
    unit = factories.place_chain(session, district_code=district_code)
    by = factories.actor(session, role="prevention")
    return {
        key: factories.managed(session, category=cat, anchor=anchor, unit=unit, by=by, identified=D(anchor) + timedelta(1))
        for key, (cat, anchor) in PEOPLE.items()
    }


def snapshot(session):
    return [
        session.execute(select(table).order_by(*table.primary_key.columns)).all()
        for table in (ManagedPerson.__table__, ManagedPlan.__table__, ManagedPlanPhase.__table__,
                      ManagedPlanTest.__table__, TestResult.__table__, ManagedEvent.__table__)
    ] + [session.scalar(select(func.count()).select_from(AuditEvent))]


def test_dry_run_reports_hand_computed_figures_and_changes_nothing(session):
    six_people(session)
    before = snapshot(session)
    report = switch_policy(session, to_pack_id="measures20", effective=EFFECTIVE, dry_run=True)
    data = report.to_dict()
    assert (data["total"], data["changed"], data["released_at_once"], data["phase_kind_changed"]) == (6, 6, 2, 2)
    expected = [{"day": (EFFECTIVE + timedelta(i)).isoformat(),
                 "places": FREED.get((EFFECTIVE + timedelta(i)).isoformat(), 0)} for i in range(14)]
    assert data["freed_centralized"] == expected
    assert data["by_category"] == {
        "close_contact": {"total": 4, "changed": 4, "released_at_once": 1, "phase_kind_changed": 1},
        "from_high_risk_zone": {"total": 1, "changed": 1, "released_at_once": 0, "phase_kind_changed": 1},
        "secondary_contact": {"total": 1, "changed": 1, "released_at_once": 1, "phase_kind_changed": 0},
    }
    assert snapshot(session) == before


def test_apply_gives_the_documented_release_dates(session):
    people = six_people(session)
    by = factories.actor(session, role="prevention")
    audits = session.scalar(select(func.count()).select_from(AuditEvent))
    managed.record_result(session, people["A"].id, day=D("2022-11-11"), result="negative", actor=by)
    report = switch_policy(session, to_pack_id="measures20", effective=EFFECTIVE, dry_run=False)
    assert report.changed == 6
    session.expire_all()
    release = {k: session.get(ManagedPerson, p.id).release_on.isoformat() for k, p in people.items()}
    assert release == {"A": "2022-11-15", "B": "2022-11-19", "C": "2022-11-17", "D": "2022-11-13",
                       "E": "2022-11-11", "F": "2022-11-11"}
    a = managed_queries.person_detail(session, session.get(ManagedPerson, people["A"].id))
    assert [(p["kind"], p["start"].isoformat(), p["end"].isoformat(), p["pack"]) for p in a["phases"]] == [
        ("centralized_quarantine", "2022-11-07", "2022-11-10", "ed9"),
        ("centralized_quarantine", "2022-11-11", "2022-11-11", "measures20"),
        ("home_quarantine", "2022-11-12", "2022-11-14", "measures20"),
    ]
    # served days keep their appointments; 11-11 keeps its result; ed9's 11-13 and 11-16 are gone
    assert [(x["day"].isoformat(), x["result"]) for x in a["appointments"]] == [
        ("2022-11-07", None), ("2022-11-08", None), ("2022-11-09", None), ("2022-11-11", "negative"),
        ("2022-11-12", None), ("2022-11-14", None),
    ]
    assert a["pack"] == "measures20" and a["status"] == "in_phase" and a["phase_kind"] == "home_quarantine"
    assert a["history"][-1]["kind"] == "switched"
    assert a["history"][-1]["before"] == {"pack": "ed9", "release_on": "2022-11-17"}
    e = managed_queries.person_detail(session, session.get(ManagedPerson, people["E"].id))
    assert e["status"] == "released" and [p["end"].isoformat() for p in e["phases"]] == ["2022-11-10"]
    switches = session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.switch")).all()
    assert len(switches) == 1 and switches[0].after["changed"] == 6
    # one switch row plus the result row recorded above
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == audits + 2
    switched = session.scalar(select(func.count()).select_from(ManagedEvent).where(ManagedEvent.kind == "switched"))
    assert switched == 6


def test_a_result_the_new_plan_no_longer_tests_stays(session):
    """A's ed9 plan tests 11-13 (centralized day 7); measures20 has A at home then, tested on 11-12 and 11-14."""
    people = six_people(session)
    by = factories.actor(session, role="prevention")
    managed.record_result(session, people["A"].id, day=D("2022-11-13"), result="negative", actor=by)
    switch_policy(session, to_pack_id="measures20", effective=EFFECTIVE, dry_run=False)
    a = managed_queries.person_detail(session, session.get(ManagedPerson, people["A"].id))
    assert [(x["day"].isoformat(), x["phase_seq"], x["owed"], x["result"]) for x in a["appointments"]][-3:] == [
        ("2022-11-12", 3, True, None), ("2022-11-13", 3, False, "negative"), ("2022-11-14", 3, True, None),
    ]


def test_people_sharing_a_plan_move_to_one_new_plan(session):
    unit = factories.place_chain(session)
    by = factories.actor(session, role="prevention")
    twins = [factories.managed(session, anchor="2022-11-06", unit=unit, by=by, identified=D("2022-11-07"))
             for _ in range(3)]
    old_plan = twins[0].plan_id
    assert {p.plan_id for p in twins} == {old_plan}
    plans_before = session.scalar(select(func.count()).select_from(ManagedPlan))
    switch_policy(session, to_pack_id="measures20", effective=EFFECTIVE, dry_run=False)
    session.expire_all()
    moved = {session.get(ManagedPerson, p.id).plan_id for p in twins}
    assert len(moved) == 1 and moved != {old_plan}
    assert session.scalar(select(func.count()).select_from(ManagedPlan)) == plans_before + 1
    # the old plan is kept as it was: plans never change
    assert session.get(ManagedPlan, old_plan).release_on == D("2022-11-17")
    assert session.get(ManagedPlan, moved.pop()).release_on == D("2022-11-15")


def test_switching_again_changes_nothing(session):
    six_people(session)
    switch_policy(session, to_pack_id="measures20", effective=EFFECTIVE, dry_run=False)
    again = switch_policy(session, to_pack_id="measures20", effective=EFFECTIVE, dry_run=True)
    # released at once on 11-11 (E, F) are no longer live; the other four move nowhere
    assert (again.total, again.changed, again.released_at_once) == (4, 0, 0)
    assert set(again.freed_centralized.values()) == {0}


def test_cases_and_released_people_are_left_alone(session):
    people = six_people(session)
    by = factories.actor(session, role="prevention")
    managed.escalate_to_case(session, people["B"].id, actor=by)
    report = switch_policy(session, to_pack_id="measures20", effective=D("2022-11-13"), dry_run=False)
    # on 11-13: B is a case; under ed9 D releases 11-15, F was released on 11-12
    session.expire_all()
    assert session.get(ManagedPerson, people["B"].id).release_on == D("2022-11-21")
    assert session.get(ManagedPerson, people["F"].id).release_on == D("2022-11-12")
    assert report.total == 4  # A, C, D, E


def test_apply_needs_the_city_and_a_pack_in_force(session):
    six_people(session, district_code="140213")
    six_people(session, district_code="140214")
    district_commander = factories.actor(session, role="commander", jurisdiction="140213")
    with pytest.raises(DomainError) as caught:
        switch_policy(session, to_pack_id="measures20", effective=EFFECTIVE, dry_run=False, actor=district_commander)
    assert caught.value.status == 403 and caught.value.code == "city_scope_required"
    preview = switch_policy(session, to_pack_id="measures20", effective=EFFECTIVE, actor=district_commander)
    assert preview.total == 6  # only 平城区
    with pytest.raises(DomainError) as stale:
        switch_policy(session, to_pack_id="ed9", effective=D("2022-11-12"))
    assert stale.value.code == "pack_not_in_force"
    with pytest.raises(DomainError) as unknown:
        switch_policy(session, to_pack_id="measures99", effective=EFFECTIVE)
    assert unknown.value.code == "unknown_pack"


def test_cli_switch_dry_run_then_apply(fresh_database):
    with Session(fresh_database.engine) as session:
        people = six_people(session)
        ids = {k: p.id for k, p in people.items()}
        session.commit()
    env = {"FANGKONG_DATABASE_URL": fresh_database.url}
    args = ["policy", "switch", "--to", "measures20", "--effective", "2022-11-11", "--json"]

    dry = _run(*args, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    assert (report["dry_run"], report["total"], report["changed"], report["released_at_once"]) == (True, 6, 6, 2)
    with Session(fresh_database.engine) as session:
        assert session.get(ManagedPerson, ids["A"]).release_on == D("2022-11-17")

    applied = _run(*args, env=env)
    assert applied.returncode == 0, applied.stderr
    assert json.loads(applied.stdout)["dry_run"] is False
    with Session(fresh_database.engine) as session:
        assert session.get(ManagedPerson, ids["A"]).release_on == D("2022-11-15")
        rows = session.execute(text("SELECT actor_via, object_id FROM audit_event WHERE action = 'policy.switch'")).all()
        assert [tuple(r) for r in rows] == [("cli", "measures20")]

    bad = _run("policy", "switch", "--to", "measures20", "--effective", "11/11", env=env)
    assert bad.returncode == 2 and "--effective" in bad.stderr and "Traceback" not in bad.stderr


def _run(*args, env):
    import os

    return subprocess.run(
        [sys.executable, "-m", "fangkong", *args], capture_output=True, text=True, env={**os.environ, **env}, timeout=120
    )
