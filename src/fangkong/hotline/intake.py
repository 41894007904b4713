"""Taking a ticket in: checks, the out-of-scope refusal (recorded, rules.md §6), deadline and routing.

Routing: the most specific rule wins — the topic with the ticket's district, then the topic for
anywhere, then each parent topic the same way; a ticket no rule matches waits in the agents' queue.
Over-enforcement reports (层层加码, 一刀切) go to the supervision department (rules.md §5).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.errors import InvalidInput, NotFound
from fangkong.core.pii import get_cipher, normalize_phone
from fangkong.hotline import sla
from fangkong.hotline.events import add_event, actor_name
from fangkong.hotline.models import CHANNELS, KINDS, OUT_OF_SCOPE, URGENCIES, Department, Route, Ticket
from fangkong.hotline.topics import get_topic, lineage
from fangkong.places.models import District

SUPERVISION = "supervision"  # the department code over-enforcement reports are routed to
OVER_ENFORCEMENT_KIND = "complaint"  # 层层加码 / 一刀切 reports are complaints (rules.md §6), due as complaints are


def _one_of(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidInput("invalid_value", f"{field}: {value!r} is not one of {', '.join(allowed)}",
                           details={"field": field, "allowed": list(allowed)})
    return value


def district_by_code(session: Session, code: str | None, field: str = "district") -> int | None:
    if not code:
        return None
    found = session.scalar(select(District.id).where(District.code == code))
    if found is None:
        raise InvalidInput("unknown_district", f"{field}: {code!r} is not a district of the city",
                           details={"field": field})
    return found


def take_in(
    session: Session, *, kind: str, channel: str, topic: str, text: str, caller_name: str = "",
    caller_phone: str | None = None, urgency: str = "normal", address: str = "", district: str | None = None,
    lat: str | None = None, lon: str | None = None, over_enforcement: bool = False,
    out_of_scope: str | None = None, actor,
) -> Ticket:
    """Record a ticket; refuse it (kept, with the reason) when out of scope, else route and dispatch it."""
    _one_of(kind, KINDS, "kind")
    _one_of(channel, CHANNELS, "channel")
    _one_of(urgency, URGENCIES, "urgency")
    found_topic = get_topic(topic)
    if not text.strip():
        raise InvalidInput("missing_text", "text: say what the caller asks or reports", details={"field": "text"})
    if out_of_scope is not None:
        _one_of(out_of_scope, OUT_OF_SCOPE, "out_of_scope")
    phone = normalize_phone(caller_phone, "caller_phone") if caller_phone else None
    cipher = get_cipher()
    now = clock.now()
    ticket = Ticket(
        kind=kind, channel=channel, urgency=urgency, topic=topic, text=text.strip(), caller_name=caller_name.strip(),
        caller_phone_enc=cipher.encrypt(phone) if phone else None,
        caller_phone_mac=cipher.lookup_mac(phone) if phone else None,
        address=address.strip(), district_id=district_by_code(session, district), lat=lat, lon=lon,
        over_enforcement=over_enforcement or found_topic.over_enforcement,
        state="refused" if out_of_scope else "received", refused_reason=out_of_scope,
        received_at=now, received_on=now.astimezone(clock.zone()).date(),
        reply_due_at=None if out_of_scope else sla.reply_due(now, kind, urgency), reopened=0,
        created_by=actor_name(actor),
    )
    session.add(ticket)
    session.flush()
    add_event(session, ticket, "refused" if out_of_scope else "intake", actor=actor, text=out_of_scope)
    if not out_of_scope:
        department = route(session, ticket)
        if department is not None:
            dispatch_to(session, ticket, department, actor=actor)
    return ticket


def route(session: Session, ticket: Ticket) -> Department | None:
    """The department the routing rules send this ticket to, or None (the agents dispatch it by hand)."""
    if ticket.over_enforcement:
        supervision = session.scalar(select(Department).where(Department.code == SUPERVISION))
        if supervision is not None:
            return supervision
    topics = lineage(ticket.topic)
    rules = {
        (topic, district): department for topic, district, department in session.execute(
            select(Route.topic, Route.district_id, Route.department_id).where(Route.topic.in_(topics)))
    }
    districts = (ticket.district_id, None) if ticket.district_id is not None else (None,)
    for topic in topics:
        for district in districts:
            if (topic, district) in rules:
                return session.get(Department, rules[(topic, district)])
    return None


def dispatch_to(session: Session, ticket: Ticket, department: Department, *, actor) -> None:
    ticket.state = "dispatched"
    ticket.department_id = department.id
    if ticket.owner_department_id is None:  # the first receiver owns it
        ticket.owner_department_id = department.id
    add_event(session, ticket, "dispatched", actor=actor, department_id=department.id)


def department_by_code(session: Session, code: str) -> Department:
    found = session.scalar(select(Department).where(Department.code == code))
    if found is None:
        raise NotFound("department", details={"department": code})
    return found
