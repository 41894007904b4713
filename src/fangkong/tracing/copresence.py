"""Who shared a venue with a person, and who lives with them: the evidence behind contact candidates.

Index-driven interval queries: the person's own scans come from (person_key, at_minute); then for
each of those visits one range query on (venue_id, at_minute) finds the others present within
the pack's gap. No self-join of the scan table: the work grows with the person's scans and the
crowd at those venues at those times, not with the size of the table.

Two visits [a1, b1] and [a2, b2] (minutes) are co-present when the gap between them,
max(0, a2 - b1, a1 - b2), is at most N minutes; their overlap is max(0, min(b1, b2) - max(a1, a2)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from fangkong.people.models import Resident
from fangkong.places.models import Venue
from fangkong.tracing.models import MAX_STAY_MINUTES, VenueScan


@dataclass
class Person:
    key: str
    resident_id: int | None = None
    document_kind: str | None = None
    document_enc: bytes | None = None
    household: bool = False
    encounters: list[dict] = field(default_factory=list)

    @property
    def best(self) -> dict | None:
        return min(self.encounters, key=lambda e: (-e["overlap_minutes"], e["gap_minutes"]), default=None)

    @property
    def first_minute(self) -> int | None:
        return min((e["from_minute"] for e in self.encounters), default=None)

    @property
    def last_minute(self) -> int | None:
        return max((e["to_minute"] for e in self.encounters), default=None)


def minute_time(minute: int, zone) -> datetime:
    return datetime.fromtimestamp(minute * 60, tz=timezone.utc).astimezone(zone)


def own_visits(session: Session, key: str, start: int, end: int, kinds: list[str]) -> list[tuple[int, int, int]]:
    """(venue_id, at_minute, until_minute) of a person's scans starting in [start, end), at venues of `kinds`."""
    return session.execute(
        select(VenueScan.venue_id, VenueScan.at_minute, VenueScan.until_minute)
        .join(Venue, Venue.id == VenueScan.venue_id)
        .where(VenueScan.person_key == key, VenueScan.at_minute >= start, VenueScan.at_minute < end,
               Venue.kind.in_(kinds))
        .order_by(VenueScan.at_minute)
    ).all()


def copresent(session: Session, key: str, start: int, end: int, *, kinds: list[str], gap: int,
              exclude: set[str] = frozenset()) -> dict[str, Person]:
    """Everyone whose visit lies within `gap` minutes of one of `key`'s visits in [start, end)."""
    found: dict[str, Person] = {}
    columns = (VenueScan.person_key, VenueScan.resident_id, VenueScan.document_kind, VenueScan.document_enc,
               VenueScan.at_minute, VenueScan.until_minute)
    for venue_id, a1, b1 in own_visits(session, key, start, end, kinds):
        rows = session.execute(select(*columns).where(and_(
            VenueScan.venue_id == venue_id,
            VenueScan.at_minute >= a1 - gap - MAX_STAY_MINUTES,
            VenueScan.at_minute <= b1 + gap,
            VenueScan.until_minute >= a1 - gap,
        ))).all()
        for other, resident_id, kind, enc, a2, b2 in rows:
            if other == key or other in exclude:
                continue
            apart = max(0, a2 - b1, a1 - b2)
            if apart > gap:
                continue
            person = found.setdefault(other, Person(other, resident_id, kind, enc))
            together_from, together_to = max(a1, a2), min(b1, b2)
            person.encounters.append({
                "venue_id": venue_id, "case_minute": a1, "contact_minute": a2,
                "from_minute": together_from, "to_minute": max(together_to, together_from),
                "overlap_minutes": max(0, together_to - together_from), "gap_minutes": apart,
            })
    return found


def household(session: Session, *, resident_id: int | None, unit_id: int | None) -> list[int]:
    """Residents living with a person: the same household, or the same home unit when none is recorded."""
    household_id = None
    if resident_id:
        row = session.execute(select(Resident.household_id, Resident.home_unit_id)
                              .where(Resident.id == resident_id)).first()
        if row is not None:
            household_id, unit_id = row.household_id, unit_id or row.home_unit_id
    if household_id is not None:
        condition = Resident.household_id == household_id
    elif unit_id is not None:
        condition = Resident.home_unit_id == unit_id
    else:
        return []
    query = select(Resident.id).where(condition)
    if resident_id:
        query = query.where(Resident.id != resident_id)
    return list(session.scalars(query.order_by(Resident.id)))
