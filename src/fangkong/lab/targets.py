"""Who must be sampled in a single tube (the pack's `single_tube_for`): people under management and the
residents of high-risk zones, as the MACs the samples carry. Fever clinics are a kind of point."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.people.managed_models import ManagedPerson
from fangkong.people.models import Resident
from fangkong.zones.coverage import span_on
from fangkong.zones.models import ZoneSpan
from fangkong.zones.queries import units_of_zone


def single_tube_people(session: Session, groups: list[str], day: date) -> frozenset[bytes]:
    macs: set[bytes] = set()
    if "managed_people" in groups:
        macs.update(managed_macs(session, day))
    if "high_risk_zones" in groups:
        zone_ids = session.scalars(select(ZoneSpan.zone_id).where(ZoneSpan.tier == "high", span_on(day))).all()
        for zone_id in set(zone_ids):
            macs.update(session.scalars(select(Resident.id_number_mac)
                                        .where(Resident.home_unit_id.in_(units_of_zone(zone_id)))))
    return frozenset(macs)


def managed_macs(session: Session, day: date) -> set[bytes]:
    """MACs of everyone under management on `day` (residents by ID number, others by document)."""
    live = ManagedPerson.release_on >= day
    residents = session.scalars(select(Resident.id_number_mac).join(ManagedPerson, ManagedPerson.resident_id == Resident.id)
                                .where(live))
    others = session.scalars(select(ManagedPerson.document_mac).where(live, ManagedPerson.document_mac.is_not(None)))
    return {*residents, *others}
