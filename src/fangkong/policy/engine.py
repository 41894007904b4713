"""The engine: (pack, category, anchor, identified) → plan; switches; local overrides. Pure.

Counting convention (issue 4): the anchor date is day 0; the first phase starts on day 1;
phases follow without gaps; test days are numbered within each phase (day 1 = the phase's
first day); `release_on` is the day after the last phase day; days before the identified
date are not owed (`owed_from`).

A plan is a tuple of phase *segments*. After a switch a phase may be split in two segments
of the same kind, one per pack (the days served under the old pack keep their origin);
`centralized_days` and the over-enforcement check work by day, so the split is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from fangkong.policy.errors import CategoryNotIdentified, CategoryNotPlanned, OverrideRefused, UnknownOption
from fangkong.policy.schemas import SEVERITY, LocalOverride, Pack

ONE_DAY = timedelta(days=1)
# Memo of computed and switched plans per pack object (a switch of 200,000 plans sees few distinct
# anchors). Plans are immutable, so sharing them is safe. Keyed by id() with the pack kept alive,
# so an id is never reused while its entry exists.
_MEMO: dict[int, tuple[Pack, dict]] = {}
_MEMO_LIMIT = 200_000


def _memo(pack: Pack) -> dict:
    entry = _MEMO.get(id(pack))
    if entry is None or entry[0] is not pack:
        if len(_MEMO) > 64:
            _MEMO.clear()
        entry = _MEMO[id(pack)] = (pack, {})
    memo = entry[1]
    if len(memo) > _MEMO_LIMIT:
        memo.clear()
    return memo


@dataclass(frozen=True)
class PlannedPhase:
    kind: str  # centralized_quarantine | home_quarantine | home_monitoring | testing_only
    start: date
    end: date  # inclusive
    test_days: tuple[date, ...]
    pack: str  # id of the pack this segment comes from

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Plan:
    pack: str  # the pack in force for the plan now
    category: str
    anchor: date
    phases: tuple[PlannedPhase, ...]
    release_on: date  # the day after the last phase day
    owed_from: date  # days before it were not owed: tests before it were missed, not due
    overrides: tuple[str, ...] = ()  # ids of local overrides applied


# ---------------------------------------------------------------- computing a plan


def compute_plan(
    pack: Pack, category: str, anchor: date, identified: date | None = None, *, option: str | None = None
) -> Plan:
    """The plan `pack` prescribes; `option` picks one of the category's alternatives."""
    memo = _memo(pack)
    plan = memo.get((category, anchor, option))
    if plan is None:
        plan = memo[(category, anchor, option)] = _compute(pack, category, anchor, option)
    if identified is not None and identified > plan.owed_from:
        plan = replace(plan, owed_from=identified)
    return plan


def _compute(pack: Pack, category: str, anchor: date, option: str | None) -> Plan:
    cat = pack.category(category)
    if not cat.identified:
        raise CategoryNotIdentified(pack.id, category, cat.note)
    if not cat.planned:
        raise CategoryNotPlanned(pack.id, category, cat.note)
    try:
        phases = cat.option_phases(option)
    except KeyError:
        raise UnknownOption(pack.id, category, str(option), [a.id for a in cat.alternatives]) from None
    planned: list[PlannedPhase] = []
    start = anchor + ONE_DAY
    for phase in phases:
        end = start + timedelta(days=phase.days - 1)
        tests = tuple(start + timedelta(days=day - 1) for day in phase.test_days)
        planned.append(PlannedPhase(phase.kind, start, end, tests, pack.id))
        start = end + ONE_DAY
    return Plan(pack.id, category, anchor, tuple(planned), start, anchor + ONE_DAY)


def phase_on(plan: Plan, day: date) -> PlannedPhase | None:
    """The segment the plan occupies on `day` (None before the first day and from release on)."""
    for phase in plan.phases:
        if phase.holds(day):
            return phase
    return None


def scheduled_tests(plan: Plan) -> list[date]:
    return [day for phase in plan.phases for day in phase.test_days]


def centralized_days(plan: Plan) -> list[date]:
    """Every day the plan occupies a centralized-quarantine place."""
    days: list[date] = []
    for phase in plan.phases:
        if phase.kind == "centralized_quarantine":
            days.extend(phase.start + timedelta(days=i) for i in range(phase.days))
    return days


def plan_to_json(plan: Plan) -> dict:
    """The CLI/API contract: exactly pack, category, anchor, phases[kind, start, end, test_days], release_on."""
    return {
        "pack": plan.pack,
        "category": plan.category,
        "anchor": plan.anchor.isoformat(),
        "phases": [
            {
                "kind": p.kind,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "test_days": [d.isoformat() for d in p.test_days],
            }
            for p in plan.phases
        ],
        "release_on": plan.release_on.isoformat(),
    }


# ---------------------------------------------------------------- switching packs


def _served_before(phases: tuple[PlannedPhase, ...], effective: date) -> list[PlannedPhase]:
    kept = []
    for p in phases:
        if p.end < effective:
            kept.append(p)
        elif p.start < effective:
            end = effective - ONE_DAY
            kept.append(PlannedPhase(p.kind, p.start, end, tuple(d for d in p.test_days if d <= end), p.pack))
    return kept


def _from(phases: tuple[PlannedPhase, ...], effective: date) -> list[PlannedPhase]:
    kept = []
    for p in phases:
        if p.start >= effective:
            kept.append(p)
        elif p.end >= effective:
            kept.append(PlannedPhase(p.kind, effective, p.end, tuple(d for d in p.test_days if d >= effective), p.pack))
    return kept


