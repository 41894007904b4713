"""The supplies part of the demo (issue 10 item 6): the two supply points of the seed page serving their sealed
compounds and others, orders in every state, special-needs residents with late deliveries, one price alert;
nothing after the story's morning; the same story for the same seed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.jurisdiction import CITY
from fangkong.demo.generator import generate_city
from fangkong.demo.scenario import build_scenario
from fangkong.demo.supplies_scenario import counts
from fangkong.places.models import Compound
from fangkong.supplies import service
from fangkong.supplies.models import ORDER_STATES, SupplyOrder, SupplyPoint, SupplyPointArea, SupplyPointDay

MORNING = datetime(2022, 11, 13, 9, 0)


def test_demo_supplies_story(fresh_database):
    generate_city(fresh_database.engine, population=3_000, seed=7, workers=0)
    build_scenario(fresh_database.engine, seed=7)
    with Session(fresh_database.engine) as session:
        found = counts(session)
        assert set(found["states"]) == set(ORDER_STATES), found
        assert found["special_needs"] >= 5 and found["alerts"] == 1 and found["packages"] == 5
        served = dict(session.execute(
            select(SupplyPoint.name, Compound.name).join(SupplyPointArea, SupplyPointArea.point_id == SupplyPoint.id)
            .join(Compound, Compound.id == SupplyPointArea.compound_id)).all())
        assert served == {"开源街道民谐社区沃佳沃便利店": "魏都新城C区", "水泊寺街道文兴社区美佳超市": "绿地璀璨天城"}
        named = session.scalars(select(SupplyPoint.id).where(SupplyPoint.name.in_(served))).all()
        assert session.scalar(select(func.count()).select_from(SupplyOrder).where(SupplyOrder.point_id.in_(named))) > 0
        assert found["points"] > 2
        # no point ever took on more than its capacity
        assert session.scalar(select(func.count()).select_from(SupplyPointDay)
                              .where(SupplyPointDay.used > SupplyPointDay.capacity)) == 0
        assert session.scalar(select(func.count()).select_from(SupplyOrder).where(SupplyOrder.ticket_id.is_not(None))) > 0
        latest = session.scalar(select(func.max(SupplyOrder.delivered_at)))
        latest = latest if latest.tzinfo else latest.replace(tzinfo=clock.zone())
        assert latest <= MORNING.replace(tzinfo=clock.zone())
        with clock.frozen(MORNING.replace(tzinfo=clock.zone())):
            late, total = service.late_orders(session, scope=CITY)
            board = service.board(session, scope=CITY, day=date(2022, 11, 13))
        assert total > 0 and all(o["priority"] for o in late)
        assert board["households"]["sealed"] > board["households"]["served"] > 0


def test_supplies_story_is_deterministic(fresh_database, backend, tmp_path):
    from conftest import FreshDatabase

    def state(engine):
        with Session(engine) as session:
            return session.execute(select(SupplyOrder.household_id, SupplyOrder.package_id, SupplyOrder.state,
                                          SupplyOrder.point_id).order_by(SupplyOrder.id)).all()

    generate_city(fresh_database.engine, population=3_000, seed=7, workers=0)
    build_scenario(fresh_database.engine, seed=7)
    other = FreshDatabase(backend, tmp_path / "other")
    try:
        generate_city(other.engine, population=3_000, seed=7, workers=0)
        build_scenario(other.engine, seed=7)
        assert state(fresh_database.engine) == state(other.engine)
    finally:
        other.drop()
