"""Storing engine plans (fangkong.policy.engine.Plan) once each, reading them back, and bulk work on
the people who share them.

Everything here speaks SQLAlchemy Core. `plan_key` is a fingerprint of a whole plan; each distinct
plan is stored once (`managed_plan` with its phases and test days: `store_plans` finds or inserts
many at once) and people point at it. Bulk work (a policy switch, the daily status job, the
over-enforcement report) reads people as groups sharing (plan, district), reads each plan once,
computes once, and writes set-wise (`INSERT … SELECT`, `UPDATE … WHERE plan_id = …`), never one
ORM object per person.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, func, insert, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from fangkong.people.managed_models import (
    ManagedEvent, ManagedPerson, ManagedPlan, ManagedPlanPhase, ManagedPlanTest,
)
from fangkong.policy import Plan, PlannedPhase

P = ManagedPerson.__table__.c
PLAN, PHASE, TEST = ManagedPlan.__table__, ManagedPlanPhase.__table__, ManagedPlanTest.__table__
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
    """The managed_person columns copied from a plan (as of `today`); `plan_id` is the caller's."""
    starts_on = first_day(plan)
    return {
        "pack": plan.pack,
        "starts_on": starts_on,
        "release_on": plan.release_on,
        "status": status_for(stored_status, starts_on, plan.release_on, today),
        "phase_kind": kind_on(plan, today),
    }


def plan_row(plan: Plan) -> dict[str, Any]:
    return {
        "plan_key": plan_key(plan), "pack": plan.pack, "category": plan.category, "anchor": plan.anchor,
        "owed_from": plan.owed_from, "starts_on": first_day(plan), "release_on": plan.release_on,
        "overrides": list(plan.overrides),
    }


def phase_rows(plan_id: int, plan: Plan) -> list[dict]:
    return [
        {"plan_id": plan_id, "seq": seq, "kind": phase.kind, "starts_on": phase.start, "ends_on": phase.end,
         "pack": phase.pack}
        for seq, phase in enumerate(plan.phases, start=1)
    ]


def plan_test_rows(plan_id: int, plan: Plan) -> list[dict]:
    """One row per test day of the plan, with the seq of its phase."""
    rows: dict[date, dict] = {}
    for seq, phase in enumerate(plan.phases, start=1):
        for day in phase.test_days:
            rows.setdefault(day, {"plan_id": plan_id, "day": day, "phase_seq": seq})
    return list(rows.values())


def store_plans(conn: Connection, plans: Sequence[Plan]) -> list[int]:
    """The stored plan id of each of `plans`: found by plan key, or inserted once with its phases and test days.

    Safe against a concurrent transaction storing the same plan: the insert skips a key taken
    meanwhile (ON CONFLICT DO NOTHING) and its id is read afterwards.
    """
    keys = [plan_key(plan) for plan in plans]
    by_key = dict(zip(keys, plans))
    ids: dict[str, int] = {}
    for chunk in _chunks(list(by_key), 1_000):
        ids.update(conn.execute(select(PLAN.c.plan_key, PLAN.c.id).where(PLAN.c.plan_key.in_(chunk))).all())
    missing = [key for key in by_key if key not in ids]
    if missing:
        inserted = dict(conn.execute(_insert_new_plans(conn), [plan_row(by_key[key]) for key in missing]).all())
        phases = [row for key, plan_id in inserted.items() for row in phase_rows(plan_id, by_key[key])]
        tests = [row for key, plan_id in inserted.items() for row in plan_test_rows(plan_id, by_key[key])]
        for table, rows in ((PHASE, phases), (TEST, tests)):
            if rows:
                conn.execute(insert(table), rows)
        ids.update(inserted)
        taken = [key for key in missing if key not in ids]  # stored by another transaction meanwhile
        if taken:
            ids.update(conn.execute(select(PLAN.c.plan_key, PLAN.c.id).where(PLAN.c.plan_key.in_(taken))).all())
    return [ids[key] for key in keys]


def _insert_new_plans(conn: Connection):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(PLAN).on_conflict_do_nothing(index_elements=[PLAN.c.plan_key])
    return statement.returning(PLAN.c.plan_key, PLAN.c.id)


def load_plans(conn: Connection | Session, plan_ids: Iterable[int]) -> dict[int, Plan]:
    """The stored plans of these ids, rebuilt as engine plans."""
    plans: dict[int, Plan] = {}
    for chunk in _chunks(sorted(set(plan_ids)), 5_000):
        tests: dict[tuple[int, int], list[date]] = defaultdict(list)
        for row in conn.execute(select(TEST).where(TEST.c.plan_id.in_(chunk)).order_by(TEST.c.plan_id, TEST.c.day)):
            tests[(row.plan_id, row.phase_seq)].append(row.day)
        phases: dict[int, list[PlannedPhase]] = defaultdict(list)
        for row in conn.execute(select(PHASE).where(PHASE.c.plan_id.in_(chunk)).order_by(PHASE.c.plan_id, PHASE.c.seq)):
            phases[row.plan_id].append(PlannedPhase(
                kind=row.kind, start=row.starts_on, end=row.ends_on, test_days=tuple(tests[(row.plan_id, row.seq)]),
                pack=row.pack,
            ))
        for row in conn.execute(select(PLAN).where(PLAN.c.id.in_(chunk))):
            plans[row.id] = Plan(
                pack=row.pack, category=row.category, anchor=row.anchor, phases=tuple(phases[row.id]),
                release_on=row.release_on, owed_from=row.owed_from, overrides=tuple(row.overrides or ()),
            )
    return plans


def load_plan(session: Session, person: ManagedPerson) -> Plan:
    return load_plans(session, [person.plan_id])[person.plan_id]


def appointments(plan: Plan, results: Mapping[date, str]) -> list[dict]:
    """The plan's test days (owed from `owed_from` on) with their results, and results of days the plan
    no longer tests (a test done stays a fact after a switch), by day."""
    rows = {
        row["day"]: {"day": row["day"], "phase_seq": row["phase_seq"], "owed": row["day"] >= plan.owed_from,
                     "result": results.get(row["day"])}
        for row in plan_test_rows(0, plan)
    }
    for day, result in results.items():
        if day not in rows:
            seq = next((n for n, p in enumerate(plan.phases, start=1) if p.start <= day <= p.end), None)
            rows[day] = {"day": day, "phase_seq": seq, "owed": False, "result": result}
    return [rows[day] for day in sorted(rows)]


@dataclass(frozen=True)
class PlanGroup:
    """The people matching some conditions who share one stored plan and one district."""

    plan_id: int
    district_id: int | None
    count: int
    plan: Plan

    def members(self, *conditions):
        """A select of the ids of this group's people (also matching `conditions`)."""
        district = P.district_id.is_(None) if self.district_id is None else P.district_id == self.district_id
        return select(P.id).where(P.plan_id == self.plan_id, district, *conditions)


def plan_groups(session: Session, conditions: Iterable) -> list[PlanGroup]:
    """The people matching `conditions`, grouped by (plan, district), each plan read once."""
    rows = session.execute(
        select(P.plan_id, P.district_id, func.count()).where(*conditions).group_by(P.plan_id, P.district_id)
    ).all()
    plans = load_plans(session, {plan_id for plan_id, _, _ in rows})
    return [PlanGroup(plan_id, district, count, plans[plan_id]) for plan_id, district, count in rows]


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
