"""Local overrides (stricter only) and the over-enforcement check, computed by hand."""

import pytest
from policy.planning import ED9, M20, d, shape
from pydantic import ValidationError

from fangkong.policy.engine import apply_override, compute_plan, stricter_than, switch_plan
from fangkong.policy.errors import OverrideRefused
from fangkong.policy.schemas import LocalOverride

C, HQ, HM = "centralized_quarantine", "home_quarantine", "home_monitoring"


def override(**fields):
    base = {"id": "ov-1", "label": "平城区 +2 天居家", "phase_kind": HQ, "reason": "local outbreak"}
    return LocalOverride(**{**base, **fields})


def test_extending_the_last_phase_moves_release():
    plan = apply_override(compute_plan(M20, "close_contact", d("2022-11-10")), override(extra_days=2, extra_test_days=(2,)))
    assert shape(plan) == [
        (C, "2022-11-11", "2022-11-15", ["2022-11-11", "2022-11-12", "2022-11-13", "2022-11-15"], "measures20"),
        (HQ, "2022-11-16", "2022-11-20", ["2022-11-16", "2022-11-17", "2022-11-18"], "measures20"),
    ]
    assert plan.release_on == d("2022-11-21") and plan.overrides == ("ov-1",)


def test_extending_an_earlier_phase_shifts_the_later_ones():
    plan = apply_override(compute_plan(M20, "close_contact", d("2022-11-10")), override(phase_kind=C, extra_days=2))
    assert shape(plan) == [
        (C, "2022-11-11", "2022-11-17", ["2022-11-11", "2022-11-12", "2022-11-13", "2022-11-15"], "measures20"),
        (HQ, "2022-11-18", "2022-11-20", ["2022-11-18", "2022-11-20"], "measures20"),
    ]
    assert plan.release_on == d("2022-11-21")


def test_override_on_a_switched_plan_counts_the_whole_centralized_stretch():
    plan = switch_plan(compute_plan(ED9, "close_contact", d("2022-11-06")), M20, d("2022-11-11"))
    plan = apply_override(plan, override(phase_kind=C, extra_days=1, extra_test_days=(4,)))
    assert shape(plan) == [
        (C, "2022-11-07", "2022-11-10", ["2022-11-07", "2022-11-08", "2022-11-09", "2022-11-10"], "ed9"),
        (C, "2022-11-11", "2022-11-12", ["2022-11-11"], "measures20"),
        (HQ, "2022-11-13", "2022-11-15", ["2022-11-13", "2022-11-15"], "measures20"),
    ]
    assert plan.release_on == d("2022-11-16")


def test_override_refusals():
    plan = compute_plan(M20, "close_contact", d("2022-11-10"))
    with pytest.raises(OverrideRefused, match=r"test day 4 is outside the extended home_quarantine phase \(1..3\)"):
        apply_override(plan, override(extra_test_days=(4,)))
    with pytest.raises(OverrideRefused, match="has no home_monitoring phase"):
        apply_override(plan, override(phase_kind=HM, extra_days=1))
    once = apply_override(plan, override(extra_days=1))
    with pytest.raises(OverrideRefused, match="already applied"):
        apply_override(once, override(extra_days=1))


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"extra_days": -2}, "greater than or equal to 0"),
        ({}, "an override must add days or test days"),
        ({"extra_test_days": (0,)}, "test day 0 must be 1 or later"),
        ({"extra_test_days": (2, 2)}, "listed twice"),
        ({"phase_kind": "released", "extra_days": 1}, "Input should be"),
        ({"extra_days": 1, "shorten_by": 2}, "Extra inputs are not permitted"),
    ],
)
def test_nothing_laxer_or_empty_can_be_expressed(fields, message):
    with pytest.raises(ValidationError, match=message):
        override(**fields)


def test_a_plan_as_prescribed_is_not_stricter():
    assert stricter_than(compute_plan(M20, "close_contact", d("2022-11-10")), M20) == []
    switched = switch_plan(compute_plan(ED9, "close_contact", d("2022-11-06")), M20, d("2022-11-11"))
    assert stricter_than(switched, M20) == []
    # the alternative the pack allows is not over-enforcement
    assert stricter_than(compute_plan(ED9, "high_risk_job", d("2022-08-31"), option="centralized"), ED9) == []


def test_an_ed9_plan_kept_after_the_switch_is_stricter():
    plan = compute_plan(ED9, "close_contact", d("2022-11-06"))
    assert stricter_than(plan, M20) == [
        "longer: released on 2022-11-17, 2 days after 2022-11-15 prescribed by measures20",
        "harsher: centralized_quarantine where measures20 prescribes home_quarantine on 2022-11-12..2022-11-13",
        "more tests: 2022-11-13 not prescribed by measures20",
    ]


def test_only_the_phase_kind_can_be_stricter():
    plan = compute_plan(ED9, "from_high_risk_zone", d("2022-11-06"))
    assert stricter_than(plan, M20) == [
        "harsher: centralized_quarantine where measures20 prescribes home_quarantine on 2022-11-11..2022-11-13"
    ]


def test_an_unidentified_category_still_under_management_is_stricter():
    plan = compute_plan(ED9, "secondary_contact", d("2022-11-06"))
    assert stricter_than(plan, M20) == [
        "measures20 does not identify secondary_contact",
        "longer: released on 2022-11-14, 3 days after 2022-11-11 prescribed by measures20",
    ]


def test_an_override_makes_the_plan_stricter():
    plan = apply_override(compute_plan(M20, "close_contact", d("2022-11-10")), override(extra_days=2, extra_test_days=(2,)))
    assert stricter_than(plan, M20) == [
        "longer: released on 2022-11-21, 2 days after 2022-11-19 prescribed by measures20",
        "more tests: 2022-11-17 not prescribed by measures20",
    ]


def test_plans_over_before_the_pack_took_effect_are_not_judged():
    assert stricter_than(compute_plan(ED9, "close_contact", d("2022-10-01")), M20) == []
