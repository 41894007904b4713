"""Sites, their rooms and their staff: opening a site, adding rooms, changing status, the room board.

Rooms are added in one executemany (a hotel has hundreds); the board reads a site's rooms with their
live stays in two queries. The contact phone is stored only encrypted and shown masked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.models import User
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.pii import get_cipher, mask_phone, normalize_phone
from fangkong.people.managed_models import ManagedPerson as MP
from fangkong.places import service as places_service
from fangkong.places.models import District
from fangkong.quarantine.models import (
    LIVE_STATES, MAX_CAPACITY, SITE_STATUSES, QuarantineRoom, QuarantineSite, QuarantineStaff, QuarantineStay,
)
from fangkong.quarantine.scope import OWN, STAFF_ROLE, SiteScope, accesses, hosted_counts, site_access

Site, Room, Stay = QuarantineSite, QuarantineRoom, QuarantineStay


def create_site(
    session: Session, *, actor, scope: SiteScope, name: str, address: str, district: str, contact_name: str,
    contact_phone: str | None = None, status: str = "open",
) -> QuarantineSite:
    _check_status(status)
    district_row = places_service.get_district_by_code(session, district, scope=scope.jurisdiction)
    if session.scalar(select(Site.id).where(Site.name == name)) is not None:
        raise DomainError("site_exists", f"a site named {name!r} exists already", status=409, details={"field": "name"})
    phone = normalize_phone(contact_phone, "contact_phone") if contact_phone else None
    site = Site(
        name=name, address=address, district_id=district_row.id, contact_name=contact_name,
        contact_phone_enc=get_cipher().encrypt(phone) if phone else None, status=status, created_at=clock.now(),
    )
    session.add(site)
    session.flush()
    audit.record(session, actor=actor, action="quarantine.site_create", object_type="quarantine_site",
                 object_id=site.id, after={"name": name, "district": district, "status": status})
    return site


def get_site(session: Session, site_id: int, *, scope: SiteScope) -> QuarantineSite:
    """One of the caller's own sites (every write); any other answers "not found"."""
    site = session.scalar(select(Site).where(Site.id == site_id, scope.sites()))
    if site is None:
        raise NotFound("quarantine site", details={"site_id": site_id})
    return site


def read_site(session: Session, site_id: int, *, scope: SiteScope) -> tuple[QuarantineSite, str]:
    """A site the caller may read, with its access ("own" or "hosting"); any other is "not found"."""
    access = site_access(session, scope, site_id)
    site = session.get(Site, site_id) if access else None
    if site is None:
        raise NotFound("quarantine site", details={"site_id": site_id})
    return site, access


def set_status(session: Session, site_id: int, *, actor, scope: SiteScope, status: str) -> QuarantineSite:
    _check_status(status)
    site = get_site(session, site_id, scope=scope)
    before = site.status
    site.status = status
    session.flush()
    audit.record(session, actor=actor, action="quarantine.site_status", object_type="quarantine_site",
                 object_id=site.id, before={"status": before}, after={"status": status})
    return site


def add_rooms(session: Session, site_id: int, rooms: Sequence[dict], *, actor, scope: SiteScope) -> int:
    """Rooms (number, floor, capacity 1–4, accessible, family) in one statement; a number taken → 409."""
    site = get_site(session, site_id, scope=scope)
    rows = [_room_row(site.id, room) for room in rooms]
    if not rows:
        return 0
    numbers = [row["number"] for row in rows]
    taken = set(session.scalars(select(Room.number).where(Room.site_id == site.id, Room.number.in_(numbers))))
    if taken or len(set(numbers)) != len(numbers):
        raise DomainError("room_exists", "room numbers must be new and distinct in the site", status=409,
                          details={"numbers": sorted(taken) or sorted({n for n in numbers if numbers.count(n) > 1})})
    session.execute(insert(Room), rows)
    audit.record(session, actor=actor, action="quarantine.rooms_add", object_type="quarantine_site",
                 object_id=site.id, after={"rooms": len(rows), "beds": sum(r["capacity"] for r in rows)})
    return len(rows)


def add_staff(session: Session, site_id: int, *, actor, scope: SiteScope, username: str) -> None:
    """Name a user of role quarantine_site_staff as staff of the site (their only site)."""
    site = get_site(session, site_id, scope=scope)
    user = session.scalar(select(User).where(User.username == username))
    if user is None or user.role != STAFF_ROLE:
        raise InvalidInput("not_site_staff", f"username: no user of role {STAFF_ROLE} named {username!r}",
                           details={"field": "username"})
    if session.get(QuarantineStaff, user.id) is not None:
        raise DomainError("staff_elsewhere", "this user is staff of a site already", status=409)
    session.add(QuarantineStaff(user_id=user.id, site_id=site.id))
    session.flush()
    audit.record(session, actor=actor, action="quarantine.staff_add", object_type="quarantine_site",
                 object_id=site.id, after={"username": username})


