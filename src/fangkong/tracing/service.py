"""Contact candidates of a case: compute, propose (store), list, confirm, mark general, dismiss.

The pack in force today gives the infectious look-back (days before onset or sampling; the
report date when neither is known), the co-presence gap, the venue kinds considered and whether
a confirmed close contact's own contacts are proposed as secondary contacts. Candidates only
propose: an investigator decides each one (rules.md §4). Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.people import cases
from fangkong.people.case_models import Case
from fangkong.policy import get_pack, pack_in_force
from fangkong.policy.schemas import Pack
from fangkong.tracing import copresence
from fangkong.tracing.models import ContactCandidate
from fangkong.tracing.scans import epoch_minute, resident_key


@dataclass(frozen=True)
class Window:
    start: datetime  # inclusive
    end: datetime  # exclusive: the end of the report day (the case is isolated)

    @property
    def minutes(self) -> tuple[int, int]:
        return epoch_minute(self.start), epoch_minute(self.end)


def pack_for_tracing(pack: str | None = None) -> Pack:
    return get_pack(pack) if pack else pack_in_force(clock.today())


def case_key(case: Case) -> str:
    if case.resident_id is not None:
        return resident_key(case.resident_id)
    return "d" + case.document_mac.hex()


def infectious_window(case: Case, pack: Pack, onset: date | None = None) -> Window:
    """From `close_contact_window_days` before onset (or sampling; default the report day) to the end of the report day."""
    anchor = min(onset or case.reported_on, case.reported_on)
    start = datetime.combine(anchor - timedelta(days=pack.tracing.close_contact_window_days), time(0))
    end = datetime.combine(case.reported_on + timedelta(days=1), time(0))
    return Window(start.replace(tzinfo=clock.zone()), end.replace(tzinfo=clock.zone()))


def _rank_key(person: copresence.Person):
    best = person.best
    return (not person.household, -(best["overlap_minutes"] if best else 0),
            best["gap_minutes"] if best else 0, -(person.last_minute or 0), person.key)


def _people(session: Session, key: str, start: int, end: int, pack: Pack, *, resident_id, unit_id,
            exclude: set[str]) -> list[copresence.Person]:
    found = copresence.copresent(session, key, start, end, kinds=pack.tracing.venue_kinds,
                                 gap=pack.tracing.copresence_gap_minutes, exclude=exclude)
    for member in copresence.household(session, resident_id=resident_id, unit_id=unit_id):
        member_key = resident_key(member)
        if member_key in exclude or member_key == key:
            continue
        found.setdefault(member_key, copresence.Person(member_key, member)).household = True
    return sorted(found.values(), key=_rank_key)


def candidates_for(session: Session, case: Case, *, pack: str | None = None, onset: date | None = None) -> list[dict]:
    """The ranked candidates of a case with their evidence (read only: `propose` stores them)."""
    rules = pack_for_tracing(pack)
    window = infectious_window(case, rules, onset)
    start, end = window.minutes
    people = _people(session, case_key(case), start, end, rules, resident_id=case.resident_id,
                     unit_id=case.home_unit_id, exclude=set())
    return [_view(person, rank, case.reported_on) for rank, person in enumerate(people, 1)]


def _view(person: copresence.Person, rank: int, reported_on: date) -> dict:
    zone = clock.zone()
    best = person.best
    first, last = person.first_minute, person.last_minute
    return {
        "rank": rank, "person_key": person.key, "resident_id": person.resident_id,
        "document_kind": person.document_kind, "household": person.household,
        "venue_id": best["venue_id"] if best else None,
        "first_at": copresence.minute_time(first, zone) if first is not None else None,
        "last_at": copresence.minute_time(last, zone) if last is not None else None,
        "last_exposure_on": copresence.minute_time(last, zone).date() if last is not None else reported_on,
        "overlap_minutes": best["overlap_minutes"] if best else 0,
        "gap_minutes": best["gap_minutes"] if best else None,
        "evidence": [{"venue_id": e["venue_id"], "case_at": copresence.minute_time(e["case_minute"], zone).isoformat(),
                      "contact_at": copresence.minute_time(e["contact_minute"], zone).isoformat(),
                      "overlap_minutes": e["overlap_minutes"], "gap_minutes": e["gap_minutes"]}
                     for e in sorted(person.encounters, key=lambda e: e["case_minute"])],
        "_enc": person.document_enc,
    }


def propose(session: Session, case_id: int, *, actor, pack: str | None = None, onset: date | None = None) -> list[ContactCandidate]:
    """Store the case's candidates (new ones proposed; undecided ones refreshed; decided ones kept)."""
    case = cases.get_case(session, case_id, scope=actor.jurisdiction)
    rules = pack_for_tracing(pack)
    found = candidates_for(session, case, pack=rules.id, onset=onset)
    added = _store(session, case.id, found, category="close_contact", pack=rules.id)
    audit.record(session, actor=actor, action="tracing.propose", object_type="case", object_id=case.id,
                 after={"pack": rules.id, "candidates": len(found), "new": added})
    return list_candidates(session, case.id, scope=actor.jurisdiction)


