"""Sites, rooms, the queue and every move of a stay, on both databases (clock 2022-11-13 09:00)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

import factories
import quarantine_factories as qf
from fangkong.core.audit import AuditEvent
from fangkong.core.errors import DomainError, NotFound
from fangkong.people.managed_models import ManagedPerson
from fangkong.quarantine import service
from fangkong.people.models import Household
from fangkong.quarantine.models import QuarantineMove, QuarantineRoom, QuarantineStay

CITY = service.CITY_SCOPE


def _occupied(session, room_id: int) -> int:
    return session.scalar(select(QuarantineRoom.occupied).where(QuarantineRoom.id == room_id))


def test_a_site_lists_its_beds_and_masks_the_contact_phone(session):
    site = qf.site(session, name="大同宾馆", rooms=((3, 2), (2, 1)))
    [view] = [s for s in service.list_sites(session, scope=CITY) if s["id"] == site.id]
    assert (view["rooms"], view["beds"], view["occupied"], view["free"]) == (5, 8, 0, 8)
    assert view["contact_phone_masked"] == "139****5678"
    assert b"13912345678" not in site.contact_phone_enc


def test_room_capacity_is_one_to_four(session):
    site = qf.site(session)
    with pytest.raises(DomainError) as caught:
        service.add_rooms(session, site.id, [{"number": "901", "floor": 9, "capacity": 5}], actor=qf.commander(session),
                          scope=CITY)
    assert caught.value.code == "invalid_capacity"
    with pytest.raises(DomainError) as caught:
        service.add_rooms(session, site.id, [{"number": "101", "floor": 1, "capacity": 1}], actor=qf.commander(session),
                          scope=CITY)
    assert caught.value.code == "room_exists" and caught.value.status == 409


def test_the_queue_holds_people_in_a_centralized_phase_without_a_room(session):
    first = qf.waiting(session, anchor="2022-11-12")  # centralized 11-13 … 11-17
    second = qf.waiting(session, anchor="2022-11-09")  # ed9 (in force on the anchor): centralized 11-10 … 11-16
    qf.waiting(session, anchor="2022-11-04")  # ed9: centralized 11-05 … 11-11, at home now
    page = service.queue_page(session, qf.commander(session).jurisdiction, date(2022, 11, 13))
    assert [p["person_id"] for p in page["people"]] == [second.id, first.id]
    assert page["total"] == 2
    assert {(g["starts_on"], g["people"]) for g in page["groups"]} == {(date(2022, 11, 10), 1), (date(2022, 11, 13), 1)}
    assert page["people"][0]["document_masked"].count("*") == 10


def test_assigning_fills_a_room_then_refuses_room_full(session):
    site = qf.site(session, rooms=((1, 2),))
    room = qf.rooms_of(session, site.id)["101"]
    a, b, c = (qf.waiting(session) for _ in range(3))
    by = qf.commander(session)
    service.assign(session, actor=by, scope=CITY, person_ids=[a.id], room_id=room)
    service.assign(session, actor=by, scope=CITY, person_ids=[b.id], room_id=room)
    with pytest.raises(DomainError) as caught:
        service.assign(session, actor=by, scope=CITY, person_ids=[c.id], room_id=room)
    assert (caught.value.code, caught.value.status) == ("room_full", 409)
    assert caught.value.details == {"room_id": room, "capacity": 2, "occupied": 2, "wanted": 1}
    assert _occupied(session, room) == 2
    queue = service.queue_page(session, by.jurisdiction, date(2022, 11, 13))
    assert [p["person_id"] for p in queue["people"]] == [c.id]


def test_a_household_goes_together_or_not_at_all(session):
    site = qf.site(session, rooms=((1, 3), (1, 4)), family=("102",))
    rooms = qf.rooms_of(session, site.id)
    people = [qf.waiting(session).id for _ in range(4)]
    by = qf.commander(session)
    with pytest.raises(DomainError) as caught:
        service.assign(session, actor=by, scope=CITY, person_ids=people, room_id=rooms["101"])
    assert caught.value.code == "room_full" and _occupied(session, rooms["101"]) == 0
    stays = service.assign(session, actor=by, scope=CITY, person_ids=people, room_id=rooms["102"])
    assert {s.room_id for s in stays} == {rooms["102"]} and len({s.group_key for s in stays}) == 1
    assert _occupied(session, rooms["102"]) == 4


def test_special_needs_go_to_an_accessible_room(session):
    site = qf.site(session, rooms=((2, 1),), accessible=("102",))
    rooms = qf.rooms_of(session, site.id)
    by = qf.commander(session)
    elder = factories.resident(session, unit=factories.place_chain(session),
                               id_number=factories.id_number(area="110101", birth="19450307"), by=by)
    person = factories.managed(session, anchor="2022-11-12", resident_id=elder.id)
    with pytest.raises(DomainError) as caught:
        service.assign(session, actor=by, scope=CITY, person_ids=[person.id], room_id=rooms["101"])
    assert caught.value.code == "room_unsuitable"
    [stay] = service.assign(session, actor=by, scope=CITY, person_ids=[person.id], room_id=rooms["102"])
    assert stay.special_needs


def test_a_person_is_never_placed_twice(session):
    site = qf.site(session, rooms=((2, 1),))
    rooms = qf.rooms_of(session, site.id)
    person = qf.waiting(session)
    by = qf.commander(session)
    service.assign(session, actor=by, scope=CITY, person_ids=[person.id], room_id=rooms["101"])
    with pytest.raises(DomainError) as caught:
        service.assign(session, actor=by, scope=CITY, person_ids=[person.id], room_id=rooms["102"])
    assert caught.value.code == "already_assigned" and _occupied(session, rooms["102"]) == 0


def test_a_closed_site_takes_nobody(session):
    site = qf.site(session, status="cleaning")
    with pytest.raises(DomainError) as caught:
        service.assign(session, actor=qf.commander(session), scope=CITY, person_ids=[qf.waiting(session).id],
                       room_id=qf.rooms_of(session, site.id)["101"])
    assert caught.value.code == "site_not_open"


def test_check_in_transfer_check_out_each_move_audited(session, set_clock):
    first = qf.site(session, rooms=((1, 1),))
    second = qf.site(session, rooms=((1, 1),))
    by = qf.commander(session)
    person = qf.waiting(session)  # centralized 11-13 … 11-17: home on 11-18
    [stay] = service.assign(session, actor=by, scope=CITY, person_ids=[person.id],
                            room_id=qf.rooms_of(session, first.id)["101"])
    service.check_in(session, stay.id, actor=by, scope=CITY)
    target = qf.rooms_of(session, second.id)["101"]
    moved = service.transfer(session, stay.id, actor=by, scope=CITY, to_room_id=target, reason="楼层消杀")
    assert stay.state == "transferred" and moved.site_id == second.id
    assert _occupied(session, qf.rooms_of(session, first.id)["101"]) == 0 and _occupied(session, target) == 1
    with pytest.raises(DomainError) as caught:
        service.check_out(session, moved.id, actor=by, scope=CITY, transport="专车")
    assert caught.value.code == "phase_not_over" and caught.value.details == {"departure": "2022-11-18"}
    set_clock("2022-11-18T09:00")
    service.check_out(session, moved.id, actor=by, scope=CITY, transport="专车送返 京A12345")
    assert moved.state == "checked_out" and moved.end_note == "专车送返 京A12345" and _occupied(session, target) == 0
    kinds = session.scalars(select(QuarantineMove.kind).where(QuarantineMove.person_id == person.id)
                            .order_by(QuarantineMove.id)).all()
    assert kinds == ["assigned", "checked_in", "transferred", "checked_out"]
    audited = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "quarantine_stay",
                                                              AuditEvent.object_id.in_([str(stay.id), str(moved.id)]))
                              .order_by(AuditEvent.id)).all()
    assert audited == ["quarantine.assigned", "quarantine.checked_in", "quarantine.transferred",
                       "quarantine.checked_out"]


def test_early_exit_makes_the_person_a_case_and_frees_the_bed(session):
    site = qf.site(session, rooms=((1, 1),))
    room = qf.rooms_of(session, site.id)["101"]
    by = qf.commander(session)
    person = qf.waiting(session)
    [stay] = service.assign(session, actor=by, scope=CITY, person_ids=[person.id], room_id=room)
    service.exit_to_hospital(session, stay.id, actor=by, scope=CITY, reason="核酸阳性 转定点医院")
    assert stay.state == "exited" and _occupied(session, room) == 0
    assert session.scalar(select(ManagedPerson.status).where(ManagedPerson.id == person.id)) == "case"
    with pytest.raises(NotFound):  # a case is no longer in the queue
        service.assign(session, actor=by, scope=CITY, person_ids=[person.id], room_id=room)


def test_auto_assign_keeps_households_and_special_needs_and_never_overfills(session):
    # 101, 102: 2 beds (102 a family room); 103: 1 bed, accessible; 104: 1 bed
    site = qf.site(session, rooms=((2, 2), (2, 1)), accessible=("103",), family=("102",))
    rooms = {v: k for k, v in qf.rooms_of(session, site.id).items()}
    by = qf.commander(session)
    unit = factories.place_chain(session)
    home = Household(unit_id=unit.id, size=2)
    session.add(home)
    session.flush()
    couple = [factories.resident(session, unit=unit, by=by, household_id=home.id) for _ in range(2)]
    elder = factories.resident(session, unit=factories.place_chain(session), by=by,
                               id_number=factories.id_number(area="110101", birth="19400101"))
    ids = {"elder": factories.managed(session, anchor="2022-11-12", resident_id=elder.id).id}
    for n, resident in enumerate(couple):
        ids[f"couple{n}"] = factories.managed(session, anchor="2022-11-12", resident_id=resident.id).id
    for n in range(4):
        ids[f"single{n}"] = qf.waiting(session).id
    report = service.auto_assign(session, actor=by, scope=CITY, day=date(2022, 11, 13), site_ids=[site.id])
    assert (report.queued, report.placed, report.left, report.rooms_used) == (7, 6, 1, 4)
    placed = dict(session.execute(select(QuarantineStay.person_id, QuarantineStay.room_id)
                                  .where(QuarantineStay.site_id == site.id)).all())
    assert rooms[placed[ids["elder"]]] == "103"
    assert rooms[placed[ids["couple0"]]] == rooms[placed[ids["couple1"]]] == "102"
    singles = sorted(rooms[placed[ids[f"single{n}"]]] for n in range(4) if ids[f"single{n}"] in placed)
    assert singles == ["101", "101", "104"]
    by_room = dict(session.execute(select(QuarantineRoom.number, QuarantineRoom.occupied)
                                   .where(QuarantineRoom.site_id == site.id)).all())
    assert by_room == {"101": 2, "102": 2, "103": 1, "104": 1}
    assert session.scalar(select(func.count()).select_from(QuarantineMove)
                          .where(QuarantineMove.person_id.in_(placed))) == 6
