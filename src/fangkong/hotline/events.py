"""The steps of a ticket's loop, one row each (the ticket's history)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.hotline.models import Ticket, TicketEvent


def actor_name(actor) -> str:
    if isinstance(actor, str):
        return actor
    user = getattr(actor, "user", None)
    return getattr(user, "username", None) or getattr(getattr(actor, "principal", None), "via", None) or "system"


def add_event(session: Session, ticket: Ticket, kind: str, *, actor, text: str | None = None,
              department_id: int | None = None) -> TicketEvent:
    event = TicketEvent(ticket_id=ticket.id, at=clock.now(), kind=kind, actor_name=actor_name(actor), text=text,
                        department_id=department_id if department_id is not None else ticket.department_id)
    session.add(event)
    return event
