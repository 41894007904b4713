"""Factories for risk zones: cases registered through the real flow, zones approved on a given day."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

import factories
from fangkong.core import clock
from fangkong.places.models import Building, Unit
from fangkong.zones import flows, service
from fangkong.zones.models import ZoneInfection

D = date.fromisoformat


def at(day: str | date, hour: int = 9, minute: int = 0) -> datetime:
    day = D(day) if isinstance(day, str) else day
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=clock.zone())


def actor(session: Session, role: str):
    """One city-level user of `role` per test session (argon2 hashing makes users slow to create)."""
    cache = session.info.setdefault("zone_factories.actors", {})
    if role not in cache:
        cache[role] = factories.actor(session, role=role, username=f"zones-{role}-{id(session)}")
    return cache[role]


def second_unit(session: Session, unit: Unit, *, building: bool = False) -> Unit:
    """Another unit in the same building (or in a new building of the same compound)."""
    first = session.get(Building, unit.building_id)
    if building:
        first = Building(compound_id=first.compound_id, number=first.number + 1, lat=first.lat, lon=first.lon + 0.001)
        session.add(first)
        session.flush()
    other = Unit(building_id=first.id, number=unit.number + 1 if not building else 1)
    session.add(other)
    session.flush()
    return other


def case(session: Session, *, unit: Unit, reported_on: str, by=None, **fields):
    """A resident of `unit` registered as a case on `reported_on` (clock at 08:00 that day): (case, links)."""
    with clock.frozen(at(reported_on, 8)):
        by = by or actor(session, "investigator")
        resident = factories.resident(session, unit=unit, by=by)
        return flows.register_case(session, actor=by, resident_id=resident.id, reported_on=D(reported_on), **fields)


def zone(session: Session, *, unit: Unit, reported_on: str, approve_on: str | None = None, commander=None):
    """A zone from a case of `unit`, approved on `approve_on` (default the report day) by a commander."""
    _, links = case(session, unit=unit, reported_on=reported_on)
    [link] = [link for link in links if link.created]
    commander = commander or actor(session, "commander")
    with clock.frozen(at(approve_on or reported_on, 10)):
        return service.approve(session, link.zone_id, actor=commander)


def rounds(session: Session, zone_id: int, days: list[str], *, hour: int = 10, result: str = "negative", by=None):
    by = by or actor(session, "lab_operator")
    for day in days:
        with clock.frozen(at(day, hour + 1)):
            service.record_round(session, zone_id, sampled_at=at(day, hour), result=result, actor=by)


def with_proposal(session: Session, *, unit: Unit, commander=None) -> tuple[int, int]:
    """A zone in force whose lift is proposed and open on 2022-11-13: (zone id, proposal id).

    Case reported 11-07, designated 11-07, negative round 11-12 10:00: due on 11-13 (measures20).
    """
    zone_row = zone(session, unit=unit, reported_on="2022-11-07", commander=commander)
    rounds(session, zone_row.id, ["2022-11-12"])
    with clock.frozen(at("2022-11-13", 0, 5)):
        service.run_daily(session, on=D("2022-11-13"))
    [proposal] = [p for p in service.proposals_on(session, on=D("2022-11-13")) if p["zone_id"] == zone_row.id]
    return zone_row.id, proposal["proposal_id"]


def matrix_zones(session: Session, *, code: str, name: str, unit: Unit) -> dict:
    """For the authorization matrix, in one district: a zone in force over `unit` ("view"), proposed zones to
    approve or reject, zones to widen, zones with an open lift proposal, a case, a resident to leave."""
    found: dict = {}
    view = zone(session, unit=unit, reported_on="2022-11-12")
    found["view"] = view.id
    found["departing"] = factories.resident(session, name="外出居民", unit=unit).id
    found["case"] = session.scalar(select(ZoneInfection.case_id).where(ZoneInfection.zone_id == view.id))
    for purpose in ("approve_api", "reject_api", "approve_page", "reject_page"):
        _, links = case(session, unit=factories.place_chain(session, district_code=code, district_name=name),
                        reported_on="2022-11-13")
        found[purpose] = links[0].zone_id
    for purpose in ("widen_api", "widen_page"):
        found[purpose] = zone(session, unit=factories.place_chain(session, district_code=code, district_name=name),
                              reported_on="2022-11-13").id
    for purpose in ("p_approve_api", "p_reject_api", "p_approve_page", "p_reject_page"):
        _, found[purpose] = with_proposal(
            session, unit=factories.place_chain(session, district_code=code, district_name=name))
    return found
