"""Tests due on a day (today by default) per community: the counts, and the list behind one of them.

A test is due when the person has an owed appointment that day and is not a case; people
staying without a known community are counted under "no community" (community None).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.people.managed_models import ManagedPerson as MP
from fangkong.people.managed_models import ManagedPhase, TestAppointment
from fangkong.people.managed_queries import within
from fangkong.places.models import Community, District

TA = TestAppointment
LIST_LIMIT = 500


def _due(scope: Jurisdiction, day: date) -> list:
    return [TA.day == day, TA.owed.is_(True), MP.status != "case", within(scope)]


def due_per_community(session: Session, *, scope: Jurisdiction, day: date | None = None) -> list[dict]:
    """[{community_id, community, district, count}] for `day`, by district then community name."""
    day = day or clock.today()
    rows = session.execute(
        select(MP.community_id, Community.name, District.name, func.count())
        .select_from(TA)
        .join(MP, MP.id == TA.person_id)
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
    kind = (
        select(ManagedPhase.kind)
        .where(ManagedPhase.person_id == MP.id, ManagedPhase.starts_on <= day, ManagedPhase.ends_on >= day)
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(MP.id, MP.name, MP.category, kind, TA.result)
        .select_from(TA)
        .join(MP, MP.id == TA.person_id)
        .where(*_due(scope, day), where)
        .order_by(MP.id)
        .limit(LIST_LIMIT)
    ).all()
    return [
        {"id": pid, "name": name, "category": category, "phase_kind": phase_kind, "result": result}
        for pid, name, category, phase_kind, result in rows
    ]