def _splice(current: Plan, new_pack: Pack, effective: date, option: str | None) -> Plan:
    served = _served_before(current.phases, effective)
    cat = new_pack.category(current.category)
    new = compute_plan(new_pack, current.category, current.anchor, option=option) if cat.identified else None
    if new is None or new.release_on <= effective:
        # released at once; a plan not yet begun is over before its day 1
        phases, release_on = served, max(effective, current.anchor + ONE_DAY)
    else:
        phases, release_on = served + _from(new.phases, effective), new.release_on
    return Plan(new_pack.id, current.category, current.anchor, tuple(phases), release_on, current.owed_from)


def switch_plan(current: Plan, new_pack: Pack, effective: date) -> Plan:
    """Recompute `current` with `new_pack` from the same anchor, from `effective` on.

    Days before `effective` stay as served (copied from `current`, with their pack). If
    `current` was already released on or before `effective` it is returned unchanged. If the
    new pack releases on or before `effective`, or does not identify the category, the plan
    ends the day before `effective` and `release_on = effective`. Local overrides are not
    carried over: the caller re-applies those still in force with `apply_override`.
    The new pack's default plan is used (not an alternative).
    """
    if current.release_on <= effective:
        return current
    memo = _memo(new_pack)
    key = ("switch", current, effective)
    switched = memo.get(key)
    if switched is None:
        switched = memo[key] = _splice(current, new_pack, effective, None)
    return switched


# ---------------------------------------------------------------- local overrides


def apply_override(plan: Plan, override: LocalOverride) -> Plan:
    """Stricter only: extend the last run of `phase_kind` by `extra_days` and/or add test days.

    The run is the last stretch of contiguous segments of that kind; `extra_test_days` are
    numbered within the extended run (day 1 = its first day). Later phases move later by
    `extra_days`, and so does `release_on`.
    """
    if override.id in plan.overrides:
        raise OverrideRefused(f"override {override.id} is already applied to this plan")
    indices = [i for i, p in enumerate(plan.phases) if p.kind == override.phase_kind]
    if not indices:
        raise OverrideRefused(
            f"override {override.id}: the {plan.category} plan has no {override.phase_kind} phase to make stricter"
        )
    last = indices[-1]
    first = last
    while first > 0 and plan.phases[first - 1].kind == override.phase_kind:
        first -= 1
    run_start = plan.phases[first].start
    run_days = sum(p.days for p in plan.phases[first : last + 1]) + override.extra_days
    for index, day in enumerate(override.extra_test_days):
        if day > run_days:
            raise OverrideRefused(
                f"override {override.id}: extra_test_days[{index}]: test day {day} is outside "
                f"the extended {override.phase_kind} phase (1..{run_days})"
            )
    shift = timedelta(days=override.extra_days)
    extra_dates = {run_start + timedelta(days=d - 1) for d in override.extra_test_days}
    phases: list[PlannedPhase] = []
    for i, p in enumerate(plan.phases):
        if i == last:
            p = replace(p, end=p.end + shift)
        elif i > last:
            p = replace(p, start=p.start + shift, end=p.end + shift, test_days=tuple(d + shift for d in p.test_days))
        if first <= i <= last:
            p = replace(p, test_days=tuple(sorted(set(p.test_days) | {d for d in extra_dates if p.holds(d)})))
        phases.append(p)
    return replace(
        plan, phases=tuple(phases), release_on=plan.release_on + shift, overrides=(*plan.overrides, override.id)
    )


# ---------------------------------------------------------------- over-enforcement


def _ranges(days: list[date]) -> str:
    spans: list[list[date]] = []
    for day in sorted(days):
        if spans and day == spans[-1][1] + ONE_DAY:
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return ", ".join(str(a) if a == b else f"{a}..{b}" for a, b in spans)


def _compare(plan: Plan, expected: Plan, since: date, pack_id: str) -> list[str]:
    reasons: list[str] = []
    if plan.release_on > expected.release_on:
        late = (plan.release_on - expected.release_on).days
        reasons.append(
            f"longer: released on {plan.release_on}, {late} day{'s' if late > 1 else ''} after "
            f"{expected.release_on} prescribed by {pack_id}"
        )
    harsher: dict[tuple[str, str], list[date]] = {}
    day = since
    while day < min(plan.release_on, expected.release_on):
        mine, theirs = phase_on(plan, day), phase_on(expected, day)
        if mine and theirs and SEVERITY[mine.kind] > SEVERITY[theirs.kind]:
            harsher.setdefault((mine.kind, theirs.kind), []).append(day)
        day += ONE_DAY
    for (mine_kind, their_kind), days in harsher.items():
        reasons.append(f"harsher: {mine_kind} where {pack_id} prescribes {their_kind} on {_ranges(days)}")
    prescribed = set(scheduled_tests(expected))
    extra = [d for d in scheduled_tests(plan) if since <= d < expected.release_on and d not in prescribed]
    if extra:
        reasons.append(f"more tests: {', '.join(map(str, sorted(set(extra))))} not prescribed by {pack_id}")
    return reasons


def stricter_than(plan: Plan, pack: Pack) -> list[str]:
    """Why `plan` is stricter than what `pack` prescribes for it (empty: it is not).

    Only days from `pack.effective_from` on are judged (earlier days were served under the
    pack then in force). The expectation is the plan switched to `pack` on that day; when
    the pack allows alternatives, the plan is judged against the closest one.
    """
    since = pack.effective_from
    if plan.release_on <= since:
        return []
    cat = pack.category(plan.category)
    if not cat.identified:
        expected = _splice(plan, pack, since, None)
        reasons = _compare(plan, expected, since, pack.id)
        return [f"{pack.id} does not identify {plan.category}", *reasons] if reasons else []
    if not cat.planned:
        return []
    judged = [_compare(plan, _splice(plan, pack, since, option), since, pack.id) for option in cat.options]
    return min(judged, key=len)
