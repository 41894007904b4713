"""Plans for every category of both packs against dates computed by hand from rules.md §1.

Convention: anchor = day 0, first phase day 1, phases contiguous, test days counted within
their phase, release_on = the day after the last phase day.
"""

from datetime import timedelta

import pytest
from policy.planning import ED9, M20, d, shape

from fangkong.policy.engine import centralized_days, compute_plan, phase_on, scheduled_tests
from fangkong.policy.errors import CategoryNotIdentified, CategoryNotPlanned, UnknownCategory, UnknownOption

C, HQ, HM, T = "centralized_quarantine", "home_quarantine", "home_monitoring", "testing_only"

# (pack, category, anchor, phases [(kind, start, end, tests)], release_on)
HAND_COMPUTED = [
    # --- measures20: the contract example
    (M20, "close_contact", "2022-11-10",
     [(C, "2022-11-11", "2022-11-15", ["2022-11-11", "2022-11-12", "2022-11-13", "2022-11-15"]),
      (HQ, "2022-11-16", "2022-11-18", ["2022-11-16", "2022-11-18"])], "2022-11-19"),
    # month end: November has 30 days
    (M20, "close_contact", "2022-11-28",
     [(C, "2022-11-29", "2022-12-03", ["2022-11-29", "2022-11-30", "2022-12-01", "2022-12-03"]),
      (HQ, "2022-12-04", "2022-12-06", ["2022-12-04", "2022-12-06"])], "2022-12-07"),
    # year end
    (M20, "inbound", "2022-12-29",
     [(C, "2022-12-30", "2023-01-03", ["2022-12-30", "2022-12-31", "2023-01-01", "2023-01-03"]),
      (HQ, "2023-01-04", "2023-01-06", ["2023-01-04", "2023-01-06"])], "2023-01-07"),
    # 29 February 2024 lies inside the phase ...
    (M20, "from_high_risk_zone", "2024-02-25",
     [(HQ, "2024-02-26", "2024-03-03", ["2024-02-26", "2024-02-28", "2024-03-01", "2024-03-03"])], "2024-03-04"),
    # ... and 2023 has no 29 February: everything one day later
    (M20, "from_high_risk_zone", "2023-02-25",
     [(HQ, "2023-02-26", "2023-03-04", ["2023-02-26", "2023-02-28", "2023-03-02", "2023-03-04"])], "2023-03-05"),
    (M20, "from_low_risk_zone", "2022-11-30", [(T, "2022-12-01", "2022-12-01", ["2022-12-01"])], "2022-12-02"),
    (M20, "high_risk_job", "2022-12-31",
     [(HM, "2023-01-01", "2023-01-05", ["2023-01-01", "2023-01-03", "2023-01-05"])], "2023-01-06"),
    # --- ed9
    (ED9, "close_contact", "2022-11-06",
     [(C, "2022-11-07", "2022-11-13", ["2022-11-07", "2022-11-08", "2022-11-09", "2022-11-11", "2022-11-13"]),
      (HM, "2022-11-14", "2022-11-16", ["2022-11-16"])], "2022-11-17"),
    (ED9, "secondary_contact", "2022-11-28",
     [(HQ, "2022-11-29", "2022-12-05", ["2022-11-29", "2022-12-02", "2022-12-05"])], "2022-12-06"),
    (ED9, "inbound", "2022-12-29",
     [(C, "2022-12-30", "2023-01-05", ["2022-12-30", "2022-12-31", "2023-01-01", "2023-01-03", "2023-01-05"]),
      (HM, "2023-01-06", "2023-01-08", ["2023-01-08"])], "2023-01-09"),
    (ED9, "from_high_risk_zone", "2024-02-25",
     [(C, "2024-02-26", "2024-03-03", ["2024-02-26", "2024-02-27", "2024-02-28", "2024-03-01", "2024-03-03"])],
     "2024-03-04"),
    (ED9, "from_high_risk_zone", "2023-02-25",
     [(C, "2023-02-26", "2023-03-04", ["2023-02-26", "2023-02-27", "2023-02-28", "2023-03-02", "2023-03-04"])],
     "2023-03-05"),
    (ED9, "from_medium_risk_zone", "2022-10-31",
     [(HQ, "2022-11-01", "2022-11-07", ["2022-11-01", "2022-11-04", "2022-11-07"])], "2022-11-08"),
    (ED9, "from_low_risk_zone", "2022-09-30", [(T, "2022-10-01", "2022-10-03", ["2022-10-01", "2022-10-03"])],
     "2022-10-04"),
    (ED9, "high_risk_job", "2022-08-31",
     [(HQ, "2022-09-01", "2022-09-07", ["2022-09-01", "2022-09-04", "2022-09-07"])], "2022-09-08"),
    # a 29 February test day under ed9: centralized day 3 of a close contact anchored 2024-02-26
    (ED9, "close_contact", "2024-02-26",
     [(C, "2024-02-27", "2024-03-04", ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-02", "2024-03-04"]),
      (HM, "2024-03-05", "2024-03-07", ["2024-03-07"])], "2024-03-08"),
]


@pytest.mark.parametrize(
    "pack, category, anchor, phases, release_on",
    HAND_COMPUTED,
    ids=[f"{row[0].id}-{row[1]}-{row[2]}" for row in HAND_COMPUTED],
)
def test_plan_matches_hand_computed_dates(pack, category, anchor, phases, release_on):
    plan = compute_plan(pack, category, d(anchor))
    assert plan.pack == pack.id and plan.category == category and plan.anchor == d(anchor)
    assert shape(plan) == [(*phase, pack.id) for phase in phases]
    assert plan.release_on == d(release_on)
    assert plan.owed_from == d(anchor) + timedelta(days=1)  # not identified later: every day is owed
    assert plan.overrides == ()


def test_every_planned_category_of_both_packs_is_covered():
    covered = {(row[0].id, row[1]) for row in HAND_COMPUTED}
    for pack in (ED9, M20):
        for code in ("close_contact", "secondary_contact", "inbound", "from_high_risk_zone",
                     "from_medium_risk_zone", "from_low_risk_zone", "high_risk_job"):
            cat = pack.category(code)
            assert (pack.id, code) in covered or not cat.identified, (pack.id, code)


def test_ed9_high_risk_job_alternative_is_centralized():
    plan = compute_plan(ED9, "high_risk_job", d("2022-08-31"), option="centralized")
    assert shape(plan) == [(C, "2022-09-01", "2022-09-07", ["2022-09-01", "2022-09-04", "2022-09-07"], "ed9")]
    assert compute_plan(ED9, "high_risk_job", d("2022-08-31"), option="default").phases[0].kind == HQ
    with pytest.raises(UnknownOption, match="alternatives: centralized"):
        compute_plan(ED9, "high_risk_job", d("2022-08-31"), option="hotel")
    with pytest.raises(UnknownOption, match="only the default plan"):
        compute_plan(M20, "high_risk_job", d("2022-12-31"), option="centralized")


@pytest.mark.parametrize("category, phrase", [("secondary_contact", "tracing must not produce them"),
                                              ("from_medium_risk_zone", "medium-risk tier is abolished")])
def test_measures20_refuses_what_it_does_not_identify(category, phrase):
    with pytest.raises(CategoryNotIdentified) as caught:
        compute_plan(M20, category, d("2022-11-12"))
    assert caught.value.code == "category_not_identified"
    assert caught.value.message.startswith(f"pack measures20 does not identify {category}: ")
    assert phrase in caught.value.message


@pytest.mark.parametrize("pack", [ED9, M20], ids=["ed9", "measures20"])
def test_a_case_gets_no_quarantine_plan(pack):
    with pytest.raises(CategoryNotPlanned, match="treatment"):
        compute_plan(pack, "case", d("2022-11-12"))


def test_unknown_category_lists_the_codes():
    with pytest.raises(UnknownCategory, match="known: close_contact, secondary_contact"):
        compute_plan(M20, "close_contacts", d("2022-11-12"))


@pytest.mark.parametrize(
    "identified, owed_from",
    [(None, "2022-11-11"), ("2022-11-13", "2022-11-13"), ("2022-11-10", "2022-11-11"), ("2022-11-01", "2022-11-11")],
)
def test_days_before_identification_are_not_owed(identified, owed_from):
    plan = compute_plan(M20, "close_contact", d("2022-11-10"), d(identified) if identified else None)
    assert plan.owed_from == d(owed_from)
    # identification never changes the plan itself
    assert shape(plan) == shape(compute_plan(M20, "close_contact", d("2022-11-10")))
    assert plan.release_on == d("2022-11-19")


def test_helpers_read_the_plan_by_day():
    plan = compute_plan(ED9, "close_contact", d("2022-11-06"))
    assert phase_on(plan, d("2022-11-06")) is None
    assert phase_on(plan, d("2022-11-13")).kind == C
    assert phase_on(plan, d("2022-11-14")).kind == HM
    assert phase_on(plan, d("2022-11-17")) is None
    assert centralized_days(plan) == [d(f"2022-11-{day:02d}") for day in range(7, 14)]
    assert scheduled_tests(plan) == [d(x) for x in
                                     ("2022-11-07", "2022-11-08", "2022-11-09", "2022-11-11", "2022-11-13", "2022-11-16")]
    assert centralized_days(compute_plan(M20, "from_high_risk_zone", d("2022-11-10"))) == []
