"""Special-needs residents (老弱病残: elderly living alone, disabled, chronic illness with regular medicine,
pregnant, dialysis — rules.md §1 key groups): the register, the late list and the daily "not yet served" list.

Their households' orders (and every medicine delivery) go first and carry a deadline
(`FANGKONG_SUPPLIES_PRIORITY_HOURS` after placing). A priority order still open past its deadline is
late: it shows on the late list of the community it belongs to, so a community worker sees the late
orders of their own community and nobody else's (jurisdiction by community code).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.pagination import TOTAL_ONLY
from fangkong.core.pii import get_cipher, mask_id_number
from fangkong.people import service as people_service
from fangkong.people.models import Resident
from fangkong.places.models import Community
from fangkong.supplies.delivery import _rows_query, order_view
from fangkong.supplies.models import NEED_KINDS, OPEN_STATES, SpecialNeeds, SupplyOrder
from fangkong.supplies.orders import sealed_household_ids
from fangkong.supplies.scope import in_reach, who

Order = SupplyOrder
LIST_LIMIT = 2000


def register(session: Session, *, actor, resident_id: int, kinds: list[str], needs: str = "",
             medicine: str = "") -> SpecialNeeds:
    """Put a resident of the caller's communities on the register (409 when already there)."""
    kinds = list(dict.fromkeys(kinds))
    if not kinds or any(k not in NEED_KINDS for k in kinds):
        raise InvalidInput("invalid_kinds", f"kinds: one or more of {', '.join(NEED_KINDS)}",
                           details={"field": "kinds"})
    resident = people_service.get_resident(session, resident_id, scope=actor.jurisdiction)
    if resident.community_id is None:
        raise DomainError("no_home", "this resident has no home in a community", status=409,
                          details={"field": "resident_id"})
    if session.scalar(select(SpecialNeeds.id).where(SpecialNeeds.resident_id == resident.id)) is not None:
        raise DomainError("already_registered", "this resident is on the register already", status=409,
                          details={"field": "resident_id"})
    row = SpecialNeeds(resident_id=resident.id, household_id=resident.household_id,
                       community_id=resident.community_id, district_id=resident.district_id, kinds=kinds,
                       needs=needs.strip()[:500], medicine=medicine.strip()[:200], active=True,
                       registered_at=clock.now(), registered_by=who(actor))
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="supplies.special_needs_register", object_type="resident",
                 object_id=resident.id, after={"kinds": kinds})
    return row


def entry_view(session: Session, entry_id: int, *, scope: Jurisdiction) -> dict:
    row = session.execute(_people_query().where(SpecialNeeds.id == entry_id,
                                                in_reach(SpecialNeeds.community_id, scope))).first()
    if row is None:
        raise NotFound("special-needs resident", details={"id": entry_id})
    return _person_view(row)


def _people_query():
    return (select(SpecialNeeds, Resident.name, Resident.id_number_enc, Resident.birth_date,
                   Community.name.label("community"))
            .join(Resident, Resident.id == SpecialNeeds.resident_id)
            .join(Community, Community.id == SpecialNeeds.community_id))


def _person_view(row) -> dict:
    entry = row[0]
    return {"id": entry.id, "resident_id": entry.resident_id, "name": row.name,
            "id_number_masked": mask_id_number(get_cipher().decrypt(row.id_number_enc)),
            "age": people_service.age_on(row.birth_date, clock.today()), "household_id": entry.household_id,
            "community_id": entry.community_id, "community": row.community, "kinds": list(entry.kinds),
            "needs": entry.needs, "medicine": entry.medicine, "active": entry.active}


def list_register(session: Session, *, scope: Jurisdiction, limit: int = LIST_LIMIT) -> tuple[list[dict], int]:
    condition = and_(SpecialNeeds.active.is_(True), in_reach(SpecialNeeds.community_id, scope))
    total = session.scalar(select(func.count()).select_from(SpecialNeeds).where(condition))
    rows = session.execute(_people_query().where(condition)
                           .order_by(SpecialNeeds.community_id, SpecialNeeds.id).limit(limit)).all()
    return [_person_view(r) for r in rows], total


def late_orders(session: Session, *, scope: Jurisdiction, limit: int = LIST_LIMIT) -> tuple[list[dict], int]:
    """Priority orders still open past their deadline, in the caller's communities, oldest deadline first."""
    now = clock.now()
    condition = and_(Order.priority.is_(True), Order.state.in_(OPEN_STATES), Order.deadline_at < now,
                     in_reach(Order.community_id, scope))
    total = session.scalar(select(func.count()).select_from(Order).where(condition))
    if limit == TOTAL_ONLY:
        return [], total
    rows = session.execute(_rows_query().where(condition).order_by(Order.deadline_at, Order.id).limit(limit)).all()
    return [order_view(r, now) for r in rows], total


def not_served(session: Session, *, scope: Jurisdiction, day: date, limit: int = LIST_LIMIT) -> tuple[list[dict], int]:
    """Special-needs residents of households sealed on `day` with no order delivered to them that day,
    by community."""
    sealed = sealed_household_ids(day)
    delivered = exists().where(Order.household_id == SpecialNeeds.household_id, Order.delivery_day == day,
                               Order.state == "delivered")
    condition = and_(SpecialNeeds.active.is_(True), SpecialNeeds.household_id.in_(sealed), ~delivered,
                     in_reach(SpecialNeeds.community_id, scope))
    total = session.scalar(select(func.count()).select_from(SpecialNeeds).where(condition))
    if limit == TOTAL_ONLY:
        return [], total
    rows = session.execute(_people_query().where(condition)
                           .order_by(SpecialNeeds.community_id, SpecialNeeds.id).limit(limit)).all()
    return [_person_view(r) for r in rows], total
