"""Retention: personal data of people released long ago is deleted; de-identified counts stay.

A purge removes every trace of a released person under management (the person row, test results,
history) whose release is more than `older_than_days` days in the past, first adding their counts
by release day, category and district to `retention_stat`; then the stored plans no one points at
any more (only they had them, or a policy switch moved everyone off them). It records one audit
row saying what it did. Residents themselves (the population register) are not touched.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import InvalidInput
from fangkong.people.managed_models import (
    ManagedEvent, ManagedPerson, ManagedPlan, ManagedPlanPhase, ManagedPlanTest, TestResult,
)
from fangkong.people.models import RetentionStat

BATCH = 5_000


@dataclass(frozen=True)
class PurgeReport:
    cutoff: date  # released before this day
    people: int
    results: int
    events: int
    plans: int  # stored plans no one points at any more
    dry_run: bool


def _purgeable(cutoff: date):
    released_before = select(ManagedPlan.id).where(ManagedPlan.release_on < cutoff)
    return select(ManagedPerson.id).where(ManagedPerson.status == "released", ManagedPerson.plan_id.in_(released_before))


def purge(session: Session, *, older_than_days: int, dry_run: bool = False, actor=None) -> PurgeReport:
    if older_than_days < 1:
        raise InvalidInput(
            "invalid_retention", "older_than: must be at least 1 day", details={"field": "older_than"}
        )
    today = clock.today()
    cutoff = today - timedelta(days=older_than_days)
    ids = list(session.scalars(_purgeable(cutoff)))
    plan_ids = _unused_plans(session, cutoff)
    counts = {
        "results": _count(session, TestResult.person_id, ids),
        "events": _count(session, ManagedEvent.person_id, ids),
        "plans": len(plan_ids),
    }
    report = PurgeReport(cutoff=cutoff, people=len(ids), dry_run=dry_run, **counts)
    if dry_run or not (ids or plan_ids):
        return report
    if ids:
        _keep_statistics(session, cutoff, today)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        for model in (TestResult, ManagedEvent):
            session.execute(delete(model).where(model.person_id.in_(batch)))
        session.execute(delete(ManagedPerson).where(ManagedPerson.id.in_(batch)))
    for start in range(0, len(plan_ids), BATCH):
        batch = plan_ids[start : start + BATCH]
        for column in (ManagedPlanTest.plan_id, ManagedPlanPhase.plan_id, ManagedPlan.id):
            session.execute(delete(column.table).where(column.in_(batch)))
    audit.record(
        session,
        actor=actor,
        actor_via="cli" if actor is None else "session",
        action="retention.purge",
        object_type="managed_person",
        after={k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(report).items()},
    )
    return report


def _unused_plans(session: Session, cutoff: date) -> list[int]:
    """The stored plans no one will point at after the purge (only purged people had them, or a switch
    moved everyone off them)."""
    kept = select(ManagedPerson.plan_id).where(ManagedPerson.id.not_in(_purgeable(cutoff)))
    return list(session.scalars(select(ManagedPlan.id).where(ManagedPlan.id.not_in(kept)).order_by(ManagedPlan.id)))


def _count(session: Session, column, ids: list[int]) -> int:
    total = 0
    for start in range(0, len(ids), BATCH):
        total += session.scalar(select(func.count()).where(column.in_(ids[start : start + BATCH]))) or 0
    return total


def _keep_statistics(session: Session, cutoff: date, today: date) -> None:
    grouped = session.execute(
        _purgeable(cutoff)
        .with_only_columns(
            ManagedPerson.release_on, ManagedPerson.category, ManagedPerson.district_id, func.count()
        )
        .group_by(ManagedPerson.release_on, ManagedPerson.category, ManagedPerson.district_id)
    ).all()
    session.execute(
        insert(RetentionStat),
        [
            {"purged_on": today, "release_on": r, "category": c, "district_id": d, "people": n}
            for r, c, d, n in grouped
        ],
    )
