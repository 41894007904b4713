"""Reading places: districts with their counts, venues, a unit's full address."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core.errors import NotFound
from fangkong.core.jurisdiction import CITY_CODE, Jurisdiction
from fangkong.core.pagination import PageRequest, fetch_page
from fangkong.places.models import Building, Community, Compound, District, Subdistrict, Unit, Venue

CITY_NAME = "大同市"  # the demo city (places/data/datong.toml)


@dataclass(frozen=True)
class DistrictSummary:
    id: int
    code: str
    name: str
    name_en: str
    kind: str
    lat: float
    lon: float
    subdistricts: int
    communities: int
    compounds: int
    residents: int | None  # filled by the people domain when it composes the view


def district_ids_within(scope: Jurisdiction):
    """A subquery of the district ids inside `scope` (all of them for the city)."""
    query = select(District.id)
    return query if scope.is_city else query.where(District.code == scope.district_code)


def community_ids_within(scope: Jurisdiction):
    """A subquery of the community ids inside `scope`."""
    query = select(Community.id)
    if scope.is_city:
        return query
    if scope.level == "district":
        return query.where(Community.district_id.in_(district_ids_within(scope)))
    if scope.level == "subdistrict":
        return query.join(Subdistrict, Community.subdistrict_id == Subdistrict.id).where(Subdistrict.code == scope.code)
    return query.where(Community.code == scope.code)


def _count_by_district(session: Session, column) -> dict[int, int]:
    return dict(session.execute(select(column, func.count()).group_by(column)).all())


def list_districts(
    session: Session, *, scope: Jurisdiction, resident_counts: Mapping[int, int] | None = None
) -> list[DistrictSummary]:
    """Districts by code with their place counts; resident counts come from people (a higher floor)."""
    subdistricts = _count_by_district(session, Subdistrict.district_id)
    communities = _count_by_district(session, Community.district_id)
    compounds = _count_by_district(session, Compound.district_id)
    return [
        DistrictSummary(
            id=d.id,
            code=d.code,
            name=d.name,
            name_en=d.name_en,
            kind=d.kind,
            lat=d.lat,
            lon=d.lon,
            subdistricts=subdistricts.get(d.id, 0),
            communities=communities.get(d.id, 0),
            compounds=compounds.get(d.id, 0),
            residents=None if resident_counts is None else resident_counts.get(d.id, 0),
        )
        for d in session.scalars(
            select(District).where(District.id.in_(district_ids_within(scope))).order_by(District.code)
        )
    ]


def get_district_by_code(session: Session, code: str, *, scope: Jurisdiction) -> District:
    district = session.scalar(
        select(District).where(District.code == code, District.id.in_(district_ids_within(scope)))
    )
    if district is None:
        raise NotFound("district", details={"code": code})
    return district


def list_venues(
    session: Session,
    *,
    scope: Jurisdiction,
    page: PageRequest,
    district_code: str | None = None,
    kind: str | None = None,
) -> tuple[list[Venue], int]:
    query = select(Venue).where(Venue.district_id.in_(district_ids_within(scope)))
    if scope.level in ("subdistrict", "community"):
        query = query.where(Venue.community_id.in_(community_ids_within(scope)))
    if district_code:
        query = query.where(Venue.district_id == get_district_by_code(session, district_code, scope=scope).id)
    if kind:
        query = query.where(Venue.kind == kind)
    return fetch_page(session, query, page, Venue.id)


@dataclass(frozen=True)
class UnitLocation:
    unit_id: int
    building_id: int
    compound_id: int
    community_id: int
    district_id: int


def locate_unit(session: Session, unit_id: int) -> UnitLocation:
    row = session.execute(
        select(Unit.id, Building.id, Compound.id, Compound.community_id, Compound.district_id)
        .join(Building, Unit.building_id == Building.id)
        .join(Compound, Building.compound_id == Compound.id)
        .where(Unit.id == unit_id)
    ).first()
    if row is None:
        raise NotFound("unit", details={"unit_id": unit_id})
    return UnitLocation(*row)


def area_name(session: Session, code: str) -> str:
    """The name of the city, a district, a subdistrict or a community by its area code (the code if unknown)."""
    if code == CITY_CODE:
        return CITY_NAME
    model = {6: District, 9: Subdistrict, 12: Community}.get(len(code))
    name = session.scalar(select(model.name).where(model.code == code)) if model else None
    return name or code
