"""The demo scenario on 2022-11-13: people under management before and after the switch of 2022-11-11.

Replayed on the generated city, in one transaction, with the clock set to each moment:
  1. 2022-10-26 … 11-10: people of every category ed9 identifies are put under management
     (anchors from late October to 11-10), a few non-residents with a passport or another
     document among them; tests up to 11-10 get negative results (four people in five).
  2. 2022-11-11 08:00: the city switches to measures20 (people.switch.switch_policy, applied:
     exactly what 大同 did): plans recomputed from the same anchors, secondary contacts and
     medium-risk-zone arrivals released at once.
  3. 11-11 … 11-13: new people anchored under measures20; tests of 11-11 and 11-12 get results,
     a couple of them positive (those people become cases).
  4. 2022-11-13 06:00: the daily status job (pending → in phase → released) with history.

About 0.2 % of the residents (at least 60 people, so a small city still has every category).
The same seed and city give the same people, plans, results and cases. Rows go in through
people.bulk.insert_managed (COPY / executemany), never one ORM object per person.
"""

from __future__ import annotations

import random
import time as timer
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import DateTime, String, exists, func, insert, literal, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.jurisdiction import CITY
from fangkong.core.pii import get_cipher
from fangkong.demo import (
    enterprises_scenario, hotline_scenario, lab_scenario, quarantine_scenario, supplies_scenario, tracing_scenario,
    zones_scenario,
)
from fangkong.people import bulk
from fangkong.people.managed import record_result
from fangkong.people.managed_models import ManagedPerson, ManagedPlan, ManagedPlanTest, TestResult
from fangkong.people.managed_queries import advance_statuses
from fangkong.people.models import Resident
from fangkong.people.switch import switch_policy
from fangkong.policy import compute_plan, get_pack

D = date.fromisoformat
DAY = D("2022-11-13")  # the day of the scenario (the seed page)
SWITCH_ON = D("2022-11-11")
FIRST_ANCHOR = D("2022-10-26")
SHARE = 0.002  # of the residents
MINIMUM = 60
CASES = 3
ACTOR = "demo"

# category: (weight, source) before and after the switch (measures20 identifies fewer categories)
BEFORE = {
    "close_contact": (35, "tracing"), "secondary_contact": (15, "tracing"), "inbound": (6, "inbound"),
    "from_high_risk_zone": (12, "zone"), "from_medium_risk_zone": (10, "zone"), "from_low_risk_zone": (10, "zone"),
    "high_risk_job": (12, "job"),
}
AFTER = {
    "close_contact": (50, "tracing"), "inbound": (10, "inbound"), "from_high_risk_zone": (15, "zone"),
    "from_low_risk_zone": (15, "zone"), "high_risk_job": (10, "job"),
}
SHARE_AFTER = 0.3
FOREIGN_NAMES = (
    "SMITH JOHN", "KIM MINJUN", "TANAKA YUKI", "MULLER ANNA", "IVANOV SERGEI", "NGUYEN VAN AN", "GARCIA MARIA",
    "KHAN AYESHA", "DUBOIS LUC", "SILVA PEDRO",
)


@dataclass(frozen=True)
class ScenarioSummary:
    people: int
    non_residents: int
    before_switch: int
    after_switch: int
    switched: int  # people whose plan the switch rewrote
    released_at_once: int
    cases: int
    results: int
    seconds: float


