"""The quarantine sites of the demo scenario: a dozen sites near capacity the night before the switch,
rooms freed by it on 2022-11-11, never a room over capacity."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.demo.generator import generate_city
from fangkong.demo.scenario import build_scenario
from fangkong.quarantine import service
from fangkong.quarantine.models import QuarantineMove, QuarantineRoom, QuarantineStay


def test_a_dozen_sites_near_capacity_before_the_switch_and_freed_after(fresh_database):
    engine = fresh_database.engine
    generate_city(engine, population=3_000, seed=7, workers=0)
    build_scenario(engine, seed=7)
    with Session(engine) as session:
        sites = service.list_sites(session, scope=service.CITY_SCOPE)
        beds = sum(s["beds"] for s in sites)
        first_night = session.scalar(select(func.count()).select_from(QuarantineStay)
                                     .where(QuarantineStay.assigned_on == date(2022, 11, 10)))
        home = session.scalar(select(func.count()).select_from(QuarantineStay)
                              .where(QuarantineStay.state == "checked_out"))
        over = session.scalar(select(func.count()).select_from(QuarantineRoom)
                              .where(QuarantineRoom.occupied > QuarantineRoom.capacity))
        live = dict(session.execute(select(QuarantineStay.room_id, func.count())
                                    .where(QuarantineStay.state.in_(("assigned", "checked_in")))
                                    .group_by(QuarantineStay.room_id)).all())
        occupied = dict(session.execute(select(QuarantineRoom.id, QuarantineRoom.occupied)).all())
        moves = session.scalar(select(func.count()).select_from(QuarantineMove))
    assert len(sites) == 12 and over == 0
    assert first_night >= 0.9 * beds  # near capacity the night before the switch
    assert home >= first_night // 2  # the switch sent many home
    assert {room: n for room, n in occupied.items() if n} == live  # the counters agree with the stays
    assert moves > first_night
