"""The hotline part of the demo: a few hundred tickets in every state, a few overdue, over-enforcement
complaints with supervision, nothing after the story's morning, every closed ticket replied to."""

from __future__ import annotations


from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.demo.generator import generate_city
from fangkong.demo.hotline_scenario import STORY_MORNING, counts
from fangkong.demo.scenario import build_scenario
from fangkong.hotline.models import STATES, Department, Ticket, TicketEvent


def test_demo_tickets_in_every_state(fresh_database):
    generate_city(fresh_database.engine, population=3_000, seed=7, workers=0)
    build_scenario(fresh_database.engine, seed=7)
    with Session(fresh_database.engine) as session:
        found = counts(session)
        assert sum(found["states"].values()) >= 300
        assert set(found["states"]) == set(STATES), found
        assert found["over_enforcement"] > 0
        assert found["inspection_items"] >= found["over_enforcement"]  # each complaint is an item, with others
        supervision = session.scalar(select(Department.id).where(Department.code == "supervision"))
        routed = session.scalars(select(Ticket.owner_department_id).where(Ticket.over_enforcement.is_(True))).all()
        assert set(routed) == {supervision}
        morning = STORY_MORNING.replace(tzinfo=clock.zone())
        overdue = session.scalar(select(func.count()).select_from(Ticket).where(
            Ticket.state.in_(("received", "dispatched", "accepted")), Ticket.reply_due_at < morning))
        assert 0 < overdue < 40
        latest = max(clock.aware(at) for at in session.scalars(select(TicketEvent.at)))
        assert latest < morning
        unreplied_closed = session.scalar(select(func.count()).select_from(Ticket).where(
            Ticket.state.in_(("closed", "visited")), Ticket.reply.is_(None)))
        assert unreplied_closed == 0
