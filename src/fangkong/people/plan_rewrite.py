"""Rewriting many plan groups at once, set-wise (a policy switch): temporary tables of the new plans,
then one DELETE / UPDATE … FROM / INSERT … SELECT per kind of change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import (
    JSON, Boolean, Column, Date, DateTime, Index, Integer, MetaData, String, Table, and_, delete, exists, func, insert,
    literal, select, tuple_, update,
)
from sqlalchemy.orm import Session

from fangkong.people.managed_models import ManagedEvent, ManagedPerson, ManagedPhase, TestAppointment
from fangkong.people.plans import P, PlanGroup, actor_identity, appointment_rows, phase_rows, plan_columns
from fangkong.policy import Plan


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
