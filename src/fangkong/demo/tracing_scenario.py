"""Scans and contact candidates of the demo scenario (after the zones, in the same transaction).

Three days of venue scans, 2022-11-10 … 11-12, in the central districts (平城区, 云冈区; the whole
city when the generated city has neither): a sample of their residents scans one to three venues a
day; each resident case reported 11-11 … 11-13 (at most five) visits two venues a day, and a few
neighbours scan there around the same time, some within the pack's gap and some just outside it.
At 11-13 08:40 the investigators propose each case's candidates with the pack in force
(measures20), confirm the first two who are not under management yet and dismiss one with a reason.
Five other residents make a chain of four generations (demo/tracing_chain.py). Scans go in through
tracing.bulk (executemany / COPY).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.errors import DomainError
from fangkong.core.jurisdiction import CITY
from fangkong.demo import tracing_chain
from fangkong.people.case_models import Case
from fangkong.people.managed_models import ManagedPerson
from fangkong.people.models import Resident
from fangkong.places.models import District, Venue
from fangkong.policy import pack_in_force
from fangkong.tracing import bulk, flows, service
from fangkong.tracing.scans import resident_key

DAYS = (date(2022, 11, 10), date(2022, 11, 11), date(2022, 11, 12))
CENTRAL = ("140213", "140214")
BACKGROUND = 5_000  # residents scanning in the background, at most
MAX_CASES = 5
INVESTIGATOR = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="demo-tracing"))


def _at(day: date, minute_of_day: int) -> datetime:
    return datetime.combine(day, time(0)).replace(tzinfo=clock.zone()) + timedelta(minutes=minute_of_day)


def _row(resident_id: int, venue_id: int, at: datetime, stay: int = 0) -> tuple:
    minute = int(at.timestamp()) // 60
    return (resident_key(resident_id), resident_id, None, None, venue_id, at, minute, minute + stay, "app")


def build(session: Session, *, seed: int) -> dict:
    """Scans, candidates and decisions of the demo (the caller commits); returns counts."""
    rng = random.Random(f"{seed}:tracing")
    kinds = pack_in_force(DAYS[-1]).tracing.venue_kinds
    districts = list(session.scalars(select(District.id).where(District.code.in_(CENTRAL)))) or \
        list(session.scalars(select(District.id)))
    venues: dict[int, list[int]] = {}
    for venue_id, district_id in session.execute(select(Venue.id, Venue.district_id).where(
            Venue.district_id.in_(districts), Venue.kind.in_(kinds)).order_by(Venue.id)):
        venues.setdefault(district_id, []).append(venue_id)
    if not venues:
        return {"scans": 0, "candidates": 0, "confirmed": 0}
    people = session.execute(select(Resident.id, Resident.district_id).where(
        Resident.district_id.in_(list(venues))).order_by(Resident.id)).all()
    rows = []
    for resident_id, district_id in rng.sample(people, min(len(people), BACKGROUND)):
        for day in DAYS:
            for _ in range(rng.randint(1, 3)):
                rows.append(_row(resident_id, rng.choice(venues[district_id]), _at(day, rng.randrange(420, 1320)),
                                 rng.choice((0, 0, 15, 30))))
    cases = session.execute(select(Case.id, Case.resident_id, Resident.district_id)
                            .join(Resident, Resident.id == Case.resident_id)
                            .where(Case.reported_on.between(date(2022, 11, 11), date(2022, 11, 13)),
                                   Resident.district_id.in_(list(venues)))
                            .order_by(Case.id).limit(MAX_CASES)).all()
    neighbours = [p for p in people if p[1] in venues]
    for _case_id, resident_id, district_id in cases:
        for day in DAYS:
            for _ in range(2):
                venue_id, start = rng.choice(venues[district_id]), rng.randrange(540, 1200)
                rows.append(_row(resident_id, venue_id, _at(day, start), 30))
                for other, _d in rng.sample(neighbours, min(len(neighbours), rng.randint(3, 6))):
                    offset = rng.choice((-10, 5, 20, 44, 46, 60))  # 44/45 min: inside / outside a 15-min gap
                    rows.append(_row(other, venue_id, _at(day, start + offset)))
    managed = set(session.scalars(select(ManagedPerson.resident_id).where(ManagedPerson.resident_id.is_not(None))))
    taken = managed | set(session.scalars(select(Case.resident_id).where(Case.resident_id.is_not(None))))
    central = sorted(venues)[0]
    chain, chain_rows = tracing_chain.plan(rng, [p[0] for p in people if p[0] not in taken and p[1] == central],
                                           venues[central], _row)
    rows += chain_rows
    inserted = bulk.insert_scans(session.connection(), rows)
    stats = {"scans": inserted, "candidates": 0, "confirmed": 0, "dismissed": 0}
    managed |= set(chain)  # the chain's people are confirmed by the chain alone
    with clock.frozen(datetime.combine(date(2022, 11, 13), time(8, 40)).replace(tzinfo=clock.zone())):
        for case_id, _r, _d in cases:
            candidates = service.propose(session, case_id, actor=INVESTIGATOR)
            stats["candidates"] += len(candidates)
            free = [c for c in candidates if c.resident_id not in managed and not c.household]
            for candidate in free[:2]:
                try:
                    with session.begin_nested():
                        flows.confirm(session, candidate.id, actor=INVESTIGATOR, reason="流调核实：同场所近距离接触")
                    stats["confirmed"] += 1
                    managed.add(candidate.resident_id)
                except DomainError:
                    continue
            if len(free) > 2:
                service.dismiss(session, free[2].id, actor=INVESTIGATOR, reason="监控核实：未近距离接触")
                stats["dismissed"] += 1
    stats.update(tracing_chain.build(session, chain, actor=INVESTIGATOR))
    return stats
