"""Candidates as lists show them: the person's name and document masked, the venue by name."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.pii import get_cipher, mask_id_number
from fangkong.people.managed_queries import mask_document
from fangkong.people.models import Resident
from fangkong.places.models import Venue
from fangkong.tracing.models import ContactCandidate


def candidate_views(session: Session, candidates: list[ContactCandidate]) -> list[dict]:
    resident_ids = {c.resident_id for c in candidates if c.resident_id}
    venue_ids = {c.venue_id for c in candidates if c.venue_id}
    residents = {r.id: (r.name, r.id_number_enc) for r in session.execute(
        select(Resident.id, Resident.name, Resident.id_number_enc).where(Resident.id.in_(resident_ids)))} \
        if resident_ids else {}
    venues = dict(session.execute(select(Venue.id, Venue.name).where(Venue.id.in_(venue_ids))).all()) \
        if venue_ids else {}
    cipher = get_cipher()
    zone = clock.zone()

    def local(moment):
        return clock.aware(moment).astimezone(zone) if moment is not None else None

    out = []
    for c in candidates:
        if c.resident_id in residents:
            name, enc = residents[c.resident_id]
            masked = mask_id_number(cipher.decrypt(enc))
        else:
            name, masked = None, mask_document(cipher.decrypt(c.document_enc)) if c.document_enc else ""
        out.append({
            "id": c.id, "case_id": c.case_id, "category": c.category, "via_candidate_id": c.via_candidate_id,
            "rank": c.rank, "state": c.state, "reason": c.reason, "resident_id": c.resident_id, "name": name,
            "document_masked": masked, "household": c.household, "venue_id": c.venue_id,
            "venue_name": venues.get(c.venue_id), "first_at": local(c.first_at),
            "last_at": local(c.last_at), "overlap_minutes": c.overlap_minutes, "gap_minutes": c.gap_minutes,
            "evidence": c.evidence, "managed_person_id": c.managed_person_id, "pack": c.pack,
        })
    return out
