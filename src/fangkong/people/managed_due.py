"""Tests due on a day (today by default) per community: the counts, and the list behind one of them.

A test is due when the person's plan has a test that day, on or after the plan's `owed_from`,
and the person is not a case: one join of the people on the small table of plan test days.
People staying without a known community are counted under "no community" (community None).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.people.managed_models import ManagedPerson as MP
from fangkong.people.managed_models import ManagedPlan, ManagedPlanTest, TestResult
from fangkong.people.managed_queries import kind_of_plan_on, within
from fangkong.places.models import Community, District

LIST_LIMIT = 500


def _due_tests(day: date):
    """A select of the plans with a test owed on `day`."""
    return (
        select(ManagedPlanTest.plan_id)
        .join(ManagedPlan, ManagedPlan.id == ManagedPlanTest.plan_id)
        .where(ManagedPlanTest.day == day, ManagedPlan.owed_from <= day)
    )


def _due(scope: Jurisdiction, day: date) -> list:
    return [MP.plan_id.in_(_due_tests(day)), MP.status != "case", within(scope)]


def due_per_community(session: Session, *, scope: Jurisdiction, day: date | None = None) -> list[dict]:
    """[{community_id, community, district, count}] for `day`, by district then community name."""
    day = day or clock.today()
    rows = session.execute(
        select(MP.community_id, Community.name, District.name, func.count())
        .select_from(MP)
        .outerjoin(Community, Community.id == MP.community_id)
        .outerjoin(District, District.id == MP.district_id)
        .where(*_due(scope, day))
        .group_by(MP.community_id, Community.name, District.name)
        .order_by(District.name, Community.name)
    ).all()
    return [{"community_id": cid, "community": c, "district": d, "count": n} for cid, c, d, n in rows]


def due_in_community(
    session: Session, *, scope: Jurisdiction, community_id: int | None, day: date | None = None
) -> list[dict]:
    """The people with a test due on `day` in one community (None: without a community), at most LIST_LIMIT."""
    day = day or clock.today()
    where = MP.community_id.is_(None) if community_id is None else MP.community_id == community_id
    rows = session.execute(
        select(MP.id, MP.name, MP.category, kind_of_plan_on(day), TestResult.result)
        .outerjoin(TestResult, and_(TestResult.person_id == MP.id, TestResult.day == day))
        .where(*_due(scope, day), where)
        .order_by(MP.id)
        .limit(LIST_LIMIT)
    ).all()
    return [
        {"id": pid, "name": name, "category": category, "phase_kind": phase_kind, "result": result}
        for pid, name, category, phase_kind, result in rows
    ]