def scenario_size(residents: int) -> int:
    return min(max(round(residents * SHARE), MINIMUM), residents // 2)


def build_scenario(engine: Engine, *, seed: int) -> ScenarioSummary:
    """Put the scenario's people under management in the city of `engine` (one transaction)."""
    started = timer.perf_counter()
    with Session(engine) as session, session.begin():
        summary = _build(session, seed)
        zones_scenario.build(session, seed=seed)  # the zones of the same days (demo/zones_scenario.py)
        tracing_scenario.build(session, seed=seed)  # scans and contact candidates (demo/tracing_scenario.py)
        lab_scenario.build(session, seed=seed)  # a testing round with positive pools (demo/lab_scenario.py)
        quarantine_scenario.build(session, seed=seed)  # sites near capacity, freed by the switch
        hotline_scenario.build(session, seed=seed)  # 12345 tickets round their loop (demo/hotline_scenario.py)
        supplies_scenario.build(session, seed=seed)  # supply points, packs, orders to sealed households
        enterprises_scenario.build(session, seed=seed)  # work resumption (demo/enterprises_scenario.py)
    return ScenarioSummary(**summary, seconds=timer.perf_counter() - started)


def _build(session: Session, seed: int) -> dict:
    rng = random.Random(f"{seed}:scenario")
    first_id, last_id = session.execute(select(func.min(Resident.id), func.max(Resident.id))).one()
    residents = 0 if first_id is None else last_id - first_id + 1
    size = scenario_size(residents)
    if size <= 0:
        return dict(people=0, non_residents=0, before_switch=0, after_switch=0, switched=0, released_at_once=0,
                    cases=0, results=0)
    non_residents = max(2, size // 50)
    chosen = sorted(rng.sample(range(first_id, last_id + 1), size - non_residents))
    where = {}
    for start in range(0, len(chosen), 1_000):
        rows = session.execute(
            select(Resident.id, Resident.name, Resident.district_id, Resident.community_id)
            .where(Resident.id.in_(chosen[start:start + 1_000]))
        )
        where.update({row.id: row for row in rows})
    chosen = [rid for rid in chosen if rid in where]
    next_id = (session.scalar(select(func.max(ManagedPerson.id))) or 0) + 1

    after_count = round(len(chosen) * SHARE_AFTER)
    people = []  # (person dict, plan), ids in creation order
    cipher = get_cipher()
    # who: residents first (a random order), non-residents spread among them
    slots = [("resident", rid) for rid in chosen] + [("document", i) for i in range(non_residents)]
    rng.shuffle(slots)
    after_slots = set(range(len(slots) - after_count - non_residents // 2, len(slots)))
    ed9, m20 = get_pack("ed9"), get_pack("measures20")
    for index, (kind, ref) in enumerate(slots):
        later = index in after_slots
        table = AFTER if later else BEFORE
        if kind == "document":
            category, source = ("inbound", "inbound") if ref % 3 else ("close_contact", "tracing")
        else:
            category = rng.choices(list(table), weights=[w for w, _ in table.values()])[0]
            source = table[category][1]
        if later:
            anchor = SWITCH_ON + timedelta(days=rng.randint(0, 2))
            identified = min(anchor + timedelta(days=rng.randint(0, 1)), DAY)
            pack = m20
        else:
            anchor = FIRST_ANCHOR + timedelta(days=rng.randint(0, (SWITCH_ON - FIRST_ANCHOR).days - 1))
            identified = min(anchor + timedelta(days=rng.randint(0, 2)), SWITCH_ON - timedelta(days=1))
            pack = ed9
        option = "centralized" if category == "high_risk_job" and pack is ed9 and rng.random() < 0.3 else None
        if rng.random() < 0.05:
            source = "manual"
        at = datetime.combine(identified, time(8)) + timedelta(minutes=rng.randint(0, 600))
        person = {
            "category": category, "anchor": anchor, "identified_on": identified, "source": source,
            "created_at": at.replace(tzinfo=clock.zone()), "later": later,
        }
        if kind == "resident":
            home = where[ref]
            person.update(resident_id=ref, name=home.name, district_id=home.district_id,
                          community_id=home.community_id)
        else:
            document_kind = "passport" if ref % 4 else "other"
            number = (f"E{rng.randint(10_000_000, 99_999_999)}" if document_kind == "passport"
                      else f"HK{rng.randint(1_000_000, 9_999_999)}")
            stay = where[rng.choice(chosen)] if chosen else None
            person.update(
                name=FOREIGN_NAMES[ref % len(FOREIGN_NAMES)], document_kind=document_kind,
                document_enc=cipher.encrypt(number), document_mac=cipher.lookup_mac(f"{document_kind}:{number}"),
                district_id=stay.district_id if stay else None, community_id=stay.community_id if stay else None,
            )
        plan = compute_plan(pack, category, anchor, identified, option=option)
        people.append((person, plan))
    # creation order = time order, ids follow it
    people.sort(key=lambda item: item[0]["created_at"])
    for offset, (person, _plan) in enumerate(people):
        person["id"] = next_id + offset
        person["updated_at"] = person["created_at"]
    before = [(p, plan) for p, plan in people if not p["later"]]
    after = [(p, plan) for p, plan in people if p["later"]]
    conn = session.connection()
    actor = SimpleNamespace(jurisdiction=CITY, user=None, principal=SimpleNamespace(via=ACTOR))

    # 1. before the switch, under ed9; results of the tests done up to 11-10
    with clock.frozen(_at(SWITCH_ON - timedelta(days=1), 20)):
        bulk.insert_managed(conn, [p for p, _ in before], [plan for _, plan in before], actor=ACTOR)
        results = _negative_results(session, next_id, SWITCH_ON - timedelta(days=1))
    # 2. the switch of 2022-11-11
    with clock.frozen(_at(SWITCH_ON, 8)):
        report = switch_policy(session, to_pack_id="measures20", effective=SWITCH_ON, dry_run=False, actor=ACTOR)
    # 3. new people under measures20; results of 11-11 and 11-12, a few positive
    with clock.frozen(_at(DAY, 9)):
        bulk.insert_managed(conn, [p for p, _ in after], [plan for _, plan in after], actor=ACTOR)
    cases = _cases(session, rng, actor)
    with clock.frozen(_at(DAY, 9)):
        results += _negative_results(session, next_id, DAY - timedelta(days=1), since=SWITCH_ON)
    # 4. the daily status job of 11-13
    with clock.frozen(_at(DAY, 6)):
        advance_statuses(session, on=DAY, actor="system")
        summary = dict(
            people=len(people), non_residents=non_residents, before_switch=len(before), after_switch=len(after),
            switched=report.changed, released_at_once=report.released_at_once, cases=len(cases),
            results=results + len(cases),
        )
        audit.record(session, actor=actor, action="demo.scenario", object_type="managed_person",
                     after={**summary, "seed": seed})
    return summary


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour)).replace(tzinfo=clock.zone())


def _owed_tests(first_id: int, since: date | None, until: date):
    """A select of (person id, day) of the owed tests from `since` to `until` of the scenario's people."""
    p, t, plan = ManagedPerson, ManagedPlanTest, ManagedPlan
    conditions = [p.id >= first_id, t.day <= until, t.day >= plan.owed_from]
    if since is not None:
        conditions.append(t.day >= since)
    return (
        select(p.id, t.day).join(t, t.plan_id == p.plan_id).join(plan, plan.id == p.plan_id).where(*conditions)
        .where(~exists().where(TestResult.person_id == p.id, TestResult.day == t.day))
    )


def _negative_results(session: Session, first_id: int, until: date, since: date | None = None) -> int:
    """Negative results for the owed tests up to `until` of four people in five (ids not divisible by 5)."""
    tests = _owed_tests(first_id, since, until).where(ManagedPerson.id % 5 != 0)
    columns = tests.add_columns(literal("negative", String), literal(clock.now(), DateTime(timezone=True)))
    return session.execute(
        insert(TestResult).from_select(["person_id", "day", "result", "recorded_at"], columns),
        execution_options={"preserve_rowcount": True},  # an INSERT's rowcount is not kept otherwise
    ).rowcount


def _cases(session: Session, rng: random.Random, actor) -> list[int]:
    """A few people with a test on 11-12 still to be done get a positive result: they become cases."""
    day = DAY - timedelta(days=1)
    candidates = session.execute(
        _owed_tests(0, day, day).where(ManagedPerson.status != "case").with_only_columns(ManagedPerson.id)
        .order_by(ManagedPerson.id)
    ).scalars().all()
    chosen = sorted(rng.sample(candidates, min(CASES, len(candidates))))
    with clock.frozen(_at(day, 15)):
        for person_id in chosen:
            record_result(session, person_id, day=day, result="positive", actor=actor)
    return chosen
