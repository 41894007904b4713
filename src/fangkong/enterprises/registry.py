"""Enterprises and construction sites: registration, daily statuses (stored as changes), closed-loop rosters,
linked hotline tickets. Every query keeps to the caller's jurisdiction (district of the enterprise or site);
anything outside it is "not found". Nothing here commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, delete, func, select, true, update
from sqlalchemy.orm import Session
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.pii import get_cipher, mask_phone, normalize_phone
from fangkong.enterprises.models import (
    CLOSURES, FOREVER, STATUSES, WORKING, ConstructionSite, Enterprise, EnterpriseStatus, EnterpriseTicket,
    RosterMember,
)
from fangkong.people import service as people_service
from fangkong.people.models import Resident
from fangkong.places import service as places_service
from fangkong.places.models import District, Venue

CODE_PROBLEMS = {
    stdnum_errors.InvalidLength: "must have 18 characters",
    stdnum_errors.InvalidFormat: "must be 18 digits or capital letters (no I, O, S, V, Z)",
    stdnum_errors.InvalidChecksum: "check character does not match (GB 32100)",
    stdnum_errors.InvalidComponent: "registration department or organization code is not valid",
}


def parse_credit_code(value: str, field: str = "credit_code") -> str:
    """A unified social credit code (统一社会信用代码), validated by python-stdnum's cn.uscc."""
    try:
        return uscc.validate(value or "")
    except stdnum_errors.ValidationError as exc:
        reason = next((text for kind, text in CODE_PROBLEMS.items() if isinstance(exc, kind)),
                      "is not a valid unified social credit code")
        raise InvalidInput("invalid_credit_code", f"{field}: {reason}", details={"field": field, "reason": reason}) \
            from None


def district_within(scope: Jurisdiction, column):
    return true() if scope.is_city else column.in_(places_service.district_ids_within(scope))


def _district(session: Session, code: str, scope: Jurisdiction) -> District:
    try:
        return places_service.get_district_by_code(session, code, scope=scope)
    except NotFound:
        raise NotFound("district", details={"field": "district"}) from None


