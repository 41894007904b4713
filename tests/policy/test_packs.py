"""Packs as data: the shipped figures, and inconsistent packs refused with the bad field's path."""

import copy
import shutil
import tomllib
from datetime import date

import pytest
from policy.planning import ED9, M20

from fangkong.policy.errors import NoPackInForce, PackInvalid, UnknownPack
from fangkong.policy.registry import BUILTIN_DIR, get_pack, load_packs, pack_in_force, parse_pack, validate_pack_data

M20_DATA = tomllib.loads((BUILTIN_DIR / "measures20.toml").read_text(encoding="utf-8"))


def refusal(edit) -> str:
    data = copy.deepcopy(M20_DATA)
    edit(data)
    with pytest.raises(PackInvalid) as caught:
        validate_pack_data(data, "m.toml")
    assert caught.value.code == "pack_invalid"
    return caught.value.message


def cats(data):
    return data["categories"]


def _set(path):
    def edit(data):
        *head, last = path[0]
        node = data
        for key in head:
            node = node[key]
        node[last] = path[1]
    return edit


@pytest.mark.parametrize(
    "edit, message",
    [
        (_set((["categories", "close_contact", "phases", 0, "test_days"], [1, 2, 9])),
         "categories.close_contact.phases[0].test_days[2]: test day 9 is outside the phase (1..5)"),
        (_set((["categories", "close_contact", "phases", 1, "test_days"], [1, 3, 3])),
         "categories.close_contact.phases[1].test_days[2]: test day 3 is listed twice"),
        (_set((["categories", "close_contact", "phases", 1, "test_days"], [3, 1])),
         "categories.close_contact.phases[1].test_days[1]: test days must be in increasing order (3 then 1)"),
        (_set((["categories", "inbound", "phases", 0, "days"], 0)),
         "categories.inbound.phases[0].days: Input should be greater than or equal to 1"),
        (_set((["categories", "inbound", "phases", 1, "days"], -3)),
         "categories.inbound.phases[1].days: Input should be greater than or equal to 1"),
        (_set((["categories", "inbound", "phases", 0, "days"], "5")),
         "categories.inbound.phases[0].days: Input should be a valid integer"),
        (_set((["categories", "inbound", "phases", 0, "kind"], "hotel_quarantine")),
         "categories.inbound.phases[0].kind: Input should be 'centralized_quarantine', 'home_quarantine', "
         "'home_monitoring' or 'testing_only'"),
        (_set((["categories", "secondary_contact", "phases"], [{"kind": "home_quarantine", "days": 7}])),
         "categories.secondary_contact.phases: must be empty when the pack does not identify this category"),
        (_set((["categories", "from_low_risk_zone", "phases", 0, "test_days"], [])),
         "categories.from_low_risk_zone.phases[0].test_days: a testing_only phase needs at least one test day"),
        (_set((["categories", "close_contact", "phases"], [])),
         "categories.close_contact.phases: at least one phase is needed"),
        (_set((["categories", "close_contact", "hotel"], True)),
         "categories.close_contact.hotel: Extra inputs are not permitted"),
        (_set((["categories", "contact"], {"anchor": "arrival"})),
         "categories.contact: Extra inputs are not permitted"),
        (_set((["effective_until"], date(2022, 11, 1))),
         "effective_until: 2022-11-01 must be after effective_from 2022-11-11"),
        (_set((["zones", "lifting", 0, "to_tier"], "medium")),
         "zones.lifting[0].to_tier: tier 'medium' is not in tiers"),
        (_set((["zones", "venue_tier"], "medium")),
         "zones.venue_tier: 'medium' is not one of the zone tiers above 'low'"),
        (_set((["zones", "granularity"], ["unit", "street"])),
         "zones.granularity[1]: Input should be"),
        (_set((["testing", "default_pool_size"], 30)),
         "testing.default_pool_size: 30 is not one of pool_sizes"),
        (_set((["categories", "close_contact", "anchor"], "onset")),
         "categories.close_contact.anchor: Input should be"),
    ],
)
def test_an_inconsistent_pack_is_refused_with_the_path(edit, message):
    assert refusal(edit).startswith(f"m.toml: {message}")


def test_missing_fields_and_several_problems():
    assert refusal(lambda d: cats(d).pop("case")) == "m.toml: categories.case: Field required"
    message = refusal(lambda d: cats(d)["close_contact"].pop("anchor"))
    assert message == "m.toml: categories.close_contact.anchor: an identified, planned category needs its anchor event"

    def two(data):
        cats(data)["close_contact"]["phases"][0]["days"] = 0
        cats(data)["inbound"]["phases"][0]["days"] = 0
    assert refusal(two).endswith("(and 1 more problem)")


