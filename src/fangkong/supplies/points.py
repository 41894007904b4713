"""Supply points (保供点): opening one with the communities and compounds it serves, its status and capacity,
the list with each point's load of a day.

A point lies in a district and is seen by the users of that district (and the city); the compounds it
serves must lie in communities of the caller's jurisdiction. The contact phone is stored only encrypted
and shown masked.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.pii import get_cipher, mask_phone, normalize_phone
from fangkong.places import service as places_service
from fangkong.places.models import Community, Compound, District
from fangkong.supplies.models import (
    POINT_KINDS, POINT_STATUSES, SupplyOrder, SupplyPoint, SupplyPointArea, SupplyPointDay,
)

Point, Area = SupplyPoint, SupplyPointArea


def points_within(scope: Jurisdiction):
    """The condition on SupplyPoint for the points a caller sees: those of their district (all for the city)."""
    if scope.is_city:
        return true()
    return Point.district_id.in_(places_service.district_ids_within(scope))


def create_point(
    session: Session, *, actor, name: str, kind: str, address: str, daily_capacity: int, contact_name: str,
    contact_phone: str | None = None, communities: list[str] = (), compounds: list[int] = (), status: str = "open",
) -> SupplyPoint:
    """A point serving whole communities (by code) and single compounds (by id), all in the caller's reach."""
    _check(kind, POINT_KINDS, "kind")
    _check(status, POINT_STATUSES, "status")
    if daily_capacity < 0:
        raise InvalidInput("invalid_capacity", "daily_capacity: 0 or more packs", details={"field": "daily_capacity"})
    areas = _areas(session, actor.jurisdiction, communities, compounds)
    if not areas:
        raise InvalidInput("no_area", "communities or compounds: a point serves at least one",
                           details={"field": "communities"})
    if session.scalar(select(Point.id).where(Point.name == name)) is not None:
        raise DomainError("point_exists", f"a supply point named {name!r} exists already", status=409,
                          details={"field": "name"})
    district_ids = {district_id for _, _, district_id in areas}
    phone = normalize_phone(contact_phone, "contact_phone") if contact_phone else None
    point = Point(
        name=name, kind=kind, address=address, district_id=min(district_ids), community_id=areas[0][0],
        contact_name=contact_name, contact_phone_enc=get_cipher().encrypt(phone) if phone else None, status=status,
        daily_capacity=daily_capacity, created_at=clock.now(),
    )
    session.add(point)
    session.flush()
    session.add_all(Area(point_id=point.id, community_id=community_id, compound_id=compound_id)
                    for community_id, compound_id, _ in areas)
    session.flush()
    audit.record(session, actor=actor, action="supplies.point_create", object_type="supply_point",
                 object_id=point.id, after={"name": name, "kind": kind, "daily_capacity": daily_capacity,
                                            "communities": list(communities), "compounds": list(compounds)})
    return point


def _areas(session: Session, scope: Jurisdiction, communities, compounds) -> list[tuple[int, int | None, int]]:
    """(community id, compound id or None, district id) of each area, refused when outside the caller's reach."""
    found: list[tuple[int, int | None, int]] = []
    reach = places_service.community_ids_within(scope)
    for code in dict.fromkeys(communities):
        row = session.execute(select(Community.id, Community.district_id)
                              .where(Community.code == code, Community.id.in_(reach))).first()
        if row is None:
            raise NotFound("community", details={"community": code})
        found.append((row[0], None, row[1]))
    for compound_id in dict.fromkeys(compounds):
        row = session.execute(select(Compound.community_id, Compound.district_id)
                              .where(Compound.id == compound_id, Compound.community_id.in_(reach))).first()
        if row is None:
            raise NotFound("compound", details={"compound_id": compound_id})
        found.append((row[0], compound_id, row[1]))
    return found


def get_point(session: Session, point_id: int, *, scope: Jurisdiction) -> SupplyPoint:
    point = session.scalar(select(Point).where(Point.id == point_id, points_within(scope)))
    if point is None:
        raise NotFound("supply point", details={"point_id": point_id})
    return point


def update_point(session: Session, point_id: int, *, actor, status: str | None = None,
                 daily_capacity: int | None = None) -> SupplyPoint:
    """A new status or daily capacity (from today on: days already loaded keep the capacity they had,
    unless it grows)."""
    point = get_point(session, point_id, scope=actor.jurisdiction)
    before = {"status": point.status, "daily_capacity": point.daily_capacity}
    if status is not None:
        _check(status, POINT_STATUSES, "status")
        point.status = status
    if daily_capacity is not None:
        if daily_capacity < 0:
            raise InvalidInput("invalid_capacity", "daily_capacity: 0 or more packs",
                               details={"field": "daily_capacity"})
        point.daily_capacity = daily_capacity
        # future days follow the new capacity, never below what they already took on
        for row in session.scalars(select(SupplyPointDay).where(SupplyPointDay.point_id == point.id,
                                                               SupplyPointDay.day >= clock.today())):
            row.capacity = max(daily_capacity, row.used)
    session.flush()
    audit.record(session, actor=actor, action="supplies.point_update", object_type="supply_point",
                 object_id=point.id, before=before, after={"status": point.status,
                                                            "daily_capacity": point.daily_capacity})
    return point


def list_points(session: Session, *, scope: Jurisdiction, day: date | None = None) -> list[dict]:
    """Every point in reach with what it serves and its load on `day` (default today)."""
    day = day or clock.today()
    load = dict(session.execute(select(SupplyPointDay.point_id, SupplyPointDay.used)
                                .where(SupplyPointDay.day == day)).all())
    orders = dict(session.execute(
        select(SupplyOrder.point_id, func.count()).where(SupplyOrder.delivery_day == day,
                                                         SupplyOrder.point_id.is_not(None))
        .group_by(SupplyOrder.point_id)).all())
    served: dict[int, list[str]] = {}
    for point_id, community, compound in session.execute(
        select(Area.point_id, Community.name, Compound.name).join(Community, Community.id == Area.community_id)
        .outerjoin(Compound, Compound.id == Area.compound_id).order_by(Area.id)
    ):
        served.setdefault(point_id, []).append(f"{community}{compound or ''}")
    rows = session.execute(select(Point, District.code, District.name)
                           .join(District, District.id == Point.district_id)
                           .where(points_within(scope)).order_by(District.code, Point.id)).all()
    return [point_view(point, code, name, served.get(point.id, []), load.get(point.id, 0), orders.get(point.id, 0), day)
            for point, code, name in rows]


def point_view(point: SupplyPoint, district_code: str, district_name: str, serves: list[str], used: int,
               orders: int, day: date) -> dict:
    phone = get_cipher().decrypt(point.contact_phone_enc) if point.contact_phone_enc else ""
    return {
        "id": point.id, "name": point.name, "kind": point.kind, "address": point.address,
        "district": district_code, "district_name": district_name, "serves": serves,
        "contact_name": point.contact_name, "contact_phone_masked": mask_phone(phone) if phone else "",
        "status": point.status, "daily_capacity": point.daily_capacity, "day": day, "used": used,
        "free": max(point.daily_capacity - used, 0) if point.status == "open" else 0, "orders": orders,
    }


def _check(value: str, allowed: tuple[str, ...], field: str) -> None:
    if value not in allowed:
        raise InvalidInput(f"invalid_{field}", f"{field}: one of {', '.join(allowed)}", details={"field": field})