def _need(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput("required", f"{field}: required", details={"field": field})
    return value


# ---- enterprises ---------------------------------------------------------------------------------------------

def register_enterprise(session: Session, *, actor, name: str, credit_code: str, industry: str, district: str,
                        park: str | None = None, above_scale: bool = False, staff: int = 0, contact_name: str = "",
                        contact_phone: str | None = None, status: str = "stopped", staff_share: int | None = None,
                        since: date | None = None) -> Enterprise:
    code = parse_credit_code(credit_code)
    name = _need(name, "name")
    if staff < 0:
        raise InvalidInput("invalid_staff", "staff: must not be negative", details={"field": "staff"})
    if session.scalar(select(Enterprise.id).where(Enterprise.credit_code == code)) is not None:
        raise DomainError("duplicate_credit_code", "credit_code: an enterprise with this code is registered",
                          status=409, details={"field": "credit_code"})
    where = _district(session, district, actor.jurisdiction)
    phone = normalize_phone(contact_phone, "contact_phone") if contact_phone else None
    enterprise = Enterprise(name=name, credit_code=code, industry=(industry or "").strip(), district_id=where.id,
                            park=(park or "").strip() or None, above_scale=bool(above_scale), staff=staff,
                            contact_name=(contact_name or "").strip(),
                            contact_phone_enc=get_cipher().encrypt(phone) if phone else None,
                            created_at=clock.now())
    session.add(enterprise)
    session.flush()
    audit.record(session, actor=actor, action="enterprise.create", object_type="enterprise", object_id=enterprise.id,
                 after={"name": name, "credit_code": code, "district": where.code, "above_scale": above_scale})
    set_status(session, enterprise.id, actor=actor, status=status, staff_share=staff_share,
               since=since or clock.today())
    return enterprise


def get_enterprise(session: Session, enterprise_id: int, *, scope: Jurisdiction) -> Enterprise:
    found = session.scalar(select(Enterprise).where(Enterprise.id == enterprise_id,
                                                    district_within(scope, Enterprise.district_id)))
    if found is None:
        raise NotFound("enterprise")
    return found


def set_status(session: Session, enterprise_id: int, *, actor, status: str, since: date,
               staff_share: int | None = None, output_value: float | None = None) -> EnterpriseStatus:
    """The enterprise's status from `since` on (until its next recorded change); one row per change."""
    enterprise = get_enterprise(session, enterprise_id, scope=actor.jurisdiction)
    if status not in STATUSES:
        raise InvalidInput("invalid_status", f"status: one of {', '.join(STATUSES)}", details={"field": "status"})
    share = {"stopped": 0, "resumed": 100}.get(status, staff_share)
    if share is None or not (0 < share < 100 if status == "partial" else 0 <= share <= 100):
        raise InvalidInput("invalid_staff_share", "staff_share: a partly resumed enterprise gives the share of "
                           "staff at work, 1–99 %", details={"field": "staff_share"})
    if output_value is not None and output_value < 0:
        raise InvalidInput("invalid_output_value", "output_value: must not be negative",
                           details={"field": "output_value"})
    rows = EnterpriseStatus.__table__
    current = session.execute(select(rows.c.id, rows.c.from_day, rows.c.until_day, rows.c.status).where(
        rows.c.enterprise_id == enterprise.id, rows.c.from_day <= since, rows.c.until_day > since)).first()
    before = {"status": current.status, "from_day": current.from_day.isoformat()} if current else None
    if current is not None and current.from_day == since:
        session.execute(delete(rows).where(rows.c.id == current.id))
        until = current.until_day
    else:
        following = session.scalar(select(func.min(rows.c.from_day)).where(
            rows.c.enterprise_id == enterprise.id, rows.c.from_day > since))
        until = following or FOREVER
        if current is not None:
            session.execute(update(rows).where(rows.c.id == current.id).values(until_day=since))
    change = EnterpriseStatus(enterprise_id=enterprise.id, from_day=since, until_day=until, status=status,
                              staff_share=share, district_id=enterprise.district_id,
                              above_scale=enterprise.above_scale, park=enterprise.park, output_value=output_value, recorded_at=clock.now(),
                              recorded_by=getattr(getattr(actor, "user", None), "username", None) or "system")
    session.add(change)
    session.flush()
    audit.record(session, actor=actor, action="enterprise.status", object_type="enterprise", object_id=enterprise.id,
                 before=before, after={"status": status, "staff_share": share, "from_day": since.isoformat(),
                                       "output_value": output_value})
    return change


def status_on(session: Session, enterprise_id: int, day: date) -> EnterpriseStatus | None:
    return session.scalar(select(EnterpriseStatus).where(
        EnterpriseStatus.enterprise_id == enterprise_id, EnterpriseStatus.from_day <= day,
        EnterpriseStatus.until_day > day))


def set_closed_loop(session: Session, enterprise_id: int, *, actor, closed_loop: bool, living: str | None) -> None:
    enterprise = get_enterprise(session, enterprise_id, scope=actor.jurisdiction)
    before = {"closed_loop": enterprise.closed_loop, "living": enterprise.living}
    enterprise.closed_loop, enterprise.living = bool(closed_loop), (living or "").strip() or None
    session.flush()
    audit.record(session, actor=actor, action="enterprise.closed_loop", object_type="enterprise",
                 object_id=enterprise.id, before=before,
                 after={"closed_loop": enterprise.closed_loop, "living": enterprise.living})


def enterprise_filter(scope: Jurisdiction, *, on: date, district: str | None = None, above_scale: bool | None = None,
                      status: str | None = None, resumed: bool | None = None, park: str | None = None) -> list:
    """Conditions on `enterprise_status` (its copied district, above-scale flag and park) that keep the
    enterprises with their status on day `on` — the lists behind the figures and their counts alike."""
    s = EnterpriseStatus
    conditions = [district_within(scope, s.district_id), s.from_day <= on, s.until_day > on]
    if district:
        conditions.append(s.district_id.in_(select(District.id).where(District.code == district)))
    if above_scale is not None:
        conditions.append(s.above_scale.is_(above_scale))
    if status:
        conditions.append(s.status == status)
    if resumed is not None:
        working = s.status.in_(WORKING)
        conditions.append(working if resumed else ~working)
    if park:
        conditions.append(s.park == park)
    return conditions


def count_enterprises(session: Session, *, scope: Jurisdiction, on: date, **filters) -> int:
    return session.scalar(select(func.count()).select_from(EnterpriseStatus)
                          .where(*enterprise_filter(scope, on=on, **filters))) or 0


def list_enterprises(session: Session, *, scope: Jurisdiction, on: date, page: int = 1, per_page: int = 50,
                     **filters) -> tuple[list[dict], int]:
    conditions = enterprise_filter(scope, on=on, **filters)
    rows = session.execute(
        select(Enterprise, EnterpriseStatus, District.code, District.name)
        .join(EnterpriseStatus, EnterpriseStatus.enterprise_id == Enterprise.id)
        .join(District, District.id == Enterprise.district_id).where(*conditions)
        .order_by(Enterprise.id).offset((page - 1) * per_page).limit(per_page)).all()
    total = count_enterprises(session, scope=scope, on=on, **filters)
    return [enterprise_view(e, s, code, name) for e, s, code, name in rows], total


def enterprise_view(e: Enterprise, s: EnterpriseStatus | None, district_code: str, district_name: str) -> dict:
    phone = get_cipher().decrypt(e.contact_phone_enc) if e.contact_phone_enc else ""
    return {"id": e.id, "name": e.name, "credit_code": e.credit_code, "industry": e.industry,
            "district": district_code, "district_name": district_name, "park": e.park, "above_scale": e.above_scale,
            "staff": e.staff, "contact_name": e.contact_name, "contact_phone": mask_phone(phone) if phone else "",
            "closed_loop": e.closed_loop, "living": e.living,
            "status": s.status if s else None, "staff_share": s.staff_share if s else None,
            "status_since": s.from_day if s else None, "output_value": s.output_value if s else None}


def enterprise_detail(session: Session, enterprise_id: int, *, scope: Jurisdiction, on: date) -> dict:
    from fangkong.enterprises import problems  # same floor; problems imports registry

    e = get_enterprise(session, enterprise_id, scope=scope)
    district = session.get(District, e.district_id)
    history = session.scalars(select(EnterpriseStatus).where(EnterpriseStatus.enterprise_id == e.id)
                              .order_by(EnterpriseStatus.from_day.desc()).limit(60)).all()
    view = enterprise_view(e, status_on(session, e.id, on), district.code, district.name)
    view["history"] = [{"from_day": s.from_day, "until_day": None if s.until_day == FOREVER else s.until_day,
                        "status": s.status, "staff_share": s.staff_share, "output_value": s.output_value}
                       for s in history]
    view["roster"] = roster(session, enterprise_id=e.id)
    view["tickets"] = tickets_of(session, e.id)
    view["problems"] = problems.problems_of(session, enterprise_id=e.id)
    return view


# ---- construction sites --------------------------------------------------------------------------------------

def register_site(session: Session, *, actor, project: str, builder: str, district: str, location: str = "",
                  venue_code: str | None = None, closure: str = "fully_closed") -> ConstructionSite:
    where = _district(session, district, actor.jurisdiction)
    if closure not in CLOSURES:
        raise InvalidInput("invalid_closure", f"closure: one of {', '.join(CLOSURES)}", details={"field": "closure"})
    venue_id = None
    if venue_code:
        venue = session.scalar(select(Venue).where(Venue.code == venue_code.strip(), Venue.district_id == where.id))
        if venue is None:
            raise NotFound("venue", details={"field": "venue_code"})
        if venue.kind != "construction_site":
            raise InvalidInput("not_a_site_gate", "venue_code: the gate must be a venue of kind construction_site",
                               details={"field": "venue_code"})
        venue_id = venue.id
    site = ConstructionSite(project=_need(project, "project"), builder=_need(builder, "builder"), district_id=where.id,
                            location=(location or "").strip(), venue_id=venue_id, closure=closure,
                            created_at=clock.now())
    session.add(site)
    session.flush()
    audit.record(session, actor=actor, action="construction_site.create", object_type="construction_site",
                 object_id=site.id, after={"project": site.project, "builder": site.builder, "district": where.code,
                                           "venue_id": venue_id, "closure": closure})
    return site


def get_site(session: Session, site_id: int, *, scope: Jurisdiction) -> ConstructionSite:
    found = session.scalar(select(ConstructionSite).where(ConstructionSite.id == site_id,
                                                          district_within(scope, ConstructionSite.district_id)))
    if found is None:
        raise NotFound("construction site")
    return found


def list_sites(session: Session, *, scope: Jurisdiction) -> list[dict]:
    rows = session.execute(select(ConstructionSite, District.name).join(District)
                           .where(district_within(scope, ConstructionSite.district_id))
                           .order_by(ConstructionSite.id)).all()
    return [{"id": s.id, "project": s.project, "builder": s.builder, "district_name": name, "location": s.location,
             "closure": s.closure} for s, name in rows]


# ---- rosters -------------------------------------------------------------------------------------------------

def add_to_roster(session: Session, *, actor, id_numbers: list[str], enterprise_id: int | None = None,
                  site_id: int | None = None, living: str | None = None) -> dict:
    """Add residents (by ID number, looked up by MAC) to an enterprise's closed loop or a site's workers."""
    if enterprise_id is not None:
        owner = {"enterprise_id": get_enterprise(session, enterprise_id, scope=actor.jurisdiction).id}
    else:
        owner = {"site_id": get_site(session, site_id, scope=actor.jurisdiction).id}
    column = RosterMember.enterprise_id if enterprise_id is not None else RosterMember.site_id
    present = set(session.scalars(select(RosterMember.resident_id).where(column == next(iter(owner.values())))))
    added, unknown = [], []
    for number in id_numbers:
        resident = people_service.find_by_id_number(session, number, scope=actor.jurisdiction)
        if resident is None:
            unknown.append(number[:4] + "…")
            continue
        if resident.id in present:
            continue
        present.add(resident.id)
        session.add(RosterMember(resident_id=resident.id, person_mac=resident.id_number_mac, living=(living or "").strip() or None,
                                 added_at=clock.now(), **owner))
        added.append(resident.id)
    session.flush()
    audit.record(session, actor=actor, action="roster.add", object_type="enterprise" if enterprise_id else
                 "construction_site", object_id=next(iter(owner.values())), after={"resident_ids": added})
    return {"added": len(added), "unknown": len(unknown)}


def roster(session: Session, *, enterprise_id: int | None = None, site_id: int | None = None) -> list[dict]:
    column, value = ((RosterMember.enterprise_id, enterprise_id) if enterprise_id is not None
                     else (RosterMember.site_id, site_id))
    rows = session.execute(select(Resident, RosterMember.living).join(RosterMember, RosterMember.resident_id ==
                                                                      Resident.id)
                           .where(column == value).order_by(Resident.id)).all()
    return [{**people_service.masked_view(r), "living": living} for r, living in rows]


# ---- hotline tickets -----------------------------------------------------------------------------------------

def link_ticket(session: Session, enterprise_id: int, *, actor, ticket_id: int) -> None:
    from fangkong.hotline.models import Ticket

    enterprise = get_enterprise(session, enterprise_id, scope=actor.jurisdiction)
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or (ticket.district_id is not None and not actor.jurisdiction.is_city and
                          ticket.district_id != enterprise.district_id):
        raise NotFound("ticket", details={"field": "ticket_id"})
    if session.get(EnterpriseTicket, (enterprise.id, ticket_id)) is None:
        session.add(EnterpriseTicket(enterprise_id=enterprise.id, ticket_id=ticket_id))
        session.flush()
        audit.record(session, actor=actor, action="enterprise.ticket", object_type="enterprise",
                     object_id=enterprise.id, after={"ticket_id": ticket_id})


def tickets_of(session: Session, enterprise_id: int) -> list[dict]:
    from fangkong.hotline.models import Ticket

    rows = session.execute(select(Ticket.id, Ticket.kind, Ticket.topic, Ticket.state, Ticket.received_at,
                                  Ticket.text).join(EnterpriseTicket, and_(EnterpriseTicket.ticket_id == Ticket.id))
                           .where(EnterpriseTicket.enterprise_id == enterprise_id).order_by(Ticket.id)).all()
    return [{"id": t.id, "kind": t.kind, "topic": t.topic, "state": t.state,
             "received_at": clock.aware(t.received_at), "text": t.text} for t in rows]
