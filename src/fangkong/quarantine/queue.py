"""The queue: people under management whose plan is in (or enters) a centralized phase and who have no room yet.

Read from the people tables through SQLAlchemy Core (the plan's centralized phase covering the day,
the person's household and birth date for keeping households together and special needs).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.pii import get_cipher, mask_id_number
from fangkong.people.managed_models import ManagedPerson as MP
from fangkong.people.managed_models import ManagedPlanPhase as PP
from fangkong.people.managed_queries import mask_document, within
from fangkong.people.models import Resident
from fangkong.places.models import District
from fangkong.quarantine.models import LIVE_STATES, QuarantineStay

CENTRALIZED = "centralized_quarantine"
SPECIAL_NEEDS_AGE = 70  # 老弱病残: residents this old go to accessible rooms (a local operations choice)


@dataclass(frozen=True)
class Queued:
    person_id: int
    district_id: int | None
    household_id: int | None
    special_needs: bool
    starts_on: date


def has_live_stay():
    """EXISTS a live stay of the person (an anti-join on both databases when negated)."""
    return exists().where(QuarantineStay.person_id == MP.id, QuarantineStay.state.in_(LIVE_STATES))


def queue_query(scope: Jurisdiction, day: date, *, district_id: int | None = None, arriving_by: date | None = None):
    """People whose centralized phase covers `day` (or starts by `arriving_by`), not a case, without a live stay."""
    last = arriving_by or day
    phase = (
        select(PP.plan_id, func.min(PP.starts_on).label("starts_on"), func.max(PP.ends_on).label("ends_on"))
        .where(PP.kind == CENTRALIZED, PP.starts_on <= last, PP.ends_on >= day).group_by(PP.plan_id).subquery()
    )
    old = func.coalesce(Resident.birth_date <= _years_before(day, SPECIAL_NEEDS_AGE), False)
    query = (
        select(MP.id, MP.name, MP.district_id, MP.category, MP.resident_id, MP.document_kind, MP.document_enc,
               Resident.id_number_enc, Resident.household_id, old.label("special_needs"), phase.c.starts_on,
               phase.c.ends_on)
        .join(phase, phase.c.plan_id == MP.plan_id)
        .outerjoin(Resident, Resident.id == MP.resident_id)
        .where(within(scope), MP.status != "case", ~has_live_stay())
    )
    if district_id is not None:
        query = query.where(MP.district_id == district_id)
    return query


def queued(session: Session, scope: Jurisdiction, day: date, *, district_id: int | None = None,
           limit: int | None = None) -> list[Queued]:
    """The queue of `day` (its first `limit` people) as plain facts, oldest phase first then by id (the bulk
    assignment's input)."""
    query = queue_query(scope, day, district_id=district_id)
    sub = query.subquery()
    rows = session.execute(
        select(sub.c.id, sub.c.district_id, sub.c.household_id, sub.c.special_needs, sub.c.starts_on)
        .order_by(sub.c.starts_on, sub.c.id).limit(limit)
    ).all()
    return [Queued(r.id, r.district_id, r.household_id, bool(r.special_needs), r.starts_on) for r in rows]


def queue_page(session: Session, scope: Jurisdiction, day: date, *, district_id: int | None = None,
               limit: int = 200) -> dict:
    """The queue of `day`: counts by district and phase start, and the first `limit` people (masked)."""
    sub = queue_query(scope, day, district_id=district_id).subquery()
    groups = session.execute(
        select(District.code, District.name, sub.c.starts_on, func.count())
        .select_from(sub).outerjoin(District, District.id == sub.c.district_id)
        .group_by(District.code, District.name, sub.c.starts_on).order_by(District.code, sub.c.starts_on)
    ).all()
    rows = session.execute(select(sub).order_by(sub.c.starts_on, sub.c.id).limit(limit)).all()
    districts = dict(session.execute(select(District.id, District.code)).all())
    return {
        "day": day,
        "total": sum(n for *_, n in groups),
        "groups": [{"district": c, "district_name": n, "starts_on": s, "people": k} for c, n, s, k in groups],
        "people": [_person(row, districts) for row in rows],
    }


def by_district(items: list[Queued]) -> Counter:
    return Counter(item.district_id for item in items)


def masked_document(resident_enc, document_enc) -> str:
    cipher = get_cipher()
    if resident_enc is not None:
        return mask_id_number(cipher.decrypt(resident_enc))
    if document_enc is not None:
        return mask_document(cipher.decrypt(document_enc))
    return ""


def _person(row, districts: dict) -> dict:
    return {
        "person_id": row.id, "name": row.name, "district": districts.get(row.district_id),
        "category": row.category, "document_masked": masked_document(row.id_number_enc, row.document_enc),
        "household_id": row.household_id, "special_needs": bool(row.special_needs),
        "starts_on": row.starts_on, "ends_on": row.ends_on,
    }


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
