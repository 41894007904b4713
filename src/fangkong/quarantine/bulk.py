"""Assigning the whole queue of a day at once (the command's evening run), set-wise.

The rooms of the open sites are locked first (an UPDATE that changes nothing: row locks on PostgreSQL,
the write lock on SQLite), so no single assignment can race the plan computed here. Then, in memory:
special-needs people only to accessible rooms; households (kept together when asked, at most four to
a room) first to family rooms; everyone else to plain rooms, best fit first. Writes are three
statements (room counters by executemany, stays by COPY on PostgreSQL, moves by INSERT … SELECT) and one
audit row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import DateTime, Integer, String, bindparam, exists, func, insert, literal, select, update
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.people import plans as stored
from fangkong.people.managed_models import ManagedPerson as MP
from fangkong.places.bulk import insert_rows
from fangkong.policy import centralized_days
from fangkong.quarantine.assignment import MAX_TOGETHER
from fangkong.quarantine.models import LIVE_STATES, QuarantineMove, QuarantineRoom, QuarantineSite, QuarantineStay
from fangkong.quarantine.queue import Queued, queued
from fangkong.quarantine.scope import SiteScope

Room, Site, Stay = QuarantineRoom, QuarantineSite, QuarantineStay
POOLS = ("accessible", "family", "plain")
STAY_COLUMNS = ("person_id", "site_id", "room_id", "state", "group_key", "special_needs", "assigned_on", "created_by")
PREFERENCE = {"special": ("accessible",), "household": ("family", "plain", "accessible"),
              "single": ("plain", "family", "accessible")}


@dataclass
class Pools:
    """Rooms with free beds, by pool and by number of free beds (best fit: the fewest free beds that fit)."""

    free: dict[int, int] = field(default_factory=dict)
    buckets: dict[str, dict[int, list[int]]] = field(default_factory=lambda: {p: defaultdict(list) for p in POOLS})

    def add(self, room_id: int, pool: str, beds: int) -> None:
        self.free[room_id] = beds
        self.buckets[pool][beds].append(room_id)

    def take(self, pools: tuple[str, ...], beds: int) -> int | None:
        for pool in pools:
            buckets = self.buckets[pool]
            for size in range(beds, MAX_TOGETHER + 1):
                if buckets[size]:
                    room_id = buckets[size].pop()
                    self.free[room_id] = size - beds
                    if size > beds:
                        buckets[size - beds].append(room_id)
                    return room_id
        return None


@dataclass
class AutoReport:
    day: date
    queued: int = 0
    placed: int = 0
    left: int = 0  # no suitable free bed
    rooms_used: int = 0
    by_site: dict[int, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"day": self.day.isoformat(), "queued": self.queued, "placed": self.placed, "left": self.left,
                "rooms_used": self.rooms_used, "by_site": [{"site_id": k, "placed": v}
                                                            for k, v in sorted(self.by_site.items())]}


def auto_assign(session: Session, *, actor, scope: SiteScope, day: date | None = None,
                site_ids: list[int] | None = None, district_id: int | None = None,
                keep_households: bool = True, limit: int | None = None) -> AutoReport:
    """Place the queue of `day` (its first `limit` people, oldest phase first) in the free beds of the open sites."""
    day = day or clock.today()
    sites = select(Site.id).where(scope.sites(), Site.status == "open")
    if site_ids:
        sites = sites.where(Site.id.in_(site_ids))
    session.execute(update(Room).where(Room.site_id.in_(sites)).values(occupied=Room.occupied)
                    .execution_options(synchronize_session=False))  # lock the rooms first
    pools, site_of = _pools(session, sites)
    waiting = queued(session, scope.jurisdiction, day, district_id=district_id, limit=limit)
    report = AutoReport(day=day, queued=len(waiting))
    placements = _place(_groups(waiting, keep_households), pools)
    _write(session, placements, site_of, day=day, actor=actor, report=report)
    report.left = report.queued - report.placed
    audit.record(session, actor=actor, action="quarantine.auto_assign", object_type="quarantine_queue",
                 object_id=day.isoformat(), after=report.to_dict())
    return report


def _pools(session: Session, sites) -> tuple[Pools, dict[int, int]]:
    pools, site_of = Pools(), {}
    rows = session.execute(
        select(Room.id, Room.site_id, Room.capacity, Room.occupied, Room.accessible, Room.family)
        .where(Room.site_id.in_(sites)).order_by(Room.site_id.desc(), Room.id.desc())
    )
    for room_id, site_id, capacity, occupied, accessible, family in rows:
        site_of[room_id] = site_id
        if capacity > occupied:
            pools.add(room_id, "accessible" if accessible else "family" if family else "plain", capacity - occupied)
    return pools, site_of


def _groups(waiting: list[Queued], keep_households: bool) -> list[tuple[str, list[Queued]]]:
    """(kind, members): households of up to four together when asked, everyone else alone."""
    households: dict[int, list[Queued]] = defaultdict(list)
    groups: list[tuple[str, list[Queued]]] = []
    for item in waiting:
        if keep_households and item.household_id is not None:
            households[item.household_id].append(item)
        else:
            groups.append(("special" if item.special_needs else "single", [item]))
    for members in households.values():
        for start in range(0, len(members), MAX_TOGETHER):
            chunk = members[start:start + MAX_TOGETHER]
            kind = "special" if any(m.special_needs for m in chunk) else "household" if len(chunk) > 1 else "single"
            groups.append((kind, chunk))
    order = {"special": 0, "household": 1, "single": 2}
    groups.sort(key=lambda g: (order[g[0]], g[1][0].starts_on, g[1][0].person_id))
    return groups


def _place(groups, pools: Pools) -> list[tuple[int, list[Queued], bool]]:
    placements = []
    for kind, members in groups:
        room_id = pools.take(PREFERENCE[kind], len(members))
        if room_id is not None:
            placements.append((room_id, members, kind == "special"))
    return placements


def _write(session: Session, placements, site_of: dict[int, int], *, day: date, actor, report: AutoReport) -> None:
    if not placements:
        return
    taken: dict[int, int] = defaultdict(int)
    for room_id, members, _ in placements:
        taken[room_id] += len(members)
    session.execute(
        update(Room.__table__).where(Room.__table__.c.id == bindparam("rid"))
        .values(occupied=Room.__table__.c.occupied + bindparam("n")),
        [{"rid": rid, "n": n} for rid, n in taken.items()],
    )
    name = getattr(getattr(actor, "user", None), "username", None) or (actor if isinstance(actor, str) else "system")
    user_id = getattr(getattr(actor, "user", None), "id", None)
    rows = []
    for serial, (room_id, members, special) in enumerate(placements):
        group = f"auto-{day.isoformat()}-{serial}" if len(members) > 1 else None
        rows.extend((m.person_id, site_of[room_id], room_id, "assigned", group, special, day, name) for m in members)
    table, moves = Stay.__table__, QuarantineMove.__table__
    conn = session.connection()
    before = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    insert_rows(conn, table, STAY_COLUMNS, rows)  # COPY on PostgreSQL, executemany on SQLite
    new = select(table.c.id, table.c.person_id, literal("assigned", String), table.c.room_id,
                 literal(clock.now(), DateTime(timezone=True)), literal("auto", String), literal(user_id, Integer),
                 literal(name, String)).where(
        table.c.id > before, table.c.assigned_on == day, table.c.created_by == name,
        ~exists().where(moves.c.stay_id == table.c.id))
    session.execute(insert(moves).from_select(
        ["stay_id", "person_id", "kind", "to_room_id", "at", "note", "actor_user_id", "actor_name"], new))
    report.placed = len(rows)
    report.rooms_used = len(taken)
    for row in rows:
        report.by_site[row[1]] = report.by_site.get(row[1], 0) + 1


def check_out_due(session: Session, *, actor, scope: SiteScope, day: date, transport: str) -> int:
    """Check out, set-wise, every live stay in reach whose centralized phase is over by `day` (moved home by the
    plan), with the same transport noted; one move per stay and one audit row. Returns how many left."""
    rows = session.execute(
        select(Stay.id, Stay.person_id, Stay.room_id, MP.plan_id).join(MP, MP.id == Stay.person_id)
        .where(Stay.state.in_(LIVE_STATES), Stay.site_id.in_(scope.site_ids()))
    ).all()
    plans = stored.load_plans(session, {r.plan_id for r in rows})
    last = {pid: max(centralized_days(plan), default=None) for pid, plan in plans.items()}
    due = [r for r in rows if last[r.plan_id] is None or last[r.plan_id] < day]
    if not due:
        return 0
    now = clock.now()
    name = getattr(getattr(actor, "user", None), "username", None) or (actor if isinstance(actor, str) else "system")
    table, rooms = Stay.__table__, Room.__table__
    session.execute(update(table).where(table.c.id == bindparam("sid")).values(
        state="checked_out", ended_at=now, end_note=transport), [{"sid": r.id} for r in due])
    freed: dict[int, int] = defaultdict(int)
    for r in due:
        freed[r.room_id] += 1
    session.execute(update(rooms).where(rooms.c.id == bindparam("rid"))
                    .values(occupied=rooms.c.occupied - bindparam("n")), [{"rid": k, "n": v} for k, v in freed.items()])
    session.execute(insert(QuarantineMove.__table__), [
        {"stay_id": r.id, "person_id": r.person_id, "kind": "checked_out", "from_room_id": r.room_id,
         "to_room_id": None, "at": now, "note": transport, "actor_user_id": getattr(getattr(actor, "user", None), "id",
                                                                                    None), "actor_name": name}
        for r in due])
    audit.record(session, actor=actor, actor_name=None if getattr(actor, "user", None) else name,
                 action="quarantine.check_out_due", object_type="quarantine_queue", object_id=day.isoformat(),
                 after={"checked_out": len(due), "rooms": len(freed), "transport": transport})
    session.expire_all()
    return len(due)


def check_in_all(session: Session, *, actor, scope: SiteScope, day: date) -> int:
    """Check in, set-wise, every stay in reach assigned on or before `day` (the demo's arrivals)."""
    name = getattr(getattr(actor, "user", None), "username", None) or (actor if isinstance(actor, str) else "system")
    table = Stay.__table__
    waiting = session.execute(select(table.c.id, table.c.person_id, table.c.room_id).where(
        table.c.state == "assigned", table.c.assigned_on <= day, table.c.site_id.in_(scope.site_ids()))).all()
    if not waiting:
        return 0
    now = clock.now()
    session.execute(update(table).where(table.c.id == bindparam("sid")).values(state="checked_in", checked_in_at=now),
                    [{"sid": r.id} for r in waiting])
    session.execute(insert(QuarantineMove.__table__), [
        {"stay_id": r.id, "person_id": r.person_id, "kind": "checked_in", "from_room_id": None, "to_room_id": r.room_id,
         "at": now, "note": None, "actor_user_id": None, "actor_name": name} for r in waiting])
    audit.record(session, actor=actor, actor_name=None if getattr(actor, "user", None) else name,
                 action="quarantine.check_in_all", object_type="quarantine_queue", object_id=day.isoformat(),
                 after={"checked_in": len(waiting)})
    session.expire_all()
    return len(waiting)
