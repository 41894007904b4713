"""Hypothesis properties over every planned category (and alternative) of both packs.

The switch property, stated precisely: a plan already released on or before the effective
date is unchanged; otherwise days before the effective date are the old plan's, days from
it are the new pack's plan from the same anchor, and release_on = max(effective, new
release_on) (= effective when the new pack does not identify the category). Hence a switch
never moves a release later when the new pack's plan for the category is no longer than the
old one; that holds for every category of ed9 → measures20 (checked below), while
measures20 → ed9 does lengthen plans.
"""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from policy.planning import ED9, M20

from fangkong.policy.engine import (
    apply_override,
    centralized_days,
    compute_plan,
    phase_on,
    scheduled_tests,
    stricter_than,
    switch_plan,
)
from fangkong.policy.schemas import CATEGORY_CODES, LocalOverride

ONE = timedelta(days=1)
PACKS = (ED9, M20)
PLANNED = [
    (pack, code, option)
    for pack in PACKS
    for code in CATEGORY_CODES
    if pack.category(code).identified and pack.category(code).planned
    for option in pack.category(code).options
]
anchors = st.dates(date(2000, 1, 1), date(2099, 12, 31))


def assert_well_formed(plan, anchor):
    assert plan.phases, plan
    assert plan.phases[0].start == anchor + ONE
    for before, after in zip(plan.phases, plan.phases[1:]):
        assert after.start == before.end + ONE  # contiguous, no gap, no overlap
    for phase in plan.phases:
        assert phase.start <= phase.end
        assert list(phase.test_days) == sorted(set(phase.test_days))
        assert all(phase.start <= day <= phase.end for day in phase.test_days)
    assert plan.release_on == plan.phases[-1].end + ONE
    assert plan.release_on > anchor


@given(st.sampled_from(PLANNED), anchors, st.one_of(st.none(), st.integers(-20, 40)))
def test_plans_are_well_formed(planned, anchor, identified_offset):
    pack, code, option = planned
    identified = None if identified_offset is None else anchor + timedelta(days=identified_offset)
    plan = compute_plan(pack, code, anchor, identified, option=option)
    assert_well_formed(plan, anchor)
    assert (plan.release_on - anchor).days == pack.total_days(code, option) + 1
    assert plan.owed_from == (anchor + ONE if identified is None else max(identified, anchor + ONE))
    phases = pack.category(code).option_phases(option)
    assert [p.kind for p in plan.phases] == [p.kind for p in phases]
    assert [len(p.test_days) for p in plan.phases] == [len(p.test_days) for p in phases]
    assert stricter_than(plan, pack) == []  # a plan as the pack prescribes it is never over-enforcement


switchable = st.sampled_from([(old, new, code) for old in PACKS for new in PACKS for code in CATEGORY_CODES
                              if old.category(code).identified and old.category(code).planned])


@given(switchable, anchors, st.integers(-5, 20))
def test_switch_keeps_the_past_and_follows_the_new_pack(case, anchor, effective_offset):
    old, new, code = case
    effective = anchor + timedelta(days=effective_offset)
    current = compute_plan(old, code, anchor)
    plan = switch_plan(current, new, effective)
    if current.release_on <= effective:
        assert plan == current
        return
    assert plan.pack == new.id and plan.owed_from == current.owed_from
    new_cat = new.category(code)
    fresh = compute_plan(new, code, anchor) if new_cat.identified else None
    expected_release = effective if fresh is None else max(effective, fresh.release_on)
    expected_release = max(expected_release, anchor + ONE)  # a plan never released before its day 1
    assert plan.release_on == expected_release and plan.release_on > anchor
    if plan.release_on > anchor + ONE:
        assert_well_formed(plan, anchor)
    day = anchor + ONE
    while day < plan.release_on:
        source = current if day < effective else fresh
        mine, theirs = phase_on(plan, day), phase_on(source, day)
        assert (mine.kind, mine.pack) == (theirs.kind, theirs.pack), day
        assert (day in mine.test_days) == (day in theirs.test_days), day
        day += ONE
    assert switch_plan(plan, new, effective) == plan  # idempotent
    if new.total_days(code) <= old.total_days(code):
        assert plan.release_on <= current.release_on


def test_measures20_is_never_longer_than_ed9():
    """The premise that makes 'ed9 → measures20 never releases later' true, per category."""
    for code in CATEGORY_CODES:
        if ED9.category(code).identified and ED9.category(code).planned:
            for option in ED9.category(code).options:
                assert M20.total_days(code) <= ED9.total_days(code, option), code


@given(st.sampled_from([c for c in CATEGORY_CODES if ED9.category(c).identified and ED9.category(c).planned]),
       st.dates(date(2022, 10, 1), date(2022, 11, 30)))
def test_ed9_to_measures20_never_adds_a_day_or_a_centralized_place(code, anchor):
    current = compute_plan(ED9, code, anchor)
    plan = switch_plan(current, M20, M20.effective_from)
    assert plan.release_on <= current.release_on
    assert set(centralized_days(plan)) <= set(centralized_days(current))
    assert stricter_than(plan, M20) == []  # switched on the day the pack took effect: nothing stricter


@given(st.sampled_from(PLANNED), st.dates(date(2022, 11, 11), date(2030, 12, 31)), st.data())
def test_an_override_lengthens_by_exactly_its_days_and_is_reported(planned, anchor, data):
    pack, code, option = planned
    if pack.effective_until is not None:
        anchor = pack.effective_from + (anchor - date(2022, 11, 11)) % (pack.effective_until - pack.effective_from)
    plan = compute_plan(pack, code, anchor, option=option)
    kind = data.draw(st.sampled_from(sorted({p.kind for p in plan.phases})))
    target = next(p for p in plan.phases if p.kind == kind)  # unswitched plans: one phase per kind
    extra_days = data.draw(st.integers(0, 10))
    test_days = data.draw(st.lists(st.integers(1, target.days + extra_days), unique=True, max_size=3))
    if extra_days == 0 and not test_days:
        extra_days = 1
    ov = LocalOverride(id="x", label="x", phase_kind=kind, extra_days=extra_days,
                       extra_test_days=tuple(test_days), reason="r")
    stricter = apply_override(plan, ov)
    assert_well_formed(stricter, anchor)
    assert stricter.release_on == plan.release_on + timedelta(days=extra_days)
    assert [p.kind for p in stricter.phases] == [p.kind for p in plan.phases]
    assert len(scheduled_tests(stricter)) >= len(scheduled_tests(plan))
    assert stricter.overrides == ("x",)
    added = {target.start + timedelta(days=t - 1) for t in test_days} - set(target.test_days)
    if extra_days or added:
        assert stricter_than(stricter, pack) != []
    else:
        assert stricter_than(stricter, pack) == []
