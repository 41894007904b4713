"""Confirming a candidate: the person goes under management, and (where the pack says so) their contacts
are proposed as secondary contacts.

A confirmed close contact is put under management with category close_contact, anchored on the
last exposure (the household's on the report day), source "tracing", with the plan of the pack
used for tracing. When the pack's `propose_secondary_contacts` is true, the contact's own
co-presence and household from their first exposure to now are stored as secondary_contact
candidates of the same case (never under a pack that says false). Nothing here commits.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from fangkong.core import clock
from fangkong.core.errors import InvalidInput
from fangkong.core.jurisdiction import CITY
from fangkong.core.pii import get_cipher
from fangkong.people import cases
from fangkong.people.managed import put_under_management
from fangkong.places.models import District, Venue
from fangkong.tracing import service
from fangkong.tracing.models import ContactCandidate
from fangkong.tracing.scans import epoch_minute


def confirm(session, candidate_id: int, *, actor, name: str | None = None, reason: str | None = None) -> ContactCandidate:
    """Confirm a proposed candidate as a close (or, for a secondary candidate, secondary) contact."""
    candidate = service.get_candidate(session, candidate_id, scope=actor.jurisdiction)
    service._undecided(candidate)
    case = session.get(cases.Case, candidate.case_id)
    rules = service.pack_for_tracing(candidate.pack)
    anchor = clock.aware(candidate.last_at).astimezone(clock.zone()).date() if candidate.last_at else case.reported_on
    identity: dict = {"resident_id": candidate.resident_id}
    if candidate.resident_id is None:
        if not (name or "").strip():
            raise InvalidInput("name_required", "name: a person known by a document needs a name to be managed",
                               details={"field": "name"})
        district = session.scalar(select(District.code).join(Venue, Venue.district_id == District.id)
                                  .where(Venue.id == candidate.venue_id)) if candidate.venue_id else None
        identity = {"name": name.strip(), "document_kind": candidate.document_kind,
                    "document_number": get_cipher().decrypt(candidate.document_enc), "district": district}
    # the contact may live anywhere in the city; the investigator's reach is the case's
    person = put_under_management(session, actor=_citywide(actor), category=candidate.category, anchor=anchor,
                                  source="tracing", pack=rules.id, **identity)
    candidate.managed_person_id = person.id
    service._decide(session, candidate, actor=actor, state="confirmed", reason=(reason or "").strip()[:500] or None,
                    action="tracing.confirm", after={"managed_person_id": person.id, "anchor": anchor.isoformat(),
                                                     "category": candidate.category, "pack": rules.id})
    if rules.tracing.propose_secondary_contacts and candidate.category == "close_contact":
        _propose_secondary(session, case, candidate, rules)
    return candidate


def _propose_secondary(session, case, contact: ContactCandidate, rules) -> int:
    """Contacts of `contact` between their first exposure to the case and now (when put under management)."""
    window = service.infectious_window(case, rules)
    start = epoch_minute(contact.first_at) if contact.first_at else window.minutes[0]
    end = epoch_minute(clock.now()) + 1
    # the case, and whoever is already a close-contact candidate of it, are not proposed again
    exclude = {service.case_key(case), *session.scalars(select(ContactCandidate.person_key).where(
        ContactCandidate.case_id == case.id, ContactCandidate.category == "close_contact"))}
    people = service._people(session, contact.person_key, start, end, rules, resident_id=contact.resident_id,
                             unit_id=None, exclude=exclude)
    found = [service._view(person, rank, case.reported_on) for rank, person in enumerate(people, 1)]
    return service._store(session, case.id, found, category="secondary_contact", pack=rules.id, via=contact.id)


def _citywide(actor):
    return SimpleNamespace(jurisdiction=CITY, user=getattr(actor, "user", None),
                           principal=getattr(actor, "principal", None))
