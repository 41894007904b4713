"""Retention: released people's personal data goes after the configured days; counts stay; audited."""

from datetime import date

import pytest
from sqlalchemy import func, select

import factories
from fangkong.core.audit import AuditEvent
from fangkong.core.errors import InvalidInput
from fangkong.people.managed import escalate_to_case, record_result
from fangkong.people.managed_models import (
    ManagedEvent, ManagedPerson, ManagedPlan, ManagedPlanPhase, ManagedPlanTest, TestResult,
)
from fangkong.people.models import RetentionStat
from fangkong.people.retention import purge


def _count(session, model, **where):
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.scalar(query)


def test_purge_deletes_long_released_people_and_keeps_counts(session, set_clock):
    set_clock("2022-11-13T09:00")
    # ed9 (in force then) close contact anchored 2022-10-01: 7 d centralized 10-02..10-08 (5 tests)
    # + 3 d home monitoring 10-09..10-11 (1 test) → released 2022-10-12
    old = factories.managed(session, category="close_contact", anchor="2022-10-01")
    # anchored 2022-11-01 → released 2022-11-12: yesterday
    recent = factories.managed(session, category="close_contact", anchor="2022-11-01")
    # still in quarantine
    active = factories.managed(session, category="close_contact", anchor="2022-11-10")
    record_result(session, old.id, day=date(2022, 10, 2), result="negative", actor=factories.actor(session))
    from fangkong.people.managed_queries import advance_statuses

    advance_statuses(session)
    assert old.release_on.isoformat() == "2022-10-12"
    kept_before = _count(session, RetentionStat)

    dry = purge(session, older_than_days=30, dry_run=True)
    assert (dry.people, dry.cutoff.isoformat()) == (1, "2022-10-14")
    assert _count(session, ManagedPerson, id=old.id) == 1

    report = purge(session, older_than_days=30)
    assert (report.people, report.results, report.plans) == (1, 1, 1)
    for model, column in ((ManagedPerson, "id"), (TestResult, "person_id"), (ManagedEvent, "person_id")):
        assert _count(session, model, **{column: old.id}) == 0
    for model, column in ((ManagedPlan, "id"), (ManagedPlanPhase, "plan_id"), (ManagedPlanTest, "plan_id")):
        assert _count(session, model, **{column: old.plan_id}) == 0
    assert _count(session, ManagedPerson, id=recent.id) == 1 and _count(session, ManagedPerson, id=active.id) == 1
    stats = session.scalars(select(RetentionStat).order_by(RetentionStat.id.desc())).first()
    assert _count(session, RetentionStat) == kept_before + 1
    assert (stats.category, stats.people, stats.release_on.isoformat()) == ("close_contact", 1, "2022-10-12")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purge")).one()
    assert event.after["people"] == 1 and event.after["cutoff"] == "2022-10-14"
    assert purge(session, older_than_days=30).people == 0  # nothing left to purge


def test_a_plan_someone_else_still_has_is_kept(session, set_clock):
    set_clock("2022-11-13T09:00")
    unit = factories.place_chain(session)
    old = factories.managed(session, category="close_contact", anchor="2022-10-01", unit=unit)
    same = factories.managed(session, category="close_contact", anchor="2022-10-01", unit=unit)
    assert same.plan_id == old.plan_id
    escalate_to_case(session, same.id, actor=factories.actor(session))  # a case is never purged
    from fangkong.people.managed_queries import advance_statuses

    advance_statuses(session)
    report = purge(session, older_than_days=30)
    assert (report.people, report.plans) == (1, 0)
    assert _count(session, ManagedPlan, id=old.plan_id) == 1 and _count(session, ManagedPerson, id=same.id) == 1


def test_plans_a_switch_left_behind_are_purged(session, set_clock):
    set_clock("2022-11-13T09:00")
    from fangkong.people.switch import switch_policy

    person = factories.managed(session, category="close_contact", anchor="2022-11-06")  # ed9, live on 11-11
    old_plan = person.plan_id
    switch_policy(session, to_pack_id="measures20", effective=date(2022, 11, 11), dry_run=False)
    session.expire_all()
    new_plan = session.get(ManagedPerson, person.id).plan_id
    assert new_plan != old_plan
    report = purge(session, older_than_days=30)
    assert (report.people, report.plans) == (0, 1)
    assert _count(session, ManagedPlan, id=old_plan) == 0 and _count(session, ManagedPlanPhase, plan_id=old_plan) == 0
    assert _count(session, ManagedPlan, id=new_plan) == 1


def test_residents_are_not_purged(session, set_clock):
    set_clock("2022-11-13T09:00")
    person = factories.managed(session, category="close_contact", anchor="2022-09-01")
    from fangkong.people.managed_queries import advance_statuses
    from fangkong.people.models import Resident

    advance_statuses(session)
    purge(session, older_than_days=10)
    assert session.get(Resident, person.resident_id) is not None


def test_bad_retention_is_refused(session):
    with pytest.raises(InvalidInput):
        purge(session, older_than_days=0)


def test_retention_cli(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "FANGKONG_DATABASE_URL": f"sqlite:///{tmp_path}/r.db"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "fangkong", *a], capture_output=True, text=True, env=env)  # noqa: E731
    assert run("db", "upgrade").returncode == 0
    dry = run("retention", "purge", "--dry-run")
    assert dry.returncode == 0 and "released before 2022-10-14: would delete 0 people" in dry.stdout
    bad = run("retention", "purge", "--older-than", "0")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "older_than" in bad.stderr
