"""Work that crosses domains: a case registered proposes its zones; leaving a high-risk zone puts a
resident under management. People (a lower floor) never calls zones: these flows do both.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.errors import DomainError, InvalidInput
from fangkong.people import cases
from fangkong.people import service as residents
from fangkong.people.case_models import Case
from fangkong.people.managed import put_under_management
from fangkong.people.managed_models import ManagedPerson
from fangkong.people.managed_queries import get_person
from fangkong.zones.coverage import span_on, tier_of
from fangkong.zones.designation import ZoneLink, get_zone, propose_for_case
from fangkong.zones.events import add_event
from fangkong.zones.models import ZoneSpan

# leaving a zone of a tier → the category of people under management (glossary codes)
DEPARTURE_CATEGORY = {"high": "from_high_risk_zone", "medium": "from_medium_risk_zone"}


def register_case(session: Session, *, actor, **fields) -> tuple[Case, list[ZoneLink]]:
    """Register a case in the people's register, then propose (or extend) the zones its places call for."""
    case = cases.register_case(session, actor=actor, **fields)
    return case, propose_for_case(session, case, actor=actor)


def record_departure(
    session: Session, zone_id: int, *, actor, resident_id: int, left_on: date
) -> tuple[ManagedPerson, bool]:
    """A resident of a zone left it on `left_on`: put them under management with the pack in force that day.

    The category follows the zone's tier that day (high → from_high_risk_zone); the anchor is the
    day they left. Reporting the same departure twice returns the person already registered
    (created = False).
    """
    zone = get_zone(session, zone_id, scope=actor.jurisdiction)
    resident = residents.get_resident(session, resident_id, scope=actor.jurisdiction)
    today = clock.today()
    if left_on > today:
        raise InvalidInput("left_in_future", "left_on: cannot be in the future", details={"field": "left_on"})
    answer = tier_of(session, resident_id=resident.id, on=left_on, scope=actor.jurisdiction)
    if zone.id not in answer.zone_ids:
        raise DomainError("not_in_zone", f"the resident's home was not in zone {zone.id} on {left_on}", status=409,
                          details={"tier": answer.tier})
    tier = session.scalar(select(ZoneSpan.tier).where(ZoneSpan.zone_id == zone.id, span_on(left_on)))
    category = DEPARTURE_CATEGORY.get(tier)
    if category is None:
        raise DomainError("no_departure_measure", f"leaving a {tier}-risk zone puts nobody under management",
                          status=409)
    try:
        person = put_under_management(session, actor=actor, category=category, anchor=left_on, source="zone",
                                      resident_id=resident.id)
        created = True
    except DomainError as exc:
        if exc.code != "already_registered":
            raise
        person, created = get_person(session, exc.details["person_id"], scope=actor.jurisdiction), False
    if created:
        add_event(session, zone.id, "departure", actor, managed_person_id=person.id, left_on=left_on,
                  category=category, pack=person.pack)
    return person, created
