"""The policy switch: every live plan recomputed with a new pack from the same anchor, at once.

`switch_policy(..., dry_run=True)` only reports; applying writes in the caller's transaction.
People are read as groups sharing one stored plan and district (people.plans.plan_groups): the
engine runs once per group, the report multiplies by the group's size, and applying stores the
few new plans and moves all changed groups to them at once, set-wise (people.plan_rewrite.move_groups:
history events, then the people themselves), with one audit row for the whole switch. Recorded
test results are facts and stay whatever the new plan.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError
from fangkong.core.jurisdiction import CITY, Jurisdiction
from fangkong.people import plan_rewrite
from fangkong.people import plans as stored
from fangkong.people.managed_models import ManagedPerson
from fangkong.people.managed_queries import within
from fangkong.people.overrides import apply_overrides, overrides_in_force
from fangkong.policy import Plan, centralized_days, get_pack, switch_plan

WINDOW_DAYS = 14


@dataclass
class SwitchReport:
    to_pack: str
    effective: date
    dry_run: bool
    total: int = 0  # live people considered (not a case, not released by the effective date)
    changed: int = 0  # whose phases or release date change
    released_at_once: int = 0  # released on the effective date
    phase_kind_changed: int = 0  # not released at once, in another kind of phase on the effective date
    freed_centralized: dict[date, int] = field(default_factory=dict)  # places freed per day (before − after)
    by_category: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "to": self.to_pack,
            "effective": self.effective.isoformat(),
            "dry_run": self.dry_run,
            "total": self.total,
            "changed": self.changed,
            "released_at_once": self.released_at_once,
            "phase_kind_changed": self.phase_kind_changed,
            "freed_centralized": [
                {"day": day.isoformat(), "places": places} for day, places in sorted(self.freed_centralized.items())
            ],
            "by_category": {k: dict(v) for k, v in sorted(self.by_category.items())},
        }


@dataclass(frozen=True)
class _Outcome:
    plan: Plan
    changed: bool
    rewrite: bool  # anything stored differs (also only the pack of the segments)
    released_at_once: bool
    kind_changed: bool
    freed: tuple[tuple[date, int], ...]


def switch_policy(
    session: Session,
    *,
    to_pack_id: str,
    effective: date,
    dry_run: bool = True,
    actor=None,
    scope: Jurisdiction | None = None,
) -> SwitchReport:
    """Recompute every live plan with `to_pack_id` from `effective` on; report, and apply unless a dry run.

    Days before `effective` stay as served; a new release on or before it (or a category the
    new pack does not identify) releases the person on `effective`. District overrides in
    force on `effective` are applied again where they touch no served day. A dry run may be
    scoped to the caller's jurisdiction; applying needs the whole city.
    """
    pack = get_pack(to_pack_id)
    scope = scope or getattr(actor, "jurisdiction", None) or CITY
    if not pack.in_force(effective):
        raise DomainError(
            "pack_not_in_force", f"pack {pack.id} is not in force on {effective.isoformat()}", status=409,
            details={"pack": pack.id, "effective": effective.isoformat()},
        )
    if not dry_run and not scope.is_city:
        raise DomainError(
            "city_scope_required", "a policy switch applies to the whole city: only a city-level user may apply it",
            status=403,
        )
    report = SwitchReport(to_pack=pack.id, effective=effective, dry_run=dry_run)
    window = [effective + timedelta(days=i) for i in range(WINDOW_DAYS)]
    freed: Counter[date] = Counter({day: 0 for day in window})
    categories: dict[str, Counter] = defaultdict(Counter)
    overrides = overrides_in_force(session, effective)
    conditions = [within(scope), ManagedPerson.status != "case", ManagedPerson.release_on > effective]
    writes: list[tuple[stored.PlanGroup, Plan]] = []
    for group in stored.plan_groups(session, conditions):
        local = overrides.get((group.district_id, group.plan.category), [])
        outcome = _switch_one(group.plan, pack, effective, local, window)
        n = group.count
        counts = categories[group.plan.category]
        for name, hit in (("total", True), ("changed", outcome.changed), ("released_at_once", outcome.released_at_once),
                          ("phase_kind_changed", outcome.kind_changed)):
            if hit:
                counts[name] += n
        for day, places in outcome.freed:
            freed[day] += places * n
        if outcome.rewrite:
            writes.append((group, outcome.plan))
    report.total = sum(c["total"] for c in categories.values())
    report.changed = sum(c["changed"] for c in categories.values())
    report.released_at_once = sum(c["released_at_once"] for c in categories.values())
    report.phase_kind_changed = sum(c["phase_kind_changed"] for c in categories.values())
    report.freed_centralized = {day: freed[day] for day in window}
    report.by_category = {
        category: {k: counts[k] for k in ("total", "changed", "released_at_once", "phase_kind_changed")}
        for category, counts in categories.items()
    }
    if not dry_run:
        _write(session, writes, conditions=conditions, effective=effective, actor=actor)
        audit.record(
            session, actor=actor, actor_via="cli", action="policy.switch",
            object_type="policy_pack", object_id=pack.id, after=report.to_dict(),
        )
    return report


def _switch_one(old: Plan, pack, effective: date, local: list, window: list[date]) -> _Outcome:
    new = switch_plan(old, pack, effective)
    if local:
        new = apply_overrides(new, local, not_before=effective)
    released = new.release_on == effective
    changed = _shape(old) != _shape(new)
    kind_changed = not released and stored.kind_on(old, effective) != stored.kind_on(new, effective)
    freed: tuple[tuple[date, int], ...] = ()
    if changed:
        first, last = window[0], window[-1]
        before = Counter(d for d in centralized_days(old) if first <= d <= last)
        after = Counter(d for d in centralized_days(new) if first <= d <= last)
        freed = tuple((day, before[day] - after[day]) for day in window if before[day] != after[day])
    return _Outcome(new, changed, not stored.same_plan(old, new), released, kind_changed, freed)


def _shape(plan: Plan) -> tuple:
    """What a person lives through: merged runs of (kind, first day, last day), test days, release."""
    runs: list[list] = []
    for p in plan.phases:
        if runs and runs[-1][0] == p.kind and runs[-1][2] + timedelta(days=1) == p.start:
            runs[-1][2] = p.end
        else:
            runs.append([p.kind, p.start, p.end])
    tests = tuple(d for p in plan.phases for d in p.test_days)
    return tuple(map(tuple, runs)), tests, plan.release_on


def _write(session: Session, writes: list, *, conditions: list, effective: date, actor) -> None:
    """Move every changed group to its new plan set-wise in one pass (people.plan_rewrite.move_groups), history
    included."""
    today, now = clock.today(), clock.now()
    plan_rewrite.move_groups(
        session, writes, conditions=conditions, today=today, at=now, actor=actor or "cli",
        event_kind="switched",
        before=[{"pack": group.plan.pack, "release_on": group.plan.release_on.isoformat()} for group, _ in writes],
        after=[
            {"pack": plan.pack, "release_on": plan.release_on.isoformat(), "effective": effective.isoformat()}
            for _, plan in writes
        ],
    )
    session.expire_all()  # ORM objects of these people hold the old plan
