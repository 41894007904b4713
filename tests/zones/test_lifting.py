"""Lifting dates computed by hand from rules.md §2, for both packs (evaluate reads the history as of the day)."""

from __future__ import annotations

from datetime import timedelta

import pytest

import factories
import zone_factories as zf
from fangkong.core import clock
from fangkong.zones import service

D = zf.D


def due(session, day, zone_id):
    return [(d.action, d.to_tier, d.since) for d in service.evaluate(session, on=D(day)) if d.zone_id == zone_id]


def test_measures20_lift_on_day_six_with_a_round_in_the_24_hours_before(session):
    unit = factories.place_chain(session)
    zone = zf.zone(session, unit=unit, reported_on="2022-11-12")
    assert (zone.state, zone.tier, zone.granularity, zone.pack) == ("in_force", "high", "unit", "measures20")
    zf.rounds(session, zone.id, ["2022-11-13", "2022-11-15", "2022-11-17"])
    # last infection 11-12: clean 11-13 … 11-17, lift proposed on 11-18 (round 11-17 10:00 within 24 h)
    assert due(session, "2022-11-17", zone.id) == []
    assert due(session, "2022-11-18", zone.id) == [("lift", "low", D("2022-11-18"))]


def test_measures20_new_infection_resets_the_streak(session):
    unit = factories.place_chain(session)
    zone = zf.zone(session, unit=unit, reported_on="2022-11-12")
    zf.case(session, unit=unit, reported_on="2022-11-15")  # same unit: linked, not a new zone
    zf.rounds(session, zone.id, ["2022-11-17", "2022-11-20"])
    assert due(session, "2022-11-18", zone.id) == []
    assert due(session, "2022-11-20", zone.id) == []
    assert due(session, "2022-11-21", zone.id) == [("lift", "low", D("2022-11-21"))]


def test_measures20_no_proposal_until_a_round_exists(session):
    unit = factories.place_chain(session)
    zone = zf.zone(session, unit=unit, reported_on="2022-11-12")
    zf.rounds(session, zone.id, ["2022-11-13"])  # too early: not within the 24 h before any lifting day
    assert due(session, "2022-11-18", zone.id) == []
    assert due(session, "2022-11-24", zone.id) == []
    zf.rounds(session, zone.id, ["2022-11-24"], hour=9)
    # the round of 11-24 09:00 opens 11-24 itself (sampled that day, before the lift) and 11-25
    assert due(session, "2022-11-24", zone.id) == [("lift", "low", D("2022-11-24"))]


def test_measures20_a_positive_round_blocks_the_lift(session):
    unit = factories.place_chain(session)
    zone = zf.zone(session, unit=unit, reported_on="2022-11-12")
    zf.rounds(session, zone.id, ["2022-11-17"])
    zf.rounds(session, zone.id, ["2022-11-17"], hour=15, result="positive")
    assert due(session, "2022-11-18", zone.id) == []


def test_ed9_high_to_medium_on_day_eight_then_low_after_three_more_days(session, set_clock):
    set_clock("2022-10-20T08:00")
    unit = factories.place_chain(session)
    zone = zf.zone(session, unit=unit, reported_on="2022-10-20")
    assert (zone.granularity, zone.pack) == ("compound", "ed9")
    zf.rounds(session, zone.id, [f"2022-10-{d}" for d in range(21, 28)])
    # clean 10-21 … 10-27 with a negative round on day 7 (10-27): high → medium on 10-28
    assert due(session, "2022-10-27", zone.id) == []
    assert due(session, "2022-10-28", zone.id) == [("downgrade", "medium", D("2022-10-28"))]
    commander = factories.actor(session, role="commander")
    with clock.frozen(zf.at("2022-10-28", 11)):
        service.run_daily(session, on=D("2022-10-28"))
        [proposal] = service.proposals_on(session, on=D("2022-10-28"))
        service.approve_proposal(session, proposal["proposal_id"], actor=commander)
    # 3 further clean days (10-28, 10-29, 10-30): medium → low on 10-31 (D + 11), no round needed
    assert due(session, "2022-10-30", zone.id) == []
    assert due(session, "2022-10-31", zone.id) == [("lift", "low", D("2022-10-31"))]


def test_ed9_missing_round_on_day_seven_delays_the_downgrade(session, set_clock):
    set_clock("2022-10-20T08:00")
    unit = factories.place_chain(session)
    zone = zf.zone(session, unit=unit, reported_on="2022-10-20")
    zf.rounds(session, zone.id, ["2022-10-26", "2022-10-28"])  # none on 10-27
    assert due(session, "2022-10-28", zone.id) == []
    assert due(session, "2022-10-29", zone.id) == [("downgrade", "medium", D("2022-10-29"))]


def test_ed9_medium_tier_is_lifted_when_measures20_takes_effect(session, set_clock):
    set_clock("2022-11-01T08:00")
    unit = factories.place_chain(session)
    zone = zf.zone(session, unit=unit, reported_on="2022-11-01")
    zf.rounds(session, zone.id, ["2022-11-08"])
    commander = factories.actor(session, role="commander")
    with clock.frozen(zf.at("2022-11-09", 11)):
        service.run_daily(session, on=D("2022-11-09"))
        [proposal] = service.proposals_on(session, on=D("2022-11-09"))
        assert (proposal["action"], proposal["since"]) == ("downgrade", D("2022-11-09"))
        service.approve_proposal(session, proposal["proposal_id"], actor=commander)
    assert due(session, "2022-11-10", zone.id) == []
    assert due(session, "2022-11-11", zone.id) == [("lift", "low", D("2022-11-11"))]


@pytest.mark.parametrize("late_days", [0, 2])
def test_daily_job_stores_proposals_and_flags_them_overdue_after_their_day(session, late_days):
    unit = factories.place_chain(session)
    zone = zf.zone(session, unit=unit, reported_on="2022-11-12")
    zf.rounds(session, zone.id, ["2022-11-17"])
    day = D("2022-11-18")
    with clock.frozen(zf.at(day, 0)):
        report = service.run_daily(session, on=day)
    assert [(d.zone_id, d.since) for d in report.proposed] == [(zone.id, day)] and report.overdue == 0
    later = day + timedelta(days=late_days)
    with clock.frozen(zf.at(later, 0)):
        again = service.run_daily(session, on=later)
        assert (again.kept, again.overdue, again.proposed) == (1, 1 if late_days else 0, [])
        items = service.over_enforcement_items(session, scope=factories.actor(session).jurisdiction, on=later)
    assert [(o["zone_id"], o["days_late"]) for o in items["overdue"]] == ([(zone.id, late_days)] if late_days else [])
