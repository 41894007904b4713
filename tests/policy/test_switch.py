"""ed9 → measures20 on 2022-11-11 (the seed page's switch), computed by hand.

Days before the effective date stay as served under ed9; from it on, the measures20 plan
from the same anchor; released on the effective date when measures20 would already have
released, or does not identify the category.
"""

from policy.planning import ED9, M20, d, shape

from fangkong.policy.engine import centralized_days, compute_plan, switch_plan

C, HQ, HM, T = "centralized_quarantine", "home_quarantine", "home_monitoring", "testing_only"
SWITCH = d("2022-11-11")


def switched(category, anchor, effective=SWITCH, **kwargs):
    current = compute_plan(ED9, category, d(anchor), **kwargs)
    return current, switch_plan(current, M20, effective)


def test_close_contact_anchored_11_06_is_released_11_15_instead_of_11_17():
    current, plan = switched("close_contact", "2022-11-06")
    assert current.release_on == d("2022-11-17")
    assert plan.pack == "measures20"
    assert shape(plan) == [
        (C, "2022-11-07", "2022-11-10", ["2022-11-07", "2022-11-08", "2022-11-09"], "ed9"),
        (C, "2022-11-11", "2022-11-11", ["2022-11-11"], "measures20"),  # measures20 centralized day 5
        (HQ, "2022-11-12", "2022-11-14", ["2022-11-12", "2022-11-14"], "measures20"),
    ]
    assert plan.release_on == d("2022-11-15")
    assert centralized_days(plan) == [d(f"2022-11-{day:02d}") for day in range(7, 12)]


def test_released_on_the_effective_date_when_measures20_is_already_over():
    # ed9 would release on 11-12; measures20 from 2022-11-01 would have released on 11-10
    current, plan = switched("close_contact", "2022-11-01")
    assert current.release_on == d("2022-11-12")
    assert shape(plan) == [
        (C, "2022-11-02", "2022-11-08", ["2022-11-02", "2022-11-03", "2022-11-04", "2022-11-06", "2022-11-08"], "ed9"),
        (HM, "2022-11-09", "2022-11-10", [], "ed9"),  # the home-monitoring test of 11-11 is no longer due
    ]
    assert plan.release_on == SWITCH


def test_new_release_exactly_on_the_effective_date_releases_then():
    _, plan = switched("close_contact", "2022-11-02")  # measures20 release: 11-11
    assert plan.release_on == SWITCH
    assert shape(plan)[-1] == (HM, "2022-11-10", "2022-11-10", [], "ed9")


def test_a_plan_over_before_the_switch_is_left_alone():
    # ed9 from_high_risk_zone anchored 11-01 released on 11-09: the switch must not move it to 11-11
    current, plan = switched("from_high_risk_zone", "2022-11-01")
    assert current.release_on == d("2022-11-09")
    assert plan == current


def test_from_high_risk_zone_changes_phase_kind_not_release():
    # both packs prescribe 7 days, so this category can never be released at once by the switch
    current, plan = switched("from_high_risk_zone", "2022-11-06")
    assert shape(plan) == [
        (C, "2022-11-07", "2022-11-10", ["2022-11-07", "2022-11-08", "2022-11-09"], "ed9"),
        (HQ, "2022-11-11", "2022-11-13", ["2022-11-11", "2022-11-13"], "measures20"),  # days 5 and 7
    ]
    assert plan.release_on == current.release_on == d("2022-11-14")


def test_secondary_contact_is_released_on_the_effective_date():
    _, plan = switched("secondary_contact", "2022-11-06")
    assert shape(plan) == [(HQ, "2022-11-07", "2022-11-10", ["2022-11-07", "2022-11-10"], "ed9")]
    assert plan.release_on == SWITCH and plan.pack == "measures20"


def test_from_medium_risk_zone_is_released_on_the_effective_date():
    _, plan = switched("from_medium_risk_zone", "2022-11-08")
    assert shape(plan) == [(HQ, "2022-11-09", "2022-11-10", ["2022-11-09"], "ed9")]
    assert plan.release_on == SWITCH


def test_from_low_risk_zone_testing_ends_at_the_switch():
    _, plan = switched("from_low_risk_zone", "2022-11-09")  # measures20: one arrival test, over on 11-11
    assert shape(plan) == [(T, "2022-11-10", "2022-11-10", ["2022-11-10"], "ed9")]
    assert plan.release_on == SWITCH


def test_high_risk_job_moves_to_home_monitoring():
    _, plan = switched("high_risk_job", "2022-11-08")
    assert shape(plan) == [
        (HQ, "2022-11-09", "2022-11-10", ["2022-11-09"], "ed9"),
        (HM, "2022-11-11", "2022-11-13", ["2022-11-11", "2022-11-13"], "measures20"),
    ]
    assert plan.release_on == d("2022-11-14")


def test_plan_starting_on_the_effective_date_is_the_measures20_plan():
    _, plan = switched("inbound", "2022-11-10")
    expected = compute_plan(M20, "inbound", d("2022-11-10"))
    assert shape(plan) == shape(expected) and plan.release_on == d("2022-11-19")


def test_a_late_switch_keeps_more_days_as_served():
    _, plan = switched("close_contact", "2022-11-06", effective=d("2022-11-13"))
    assert shape(plan) == [
        (C, "2022-11-07", "2022-11-12", ["2022-11-07", "2022-11-08", "2022-11-09", "2022-11-11"], "ed9"),
        (HQ, "2022-11-13", "2022-11-14", ["2022-11-14"], "measures20"),
    ]
    assert plan.release_on == d("2022-11-15")


def test_switch_keeps_owed_from_and_is_idempotent():
    current = compute_plan(ED9, "close_contact", d("2022-11-06"), d("2022-11-09"))
    plan = switch_plan(current, M20, SWITCH)
    assert plan.owed_from == d("2022-11-09")
    assert switch_plan(plan, M20, SWITCH) == plan
