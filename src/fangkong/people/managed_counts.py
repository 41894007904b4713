"""People under management counted for figures (the dashboard): one grouped scan instead of a count per filter.

The buckets follow the list filters exactly (managed_queries.status_condition and in_phase_kind),
so a figure from here equals the total of the list with the same filters.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core.jurisdiction import Jurisdiction
from fangkong.people.managed_models import ManagedPlan as Plan
from fangkong.people.managed_queries import MP, PP, within
from fangkong.people.plans import status_for


@dataclass(frozen=True)
class ManagedCounts:
    by_status: Counter  # status on the day → people (pending, in_phase, and released/case on the day only)
    in_phase_by_category: Counter  # category → people in phase
    in_phase_by_kind: Counter  # phase kind on the day → people in phase (and not a case)
    releasing: int  # release_on == the day, whatever the status
    live_by_plan: Counter  # plan id → people not a case and not released on the day (pending or in phase)
    live_by_plan_district: Counter  # (plan id, district id) → the same people


def managed_counts(session: Session, *, scope: Jurisdiction, day: date) -> ManagedCounts:
    """Only people on a plan not released before `day` are read (every bucket here has release_on >= day).

    A person's category, first day and release day are copied from their plan, so people are counted
    per (plan, district, stored status) — an index-only scan of ix_managed_person_plan_district_status
    in its own order — and the plan's dates give each group its status on the day (plans.status_for)."""
    live_plans = select(Plan.id).where(Plan.release_on >= day)
    rows = session.execute(
        select(MP.plan_id, MP.district_id, MP.status, func.count())
        .where(within(scope), MP.plan_id.in_(live_plans)).group_by(MP.plan_id, MP.district_id, MP.status)
    ).all()
    # read after the people: a plan stored by a policy switch that commits in between is read too
    plans = {row.id: row for row in session.execute(
        select(Plan.id, Plan.category, Plan.starts_on, Plan.release_on).where(Plan.release_on >= day))}
    kinds = dict(session.execute(
        select(PP.plan_id, PP.kind).where(PP.plan_id.in_(live_plans), PP.starts_on <= day, PP.ends_on >= day)
    ).all()) if rows else {}
    by_status, by_category, by_kind, live, live_district, leaving = (Counter(), Counter(), Counter(), Counter(),
                                                                     Counter(), 0)
    for plan_id, district_id, stored_status, count in rows:
        plan = plans[plan_id]
        state = status_for(stored_status, plan.starts_on, plan.release_on, day)
        by_status[state] += count
        leaving += count if plan.release_on == day else 0
        if state in ("pending", "in_phase"):
            live[plan_id] += count
            live_district[(plan_id, district_id)] += count
        if state == "in_phase":
            by_category[plan.category] += count
            if plan_id in kinds:
                by_kind[kinds[plan_id]] += count
    return ManagedCounts(by_status, by_category, by_kind, leaving, live, live_district)


def managed_counts_once(session: Session, *, scope: Jurisdiction, day: date) -> ManagedCounts:
    """`managed_counts`, computed once per unit of work (several figures of one dashboard read it)."""
    key = ("managed_counts", scope.code, day)
    if key not in session.info:
        session.info[key] = managed_counts(session, scope=scope, day=day)
    return session.info[key]
