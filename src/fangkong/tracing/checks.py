"""Entry checks at gates (扫码、测体温、登记) and the fever alerts they raise.

A temperature at or above the pack's `fever_threshold_celsius` raises one alert, addressed to
the task force in charge of that kind of site in the venue's district: only users of that task
force whose jurisdiction covers the district see it. Nothing here commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import InvalidInput, NotFound
from fangkong.core.pii import get_cipher
from fangkong.places import service as places_service
from fangkong.places.models import District, Venue
from fangkong.policy import pack_in_force
from fangkong.tracing import scans
from fangkong.tracing.models import ALERT_TASK_FORCE, DEFAULT_ALERT_TASK_FORCE, EntryCheck, FeverAlert


def record_check(session: Session, *, actor, venue_code: str, checked_at, temperature: float,
                 registered: bool = True, resident_id: int | None = None, document_kind: str | None = None,
                 document_number: str | None = None) -> tuple[EntryCheck, FeverAlert | None]:
    """Record a gate check (and its venue scan); a fever raises one alert. Venues outside the actor's reach: 404."""
    query = select(Venue).where(Venue.code == (venue_code or "").strip())
    if not actor.jurisdiction.is_city:
        query = query.where(Venue.district_id.in_(places_service.district_ids_within(actor.jurisdiction)))
    venue = session.scalar(query)
    if venue is None:
        raise NotFound("venue", details={"field": "venue_code"})
    if not 30.0 <= temperature <= 45.0:
        raise InvalidInput("invalid_temperature", "temperature: between 30.0 and 45.0 °C",
                           details={"field": "temperature"})
    record = {"resident_id": resident_id, "document_kind": document_kind, "document_number": document_number}
    try:
        key, resident, kind, number = scans.person_of(record)
        at = scans.parse_time(checked_at, "checked_at")
    except scans.Refused as exc:
        raise InvalidInput(exc.code, str(exc), details={"field": str(exc).split(":")[0]}) from None
    report = scans.ingest(session, [{**record, "venue_code": venue.code, "scanned_at": at, "source": "gate"}],
                          actor=actor, source="gate", audit_it=False)
    if report.refused:
        raise InvalidInput(report.refused[0]["code"], report.refused[0]["reason"])
    who = getattr(actor, "user", None)
    check = EntryCheck(person_key=key, resident_id=resident, document_kind=kind,
                       document_enc=get_cipher().encrypt(number) if number else None, venue_id=venue.id,
                       checked_at=at, temperature=round(temperature, 1), registered=bool(registered),
                       recorded_by=getattr(who, "username", None) or "system")
    session.add(check)
    session.flush()
    threshold = pack_in_force(at.date()).tracing.fever_threshold_celsius
    alert = None
    if check.temperature >= threshold:
        alert = FeverAlert(entry_check_id=check.id, venue_id=venue.id, district_id=venue.district_id,
                           task_force=ALERT_TASK_FORCE.get(venue.kind, DEFAULT_ALERT_TASK_FORCE),
                           temperature=check.temperature, threshold=threshold, raised_at=clock.now())
        session.add(alert)
        session.flush()
        audit.record(session, actor=actor, action="tracing.fever", object_type="fever_alert", object_id=alert.id,
                     after={"venue_id": venue.id, "temperature": check.temperature, "threshold": threshold,
                            "task_force": alert.task_force})
    return check, alert


def alerts_for(session: Session, *, actor, limit: int = 200) -> list[dict]:
    """Fever alerts addressed to the actor's task force inside their jurisdiction (none for other roles)."""
    role = actor.user.role
    rows = session.execute(
        select(FeverAlert, Venue.name, Venue.code, District.name)
        .join(Venue, Venue.id == FeverAlert.venue_id).join(District, District.id == FeverAlert.district_id)
        .where(FeverAlert.task_force == role,
               FeverAlert.district_id.in_(places_service.district_ids_within(actor.jurisdiction)))
        .order_by(FeverAlert.raised_at.desc(), FeverAlert.id.desc()).limit(limit)
    ).all()
    return [{"id": a.id, "venue_id": a.venue_id, "venue_name": name, "venue_code": code, "district_name": district,
             "temperature": a.temperature, "threshold": a.threshold, "raised_at": clock.aware(a.raised_at).astimezone(clock.zone()),
             "task_force": a.task_force} for a, name, code, district in rows]
