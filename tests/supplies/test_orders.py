"""Issue 10 acceptance: a bulk order for a building creates one order per household of the sealed zone and none
outside it, never beyond a point's capacity (the overflow goes to the next point, or is reported)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

import factories
import supplies_factories as sf
from fangkong.core.errors import DomainError
from fangkong.supplies import service
from fangkong.supplies.models import SupplyOrder, SupplyPointDay


def _orders(session, building_id):
    return session.execute(select(SupplyOrder.household_id, SupplyOrder.point_id)
                           .where(SupplyOrder.building_id == building_id).order_by(SupplyOrder.id)).all()


def test_one_order_per_sealed_household_none_outside(session):
    made = sf.sealed_building(session, sealed=3, outside=2)
    sf.point(session, capacity=100, compounds=[made.compound_id])
    report = sf.bulk(session, made)
    rows = _orders(session, made.building_id)
    assert sorted(h for h, _ in rows) == sorted(made.sealed)
    assert not {h for h, _ in rows} & set(made.outside)
    assert (report.households, report.created, report.outside_zone, report.unassigned) == (3, 3, 2, 0)
    again = sf.bulk(session, made)  # re-sent: nothing new
    assert (again.created, again.already) == (0, 3)
    assert len(_orders(session, made.building_id)) == 3


def test_a_day_before_the_zone_nobody_is_sealed(session):
    made = sf.sealed_building(session, sealed=2, outside=1)
    sf.point(session, capacity=100, compounds=[made.compound_id])
    report = sf.bulk(session, made, day=date(2022, 11, 11))
    assert (report.households, report.created, report.outside_zone) == (0, 0, 3)


def test_overflow_goes_to_the_next_point_then_is_reported(session):
    made = sf.sealed_building(session, sealed=5, outside=0)
    first = sf.point(session, capacity=2, compounds=[made.compound_id])  # the compound's own store first
    second = sf.point(session, capacity=2, communities=[made.community_code])  # then the community's
    report = sf.bulk(session, made)
    assert report.by_point == {first.id: 2, second.id: 2} and report.unassigned == 1
    by_point = dict(session.execute(select(SupplyOrder.point_id, func.count()).where(
        SupplyOrder.building_id == made.building_id).group_by(SupplyOrder.point_id)).all())
    assert by_point == {first.id: 2, second.id: 2, None: 1}
    used = dict(session.execute(select(SupplyPointDay.point_id, SupplyPointDay.used)).all())
    assert used[first.id] == 2 and used[second.id] == 2
    # room made at the first point: the left-over order is assigned, still within capacity
    service.update_point(session, first.id, actor=sf.SYSTEM, daily_capacity=3)
    done = service.assign_pending(session, actor=sf.SYSTEM, day=sf.DAY, scope=sf.SYSTEM.jurisdiction)
    assert (done["assigned"], done["unassigned"]) == (1, 0)
    assert session.scalar(select(SupplyPointDay.used).where(SupplyPointDay.point_id == first.id)) == 3


def test_a_closed_point_takes_nothing_and_capacity_is_never_exceeded_in_the_database(session):
    made = sf.sealed_building(session, sealed=2, outside=0)
    sf.point(session, capacity=100, compounds=[made.compound_id], status="closed")
    report = sf.bulk(session, made)
    assert report.unassigned == 2
    small = sf.point(session, capacity=1, compounds=[made.compound_id])
    service.assign_pending(session, actor=sf.SYSTEM, day=sf.DAY, scope=sf.SYSTEM.jurisdiction)
    with pytest.raises(Exception):  # the CHECK constraint holds the capacity a second time
        with session.begin_nested():
            session.execute(SupplyPointDay.__table__.update().where(SupplyPointDay.point_id == small.id)
                            .values(used=2))


def test_special_needs_households_go_first(session):
    made = sf.sealed_building(session, sealed=3, outside=0)
    last = made.sealed[-1]
    service.register(session, actor=sf.SYSTEM, resident_id=made.residents[last], kinds=["elderly_alone"])
    sf.point(session, capacity=1, compounds=[made.compound_id])
    sf.bulk(session, made)
    [(household, point)] = [row for row in _orders(session, made.building_id) if row[1] is not None]
    assert household == last
    order = session.scalar(select(SupplyOrder).where(SupplyOrder.household_id == last))
    assert order.priority and order.deadline_at is not None


def test_a_single_order_outside_the_zone_is_refused(session):
    made = sf.sealed_building(session, sealed=1, outside=1)
    sf.point(session, capacity=10, compounds=[made.compound_id])
    packages = sf.catalogue(session)
    with pytest.raises(DomainError) as refused:
        service.order_household(session, actor=sf.SYSTEM, day=sf.DAY, package_id=packages["fruit"],
                                resident_id=made.residents[made.outside[0]])
    assert refused.value.code == "not_sealed"
    order = service.order_household(session, actor=sf.SYSTEM, day=sf.DAY, package_id=packages["fruit"],
                                    resident_id=made.residents[made.sealed[0]])
    assert order.household_id == made.sealed[0] and order.source == "resident" and order.point_id is not None
    with pytest.raises(DomainError) as twice:
        service.order_household(session, actor=sf.SYSTEM, day=sf.DAY, package_id=packages["fruit"],
                                household_id=made.sealed[0])
    assert twice.value.code == "order_exists"


def test_a_worker_cannot_order_for_another_community(session):
    made = sf.sealed_building(session, sealed=1, outside=0)
    other = sf.sealed_building(session, sealed=1, outside=0)
    worker = factories.actor(session, role="community_worker", jurisdiction=made.community_code)
    with pytest.raises(DomainError) as hidden:
        service.order_buildings(session, actor=worker, building_ids=[other.building_id],
                                package_ids=[sf.catalogue(session)["vegetable"]], day=sf.DAY)
    assert hidden.value.status == 404


def test_delivery_moves_in_order_and_failure_needs_a_reason(session):
    made = sf.sealed_building(session, sealed=2, outside=0)
    sf.point(session, capacity=10, compounds=[made.compound_id])
    sf.bulk(session, made)
    a, b = session.scalars(select(SupplyOrder.id).where(SupplyOrder.building_id == made.building_id)
                           .order_by(SupplyOrder.id)).all()
    with pytest.raises(DomainError) as skipped:
        service.advance(session, actor=sf.SYSTEM, order_ids=[a], to="delivered")
    assert skipped.value.code == "wrong_state"
    for to in ("prepared", "out_for_delivery", "delivered"):
        assert service.advance(session, actor=sf.SYSTEM, order_ids=[a], to=to, courier="志愿者小李") == 1
    with pytest.raises(DomainError) as no_reason:
        service.advance(session, actor=sf.SYSTEM, order_ids=[b], to="failed")
    assert no_reason.value.code == "reason_required"
    service.advance(session, actor=sf.SYSTEM, order_ids=[b], to="failed", reason="家中无人")
    delivered, failed = session.get(SupplyOrder, a), session.get(SupplyOrder, b)
    assert delivered.state == "delivered" and delivered.delivered_at is not None and delivered.courier == "志愿者小李"
    assert failed.state == "failed" and failed.failed_reason == "家中无人"
    listed = service.delivery_list(session, scope=sf.SYSTEM.jurisdiction, building_id=made.building_id, day=sf.DAY)
    assert [i["id"] for i in listed["items"]] == [a, b] and listed["households"] == 2
    board = service.board(session, scope=sf.SYSTEM.jurisdiction, day=sf.DAY)
    assert board["households"]["served"] >= 1


def test_an_order_placed_meanwhile_is_a_conflict_not_a_crash(session):
    from fangkong.supplies import bulk

    made = sf.sealed_building(session, sealed=1, outside=0)
    sf.point(session, capacity=10, compounds=[made.compound_id])
    sf.bulk(session, made)
    stored = session.execute(select(SupplyOrder.__table__)).mappings().one()
    encode = bulk.encoder(session)
    again = {key: encode(value) for key, value in stored.items() if key != "id"}  # another worker's same order
    with pytest.raises(DomainError) as conflict:
        with session.begin_nested():
            bulk.insert_orders(session, [again])
    assert conflict.value.code == "orders_changed" and conflict.value.status == 409
    assert session.scalar(select(func.count()).select_from(SupplyOrder)) == 1
