"""The zones of the demo scenario: designated under ed9 before the switch of 2022-11-11, under measures20 after.

Replayed day by day from 2022-10-24 to 2022-11-13 on the generated city (after the people of
demo/scenario.py, in the same transaction), with the clock set to each moment, all before the
demo's "now" of 11-13 09:00:

  07:00  the daily lifting job (zones.service.run_daily) proposes what is due that day;
  07:30  cases reported that day are registered (zones.flows.register_case): under ed9 their
         compound becomes a proposed high-risk zone and a venue they frequented a medium-risk
         one; under measures20 their unit (some widened to the building, one to the whole
         compound: an override);
  08:00  the commander approves the day's lifting proposals — one a day late, one kept
         sealed for two more days (both show in the over-enforcement report); on 11-13 the
         day's proposals are left open (due today);
  08:15  the commander designates the day's proposals (one is rejected);
  08:30  full test rounds: daily in ed9 zones, on days 1 and 3 after sealing and the day
         before lifting in measures20 zones (pack `high_zone_testing`), all negative.

Fixed report days make a full ed9 two-step lifting (10-24) and lifts due on 11-13 (open),
11-14 and 11-15 (`fangkong zones proposals --date 2022-11-14`).
A few cases are second infections in a live zone (their streak restarts); the people of the
people scenario who became cases on 11-12 are registered too (the people scenario already holds
people who left a high-risk zone; this one adds nobody under management). About 200 zones per
3.1 million residents (the city had 119 high- and 40 medium-risk zones on 2022-11-03), at
least a dozen. Rounds go in with one executemany per day (zones.bulk).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.jurisdiction import CITY
from fangkong.people.managed_models import ManagedPerson
from fangkong.people.models import Resident
from fangkong.places.models import Building, Unit, Venue
from fangkong.policy import pack_in_force
from fangkong.zones import bulk, flows, service
from fangkong.zones.models import Zone, ZoneProposal, ZoneSpan

D = date.fromisoformat
FIRST_DAY, SWITCH_ON, DAY = D("2022-10-24"), D("2022-11-11"), D("2022-11-13")
PER_RESIDENT = 200 / 3_100_000
MINIMUM = 12
REJECT_AFTER_DAYS = 3  # the demo story: one proposal turned down by the commander a few days in
ACTOR = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="demo"))
COMMANDER = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via="demo-commander"))
ONE_DAY = timedelta(days=1)
FIXED_DAYS = tuple(D(d) for d in ("2022-10-24", "2022-11-07", "2022-11-08", "2022-11-09", "2022-11-12"))
SETTLED = D("2022-11-07")  # no new infection from this day on in the compounds of the fixed ed9 cases


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=clock.zone())


def build(session: Session, *, seed: int) -> dict:
    """Replay the zones of 2022-10-24 … 11-13 in `session` (the caller commits); returns counts."""
    rng = random.Random(f"{seed}:zones")
    first_id, last_id = session.execute(select(func.min(Resident.id), func.max(Resident.id))).one()
    if first_id is None:
        return {"cases": 0, "zones": 0}
    residents = last_id - first_id + 1
    total = min(max(round(residents * PER_RESIDENT), MINIMUM), residents // 20 or 1)
    managed = set(session.scalars(select(ManagedPerson.resident_id).where(ManagedPerson.resident_id.is_not(None))))
    pool = [rid for rid in rng.sample(range(first_id, last_id + 1), min(residents, total * 4)) if rid not in managed]
    homes = dict(session.execute(select(Resident.id, Resident.home_unit_id)
                                 .where(Resident.id.in_(pool), Resident.home_unit_id.is_not(None))).all())
    pool = [rid for rid in pool if rid in homes]
    venues = list(session.scalars(select(Venue.id).order_by(Venue.id).limit(500)))
    days = [FIRST_DAY + timedelta(days=n) for n in range((DAY - FIRST_DAY).days + 1)]
    schedule: dict[date, list[dict]] = {day: [] for day in days}
    people_cases = _people_cases(session)
    compound_of = dict(session.execute(
        select(Resident.id, Building.compound_id).join(Unit, Resident.home_unit_id == Unit.id)
        .join(Building, Unit.building_id == Building.id)
        .where(Resident.id.in_(pool + [c["resident_id"] for c in people_cases]))).all())
    taken = {compound_of.get(c["resident_id"]) for c in people_cases}  # they fall ill on 11-12
    fixed: list[int] = []
    for resident_id in pool:  # the fixed cases live in distinct compounds
        if len(fixed) < len(FIXED_DAYS) and compound_of[resident_id] not in taken:
            fixed.append(resident_id)
            taken.add(compound_of[resident_id])
    # nobody else falls ill from 11-07 in the compounds of the cases whose lifting is due on 11-13 … 11-15
    kept_clean = {compound_of[f] for f, day in zip(fixed, FIXED_DAYS) if SETTLED <= day < SWITCH_ON}
    chosen = fixed + [rid for rid in pool if rid not in fixed][:max(total - len(fixed), 0)]
    for index, resident_id in enumerate(chosen):
        # a few fixed days (a full ed9 two-step lifting; lifts due on 11-13, 11-14, 11-15 under measures20),
        # then two in three before the switch (ed9), the rest 11-11 … 11-13 (measures20)
        if index < len(fixed):
            day = FIXED_DAYS[index]
        else:
            day = days[rng.randrange(len(days) - 3)] if index % 3 else days[-3 + rng.randrange(3)]
            if day >= SETTLED and compound_of[resident_id] in kept_clean:
                day = days[rng.randrange((SETTLED - FIRST_DAY).days - 6)]
        frequent = {"frequent_venues": [rng.choice(venues)]} if venues and rng.random() < 0.25 else {}
        schedule[day].append({"resident_id": resident_id, **frequent})
    second_infections = max(2, total // 15)
    scheduled = set(chosen)
    stats = {"cases": 0, "zones": 0, "second_infections": 0, "rejected": 0, "late": 0, "kept_sealed": 0,
             "widened": 0}
    late_done = kept_done = rejected_done = compound_done = False
    for day in days:
        with clock.frozen(_at(day, 7)):
            service.run_daily(session, on=day, actor="system")
        # second infections: a resident of a live zone reported a few days after it was designated
        early = FIRST_DAY + timedelta(days=4) < day < SETTLED - 2 * ONE_DAY
        if stats["second_infections"] < second_infections and early and rng.random() < 0.5:
            resident_id = _resident_of_live_zone(session, rng, day, exclude=scheduled)
            if resident_id is not None:
                schedule[day].append({"resident_id": resident_id})
                stats["second_infections"] += 1
        if day == DAY - ONE_DAY:
            schedule[day] += people_cases
        proposed = []
        for n, case in enumerate(schedule[day]):
            with clock.frozen(_at(day, 7, 30 + n % 30)):
                source = case.pop("source", "lab")
                _, links = flows.register_case(session, actor=ACTOR, reported_on=day, source=source, **case)
            stats["cases"] += 1
            proposed += [link.zone_id for link in links if link.created]
        with clock.frozen(_at(day, 8)):
            for proposal in session.scalars(select(ZoneProposal).where(ZoneProposal.state == "open")
                                            .order_by(ZoneProposal.id)).all():
                if day == DAY:
                    break  # the demo's "now" is 11-13 09:00: the commander has not decided today's proposals yet
                if proposal.since < day or (late_done and kept_done):
                    service.approve_proposal(session, proposal.id, actor=COMMANDER)
                elif not late_done:
                    late_done = True  # left for tomorrow: approved a day late
                    stats["late"] += 1
                else:
                    kept_done = True
                    service.reject_proposal(session, proposal.id, actor=COMMANDER, keep_until=day + 2 * ONE_DAY,
                                            reason="周边小区仍有零星病例，暂缓解封两天")
                    stats["kept_sealed"] += 1
        with clock.frozen(_at(day, 8, 15)):
            for zone_id in proposed:
                if not rejected_done and (day - FIRST_DAY).days > REJECT_AFTER_DAYS:
                    rejected_done = True
                    service.reject(session, zone_id, actor=COMMANDER, reason="流调核实：感染者未在该处居住")
                    stats["rejected"] += 1
                    continue
                zone = service.approve(session, zone_id, actor=COMMANDER)
                stats["zones"] += 1
                if zone.granularity != "unit":
                    continue
                if day >= SWITCH_ON and rng.random() < 0.3:
                    service.widen(session, zone_id, actor=COMMANDER, to="building", reason="同楼栋多户共用楼梯")
                    stats["widened"] += 1
                elif day >= SWITCH_ON and not compound_done:
                    compound_done = True
                    service.widen(session, zone_id, actor=COMMANDER, to="compound", reason="传播链尚不清楚，扩大至整个小区")
                    stats["widened"] += 1
        bulk.insert_rounds(session, _rounds(session, day), recorded_by="demo-lab")
    return stats


def _resident_of_live_zone(session: Session, rng: random.Random, day: date, *, exclude: set[int]) -> int | None:
    """A resident of a zone in force since before `day`, not yet a case nor under management."""
    from fangkong.people.case_models import Case

    zone_ids = session.scalars(select(ZoneSpan.zone_id).where(ZoneSpan.starts_on < day, ZoneSpan.ends_on.is_(None))
                               .order_by(ZoneSpan.zone_id)).all()
    if not zone_ids:
        return None
    zone = service.get_zone(session, rng.choice(zone_ids), scope=CITY)
    items, _ = service.zone_residents(session, zone, scope=CITY, per_page=50)
    taken = set(session.scalars(select(Case.resident_id).where(Case.resident_id.in_([r["id"] for r in items]))))
    taken |= set(session.scalars(select(ManagedPerson.resident_id).where(
        ManagedPerson.resident_id.in_([r["id"] for r in items]))))
    candidates = [r["id"] for r in items if r["id"] not in taken and r["id"] not in exclude]
    return rng.choice(candidates) if candidates else None


def _people_cases(session: Session) -> list[dict]:
    """People under management who became cases on 11-12 (people scenario) enter the case register."""
    rows = session.scalars(select(ManagedPerson.resident_id).where(
        ManagedPerson.status == "case", ManagedPerson.resident_id.is_not(None)).order_by(ManagedPerson.id)).all()
    return [{"resident_id": rid, "source": "managed"} for rid in rows]


def _rounds(session: Session, day: date) -> list[tuple[int, datetime]]:
    """The full rounds of `day` in the zones in force, as the pack in force prescribes (plus the pre-lift one)."""
    testing = pack_in_force(day).zones.high_zone_testing
    rows = []
    for zone_id, starts_on in session.execute(
        select(ZoneSpan.zone_id, func.min(ZoneSpan.starts_on)).where(ZoneSpan.zone_id.in_(
            select(ZoneSpan.zone_id).where(ZoneSpan.starts_on <= day, ZoneSpan.ends_on.is_(None))
        )).group_by(ZoneSpan.zone_id).order_by(ZoneSpan.zone_id)
    ):
        sealed_day = (day - starts_on).days + 1
        if testing.daily or sealed_day in testing.full_round_days or _lift_due_tomorrow(session, zone_id, day):
            rows.append((zone_id, _at(day, 8, 30)))
    return rows


def _lift_due_tomorrow(session: Session, zone_id: int, day: date) -> bool:
    from fangkong.zones.models import ZoneInfection

    last = session.scalar(select(func.max(ZoneInfection.reported_on)).where(ZoneInfection.zone_id == zone_id))
    zones = pack_in_force(day).zones
    rule = next(r for r in zones.lifting if r.from_tier == zones.tiers[0])
    return last is not None and day + ONE_DAY >= last + timedelta(days=rule.clean_days + 1)


def summary(engine) -> dict:
    """Counts of the zones scenario in a database (for `fangkong demo`'s closing line)."""
    with Session(engine) as session:
        states = dict(session.execute(select(Zone.state, func.count()).group_by(Zone.state)).all())
        packs = dict(session.execute(select(Zone.pack, func.count()).group_by(Zone.pack)).all())
        open_proposals = session.scalar(select(func.count()).select_from(ZoneProposal)
                                        .where(ZoneProposal.state == "open")) or 0
    return {"states": states, "packs": packs, "open_proposals": open_proposals}