def test_toml_syntax_errors_are_one_line():
    with pytest.raises(PackInvalid, match=r"^x.toml: not valid TOML: "):
        parse_pack('id = "x"\ntitle = {', "x.toml")


def test_the_shipped_figures():
    assert (ED9.effective_from, ED9.effective_until) == (date(2022, 6, 28), date(2022, 11, 11))
    assert (M20.effective_from, M20.effective_until) == (date(2022, 11, 11), None)
    assert not M20.identifies("secondary_contact") and not M20.identifies("from_medium_risk_zone")
    assert ED9.identifies("secondary_contact")
    assert ED9.zones.tiers == ["high", "medium", "low"] and M20.zones.tiers == ["high", "low"]
    high_lift = {p.id: next(r for r in p.zones.lifting if r.from_tier == "high") for p in (ED9, M20)}
    assert (high_lift["ed9"].to_tier, high_lift["ed9"].clean_days, high_lift["ed9"].full_round) == (
        "medium", 7, "on_last_day")
    assert (high_lift["measures20"].to_tier, high_lift["measures20"].clean_days,
            high_lift["measures20"].full_round) == ("low", 5, "within_24h_before")
    assert [(r.clean_days, r.downgraded_only) for r in ED9.zones.lifting if r.from_tier == "medium"] == [
        (3, True), (7, False)]
    assert ED9.zones.granularity == ["compound", "village"] and M20.zones.granularity == ["unit", "building"]
    assert (ED9.zones.venue_tier, M20.zones.venue_tier) == ("medium", "high")
    for pack in (ED9, M20):
        t = pack.testing
        assert (t.pool_sizes, t.default_pool_size, t.repooling_allowed) == ([1, 5, 10, 20], 10, False)
        assert (t.mass_testing_stop.clean_rounds, t.mass_testing_stop.wait_days, t.mass_testing_stop.final_rounds) == (
            3, 3, 1)
        assert (t.turnaround_hours.fever_emergency, t.turnaround_hours.in_outpatient,
                t.turnaround_hours.voluntary) == (6, 12, 24)
        assert pack.tracing.close_contact_window_days == 4 and pack.tracing.fever_threshold_celsius == 37.3
    assert ED9.tracing.time_space_companion and not M20.tracing.time_space_companion


def test_pack_in_force():
    assert pack_in_force(date(2022, 6, 28)).id == "ed9"
    assert pack_in_force(date(2022, 11, 10)).id == "ed9"
    assert pack_in_force(date(2022, 11, 11)).id == "measures20"
    assert pack_in_force(date(2024, 2, 29)).id == "measures20"
    with pytest.raises(NoPackInForce):
        pack_in_force(date(2022, 6, 27))
    with pytest.raises(UnknownPack, match="known: ed9, measures20"):
        get_pack("ed8")


def _local_pack(directory, pack_id="datong_local", effective="2022-12-07"):
    text = (BUILTIN_DIR / "measures20.toml").read_text(encoding="utf-8")
    text = text.replace('id = "measures20"', f'id = "{pack_id}"').replace(
        "effective_from = 2022-11-11", f"effective_from = {effective}")
    (directory / f"{pack_id}.toml").write_text(text, encoding="utf-8")


def test_a_city_adds_a_later_pack(tmp_path):
    _local_pack(tmp_path)
    packs = load_packs(tmp_path)
    assert [p.id for p in packs] == ["ed9", "measures20", "datong_local"]
    assert pack_in_force(date(2022, 12, 6), packs).id == "measures20"
    assert pack_in_force(date(2022, 12, 7), packs).id == "datong_local"


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda d: _local_pack(d, "measures20", "2022-12-07"), "pack id 'measures20' is defined twice"),
        (lambda d: _local_pack(d, "local", "2022-11-11"), "both take effect on 2022-11-11"),
        (lambda d: shutil.copy(BUILTIN_DIR / "ed9.toml", d / "other.toml"), "name the file ed9.toml"),
    ],
)
def test_local_packs_that_would_be_ambiguous_are_refused(tmp_path, setup, message):
    setup(tmp_path)
    with pytest.raises(PackInvalid, match=message):
        load_packs(tmp_path)
