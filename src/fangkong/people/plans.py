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

from sqlalchemy import (
    JSON, Boolean, Column, Date, DateTime, Index, Integer, MetaData, String, Table, and_, delete, exists, func, insert,
    literal, select, tuple_, update,
)
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



# ---------------------------------------------------------------- rewriting many groups at once

_TEMP = MetaData()
_GROUP = Table(
    "fk_rewrite_group", _TEMP,
    Column("grp", Integer, primary_key=True), Column("plan_key", String(32)), Column("district_key", Integer),
    Column("new_key", String(32)), Column("pack", String(20)), Column("status", String(12)),
    Column("phase_kind", String(32)), Column("starts_on", Date), Column("release_on", Date),
    Column("overrides", JSON), Column("before", JSON), Column("after", JSON),
    Index("ix_fk_rewrite_group_key", "plan_key", "district_key", unique=True),
    prefixes=["TEMPORARY"],
)
_MEMBER = Table(
    "fk_rewrite_member", _TEMP, Column("person_id", Integer, primary_key=True), Column("grp", Integer),
    prefixes=["TEMPORARY"],
)
_PHASE = Table(  # op: "drop" (delete the seq), "set" (update it), "add" (insert it)
    "fk_rewrite_phase", _TEMP,
    Column("grp", Integer, primary_key=True), Column("seq", Integer, primary_key=True), Column("op", String(4)),
    Column("kind", String(32)), Column("starts_on", Date), Column("ends_on", Date), Column("test_days", JSON),
    Column("pack", String(20)),
    prefixes=["TEMPORARY"],
)
_DAY = Table(  # op: "drop" (delete unless done), "set" (phase_seq, owed), "add" (insert unless present)
    "fk_rewrite_day", _TEMP,
    Column("grp", Integer, primary_key=True), Column("day", Date, primary_key=True), Column("op", String(4)),
    Column("phase_seq", Integer), Column("owed", Boolean),
    prefixes=["TEMPORARY"],
)
NO_DISTRICT = -1
SQLITE_REWRITE_CACHE_KIB = -262_144  # 256 MB of page cache for the rewrite, then back to the connection's own


