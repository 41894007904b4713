"""A transmission chain of four generations in the demo (issue 7 item 4), traced the way investigators do.

Five residents of the central districts, 甲 → 乙 → 丙 → 丁 → 戊, none under management nor a case:

  11-10 10:00  甲 and 乙 at one venue            11-11 20:00  甲 reported; 乙 confirmed as close contact
  11-11 15:00  乙 and 丙 at another (乙 not yet managed)   11-12 08:00  乙 reported; 丙 confirmed
  11-12 07:30  丙 and 丁 at a third (丙 not yet managed)   11-12 20:00  丙 reported; 丁 confirmed
  11-12 12:00  丁 and 戊 at a fourth (丁 not yet managed)  11-13 08:45  丁 reported; 戊 confirmed

Each step proposes the case's candidates with the pack in force (measures20 from 11-11) and
confirms the chain's next person; a contact reported as a case is escalated by the case register
(people.cases.register_case: no zones, those belong to demo/zones_scenario.py). The chain page
then shows one cluster of 4 cases, 4 generations. Scans go in with the demo's other scans.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.people import cases
from fangkong.tracing import flows, service

LINKS = 4  # 甲→乙, 乙→丙, 丙→丁, 丁→戊
# (day, minute of day) each pair met, and (day, hour, minute) each case was reported and traced
MET = ((date(2022, 11, 10), 600), (date(2022, 11, 11), 900), (date(2022, 11, 12), 450), (date(2022, 11, 12), 720))
TRACED = ((date(2022, 11, 11), 20, 0), (date(2022, 11, 12), 8, 0), (date(2022, 11, 12), 20, 0),
          (date(2022, 11, 13), 8, 45))
REASON = "流调核实：同场所近距离接触，后转为确诊（传播链）"


def _at(day: date, minute_of_day: int) -> datetime:
    return datetime.combine(day, time(0)).replace(tzinfo=clock.zone()) + timedelta(minutes=minute_of_day)


def plan(rng: random.Random, candidates: list[int], venues: list[int], row) -> tuple[list[int], list[tuple]]:
    """Choose the chain's five residents (from `candidates`) and its venues; return them and their scan rows
    (`row(resident_id, venue_id, at, stay)` builds one)."""
    if len(candidates) < LINKS + 1 or not venues:
        return [], []
    people = rng.sample(candidates, LINKS + 1)
    rows = []
    for n, (day, minute) in enumerate(MET):
        venue_id = rng.choice(venues)
        rows.append(row(people[n], venue_id, _at(day, minute), 40))
        rows.append(row(people[n + 1], venue_id, _at(day, minute + 10), 20))
    return people, rows


def build(session: Session, people: list[int], *, actor) -> dict:
    """Report, trace and confirm along the chain (the caller commits); returns counts."""
    stats = {"chain_cases": 0, "chain_confirmed": 0}
    if not people:
        return stats
    for n, (day, hour, minute) in enumerate(TRACED):
        with clock.frozen(datetime.combine(day, time(hour, minute)).replace(tzinfo=clock.zone())):
            case = cases.register_case(session, actor=actor, resident_id=people[n], reported_on=day)
            stats["chain_cases"] += 1
            proposed = service.propose(session, case.id, actor=actor)
            [link] = [c for c in proposed if c.resident_id == people[n + 1] and c.category == "close_contact"]
            flows.confirm(session, link.id, actor=actor, reason=REASON)
            stats["chain_confirmed"] += 1
    return stats
