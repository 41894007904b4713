"""The per-day counts kept by every write equal a count of the tickets themselves, at every step of the loop."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

import hotline_factories as hf
from fangkong.hotline import day_counts
from fangkong.hotline.models import TicketDayCount

DAY = date(2022, 11, 11)


def kept(session) -> dict[tuple, tuple]:
    rows = session.execute(select(TicketDayCount)).scalars()
    return {(r.received_on, r.district_id, r.department_id): tuple(getattr(r, n) for n in day_counts.KEPT)
            for r in rows if any(getattr(r, n) for n in day_counts.KEPT)}


def recounted(session) -> dict[tuple, tuple]:
    session.flush()
    return {(day, district, department): tuple(int(c) for c in counts)
            for day, district, department, *counts in session.execute(day_counts._grouped())}


def test_every_step_of_the_loop_keeps_the_counts_equal_to_the_tickets(app, session, set_clock):
    deps = hf.departments(session)
    set_clock("2022-11-11T09:00")
    agent = hf.client_of(app, session, "hotline_agent")
    handler = hf.client_of(app, session, "department_handler", department=deps["pingcheng"])
    tid = hf.ticket(agent)["id"]
    district, pingcheng = hf.district_id(session), deps["pingcheng"].id
    # received, responded, replied, on_time, resolved, visited, satisfied
    assert kept(session) == recounted(session) == {(DAY, district, pingcheng): (1, 0, 0, 0, 0, 0, 0)}
    steps = [
        (lambda: handler.post(f"/api/v1/hotline/tickets/{tid}/accept"), (1, 1, 0, 0, 0, 0, 0)),
        (lambda: handler.post(f"/api/v1/hotline/tickets/{tid}/reply", json={"text": "已解除管控"}), (1, 1, 1, 1, 0, 0, 0)),
        (lambda: agent.post(f"/api/v1/hotline/tickets/{tid}/close"), (1, 1, 1, 1, 1, 0, 0)),
        # an unsatisfied visit reopens it: accepted again, no reply, the visit made
        (lambda: agent.post(f"/api/v1/hotline/tickets/{tid}/visit", json={"satisfaction": "not"}), (1, 1, 0, 0, 0, 1, 0)),
    ]
    for step, expected in steps:
        assert step().status_code == 200
        assert kept(session) == recounted(session) == {(DAY, district, pingcheng): expected}


def test_a_ticket_waiting_for_dispatch_moves_to_its_department_and_a_refused_one_counts_nowhere(app, session, set_clock):
    deps = hf.departments(session)
    set_clock("2022-11-11T09:00")
    agent = hf.client_of(app, session, "hotline_agent")
    waiting = hf.ticket(agent, topic="supplies")  # no routing rule: stays with the agents
    hf.ticket(agent, out_of_scope="litigation")
    district = hf.district_id(session)
    assert kept(session) == recounted(session) == {(DAY, district, 0): (1, 0, 0, 0, 0, 0, 0)}
    agent.post(f"/api/v1/hotline/tickets/{waiting['id']}/dispatch", json={"department": "commerce"})
    assert kept(session) == recounted(session) == {(DAY, district, deps["commerce"].id): (1, 0, 0, 0, 0, 0, 0)}


def test_rebuild_after_a_bulk_load_gives_the_counts_back(app, session, set_clock):
    hf.departments(session)
    set_clock("2022-11-11T09:00")
    agent = hf.client_of(app, session, "hotline_agent")
    for topic in ("zones", "zones", "epidemic_policy", "supplies"):
        hf.ticket(agent, topic=topic)
    before = kept(session)
    assert sum(counts[0] for counts in before.values()) == 4
    session.execute(delete(TicketDayCount))  # as after tickets written with plain SQL
    assert kept(session) == {}
    day_counts.rebuild(session.connection())
    assert kept(session) == before == recounted(session)
