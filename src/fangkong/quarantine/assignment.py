"""Placing people in rooms and moving them: assign, check in, transfer, check out home.

A room's beds are taken by one conditional statement (`take_beds`): it changes the room only if the
beds are still free, so two operators assigning the last bed at once cannot both succeed — the
second finds it taken (PostgreSQL re-checks the locked row after the first commits; SQLite runs one
writer at a time) and gets a clear "room full". A person has at most one live stay (a partial unique
index refuses a second one, also under a race: 409, and the caller's unit of work rolls back). No
savepoints here: with SQLite's Python driver a savepoint that opens the transaction commits it on
release, which would split an assignment in two. Every move is a quarantine_move row and an audit row.
Early exit to hospital crosses into people: quarantine/flows.py.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.people import plans as stored
from fangkong.people.managed_models import ManagedPerson as MP
from fangkong.policy import centralized_days
from fangkong.quarantine.models import LIVE_STATES, QuarantineMove, QuarantineRoom, QuarantineSite, QuarantineStay
from fangkong.quarantine.queue import queue_query
from fangkong.quarantine.scope import SiteScope

Room, Site, Stay = QuarantineRoom, QuarantineSite, QuarantineStay
MAX_TOGETHER = 4


class RoomFull(DomainError):
    status = 409

    def __init__(self, room: QuarantineRoom, wanted: int) -> None:
        super().__init__("room_full", f"room {room.number} has no {wanted} free bed(s)", details={
            "room_id": room.id, "capacity": room.capacity, "occupied": room.occupied, "wanted": wanted})


def take_beds(session: Session, room_id: int, beds: int) -> bool:
    """Take `beds` beds of an open site's room if they are free, in one statement; False if not."""
    open_sites = select(Site.id).where(Site.status == "open")
    result = session.execute(
        update(Room).where(Room.id == room_id, Room.occupied + beds <= Room.capacity, Room.site_id.in_(open_sites))
        .values(occupied=Room.occupied + beds).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def free_bed(session: Session, room_id: int) -> None:
    session.execute(
        update(Room).where(Room.id == room_id, Room.occupied >= 1).values(occupied=Room.occupied - 1)
        .execution_options(synchronize_session=False)
    )


def get_room(session: Session, room_id: int, *, scope: SiteScope) -> QuarantineRoom:
    room = session.scalar(select(Room).where(Room.id == room_id, Room.site_id.in_(scope.site_ids())))
    if room is None:
        raise NotFound("room", details={"room_id": room_id})
    return room


def get_stay(session: Session, stay_id: int, *, scope: SiteScope, live: bool = True) -> QuarantineStay:
    stay = session.scalar(select(Stay).where(Stay.id == stay_id, Stay.site_id.in_(scope.site_ids())))
    if stay is None:
        raise NotFound("stay", details={"stay_id": stay_id})
    if live and stay.state not in LIVE_STATES:
        raise DomainError("stay_ended", f"this stay has ended ({stay.state})", status=409,
                          details={"state": stay.state})
    return stay


def assign(session: Session, *, actor, scope: SiteScope, person_ids: list[int], room_id: int,
           special_needs: bool | None = None) -> list[QuarantineStay]:
    """Put 1–4 people (a household kept together) in one room; refused whole if anything does not fit."""
    ids = list(dict.fromkeys(person_ids))
    if not 1 <= len(ids) <= MAX_TOGETHER:
        raise InvalidInput("invalid_people", f"person_ids: 1 to {MAX_TOGETHER} people placed together",
                           details={"field": "person_ids"})
    today = clock.today()
    people = _eligible(session, scope, ids, today)
    room = get_room(session, room_id, scope=scope)
    needs = any(row.special_needs for row in people) if special_needs is None else special_needs
    if needs and not room.accessible:
        raise DomainError("room_unsuitable", "special-needs people go to an accessible room", status=409,
                          details={"room_id": room.id, "accessible": False})
    group = uuid.uuid4().hex[:16] if len(ids) > 1 else None
    if not take_beds(session, room.id, len(ids)):  # nothing written yet when refused
        _refuse_room(session, room, len(ids))
    stays = [Stay(person_id=pid, site_id=room.site_id, room_id=room.id, state="assigned", group_key=group,
                  special_needs=needs, assigned_on=today, created_by=actor.name) for pid in ids]
    session.add_all(stays)
    try:
        session.flush()
    except IntegrityError:  # placed by another operator meanwhile: the caller's unit of work rolls back
        raise DomainError("already_assigned", "someone of these people was placed meanwhile", status=409) from None
    for stay in stays:
        record_move(session, stay, "assigned", actor=actor, to_room=room.id)
    return stays


def check_in(session: Session, stay_id: int, *, actor, scope: SiteScope) -> QuarantineStay:
    stay = get_stay(session, stay_id, scope=scope)
    if stay.state != "assigned":
        raise DomainError("already_checked_in", "this person is checked in already", status=409)
    stay.state, stay.checked_in_at = "checked_in", clock.now()
    session.flush()
    record_move(session, stay, "checked_in", actor=actor, to_room=stay.room_id)
    return stay


def transfer(session: Session, stay_id: int, *, actor, scope: SiteScope, to_room_id: int,
             reason: str | None = None) -> QuarantineStay:
    """Move a person to a room of another (or the same) site: a new stay, the old one ends as transferred."""
    stay = get_stay(session, stay_id, scope=scope)
    room = get_room(session, to_room_id, scope=scope)
    if room.id == stay.room_id:
        raise DomainError("same_room", "the person is in this room already", status=409)
    if stay.special_needs and not room.accessible:
        raise DomainError("room_unsuitable", "special-needs people go to an accessible room", status=409,
                          details={"room_id": room.id, "accessible": False})
    if not take_beds(session, room.id, 1):  # nothing written yet when refused
        _refuse_room(session, room, 1)
    free_bed(session, stay.room_id)
    _end(stay, "transferred", reason)
    session.flush()
    moved = Stay(person_id=stay.person_id, site_id=room.site_id, room_id=room.id, state="assigned",
                 group_key=stay.group_key, special_needs=stay.special_needs, assigned_on=clock.today(),
                 created_by=actor.name)
    session.add(moved)
    session.flush()
    record_move(session, moved, "transferred", actor=actor, from_room=stay.room_id, to_room=room.id, note=reason)
    return moved


def check_out(session: Session, stay_id: int, *, actor, scope: SiteScope, transport: str) -> QuarantineStay:
    """The centralized phase is over: the person goes home (the plan's next phase), transport noted."""
    stay = get_stay(session, stay_id, scope=scope)
    leaves = departure_day(session, stay.person_id)
    today = clock.today()
    if leaves is not None and leaves > today:
        raise DomainError("phase_not_over", f"the centralized phase lasts until {leaves - timedelta(days=1)}",
                          status=409, details={"departure": leaves.isoformat()})
    free_bed(session, stay.room_id)
    _end(stay, "checked_out", transport)
    session.flush()
    record_move(session, stay, "checked_out", actor=actor, from_room=stay.room_id, note=transport)
    return stay


def end_for_case(session: Session, stay: QuarantineStay, *, actor, note: str) -> None:
    """Early exit: the bed is freed and the stay ends (flows.exit_to_hospital makes the person a case)."""
    free_bed(session, stay.room_id)
    _end(stay, "exited", note)
    session.flush()
    record_move(session, stay, "exited", actor=actor, from_room=stay.room_id, note=note)


def departure_day(session: Session, person_id: int) -> date | None:
    """The day after the last centralized day of the person's current plan (None: no centralized day)."""
    plan_id = session.scalar(select(MP.plan_id).where(MP.id == person_id))
    days = centralized_days(stored.load_plans(session, [plan_id])[plan_id])
    return max(days) + timedelta(days=1) if days else None


def record_move(session: Session, stay: QuarantineStay, kind: str, *, actor, from_room: int | None = None,
                to_room: int | None = None, note: str | None = None) -> None:
    user = getattr(actor, "user", None)
    session.add(QuarantineMove(
        stay_id=stay.id, person_id=stay.person_id, kind=kind, from_room_id=from_room, to_room_id=to_room,
        at=clock.now(), note=note, actor_user_id=getattr(user, "id", None), actor_name=_name(actor),
    ))
    session.flush()
    audit.record(session, actor=actor, actor_name=None if user else _name(actor), action=f"quarantine.{kind}",
                 object_type="quarantine_stay", object_id=stay.id,
                 after={"person_id": stay.person_id, "site_id": stay.site_id, "from_room": from_room,
                        "to_room": to_room, "note": note})


def _eligible(session: Session, scope: SiteScope, ids: list[int], today: date) -> list:
    """The people, each in reach, owing a centralized phase from today on, and not placed yet."""
    query = queue_query(scope.jurisdiction, today, arriving_by=date.max)
    rows = session.execute(query.where(MP.id.in_(ids))).all()
    found = {row.id for row in rows}
    missing = [pid for pid in ids if pid not in found]
    if missing:
        placed = session.scalar(select(Stay.person_id).where(Stay.person_id.in_(missing),
                                                            Stay.state.in_(LIVE_STATES)).limit(1))
        if placed is not None:
            raise DomainError("already_assigned", "this person has a room already", status=409,
                              details={"person_id": placed})
        raise NotFound("person in the queue", details={"person_ids": missing})
    return rows


def _refuse_room(session: Session, room: QuarantineRoom, wanted: int) -> None:
    session.refresh(room)
    site = session.get(Site, room.site_id)
    if site.status != "open":
        raise DomainError("site_not_open", f"the site is {site.status}", status=409, details={"status": site.status})
    raise RoomFull(room, wanted)


def _end(stay: QuarantineStay, state: str, note: str | None) -> None:
    stay.state, stay.ended_at, stay.end_note = state, clock.now(), note


def _name(actor) -> str:
    user = getattr(actor, "user", None)
    return user.username if user is not None else (actor if isinstance(actor, str) else "system")