def _store(session: Session, case_id: int, found: list[dict], *, category: str, pack: str,
           via: int | None = None) -> int:
    existing = {c.person_key: c for c in session.scalars(select(ContactCandidate).where(
        ContactCandidate.case_id == case_id, ContactCandidate.category == category))}
    now, added = clock.now(), 0
    for item in found:
        fields = dict(
            household=item["household"], venue_id=item["venue_id"], first_at=item["first_at"],
            last_at=item["last_at"], overlap_minutes=item["overlap_minutes"], gap_minutes=item["gap_minutes"],
            evidence=item["evidence"], rank=item["rank"],
        )
        stored = existing.get(item["person_key"])
        if stored is None:
            session.add(ContactCandidate(
                case_id=case_id, category=category, via_candidate_id=via, person_key=item["person_key"],
                resident_id=item["resident_id"], document_kind=item["document_kind"], document_enc=item["_enc"],
                state="proposed", pack=pack, created_at=now, **fields))
            added += 1
        elif stored.state == "proposed":
            for name, value in fields.items():
                setattr(stored, name, value)
    session.flush()
    return added


def list_candidates(session: Session, case_id: int, *, scope) -> list[ContactCandidate]:
    cases.get_case(session, case_id, scope=scope)
    return list(session.scalars(select(ContactCandidate).where(ContactCandidate.case_id == case_id)
                                .order_by(ContactCandidate.category, ContactCandidate.rank, ContactCandidate.id)))


def get_candidate(session: Session, candidate_id: int, *, scope) -> ContactCandidate:
    candidate = session.get(ContactCandidate, candidate_id)
    if candidate is None:
        raise NotFound("candidate")
    cases.get_case(session, candidate.case_id, scope=scope)  # 404 outside the caller's jurisdiction
    return candidate


def _undecided(candidate: ContactCandidate) -> None:
    if candidate.state != "proposed":
        raise DomainError("already_decided", f"this candidate is already {candidate.state}", status=409,
                          details={"state": candidate.state})


def _decide(session, candidate, *, actor, state: str, reason: str | None, action: str, after: dict | None = None):
    candidate.state, candidate.reason = state, reason
    candidate.decided_at = clock.now()
    who = getattr(actor, "user", None)
    candidate.decided_by = getattr(who, "username", None) or "system"
    session.flush()
    audit.record(session, actor=actor, action=action, object_type="contact_candidate", object_id=candidate.id,
                 reason=reason, before={"state": "proposed"}, after={"state": state, **(after or {})})


def dismiss(session: Session, candidate_id: int, *, actor, reason: str) -> ContactCandidate:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason_required", "reason: say why this candidate is dismissed", details={"field": "reason"})
    candidate = get_candidate(session, candidate_id, scope=actor.jurisdiction)
    _undecided(candidate)
    _decide(session, candidate, actor=actor, state="dismissed", reason=reason[:500], action="tracing.dismiss")
    return candidate


def mark_general(session: Session, candidate_id: int, *, actor, reason: str | None = None) -> ContactCandidate:
    """一般接触者: observed, not put under management."""
    candidate = get_candidate(session, candidate_id, scope=actor.jurisdiction)
    _undecided(candidate)
    _decide(session, candidate, actor=actor, state="general", reason=(reason or "").strip()[:500] or None,
            action="tracing.general")
    return candidate
