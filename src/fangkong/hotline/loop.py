"""The closed loop after intake: accept or send back, notes, reply, closure, return visit, reopening.

Who may do what is checked here too: a department handler acts only on tickets dispatched to their
department; a ticket closes only once the citizen has a reply (事事有回音，件件有答复); a return
visit "not satisfied" reopens it with its department and a new reply deadline.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput
from fangkong.core.pii import get_cipher
from fangkong.hotline import sla
from fangkong.hotline.events import add_event
from fangkong.hotline.intake import department_by_code, dispatch_to
from fangkong.hotline.models import OPEN_STATES, SATISFACTION, Ticket
from fangkong.hotline.queries import ticket_for


class WrongState(DomainError):
    status = 409

    def __init__(self, ticket: Ticket, action: str, allowed: tuple[str, ...]) -> None:
        super().__init__(
            "wrong_state", f"ticket {ticket.id} is {ticket.state}: {action} needs a ticket that is "
            f"{' or '.join(allowed)}", details={"state": ticket.state, "allowed": list(allowed)},
        )


def _need(ticket: Ticket, action: str, *states: str) -> None:
    if ticket.state not in states:
        raise WrongState(ticket, action, states)


def _text(value: str | None, field: str) -> str:
    if not value or not value.strip():
        raise InvalidInput("missing_text", f"{field}: cannot be empty", details={"field": field})
    return value.strip()


def dispatch(session: Session, ticket_id: int, *, department: str, actor) -> Ticket:
    ticket = ticket_for(session, ticket_id, actor=actor)
    _need(ticket, "dispatch", "received")
    dispatch_to(session, ticket, department_by_code(session, department), actor=actor)
    return ticket


def accept(session: Session, ticket_id: int, *, actor) -> Ticket:
    ticket = ticket_for(session, ticket_id, actor=actor)
    _need(ticket, "accept", "dispatched")
    ticket.state, ticket.accepted_at = "accepted", clock.now()
    add_event(session, ticket, "accepted", actor=actor)
    return ticket


def send_back(session: Session, ticket_id: int, *, reason: str, actor) -> Ticket:
    """Not ours: back to the agents' queue with the reason (the owner stays the first receiver)."""
    ticket = ticket_for(session, ticket_id, actor=actor)
    _need(ticket, "send back", "dispatched", "accepted")
    add_event(session, ticket, "sent_back", actor=actor, text=_text(reason, "reason"))
    ticket.state, ticket.department_id, ticket.accepted_at = "received", None, None
    return ticket


def note(session: Session, ticket_id: int, *, text: str, actor) -> Ticket:
    ticket = ticket_for(session, ticket_id, actor=actor)
    _need(ticket, "add a handling note", "accepted")
    add_event(session, ticket, "note", actor=actor, text=_text(text, "text"))
    return ticket


def reply(session: Session, ticket_id: int, *, text: str, actor) -> Ticket:
    ticket = ticket_for(session, ticket_id, actor=actor)
    _need(ticket, "reply", "accepted")
    ticket.reply, ticket.replied_at, ticket.state = _text(text, "text"), clock.now(), "replied"
    add_event(session, ticket, "replied", actor=actor, text=ticket.reply)
    return ticket


def close(session: Session, ticket_id: int, *, actor) -> Ticket:
    ticket = ticket_for(session, ticket_id, actor=actor)
    if ticket.state in OPEN_STATES:
        raise DomainError("reply_required", f"ticket {ticket.id} has no reply to the citizen yet: it cannot close",
                          status=409, details={"state": ticket.state})
    _need(ticket, "close", "replied")
    ticket.closed_at = clock.now()
    ticket.state, ticket.visit_due_at = "closed", sla.visit_due(ticket.closed_at)
    add_event(session, ticket, "closed", actor=actor)
    return ticket


def visit(session: Session, ticket_id: int, *, satisfaction: str, comment: str | None = None, actor) -> Ticket:
    """The return visit (回访): a rating; "not" satisfied reopens the ticket with its department."""
    ticket = ticket_for(session, ticket_id, actor=actor)
    _need(ticket, "record the return visit", "closed")
    if satisfaction not in SATISFACTION:
        raise InvalidInput("invalid_value", f"satisfaction: {satisfaction!r} is not one of {', '.join(SATISFACTION)}",
                           details={"field": "satisfaction", "allowed": list(SATISFACTION)})
    now = clock.now()
    ticket.visited_at, ticket.satisfaction, ticket.state = now, satisfaction, "visited"
    add_event(session, ticket, "visited", actor=actor, text=f"{satisfaction}: {comment}" if comment else satisfaction)
    if satisfaction == "not":
        _reopen(session, ticket, actor=actor)
    return ticket


def _reopen(session: Session, ticket: Ticket, *, actor) -> None:
    now = clock.now()
    ticket.state, ticket.reopened = "accepted", ticket.reopened + 1
    ticket.reply = ticket.replied_at = ticket.closed_at = ticket.visit_due_at = None
    ticket.reply_due_at = sla.reply_due(now, ticket.kind, ticket.urgency)
    ticket.reminded_at = ticket.escalated_at = None
    add_event(session, ticket, "reopened", actor=actor)


def reveal_caller(session: Session, ticket_id: int, *, reason: str, actor) -> dict:
    """The caller's full phone number, for a call back; audited with the reason."""
    ticket = ticket_for(session, ticket_id, actor=actor)
    why = _text(reason, "reason")
    phone = get_cipher().decrypt(ticket.caller_phone_enc) if ticket.caller_phone_enc else None
    audit.record(session, actor=actor, action="hotline.reveal_caller", object_type="hotline_ticket",
                 object_id=ticket.id, reason=why)
    return {"ticket_id": ticket.id, "caller_name": ticket.caller_name, "caller_phone": phone}

