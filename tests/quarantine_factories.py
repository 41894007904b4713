"""Factories for quarantine sites: sites with rooms built through the real services, people waiting for a room.

Memorable names: 大同宾馆 (平城区) and 云冈国际酒店 (云冈区). Clock of the suite: 2022-11-13 09:00.
A close contact anchored 2022-11-12 under measures20 is in centralized quarantine 11-13 … 11-17,
at home 11-18 … 11-20, released 11-21; under ed9 centralized 11-13 … 11-19.
"""

from __future__ import annotations

from itertools import count

from sqlalchemy.orm import Session

import factories
from fangkong.quarantine import service

_serial = count(1)


def _cached(session: Session, role: str):
    """One city-level user of `role` per session (argon2 makes users slow to create)."""
    cache = session.info.setdefault("quarantine_factories.actors", {})
    if role not in cache:
        cache[role] = factories.actor(session, role=role, username=f"q-{role}-{id(session)}")
    return cache[role]


def commander(session: Session):
    return _cached(session, "commander")


def site(session: Session, *, name: str | None = None, district: str = "140213", rooms=((1, 1),),
         accessible: tuple[str, ...] = (), family: tuple[str, ...] = (), by=None, status: str = "open"):
    """A site with rooms given as (count, capacity) pairs, numbered 101, 102, … on floor 1 in that order."""
    by = by or commander(session)
    factories.place_chain(session, district_code=district, district_name={"140213": "平城区"}.get(district, "云冈区"))
    created = service.create_site(
        session, actor=by, scope=service.CITY_SCOPE, name=name or f"大同宾馆{next(_serial)}", address="平城区迎宾街1号",
        district=district, contact_name="李经理", contact_phone="13912345678", status=status,
    )
    numbers, rows = count(1), []
    for how_many, capacity in rooms:
        for _ in range(how_many):
            number = f"1{next(numbers):02d}"
            rows.append({"number": number, "floor": 1, "capacity": capacity, "accessible": number in accessible,
                         "family": number in family})
    service.add_rooms(session, created.id, rows, actor=by, scope=service.CITY_SCOPE)
    return created


def rooms_of(session: Session, site_id: int) -> dict[str, int]:
    """Room number → room id."""
    from sqlalchemy import select

    from fangkong.quarantine.models import QuarantineRoom

    return dict(session.execute(
        select(QuarantineRoom.number, QuarantineRoom.id).where(QuarantineRoom.site_id == site_id)).all())


def waiting(session: Session, *, anchor: str = "2022-11-12", pack: str | None = None, district: str = "140213",
            by=None, unit=None, name: str | None = None, **kwargs):
    """A close contact (a new resident, named `name` if given) waiting for a room."""
    unit = unit or factories.place_chain(session, district_code=district,
                                         district_name={"140213": "平城区"}.get(district, "云冈区"))
    by = by or _cached(session, "prevention")
    if name is not None:
        kwargs["resident_id"] = factories.resident(session, name=name, unit=unit, by=by).id
        return factories.managed(session, anchor=anchor, pack=pack, by=by, **kwargs)
    return factories.managed(session, anchor=anchor, pack=pack, unit=unit, by=by, **kwargs)


def placed(session: Session, site_id: int, room: str, *, district: str, name: str, anchor: str = "2022-11-09"):
    """A close contact of `district` (ed9, anchored 11-09: centralized 11-10 … 11-16) assigned to a room today."""
    person = waiting(session, anchor=anchor, pack="ed9", district=district, name=name)
    [stay] = service.assign(session, actor=commander(session), scope=service.CITY_SCOPE, person_ids=[person.id],
                            room_id=rooms_of(session, site_id)[room])
    return stay


def hosting_world(session: Session) -> dict:
    """For a 平城区 (140213) user: an own site with one 云冈区 guest; a 云冈区 site hosting one 平城区 person
    (room 101, beside a 云冈区 person) and a 云冈区 person in room 102; a 云冈区 site with 云冈区 people only."""
    own = site(session, name="平城本区宾馆", district="140213", rooms=((2, 2),))
    hosting = site(session, name="云冈收治酒店", district="140214", rooms=((3, 4),))
    neither = site(session, name="云冈自管酒店", district="140214", rooms=((1, 2),))
    stays = {
        "own_guest": placed(session, own.id, "101", district="140214", name="云冈住本区"),
        "ours": placed(session, hosting.id, "101", district="140213", name="平城住外区"),
        "roommate": placed(session, hosting.id, "101", district="140214", name="云冈同屋"),
        "theirs": placed(session, hosting.id, "102", district="140214", name="云冈隔壁"),
        "neither": placed(session, neither.id, "101", district="140214", name="云冈自住"),
    }
    return {"own": own.id, "hosting": hosting.id, "neither": neither.id, "stays": stays,
            "rooms": {key: rooms_of(session, s.id) for key, s in (("own", own), ("hosting", hosting),
                                                                   ("neither", neither))}}


