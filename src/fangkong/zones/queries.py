"""Reading zones: lists, one zone with its whole history, its residents, place labels.

The public list, the map data and the over-enforcement items are in zones/public.py.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session, aliased

from fangkong.core import clock, i18n
from fangkong.core.errors import InvalidInput
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.pagination import TOTAL_ONLY, PageRequest
from fangkong.people import service as residents
from fangkong.places import service as places_service
from fangkong.places.models import Building, Community, Compound, District, Subdistrict, Unit, Venue
from fangkong.zones.coverage import place_on, span_on, zone_within
from fangkong.zones.models import (
    STATES, TIERS, Zone, ZoneEvent, ZoneInfection, ZoneOverride, ZonePlace, ZoneProposal, ZoneSpan, ZoneTestRound,
)

ZP = ZonePlace


def place_label(row, language: str = i18n.DEFAULT_LANGUAGE) -> str:
    """"3号楼2单元" / "Building 3, Unit 2" for a unit, the building alone for a building, else ""."""
    if row.building_number is None:
        return ""
    if row.unit_number is None:
        return i18n.translate(language, "zones.building_label", b=row.building_number)
    return i18n.translate(language, "zones.building_unit_label", b=row.building_number, u=row.unit_number)


def places_select():
    """zone_place rows with the names and numbers of their place and its parents, and a point to draw."""
    member = aliased(Compound)  # a whole community is drawn at the centre of its compounds
    village_lat = select(func.avg(member.lat)).where(member.community_id == ZP.community_id) \
        .correlate_except(member).scalar_subquery()
    village_lon = select(func.avg(member.lon)).where(member.community_id == ZP.community_id) \
        .correlate_except(member).scalar_subquery()
    return (
        select(
            ZP.id, ZP.zone_id, ZP.kind, ZP.added_on, ZP.removed_on, ZP.unit_id, ZP.building_id, ZP.compound_id,
            ZP.community_id, ZP.venue_id,
            District.code.label("district_code"), District.name.label("district_name"),
            District.name_en.label("district_name_en"), Subdistrict.name.label("subdistrict_name"),
            Community.name.label("community_name"), Compound.name.label("compound_name"),
            Building.number.label("building_number"), Unit.number.label("unit_number"),
            Venue.name.label("venue_name"),
            func.coalesce(Building.lat, Compound.lat, Venue.lat, village_lat).label("lat"),
            func.coalesce(Building.lon, Compound.lon, Venue.lon, village_lon).label("lon"),
        )
        .join(District, District.id == ZP.district_id)
        .outerjoin(Community, Community.id == ZP.community_id)
        .outerjoin(Subdistrict, Subdistrict.id == Community.subdistrict_id)
        .outerjoin(Compound, Compound.id == ZP.compound_id)
        .outerjoin(Building, Building.id == ZP.building_id)
        .outerjoin(Unit, Unit.id == ZP.unit_id)
        .outerjoin(Venue, Venue.id == ZP.venue_id)
    )


def place_view(row, language: str) -> dict:
    name = row.venue_name or row.compound_name or row.community_name or ""
    return {
        "id": row.id, "kind": row.kind, "district": row.district_name if language == "zh" else row.district_name_en,
        "subdistrict": row.subdistrict_name or "", "community": row.community_name or "", "compound": name,
        "place": place_label(row, language), "added_on": row.added_on, "removed_on": row.removed_on,
        "unit_id": row.unit_id, "building_id": row.building_id, "compound_id": row.compound_id,
        "community_id": row.community_id, "venue_id": row.venue_id,
    }


def list_zones(
    session: Session, *, scope: Jurisdiction, state: str | None = None, tier: str | None = None,
    district_code: str | None = None, page: int = 1, per_page: int = 50, language: str = i18n.DEFAULT_LANGUAGE,
) -> tuple[list[dict], int]:
    """A page of zones (newest first) with their first place, last infection and open proposal."""
    request = PageRequest(page=page, per_page=per_page)
    if state and state not in STATES:
        raise InvalidInput("invalid_state", f"state: one of {', '.join(STATES)}", details={"field": "state"})
    if tier and tier not in TIERS:
        raise InvalidInput("invalid_tier", f"tier: one of {', '.join(TIERS)}", details={"field": "tier"})
    conditions = [zone_within(scope)]
    if state:
        conditions.append(Zone.state == state)
    if tier:
        conditions.append(Zone.tier == tier)
    if district_code:
        conditions.append(Zone.district_id == places_service.get_district_by_code(
            session, district_code, scope=scope).id)
    total = session.scalar(select(func.count()).select_from(Zone).where(*conditions)) or 0
    if request.per_page == TOTAL_ONLY:
        return [], total
    zones = session.scalars(select(Zone).where(*conditions).order_by(Zone.id.desc())
                            .offset(request.offset).limit(request.per_page)).all()
    return summaries(session, zones, language), total


def summaries(session: Session, zones: list[Zone], language: str) -> list[dict]:
    ids = [z.id for z in zones]
    if not ids:
        return []
    places: dict[int, list] = {}
    for row in session.execute(places_select().where(ZP.zone_id.in_(ids), ZP.removed_on.is_(None))
                               .order_by(ZP.id)):
        places.setdefault(row.zone_id, []).append(place_view(row, language))
    last = dict(session.execute(select(ZoneInfection.zone_id, func.max(ZoneInfection.reported_on))
                                .where(ZoneInfection.zone_id.in_(ids)).group_by(ZoneInfection.zone_id)).all())
    cases = dict(session.execute(select(ZoneInfection.zone_id, func.count())
                                 .where(ZoneInfection.zone_id.in_(ids)).group_by(ZoneInfection.zone_id)).all())
    proposals = {p.zone_id: p for p in session.scalars(
        select(ZoneProposal).where(ZoneProposal.zone_id.in_(ids), ZoneProposal.state == "open"))}
    out = []
    for zone in zones:
        mine = places.get(zone.id, [])
        proposal = proposals.get(zone.id)
        out.append({
            "id": zone.id, "tier": zone.tier, "state": zone.state, "pack": zone.pack,
            "granularity": zone.granularity, "district": mine[0]["district"] if mine else "",
            "places": mine, "designated_on": zone.designated_on, "closed_on": zone.closed_on,
            "approved_by": zone.approved_by, "reason": zone.reason, "infections": cases.get(zone.id, 0),
            "last_infection_on": last.get(zone.id),
            "open_proposal": None if proposal is None else proposal_view(proposal, clock.today()),
        })
    return out


def proposal_view(row: ZoneProposal, today: date) -> dict:
    return {
        "id": row.id, "zone_id": row.zone_id, "action": row.action, "from_tier": row.from_tier,
        "to_tier": row.to_tier, "since": row.since, "reason": row.reason, "basis": row.basis or {},
        "state": row.state, "pack": row.pack,
        "overdue": row.overdue or (row.state == "open" and row.since < today), "decided_on": row.decided_on,
        "decided_by": row.decided_by, "decision_reason": row.decision_reason,
    }


def zone_detail(session: Session, zone: Zone, *, language: str = i18n.DEFAULT_LANGUAGE) -> dict:
    """One zone with every place it covered, its tiers over time, infections, rounds, proposals, overrides, events."""
    today = clock.today()
    [summary] = summaries(session, [zone], language)
    places = [place_view(r, language) for r in session.execute(places_select().where(ZP.zone_id == zone.id)
                                                                  .order_by(ZP.id))]
    spans = session.scalars(select(ZoneSpan).where(ZoneSpan.zone_id == zone.id).order_by(ZoneSpan.id)).all()
    infections = session.execute(select(ZoneInfection.case_id, ZoneInfection.reported_on)
                                 .where(ZoneInfection.zone_id == zone.id)
                                 .order_by(ZoneInfection.reported_on, ZoneInfection.case_id)).all()
    rounds = session.scalars(select(ZoneTestRound).where(ZoneTestRound.zone_id == zone.id)
                             .order_by(ZoneTestRound.sampled_at)).all()
    proposals = session.scalars(select(ZoneProposal).where(ZoneProposal.zone_id == zone.id)
                                .order_by(ZoneProposal.id)).all()
    overrides = session.scalars(select(ZoneOverride).where(ZoneOverride.zone_id == zone.id)
                                .order_by(ZoneOverride.id)).all()
    events = session.scalars(select(ZoneEvent).where(ZoneEvent.zone_id == zone.id).order_by(ZoneEvent.id)).all()
    summary.update(
        all_places=places,
        designated_at=local(zone.designated_at),
        proposed_at=local(zone.proposed_at), proposed_by=zone.proposed_by,
        spans=[{"tier": s.tier, "starts_on": s.starts_on, "ends_on": s.ends_on, "reached_by": s.reached_by}
               for s in spans],
        cases=[{"case_id": c, "reported_on": d} for c, d in infections],
        rounds=[{"id": r.id, "sampled_at": local(r.sampled_at), "result": r.result, "recorded_by": r.recorded_by}
                for r in rounds],
        proposals=[proposal_view(p, today) for p in proposals],
        overrides=[override_view(o, today) for o in overrides],
        history=[{"at": local(e.at), "kind": e.kind, "actor": e.actor_name, "data": e.data} for e in events],
    )
    return summary


def local(value: datetime | None) -> datetime | None:
    """A stored timestamp in Asia/Shanghai (PostgreSQL hands them back in the session's time zone)."""
    return None if value is None else clock.aware(value).astimezone(clock.zone())


def override_view(row: ZoneOverride, on: date) -> dict:
    return {
        "id": row.id, "zone_id": row.zone_id, "kind": row.kind, "reason": row.reason, "pack": row.pack,
        "approver": row.approver_name, "starts_on": row.starts_on, "ends_on": row.ends_on,
        "active": row.starts_on <= on and (row.ends_on is None or on <= row.ends_on), "detail": row.detail or {},
    }


def units_of_zone(zone_id: int):
    """A subquery of the ids of the units a zone covers now (its current places, whatever their kind)."""
    return _units_covered(lambda column, kind: select(column).where(
        ZP.zone_id == zone_id, ZP.kind == kind, ZP.removed_on.is_(None)))


def units_at_tier(day: date, tier: str = "high"):
    """A subquery of the ids of the units covered on `day` by a zone in force at `tier` that day (high: sealed),
    from the history: the zone's span and its places as they were on that day."""
    zone_ids = select(ZoneSpan.zone_id).where(span_on(day), ZoneSpan.tier == tier)
    return _units_covered(lambda column, kind: select(column).where(
        ZP.zone_id.in_(zone_ids), ZP.kind == kind, place_on(day)))


def _units_covered(places):
    """Unit ids under the places `places(column, kind)` selects: units, buildings, compounds, villages."""
    return union_all(
        select(Unit.id).where(Unit.id.in_(places(ZP.unit_id, "unit"))),
        select(Unit.id).where(Unit.building_id.in_(places(ZP.building_id, "building"))),
        select(Unit.id).join(Building, Unit.building_id == Building.id)
        .where(Building.compound_id.in_(places(ZP.compound_id, "compound"))),
        select(Unit.id).join(Building, Unit.building_id == Building.id)
        .join(Compound, Building.compound_id == Compound.id)
        .where(Compound.community_id.in_(places(ZP.community_id, "village"))),
    )


def zone_residents(session: Session, zone: Zone, *, scope: Jurisdiction, page: int = 1,
                   per_page: int = 50) -> tuple[list[dict], int]:
    """The residents living in a zone (masked, inside the caller's jurisdiction), for supplies and testing."""
    return residents.list_residents(session, scope=scope, page=page, per_page=per_page,
                                    home_unit_ids=units_of_zone(zone.id))