def rewrite_groups(
    session: Session, writes: Sequence[tuple[PlanGroup, Plan]], *, from_day: date, conditions: Iterable,
    today: date, at: datetime, actor, event_kind: str, before: Sequence[dict], after: Sequence[dict],
) -> int:
    """Set-wise, for all groups at once: turn each group's stored plan into its new plan, from `from_day` on.

    What is written is what differs, as group by group: phases by seq (update, insert, delete);
    test appointments by day from `from_day` on (days before it were served, and an appointment
    with a result is never deleted: a test done is a fact); one history event per person
    (`before[i]`/`after[i]` for group i); the people's plan columns. The members are fixed first
    (one INSERT … SELECT into a temporary table), then each table is written by one statement
    per kind of change (DELETE/UPDATE … FROM/INSERT … SELECT joined on the temporary tables).
    Returns the number of people rewritten.
    """
    if not writes:
        return 0
    conn = session.connection()
    groups, phases, days = [], [], []
    for grp, ((group, plan), b, a) in enumerate(zip(writes, before, after, strict=True)):
        columns = plan_columns(plan, today)
        groups.append({
            "grp": grp, "plan_key": group.key,
            "district_key": NO_DISTRICT if group.district_id is None else group.district_id,
            "new_key": columns["plan_key"], "pack": columns["pack"], "status": columns["status"],
            "phase_kind": columns["phase_kind"], "starts_on": columns["starts_on"],
            "release_on": columns["release_on"], "overrides": columns["overrides"], "before": b, "after": a,
        })
        old_phases = {row["seq"]: row for row in phase_rows(0, group.plan)}
        new_phases = {row["seq"]: row for row in phase_rows(0, plan)}
        for seq in old_phases.keys() - new_phases.keys():
            phases.append({"grp": grp, "seq": seq, "op": "drop", "kind": None, "starts_on": None, "ends_on": None,
                           "test_days": None, "pack": None})
        for seq, row in new_phases.items():
            if seq not in old_phases or old_phases[seq] != row:
                values = {k: v for k, v in row.items() if k not in ("person_id", "seq")}
                phases.append({"grp": grp, "seq": seq, "op": "set" if seq in old_phases else "add", **values})
        old_days = {row["day"]: row for row in appointment_rows(0, group.plan, from_day=from_day)}
        new_days = {row["day"]: row for row in appointment_rows(0, plan, from_day=from_day)}
        for day in old_days.keys() - new_days.keys():
            days.append({"grp": grp, "day": day, "op": "drop", "phase_seq": None, "owed": None})
        for day, row in new_days.items():
            if day not in old_days:
                days.append({"grp": grp, "day": day, "op": "add", "phase_seq": row["phase_seq"], "owed": row["owed"]})
            elif (old_days[day]["phase_seq"], old_days[day]["owed"]) != (row["phase_seq"], row["owed"]):
                days.append({"grp": grp, "day": day, "op": "set", "phase_seq": row["phase_seq"], "owed": row["owed"]})

    sqlite = conn.dialect.name == "sqlite"
    if sqlite:  # measured at 200,000 plans: the default 2 MB page cache makes the UPDATEs re-read index pages
        cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size={SQLITE_REWRITE_CACHE_KIB}")
    for table in (_GROUP, _MEMBER, _PHASE, _DAY):
        table.drop(conn, checkfirst=True)
        table.create(conn)
    try:
        for table, rows in ((_GROUP, groups), (_PHASE, phases), (_DAY, days)):
            if rows:
                conn.execute(table.insert(), rows)
        G, M, X, Y = _GROUP.c, _MEMBER.c, _PHASE.c, _DAY.c
        district_key = func.coalesce(P.district_id, NO_DISTRICT)
        people = conn.execute(insert(_MEMBER).from_select(
            ["person_id", "grp"],
            select(P.id, G.grp).join_from(
                ManagedPerson.__table__, _GROUP, and_(G.plan_key == P.plan_key, G.district_key == district_key)
            ).where(*conditions),
        )).rowcount
        if conn.dialect.name == "postgresql":  # fresh temporary tables have no statistics: plans would guess
            for table in (_GROUP, _MEMBER, _PHASE, _DAY):
                conn.exec_driver_sql(f"ANALYZE {table.name}")

        ph, ap = ManagedPhase.__table__, TestAppointment.__table__
        # phases: delete dropped seqs, update changed ones, insert new ones
        conn.execute(delete(ph).where(tuple_(ph.c.person_id, ph.c.seq).in_(
            select(M.person_id, X.seq).join_from(_MEMBER, _PHASE, X.grp == M.grp).where(X.op == "drop")
        )))
        conn.execute(
            update(ph).values(kind=X.kind, starts_on=X.starts_on, ends_on=X.ends_on, test_days=X.test_days,
                              pack=X.pack)
            .where(ph.c.person_id == M.person_id, X.grp == M.grp, X.seq == ph.c.seq, X.op == "set")
        )
        conn.execute(insert(ph).from_select(
            ["person_id", "seq", "kind", "starts_on", "ends_on", "test_days", "pack"],
            select(M.person_id, X.seq, X.kind, X.starts_on, X.ends_on, X.test_days, X.pack)
            .join_from(_MEMBER, _PHASE, X.grp == M.grp).where(X.op == "add"),
        ))
        # appointments from `from_day` on: delete gone days not done, update changed ones, insert new days
        conn.execute(delete(ap).where(ap.c.result.is_(None), tuple_(ap.c.person_id, ap.c.day).in_(
            select(M.person_id, Y.day).join_from(_MEMBER, _DAY, Y.grp == M.grp).where(Y.op == "drop")
        )))
        conn.execute(
            update(ap).values(phase_seq=Y.phase_seq, owed=Y.owed)
            .where(ap.c.person_id == M.person_id, Y.grp == M.grp, Y.day == ap.c.day, Y.op == "set")
        )
        taken = exists().where(ap.c.person_id == M.person_id, ap.c.day == Y.day)
        conn.execute(insert(ap).from_select(
            ["person_id", "day", "phase_seq", "owed", "result"],
            select(M.person_id, Y.day, Y.phase_seq, Y.owed, literal(None, String))
            .join_from(_MEMBER, _DAY, Y.grp == M.grp).where(Y.op == "add", ~taken),
        ))
        # history, then the people (their plan_key last: the groups were matched by the old key)
        user_id, name = actor_identity(actor)
        conn.execute(insert(ManagedEvent.__table__).from_select(
            ["person_id", "at", "kind", "before", "after", "actor_user_id", "actor_name"],
            select(M.person_id, literal(at, DateTime(timezone=True)), literal(event_kind, String), G.before, G.after,
                   literal(user_id, Integer), literal(name, String))
            .join_from(_MEMBER, _GROUP, G.grp == M.grp).order_by(M.person_id),
        ))
        person = ManagedPerson.__table__
        conn.execute(
            update(person).values(
                plan_key=G.new_key, pack=G.pack, status=G.status, phase_kind=G.phase_kind, starts_on=G.starts_on,
                release_on=G.release_on, overrides=G.overrides, updated_at=at,
            ).where(person.c.id == M.person_id, G.grp == M.grp)
        )
    finally:
        for table in (_DAY, _PHASE, _MEMBER, _GROUP):
            table.drop(conn, checkfirst=True)
        if sqlite:
            conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
    return people
