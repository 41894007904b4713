"""People under management counted for figures (the dashboard): one grouped scan instead of a count per filter.

The buckets follow the list filters exactly (managed_queries.status_condition and in_phase_kind),
so a figure from here equals the total of the list with the same filters.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fangkong.core.jurisdiction import Jurisdiction
from fangkong.people.managed_queries import MP, PP, within


@dataclass(frozen=True)
class ManagedCounts:
    by_status: Counter  # status on the day → people (pending, in_phase, and released/case on the day only)
    in_phase_by_category: Counter  # category → people in phase
    in_phase_by_kind: Counter  # phase kind on the day → people in phase (and not a case)
    releasing: int  # release_on == the day, whatever the status
    live_by_plan: Counter  # plan id → people not a case and not released on the day (pending or in phase)
    live_by_plan_district: Counter  # (plan id, district id) → the same people


def managed_counts(session: Session, *, scope: Jurisdiction, day: date) -> ManagedCounts:
    """Only people not released before `day` are read (every bucket here has release_on >= day): the
    index on release_on keeps the scan to the live people, not everyone ever managed."""
    status = case((MP.status == "case", "case"), (MP.release_on <= day, "released"), (MP.starts_on > day, "pending"),
                  else_="in_phase")
    releasing = case((MP.release_on == day, 1), else_=0)
    rows = session.execute(
        select(MP.category, status, MP.plan_id, MP.district_id, func.count(), func.sum(releasing))
        .where(within(scope), MP.release_on >= day).group_by(MP.category, status, MP.plan_id, MP.district_id)
    ).all()
    plan_ids = sorted({row[2] for row in rows})
    kinds = dict(session.execute(
        select(PP.plan_id, PP.kind).where(PP.plan_id.in_(plan_ids), PP.starts_on <= day, PP.ends_on >= day)
    ).all()) if plan_ids else {}
    by_status, by_category, by_kind, live, live_district, leaving = (Counter(), Counter(), Counter(), Counter(),
                                                                     Counter(), 0)
    for category, state, plan_id, district_id, count, releases in rows:
        by_status[state] += count
        leaving += int(releases or 0)
        if state in ("pending", "in_phase"):
            live[plan_id] += count
            live_district[(plan_id, district_id)] += count
        if state == "in_phase":
            by_category[category] += count
            if plan_id in kinds:
                by_kind[kinds[plan_id]] += count
    return ManagedCounts(by_status, by_category, by_kind, leaving, live, live_district)


def managed_counts_once(session: Session, *, scope: Jurisdiction, day: date) -> ManagedCounts:
    """`managed_counts`, computed once per unit of work (several figures of one dashboard read it)."""
    key = ("managed_counts", scope.code, day)
    if key not in session.info:
        session.info[key] = managed_counts(session, scope=scope, day=day)
    return session.info[key]
