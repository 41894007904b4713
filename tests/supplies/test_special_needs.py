"""Issue 10 acceptance: a special-needs resident's order not delivered by its deadline appears on the late list
of their community worker and nobody else's; the daily not-yet-served list per community."""

from __future__ import annotations

from sqlalchemy import select

import factories
import supplies_factories as sf
from fangkong.supplies import service
from fangkong.supplies.models import SupplyOrder


def test_late_special_needs_order_shows_only_to_its_community_worker(session, set_clock):
    mine = sf.sealed_building(session, sealed=2, outside=0)
    theirs = sf.sealed_building(session, sealed=2, outside=0)  # another community of the same district
    for made in (mine, theirs):
        sf.point(session, capacity=10, compounds=[made.compound_id])
    elderly = mine.residents[mine.sealed[0]]
    service.register(session, actor=sf.SYSTEM, resident_id=elderly, kinds=["elderly_alone", "chronic_medicine"],
                     medicine="降压药")
    set_clock("2022-11-13T09:00")
    sf.bulk(session, mine)
    sf.bulk(session, theirs)
    order = session.scalar(select(SupplyOrder).where(SupplyOrder.household_id == mine.sealed[0]))
    assert order.priority
    worker = factories.actor(session, role="community_worker", jurisdiction=mine.community_code)
    neighbour = factories.actor(session, role="community_worker", jurisdiction=theirs.community_code)

    set_clock("2022-11-13T20:59")  # before the deadline (12 h after placing): nobody's late list
    assert service.late_orders(session, scope=worker.jurisdiction)[1] == 0
    set_clock("2022-11-13T21:01")
    late, total = service.late_orders(session, scope=worker.jurisdiction)
    assert total == 1 and late[0]["id"] == order.id and late[0]["late"]
    assert service.late_orders(session, scope=neighbour.jurisdiction) == ([], 0)
    district = factories.actor(session, role="supplies", jurisdiction="140213")
    assert order.id in [o["id"] for o in service.late_orders(session, scope=district.jurisdiction)[0]]

    for to in ("prepared", "out_for_delivery", "delivered"):
        service.advance(session, actor=worker, order_ids=[order.id], to=to)
    assert service.late_orders(session, scope=worker.jurisdiction)[1] == 0


def test_not_yet_served_list_per_community(session):
    mine = sf.sealed_building(session, sealed=2, outside=1)
    theirs = sf.sealed_building(session, sealed=1, outside=0)
    sf.point(session, capacity=10, compounds=[mine.compound_id])
    a, b = mine.residents[mine.sealed[0]], mine.residents[mine.sealed[1]]
    outside = mine.residents[mine.outside[0]]
    for resident in (a, b, outside, theirs.residents[theirs.sealed[0]]):
        service.register(session, actor=sf.SYSTEM, resident_id=resident, kinds=["disabled"])
    worker = factories.actor(session, role="community_worker", jurisdiction=mine.community_code)
    waiting, total = service.not_served(session, scope=worker.jurisdiction, day=sf.DAY)
    assert total == 2 and {p["resident_id"] for p in waiting} == {a, b}  # not the one outside the zone
    sf.bulk(session, mine)
    order = session.scalar(select(SupplyOrder.id).where(SupplyOrder.household_id == mine.sealed[0]))
    for to in ("prepared", "out_for_delivery", "delivered"):
        service.advance(session, actor=worker, order_ids=[order], to=to)
    waiting, total = service.not_served(session, scope=worker.jurisdiction, day=sf.DAY)
    assert total == 1 and waiting[0]["resident_id"] == b


def test_the_register_refuses_twice_and_unknown_kinds(session):
    import pytest

    from fangkong.core.errors import DomainError

    made = sf.sealed_building(session, sealed=1, outside=0)
    resident = made.residents[made.sealed[0]]
    service.register(session, actor=sf.SYSTEM, resident_id=resident, kinds=["pregnant"])
    with pytest.raises(DomainError) as twice:
        service.register(session, actor=sf.SYSTEM, resident_id=resident, kinds=["pregnant"])
    assert twice.value.code == "already_registered"
    with pytest.raises(DomainError) as unknown:
        service.register(session, actor=sf.SYSTEM, resident_id=resident, kinds=["tall"])
    assert unknown.value.code == "invalid_kinds"