def list_sites(session: Session, *, scope: SiteScope) -> list[dict]:
    """Every site the caller may read with its access, rooms and beds; occupied beds at a hosting site
    count only the caller's people (and none is free to them)."""
    ours = hosted_counts(session, scope)
    access = accesses(session, scope, hosted=ours)
    counts = session.execute(
        select(Room.site_id, func.count(), func.sum(Room.capacity), func.sum(Room.occupied))
        .where(Room.site_id.in_(list(access))).group_by(Room.site_id)
    ).all()
    by_site = {site_id: (rooms, beds or 0, used or 0) for site_id, rooms, beds, used in counts}
    rows = session.execute(
        select(Site, District.code, District.name).join(District, Site.district_id == District.id)
        .where(Site.id.in_(list(access))).order_by(District.code, Site.name)
    ).all()
    out = []
    for site, code, name in rows:
        rooms, beds, used = by_site.get(site.id, (0, 0, 0))
        if access[site.id] != OWN:
            used = ours[site.id]
        out.append(site_view(site, code, name, rooms, beds, used, access=access[site.id]))
    return out


def site_view(site: QuarantineSite, district_code: str, district_name: str, rooms: int, beds: int, used: int,
              access: str = OWN) -> dict:
    """A site's fields; `used` is the caller's count (at a hosting site, their people only: nothing free)."""
    phone = get_cipher().decrypt(site.contact_phone_enc) if site.contact_phone_enc else ""
    free = beds - used if site.status == "open" and access == OWN else 0
    return {
        "id": site.id, "name": site.name, "address": site.address, "district": district_code,
        "district_name": district_name, "contact_name": site.contact_name,
        "contact_phone_masked": mask_phone(phone) if phone else "", "status": site.status,
        "rooms": rooms, "beds": beds, "occupied": used, "free": free, "access": access,
    }


def board(session: Session, site_id: int, *, scope: SiteScope) -> dict:
    """The site with its rooms by floor, each with its state (free, partly taken, full, or the site's
    closed/cleaning status) and the names of its live occupants. At a hosting site: only the rooms of the
    caller's people, each counting only them."""
    site, access = read_site(session, site_id, scope=scope)
    rooms = session.scalars(select(Room).where(Room.site_id == site.id).order_by(Room.floor, Room.number)).all()
    occupants = _occupants(session, site.id, scope.people_at(access))
    shown = rooms if access == OWN else [room for room in rooms if occupants.get(room.id)]
    floors: dict[int, list[dict]] = defaultdict(list)
    for room in shown:
        used = room.occupied if access == OWN else len(occupants[room.id])
        floors[room.floor].append({
            "id": room.id, "number": room.number, "floor": room.floor, "capacity": room.capacity,
            "occupied": used, "accessible": room.accessible, "family": room.family,
            "state": room_state(site.status, used, room.capacity), "occupants": occupants[room.id],
        })
    district = session.get(District, site.district_id)
    used = sum(r.occupied for r in rooms) if access == OWN else sum(len(o) for o in occupants.values())
    view = site_view(site, district.code, district.name, len(rooms), sum(r.capacity for r in rooms), used, access)
    return {"site": view, "floors": [{"floor": f, "rooms": floors[f]} for f in sorted(floors)]}


def _occupants(session: Session, site_id: int, people) -> dict[int, list[dict]]:
    """Room id → the live occupants of the site among `people` (a condition on ManagedPerson)."""
    occupants: dict[int, list[dict]] = defaultdict(list)
    for stay_id, room_id, state, person_id, name in session.execute(
        select(Stay.id, Stay.room_id, Stay.state, Stay.person_id, MP.name).join(MP, MP.id == Stay.person_id)
        .where(Stay.site_id == site_id, Stay.state.in_(LIVE_STATES), people).order_by(Stay.id)
    ):
        occupants[room_id].append({"stay_id": stay_id, "person_id": person_id, "name": name, "state": state})
    return occupants


def room_state(site_status: str, occupied: int, capacity: int) -> str:
    if site_status != "open":
        return site_status
    if occupied == 0:
        return "free"
    return "full" if occupied >= capacity else "partial"


def _room_row(site_id: int, room: dict) -> dict:
    capacity = int(room.get("capacity", 1))
    if not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInput("invalid_capacity", f"capacity: 1 to {MAX_CAPACITY} beds", details={"field": "capacity"})
    number = str(room.get("number", "")).strip()
    if not number or len(number) > 12 or "\x00" in number:
        raise InvalidInput("invalid_room_number", "number: 1 to 12 characters", details={"field": "number"})
    return {"site_id": site_id, "number": number, "floor": int(room.get("floor", 1)), "capacity": capacity,
            "occupied": 0, "accessible": bool(room.get("accessible", False)), "family": bool(room.get("family", False))}


def _check_status(status: str) -> None:
    if status not in SITE_STATUSES:
        raise InvalidInput("invalid_status", f"status: one of {', '.join(SITE_STATUSES)}", details={"field": "status"})
