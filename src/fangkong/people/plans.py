"""Storing engine plans (fangkong.policy.engine.Plan) as rows, and rebuilding them, in bulk.

Everything here speaks SQLAlchemy Core. Each person carries `plan_key`, a fingerprint of the
whole stored plan: most people share their plan with many others (same category, anchor,
identified date, pack), so bulk work (a policy switch, the daily status job, the
over-enforcement report) reads one representative plan per (plan_key, district), computes once,
and writes set-wise (`INSERT … SELECT`, `UPDATE … WHERE plan_key = …`), never one ORM object per person.
A phase's test days are stored as day numbers within the phase (1 = its first day).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, func, insert, literal, select
from sqlalchemy.orm import Session

from fangkong.people.managed_models import ManagedEvent, ManagedPerson, ManagedPhase, TestAppointment
from fangkong.policy import Plan, PlannedPhase

P = ManagedPerson.__table__.c
PH = ManagedPhase.__table__.c


def first_day(plan: Plan) -> date:
    return plan.phases[0].start if plan.phases else plan.release_on


def kind_on(plan: Plan, day: date) -> str | None:
    """The phase kind on `day`, or None outside every phase (before the plan, or released)."""
    for phase in plan.phases:
        if phase.start <= day <= phase.end:
            return phase.kind
    return None


def status_for(stored_status: str, starts_on: date, release_on: date, day: date) -> str:
    """pending before the first phase, in_phase during it, released on/after release_on; case stays case."""
    if stored_status == "case":
        return "case"
    if day >= release_on:
        return "released"
    if day < starts_on:
        return "pending"
    return "in_phase"


def status_on(person: ManagedPerson, day: date) -> str:
    return status_for(person.status, person.starts_on, person.release_on, day)


def plan_key(plan: Plan) -> str:
    """A fingerprint of everything stored about a plan (equal plans, equal keys)."""
    text = "|".join((
        plan.pack, plan.category, plan.anchor.isoformat(), plan.release_on.isoformat(), plan.owed_from.isoformat(),
        ",".join(plan.overrides),
        ";".join(
            f"{p.kind},{p.start},{p.end},{p.pack},{'/'.join(map(str, p.test_days))}"
            for p in plan.phases
        ),
    ))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def plan_columns(plan: Plan, today: date, stored_status: str = "pending") -> dict[str, Any]:
    """The managed_person columns that follow from a plan (as of `today`)."""
    starts_on = first_day(plan)
    return {
        "plan_key": plan_key(plan),
        "pack": plan.pack,
        "starts_on": starts_on,
        "release_on": plan.release_on,
        "overrides": list(plan.overrides),
        "status": status_for(stored_status, starts_on, plan.release_on, today),
        "phase_kind": kind_on(plan, today),
    }


def phase_rows(person_id: int, plan: Plan) -> list[dict]:
    return [
        {
            "person_id": person_id,
            "seq": seq,
            "kind": phase.kind,
            "starts_on": phase.start,
            "ends_on": phase.end,
            "test_days": [(day - phase.start).days + 1 for day in phase.test_days],
            "pack": phase.pack,
        }
        for seq, phase in enumerate(plan.phases, start=1)
    ]


def appointment_rows(person_id: int, plan: Plan, *, from_day: date | None = None) -> list[dict]:
    """One row per test day (on or after `from_day`); days before the identified date are not owed."""
    rows: dict[date, dict] = {}
    for seq, phase in enumerate(plan.phases, start=1):
        for day in phase.test_days:
            if from_day is None or day >= from_day:
                rows.setdefault(
                    day, {"person_id": person_id, "day": day, "phase_seq": seq, "owed": day >= plan.owed_from,
                          "result": None}
                )
    return list(rows.values())


def phase_from_row(row) -> PlannedPhase:
    start = row.starts_on
    return PlannedPhase(
        kind=row.kind,
        start=start,
        end=row.ends_on,
        test_days=tuple(start + timedelta(days=n - 1) for n in row.test_days),
        pack=row.pack,
    )


def plan_from_rows(person, phases: Sequence) -> Plan:
    """The stored plan of one person (a managed_person row or object, and its phase rows in seq order)."""
    return Plan(
        pack=person.pack,
        category=person.category,
        anchor=person.anchor,
        phases=tuple(phase_from_row(row) for row in phases),
        release_on=person.release_on,
        owed_from=person.identified_on,
        overrides=tuple(person.overrides or ()),
    )


PERSON_PLAN_COLUMNS = (P.id, P.pack, P.category, P.anchor, P.identified_on, P.release_on, P.overrides)
PHASE_COLUMNS = (PH.person_id, PH.seq, PH.kind, PH.starts_on, PH.ends_on, PH.test_days, PH.pack)


@dataclass(frozen=True)
class PlanGroup:
    """The people matching some conditions who share one stored plan and one district."""

    key: str
    district_id: int | None
    count: int
    plan: Plan

    def members(self, *conditions):
        """A select of the ids of this group's people (also matching `conditions`)."""
        district = P.district_id.is_(None) if self.district_id is None else P.district_id == self.district_id
        return select(P.id).where(P.plan_key == self.key, district, *conditions)