def matrix_quarantine(session: Session, *, code: str, unit) -> dict:
    """For the authorization matrix, in one district: a site of thirty 4-bed rooms, and makers of fresh
    waiting people, fresh assigned stays (rooms 101 … 128 in turn) and fresh staff users."""
    from itertools import cycle

    site_row = site(session, name=f"矩阵隔离点{code}", district=code, rooms=((30, 4),))
    rooms = rooms_of(session, site_row.id)
    serial, stay_rooms = count(1), cycle(f"1{n:02d}" for n in range(1, 29))

    def fresh_person() -> int:
        return waiting(session, district=code, unit=unit).id

    def fresh_stay() -> int:
        [stay] = service.assign(session, actor=commander(session), scope=service.CITY_SCOPE,
                                person_ids=[fresh_person()], room_id=rooms[next(stay_rooms)])
        return stay.id

    def fresh_staff() -> str:
        return factories.user(session, role="quarantine_site_staff", username=f"q-staff-{code}-{next(serial)}").username

    auto = site(session, name=f"矩阵自动分配{code}", district=code, rooms=((1, 1),))
    return {"site": site_row.id, "auto_site": auto.id, "room": rooms["130"], "other_room": rooms["129"], "person": fresh_person,
            "stay": fresh_stay, "staff": fresh_staff}


def link_staff(session: Session, site_id: int, username: str) -> None:
    service.add_staff(session, site_id, actor=commander(session), scope=service.CITY_SCOPE, username=username)


_sites, _rooms = count(1), count(1)


def _quarantine_site(world, where: str) -> dict:
    return {"name": f"矩阵新隔离点{next(_sites)}", "address": "迎宾街1号", "district": where, "contact_name": "李经理"}


def _q_site(world, where: str) -> dict:
    return {"site_id": world.quarantine[where]["site"]}


def _q_stay(world, where: str) -> dict:
    return {"stay_id": world.quarantine[where]["stay"]()}


def matrix_examples(Example, OWN: str) -> dict:  # noqa: N803 - the matrix's own class and constant
    """The authorization matrix's request examples for the quarantine routes (a site per district, fresh people,
    stays and staff users; tests/core/test_authorization_matrix.py)."""

    def assignment(w, where):
        return {"person_ids": [w.quarantine[where]["person"]()], "room_id": w.quarantine[where]["room"]}

    def rooms(w, _):
        return {"rooms": [{"number": f"M{next(_rooms):03d}", "floor": 9, "capacity": 2}]}

    site, stay = {"path": _q_site, "about_an_object": True}, {"path": _q_stay, "about_an_object": True}
    return {
        ("POST", "/api/v1/quarantine/sites"): Example(json=_quarantine_site, ok=201, about_an_object=True),
        ("POST", "/api/v1/quarantine/assignments"): Example(json=assignment, ok=201, about_an_object=True),
        ("POST", "/api/v1/quarantine/assignments/auto"): Example(
            json=lambda w, _: {"site_ids": [w.quarantine[OWN]["auto_site"]]}),
        ("GET", "/api/v1/quarantine/sites/{site_id}"): Example(**site),
        ("GET", "/api/v1/quarantine/sites/{site_id}/stays"): Example(**site),
        ("GET", "/api/v1/quarantine/sites/{site_id}/day"): Example(**site),
        ("POST", "/api/v1/quarantine/sites/{site_id}/status"): Example(json=lambda w, _: {"status": "open"}, **site),
        ("POST", "/api/v1/quarantine/sites/{site_id}/rooms"): Example(json=rooms, ok=201, **site),
        ("POST", "/api/v1/quarantine/sites/{site_id}/staff"): Example(
            json=lambda w, where: {"username": w.quarantine[where]["staff"]()}, ok=204, **site),
        ("POST", "/api/v1/quarantine/stays/{stay_id}/check-in"): Example(**stay),
        ("POST", "/api/v1/quarantine/stays/{stay_id}/transfer"): Example(
            json=lambda w, where: {"to_room_id": w.quarantine[where]["other_room"]}, **stay),
        # a stay of today's queue: its centralized phase is not over, so a check-out is refused after authorization
        ("POST", "/api/v1/quarantine/stays/{stay_id}/check-out"): Example(
            json=lambda w, _: {"transport": "专车"}, ok=409, **stay),
        ("POST", "/api/v1/quarantine/stays/{stay_id}/exit"): Example(json=lambda w, _: {"reason": "矩阵测试"}, **stay),
        ("POST", "/quarantine/queue/auto"): Example(form=lambda w, _: {"on": "2022-11-01"}),  # nobody waits then
        ("GET", "/quarantine/sites/{site_id}"): Example(**site),
        ("GET", "/quarantine/sites/{site_id}/day"): Example(**site),
        ("GET", "/quarantine/sites/{site_id}/day.xlsx"): Example(**site),
        ("POST", "/quarantine/stays/{stay_id}/check-in"): Example(form=lambda w, _: {}, **stay),
        ("POST", "/quarantine/stays/{stay_id}/check-out"): Example(form=lambda w, _: {"transport": "专车"}, ok=409,
                                                                   **stay),
    }
