"""Factories for tracing: venues, cases through the real register, scans through the real ingest."""

from __future__ import annotations

from datetime import datetime, time
from itertools import count

from sqlalchemy.orm import Session

import factories
import zone_factories as zf
from fangkong.core import clock
from fangkong.people import cases
from fangkong.places import service as places_service
from fangkong.places.models import Venue
from fangkong.tracing import scans

_codes = count(1)
D = zf.D


def venue(session: Session, unit, *, kind: str = "supermarket", name: str = "华林超市") -> Venue:
    """A venue in the district of `unit`'s community."""
    location = places_service.locate_unit(session, unit.id)
    row = Venue(code=f"V{next(_codes):07d}{id(session) % 1000:03d}", kind=kind, name=name, address="御河西路",
                district_id=location.district_id, community_id=location.community_id, lat=40.08, lon=113.3)
    session.add(row)
    session.flush()
    return row


def at(day: str, hhmm: str) -> str:
    hour, minute = map(int, hhmm.split(":"))
    return datetime.combine(D(day), time(hour, minute)).replace(tzinfo=clock.zone()).isoformat()


def scan(session: Session, venue_row: Venue, when: str, *, resident_id: int | None = None,
         passport: str | None = None, until: str | None = None, by=None):
    """One scan at `when` ("2022-11-10 10:00"), optionally left at `until` ("10:30")."""
    day, hhmm = when.split()
    record = {"venue_code": venue_row.code, "scanned_at": at(day, hhmm)}
    if until:
        record["left_at"] = at(day, until)
    if resident_id is not None:
        record["resident_id"] = resident_id
    else:
        record.update(document_kind="passport", document_number=passport)
    report = scans.ingest(session, [record], actor=by or zf.actor(session, "prevention"))
    assert not report.refused, report.refused
    return report


def case(session: Session, *, unit, reported_on: str, by=None):
    """A resident of `unit` registered as a case (people's register only: no zones)."""
    by = by or zf.actor(session, "investigator")
    resident = factories.resident(session, unit=unit, by=by, name="病例甲")
    return cases.register_case(session, actor=by, resident_id=resident.id, reported_on=D(reported_on))


def candidate(session: Session, case_id: int, *, unit) -> int:
    """A proposed close-contact candidate of a case (a new resident of `unit`, as a household member)."""
    from fangkong.tracing.models import ContactCandidate
    from fangkong.tracing.scans import resident_key

    member = factories.resident(session, name="家人", unit=unit, by=zf.actor(session, "prevention"))
    row = ContactCandidate(case_id=case_id, category="close_contact", person_key=resident_key(member.id),
                           resident_id=member.id, household=True, overlap_minutes=0, evidence=[], rank=1,
                           state="proposed", pack="measures20", created_at=clock.now())
    session.add(row)
    session.flush()
    return row.id


def matrix_tracing(session: Session, *, unit, case_id: int) -> dict:
    """For the authorization matrix, in the district of `unit`: a venue, and a maker of fresh candidates
    of the district's case (each allowed role decides a candidate of its own)."""
    site = venue(session, unit, kind="construction_site", name="矩阵工地")
    return {"venue_code": site.code, "venue_id": site.id, "case": case_id,
            "candidate": lambda: candidate(session, case_id, unit=unit)}
