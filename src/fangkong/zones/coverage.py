"""Which zones cover a place on a day, and the tier of a place or a resident on any day.

A place is referred to by its ancestry (`PlaceRef`): a unit knows its building, compound,
community and district. A zone place covers a unit when it is that unit, its building, its
compound or its whole community ("village"); a building only from the building up, and so on.
Tiers come from the history (zone_span × zone_place date ranges), so a past day answers with
the tier in force then, whatever happened later.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import Session

from fangkong.core.errors import InvalidInput, NotFound
from fangkong.core.jurisdiction import CITY, Jurisdiction
from fangkong.people import service as residents
from fangkong.places import service as places_service
from fangkong.places.models import Building, Community, Compound, Unit, Venue
from fangkong.zones.models import PLACE_KINDS, TIERS, WIDENING, Zone, ZonePlace, ZoneSpan

ZP = ZonePlace
NONE = "none"  # not in a zone, not in a district with one
SEVERITY = {tier: len(TIERS) - index for index, tier in enumerate(TIERS)}  # high 3, medium 2, low 1


@dataclass(frozen=True)
class PlaceRef:
    kind: str
    district_id: int
    community_id: int | None = None
    compound_id: int | None = None
    building_id: int | None = None
    unit_id: int | None = None
    venue_id: int | None = None

    def columns(self) -> dict:
        return {"kind": self.kind, "unit_id": self.unit_id, "building_id": self.building_id,
                "compound_id": self.compound_id, "community_id": self.community_id,
                "district_id": self.district_id, "venue_id": self.venue_id}

    @property
    def key(self) -> tuple:
        return (self.kind, self.unit_id, self.building_id, self.compound_id, self.community_id, self.venue_id)


@dataclass(frozen=True)
class TierAnswer:
    on: date
    tier: str  # high | medium | low | none
    zone_ids: tuple[int, ...]  # the zones in force covering the place


def unit_ref(session: Session, unit_id: int) -> PlaceRef:
    row = session.execute(
        select(Unit.id, Building.id, Compound.id, Compound.community_id, Compound.district_id)
        .join(Building, Unit.building_id == Building.id).join(Compound, Building.compound_id == Compound.id)
        .where(Unit.id == unit_id)
    ).first()
    if row is None:
        raise NotFound("unit", details={"unit_id": unit_id})
    return PlaceRef("unit", district_id=row[4], community_id=row[3], compound_id=row[2], building_id=row[1],
                    unit_id=row[0])


def place_ref(session: Session, kind: str, place_id: int) -> PlaceRef:
    """The ancestry of a place of any kind (a village is a community id)."""
    if kind == "unit":
        return unit_ref(session, place_id)
    if kind == "building":
        row = session.execute(select(Building.id, Compound.id, Compound.community_id, Compound.district_id)
                              .join(Compound, Building.compound_id == Compound.id)
                              .where(Building.id == place_id)).first()
        if row is not None:
            return PlaceRef("building", district_id=row[3], community_id=row[2], compound_id=row[1],
                            building_id=row[0])
    elif kind == "compound":
        row = session.execute(select(Compound.id, Compound.community_id, Compound.district_id)
                              .where(Compound.id == place_id)).first()
        if row is not None:
            return PlaceRef("compound", district_id=row[2], community_id=row[1], compound_id=row[0])
    elif kind == "village":
        row = session.execute(select(Community.id, Community.district_id).where(Community.id == place_id)).first()
        if row is not None:
            return PlaceRef("village", district_id=row[1], community_id=row[0])
    elif kind == "venue":
        row = session.execute(select(Venue.id, Venue.community_id, Venue.district_id)
                              .where(Venue.id == place_id)).first()
        if row is not None:
            return PlaceRef("venue", district_id=row[2], community_id=row[1], venue_id=row[0])
    else:
        raise InvalidInput("invalid_place_kind", f"kind: one of {', '.join(PLACE_KINDS)}", details={"field": "kind"})
    raise NotFound(kind, details={"id": place_id})


def widened(ref: PlaceRef, kind: str) -> PlaceRef:
    """The place of `kind` that contains `ref` (unit → its building → its compound → its community)."""
    if ref.kind == "venue" or kind not in WIDENING or WIDENING.index(kind) < WIDENING.index(ref.kind):
        raise InvalidInput("invalid_widening", f"to: a {ref.kind} cannot be drawn as a {kind}",
                           details={"field": "to"})
    level = WIDENING.index(kind)
    return replace(
        ref, kind=kind,
        unit_id=ref.unit_id if level <= 0 else None,
        building_id=ref.building_id if level <= 1 else None,
        compound_id=ref.compound_id if level <= 2 else None,
    )


def covering(ref: PlaceRef):
    """zone_place rows that cover `ref` whole: the place itself or one containing it."""
    if ref.kind == "venue":
        return and_(ZP.kind == "venue", ZP.venue_id == ref.venue_id)
    tests = {
        "unit": lambda: ZP.unit_id == ref.unit_id,
        "building": lambda: and_(ZP.kind == "building", ZP.building_id == ref.building_id),
        "compound": lambda: and_(ZP.kind == "compound", ZP.compound_id == ref.compound_id),
        "village": lambda: and_(ZP.kind == "village", ZP.community_id == ref.community_id),
    }
    return or_(*(tests[kind]() for kind in WIDENING[WIDENING.index(ref.kind):]))


def place_on(day: date):
    return and_(ZP.added_on <= day, or_(ZP.removed_on.is_(None), ZP.removed_on > day))


def span_on(day: date):
    return and_(ZoneSpan.starts_on <= day, or_(ZoneSpan.ends_on.is_(None), ZoneSpan.ends_on > day))


def zone_within(scope: Jurisdiction):
    """Zones inside `scope`: of its district, or with a place in one of its communities."""
    if scope.is_city:
        return true()
    if scope.level == "district":
        return Zone.district_id.in_(places_service.district_ids_within(scope))
    return Zone.id.in_(select(ZP.zone_id).where(ZP.community_id.in_(places_service.community_ids_within(scope))))


def tier_at(session: Session, ref: PlaceRef, on: date) -> TierAnswer:
    rows = session.execute(
        select(ZoneSpan.zone_id, ZoneSpan.tier).join(ZP, ZP.zone_id == ZoneSpan.zone_id)
        .where(covering(ref), place_on(on), span_on(on)).distinct()
    ).all()
    if rows:
        tier = max((tier for _, tier in rows), key=SEVERITY.get)
        return TierAnswer(on, tier, tuple(sorted({zone_id for zone_id, _ in rows})))
    in_district = session.scalar(
        select(ZoneSpan.id).join(Zone, Zone.id == ZoneSpan.zone_id)
        .where(Zone.district_id == ref.district_id, span_on(on)).limit(1)
    )
    return TierAnswer(on, "low" if in_district is not None else NONE, ())


def tier_of(
    session: Session,
    *,
    on: date,
    unit_id: int | None = None,
    building_id: int | None = None,
    compound_id: int | None = None,
    village_id: int | None = None,
    venue_id: int | None = None,
    resident_id: int | None = None,
    place: PlaceRef | None = None,
    scope: Jurisdiction = CITY,
) -> TierAnswer:
    """The tier of one place (or of a resident's home) on day `on`, past days included.

    high/medium: a zone in force that day covers it; low: not covered, but its district has a
    zone in force; none: neither. A resident outside `scope` is "not found"; a resident
    without a home unit is "none".
    """
    given = [(k, v) for k, v in (("unit", unit_id), ("building", building_id), ("compound", compound_id),
                                 ("village", village_id), ("venue", venue_id)) if v is not None]
    if resident_id is not None:
        resident = residents.get_resident(session, resident_id, scope=scope)
        if resident.home_unit_id is None:
            return TierAnswer(on, NONE, ())
        given.append(("unit", resident.home_unit_id))
    if place is not None:
        return tier_at(session, place, on)
    if len(given) != 1:
        raise InvalidInput("one_place", "give exactly one place or resident", details={"field": "place"})
    return tier_at(session, place_ref(session, *given[0]), on)


__all__ = ["NONE", "PlaceRef", "TierAnswer", "covering", "place_on", "place_ref", "span_on", "tier_of",
           "unit_ref", "widened", "zone_within"]
