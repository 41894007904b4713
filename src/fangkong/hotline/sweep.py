"""The hotline's sweep (run by a scheduler, the CLI or the board): reminders before a reply is due,
escalation (督办) once it is late. Each ticket is reminded once and escalated once per deadline."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, literal, select, update
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.hotline.events import actor_name
from fangkong.hotline.models import Ticket, TicketEvent
from fangkong.hotline.queries import due_soon, overdue


@dataclass(frozen=True)
class SweepReport:
    reminded: int
    escalated: int

    def to_dict(self) -> dict:
        return {"reminded": self.reminded, "escalated": self.escalated}


def sweep(session: Session, *, actor) -> SweepReport:
    now = clock.now()
    reminded = _mark(session, due_soon(now) & Ticket.reminded_at.is_(None), Ticket.reminded_at, "reminded", now, actor)
    escalated = _mark(session, overdue(now) & Ticket.escalated_at.is_(None), Ticket.escalated_at, "escalated", now,
                      actor)
    return SweepReport(reminded=reminded, escalated=escalated)


def _mark(session: Session, condition, column, kind: str, now, actor) -> int:
    ids = list(session.scalars(select(Ticket.id).where(condition)))
    if not ids:
        return 0
    session.execute(
        insert(TicketEvent).from_select(
            ["ticket_id", "at", "kind", "department_id", "actor_name"],
            select(Ticket.id, literal(now, TicketEvent.at.type), literal(kind), Ticket.department_id,
                   literal(actor_name(actor))).where(Ticket.id.in_(ids)),
        )
    )
    session.execute(update(Ticket).where(Ticket.id.in_(ids)).values({column: now}).execution_options(
        synchronize_session=False))
    return len(ids)