def plan_groups(session: Session, conditions: Iterable) -> list[PlanGroup]:
    """The people matching `conditions`, grouped by (plan_key, district), each with its plan read once."""
    rows = session.execute(
        select(P.plan_key, P.district_id, func.count(), func.min(P.id)).where(*conditions).group_by(
            P.plan_key, P.district_id
        )
    ).all()
    sample: dict[str, int] = {}
    for key, _district, _count, first_id in rows:
        sample.setdefault(key, first_id)
    plans: dict[int, Plan] = {}
    ids = list(sample.values())
    for chunk in _chunks(ids, 5_000):
        phases: dict[int, list] = {}
        query = select(*PHASE_COLUMNS).where(PH.person_id.in_(chunk)).order_by(PH.person_id, PH.seq)
        for row in session.execute(query):
            phases.setdefault(row.person_id, []).append(row)
        for person in session.execute(select(*PERSON_PLAN_COLUMNS).where(P.id.in_(chunk))):
            plans[person.id] = plan_from_rows(person, phases.get(person.id, ()))
    return [PlanGroup(key, district, count, plans[sample[key]]) for key, district, count, _ in rows]


def insert_group_events(
    session: Session, members, *, kind: str, at: datetime, actor, before: dict | None, after: dict | None
) -> None:
    """One history event per member of a group, set-wise."""
    user_id, name = actor_identity(actor)
    session.execute(insert(ManagedEvent).from_select(
        ["person_id", "at", "kind", "before", "after", "actor_user_id", "actor_name"],
        members.with_only_columns(
            P.id, literal(at, DateTime(timezone=True)), literal(kind, String), literal(before, JSON),
            literal(after, JSON), literal(user_id, Integer), literal(name, String),
        ),
    ))


def load_plan(session: Session, person: ManagedPerson) -> Plan:
    phases = session.execute(
        select(PH.person_id, PH.seq, PH.kind, PH.starts_on, PH.ends_on, PH.test_days, PH.pack)
        .where(PH.person_id == person.id)
        .order_by(PH.seq)
    ).all()
    return plan_from_rows(person, phases)


def insert_plans(session: Session, plans: Sequence[tuple[int, Plan]]) -> None:
    """Phases and every test appointment of freshly stored plans (executemany)."""
    phases = [row for person_id, plan in plans for row in phase_rows(person_id, plan)]
    appointments = [row for person_id, plan in plans for row in appointment_rows(person_id, plan)]
    if phases:
        session.execute(insert(ManagedPhase), phases)
    if appointments:
        session.execute(insert(TestAppointment), appointments)


def event_rows(
    person_ids: Iterable[int], *, kind: str, at: datetime, actor, before: Iterable[dict | None] | None = None,
    after: Iterable[dict | None] | None = None,
) -> list[dict]:
    user_id, name = actor_identity(actor)
    ids = list(person_ids)
    befores = list(before) if before is not None else [None] * len(ids)
    afters = list(after) if after is not None else [None] * len(ids)
    return [
        {"person_id": pid, "at": at, "kind": kind, "before": b, "after": a, "actor_user_id": user_id,
         "actor_name": name}
        for pid, b, a in zip(ids, befores, afters)
    ]


def insert_events(session: Session, rows: Sequence[dict]) -> None:
    if rows:
        session.execute(insert(ManagedEvent), rows)


def actor_identity(actor) -> tuple[int | None, str]:
    """(user id, name) of an Actor, or (None, "cli"/"system") for commands and jobs."""
    user = getattr(actor, "user", None)
    if user is not None:
        return user.id, user.username
    return None, actor if isinstance(actor, str) else "system"


def plan_summary(plan: Plan) -> dict:
    """A small JSON view of a plan for history and audit rows."""
    return {
        "pack": plan.pack,
        "release_on": plan.release_on.isoformat(),
        "phases": [[p.kind, p.start.isoformat(), p.end.isoformat()] for p in plan.phases],
        "overrides": list(plan.overrides),
    }


def same_plan(a: Plan, b: Plan) -> bool:
    return (a.pack, a.release_on, a.phases, tuple(a.overrides)) == (b.pack, b.release_on, b.phases, tuple(b.overrides))


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
