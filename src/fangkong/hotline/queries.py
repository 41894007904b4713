"""Who sees which tickets, a ticket as shown (caller masked), lists and the agents' board.

A department handler sees the tickets dispatched to their department; everyone else sees the
tickets of their jurisdiction (by the ticket's district; tickets without one: the city level).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, false, func, or_, select, true
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.errors import NotFound
from fangkong.core.pagination import TOTAL_ONLY
from fangkong.core.pii import get_cipher, mask_phone
from fangkong.hotline import sla
from fangkong.hotline.models import OPEN_STATES, Department, DepartmentMember, Ticket, TicketEvent
from fangkong.hotline.topics import topics
from fangkong.places import service as places_service
from fangkong.places.models import District

BOARD_ROWS = 20


def handler_department(session: Session, actor) -> int | None:
    user = getattr(actor, "user", None)
    if user is None:
        return None
    return session.scalar(select(DepartmentMember.department_id).where(DepartmentMember.user_id == user.id))


def visible(session: Session, actor, *, district=Ticket.district_id, department=Ticket.department_id):
    """The condition on tickets the actor may see (on the columns given: the per-day counts have their own)."""
    user = getattr(actor, "user", None)
    if user is not None and user.role == "department_handler":
        handled = handler_department(session, actor)
        return department == handled if handled is not None else false()
    scope = getattr(actor, "jurisdiction", None)
    if scope is None or scope.is_city:
        return true()
    return district.in_(places_service.district_ids_within(scope))


def ticket_for(session: Session, ticket_id: int, *, actor) -> Ticket:
    ticket = session.scalar(select(Ticket).where(Ticket.id == ticket_id, visible(session, actor)))
    if ticket is None:
        raise NotFound("ticket", details={"ticket_id": ticket_id})
    return ticket


def due_soon(now: datetime):
    """Open tickets whose reply deadline is near (the reminder window of their urgency) but not past."""
    emergency = sla.remind_from(now, "emergency") - now  # negative offsets: how far before the deadline
    normal = sla.remind_from(now, "normal") - now
    return and_(
        Ticket.state.in_(OPEN_STATES), Ticket.reply_due_at >= now,
        or_(and_(Ticket.urgency == "emergency", Ticket.reply_due_at <= now - emergency),
            and_(Ticket.urgency != "emergency", Ticket.reply_due_at <= now - normal)),
    )


def overdue(now: datetime):
    return and_(Ticket.state.in_(OPEN_STATES), Ticket.reply_due_at < now)


def local(moment: datetime | None) -> datetime | None:
    """A stored moment in the city's time zone (PostgreSQL hands them back in UTC)."""
    return clock.aware(moment).astimezone(clock.zone()) if moment else None


def view(ticket: Ticket, names: dict[str, dict[int, str]], lang: str = "zh") -> dict:
    phone = get_cipher().decrypt(ticket.caller_phone_enc) if ticket.caller_phone_enc else None
    topic = topics().get(ticket.topic)
    now = clock.now()
    return {
        "id": ticket.id, "kind": ticket.kind, "channel": ticket.channel, "urgency": ticket.urgency,
        "topic": ticket.topic, "topic_name": topic.name(lang) if topic else ticket.topic,
        "over_enforcement": ticket.over_enforcement, "caller_name": ticket.caller_name,
        "caller_phone": mask_phone(phone) if phone else None, "address": ticket.address,
        "district": names["district"].get(ticket.district_id), "text": ticket.text, "state": ticket.state,
        "refused_reason": ticket.refused_reason, "department": names["department"].get(ticket.department_id),
        "owner_department": names["department"].get(ticket.owner_department_id),
        "received_at": local(ticket.received_at), "reply_due_at": local(ticket.reply_due_at),
        "overdue": bool(ticket.state in OPEN_STATES and ticket.reply_due_at and clock.aware(ticket.reply_due_at) < now),
        "reply": ticket.reply, "replied_at": local(ticket.replied_at), "closed_at": local(ticket.closed_at),
        "visit_due_at": local(ticket.visit_due_at), "satisfaction": ticket.satisfaction, "reopened": ticket.reopened,
        "escalated": ticket.escalated_at is not None,
    }


def names_for(session: Session, tickets: list[Ticket]) -> dict:
    """District and department names the views need, in two small queries."""
    districts = {t.district_id for t in tickets if t.district_id}
    departments = {d for t in tickets for d in (t.department_id, t.owner_department_id) if d}
    return {
        "district": dict(session.execute(
            select(District.id, District.name).where(District.id.in_(districts))).all()) if districts else {},
        "department": dict(session.execute(
            select(Department.id, Department.name).where(Department.id.in_(departments))).all()) if departments else {},
    }


def list_tickets(session: Session, *, actor, state: str | None = None, department: str | None = None,
                 topic: str | None = None, due: str | None = None, over_enforcement: bool | None = None,
                 page: int = 1, per_page: int = 50, lang: str = "zh") -> tuple[list[dict], int]:
    now = clock.now()
    conditions = [visible(session, actor)]
    if state:
        conditions.append(Ticket.state == state)
    if department:
        conditions.append(Ticket.department_id == select(Department.id).where(Department.code == department)
                          .scalar_subquery())
    if topic:
        conditions.append(or_(Ticket.topic == topic, Ticket.topic.like(topic + ".%")))
    if due == "soon":
        conditions.append(due_soon(now))
    elif due == "overdue":
        conditions.append(overdue(now))
    if over_enforcement is not None:
        conditions.append(Ticket.over_enforcement.is_(over_enforcement))
    total = session.scalar(select(func.count()).select_from(Ticket).where(*conditions))
    if per_page == TOTAL_ONLY:
        return [], total
    rows = list(session.scalars(select(Ticket).where(*conditions).order_by(Ticket.id.desc())
                                .offset((page - 1) * per_page).limit(per_page)))
    names = names_for(session, rows)
    return [view(t, names, lang) for t in rows], total


def ticket_detail(session: Session, ticket_id: int, *, actor, lang: str = "zh") -> dict:
    ticket = ticket_for(session, ticket_id, actor=actor)
    events = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id))
    return {
        **view(ticket, names_for(session, [ticket]), lang),
        "events": [{"at": local(e.at), "kind": e.kind, "actor": e.actor_name, "text": e.text} for e in events],
    }


def board(session: Session, *, actor, lang: str = "zh") -> dict:
    """The agents' board: counts of the queue, due soon and overdue, with the most urgent rows of each."""
    now = clock.now()
    seen = visible(session, actor)
    sections = {
        "queue": Ticket.state == "received",
        "due_soon": due_soon(now),
        "overdue": overdue(now),
        "visits_due": and_(Ticket.state == "closed", Ticket.visit_due_at <= sla.end_of(now.astimezone(clock.zone()).date())),
    }
    order = {"queue": Ticket.received_at, "due_soon": Ticket.reply_due_at, "overdue": Ticket.reply_due_at,
             "visits_due": Ticket.visit_due_at}
    result: dict = {}
    for name, condition in sections.items():
        count = session.scalar(select(func.count()).select_from(Ticket).where(seen, condition))
        rows = list(session.scalars(select(Ticket).where(seen, condition).order_by(order[name], Ticket.id)
                                    .limit(BOARD_ROWS)))
        names = names_for(session, rows)
        result[name] = {"count": count, "items": [view(t, names, lang) for t in rows]}
    return result
