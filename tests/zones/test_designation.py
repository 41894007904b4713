"""Designation from cases at the pack's granularity, infections restarting streaks, widening, rejection;
and the tier of a place or resident on past days, from the history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

import factories
import zone_factories as zf
from fangkong.core import clock
from fangkong.core.audit import AuditEvent
from fangkong.core.errors import DomainError, InvalidInput
from fangkong.places.models import Venue
from fangkong.zones import service
from fangkong.zones.models import ZoneOverride, ZonePlace, ZoneProposal

D = zf.D


def _venue(session, unit, code: str) -> Venue:
    venue = Venue(code=code, kind="market", name=f"农贸市场{code}", address="大同",
                  district_id=service.unit_ref(session, unit.id).district_id, community_id=None, lat=40.0, lon=113.3)
    session.add(venue)
    session.flush()
    return venue


def test_measures20_proposes_the_unit_ed9_the_compound_and_a_venue_at_the_packs_venue_tier(session, set_clock):
    unit = factories.place_chain(session)
    _, links = zf.case(session, unit=unit, reported_on="2022-11-12", frequent_venues=[_venue(session, unit, "V1").id])
    scope = factories.actor(session).jurisdiction
    zones = [service.get_zone(session, link.zone_id, scope=scope) for link in links]
    assert sorted((z.granularity, z.tier, z.state, z.pack) for z in zones) == [
        ("unit", "high", "proposed", "measures20"), ("venue", "high", "proposed", "measures20")]

    set_clock("2022-11-01T09:00")
    other = factories.place_chain(session)
    _, links = zf.case(session, unit=other, reported_on="2022-11-01", frequent_venues=[_venue(session, other, "V2").id])
    zones = [service.get_zone(session, link.zone_id, scope=scope) for link in links]
    assert sorted((z.granularity, z.tier, z.pack) for z in zones) == [("compound", "high", "ed9"),
                                                                      ("venue", "medium", "ed9")]


def test_a_second_case_in_a_live_zone_links_and_withdraws_the_open_lift(session):
    unit = factories.place_chain(session)
    zone = zf.zone(session, unit=unit, reported_on="2022-11-12")
    zf.rounds(session, zone.id, ["2022-11-17"])
    with clock.frozen(zf.at("2022-11-18", 0)):
        service.run_daily(session, on=D("2022-11-18"))
    [proposal] = session.scalars(select(ZoneProposal).where(ZoneProposal.zone_id == zone.id)).all()
    with clock.frozen(zf.at("2022-11-18", 8)):
        commander = factories.actor(session)
    _, links = zf.case(session, unit=unit, reported_on="2022-11-18", by=commander)
    assert [(link.zone_id, link.created) for link in links] == [(zone.id, False)]
    session.refresh(proposal)
    assert proposal.state == "superseded" and "new infection" in proposal.decision_reason
    assert service.evaluate(session, on=D("2022-11-20")) == []


def test_widening_within_the_pack_needs_only_a_reason_beyond_it_an_override(session):
    unit = factories.place_chain(session)
    zone = zf.zone(session, unit=unit, reported_on="2022-11-12")
    commander = factories.actor(session)
    with clock.frozen(zf.at("2022-11-13", 10)):
        with pytest.raises(InvalidInput) as no_reason:
            service.widen(session, zone.id, actor=commander, to="building", reason=" ")
        assert no_reason.value.code == "reason_required"
        service.widen(session, zone.id, actor=commander, to="building", reason="共用楼梯")
        assert session.scalars(select(ZoneOverride)).all() == []  # measures20 lists buildings: no override
        service.widen(session, zone.id, actor=commander, to="compound", reason="传播链不清")
        with pytest.raises(InvalidInput):
            service.widen(session, zone.id, actor=commander, to="building", reason="缩小")
    [override] = session.scalars(select(ZoneOverride)).all()
    assert (override.kind, override.pack, override.reason, override.ends_on) == ("widen", "measures20", "传播链不清", None)
    places = session.scalars(select(ZonePlace).where(ZonePlace.zone_id == zone.id).order_by(ZonePlace.id)).all()
    assert [(p.kind, p.added_on, p.removed_on) for p in places] == [
        ("unit", D("2022-11-12"), D("2022-11-13")), ("building", D("2022-11-13"), D("2022-11-13")),
        ("compound", D("2022-11-13"), None)]
    report = service.over_enforcement_items(session, scope=commander.jurisdiction, on=D("2022-11-13"))
    assert [o["zone_id"] for o in report["overrides"]] == [zone.id] and report["wider"] == []
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "zone.widen")).all()
    assert [a.after["override_id"] for a in audit] == [None, override.id]


def test_rejecting_a_proposal_and_keeping_a_zone_sealed(session):
    unit = factories.place_chain(session)
    _, links = zf.case(session, unit=unit, reported_on="2022-11-13")
    commander = factories.actor(session)
    with pytest.raises(DomainError) as refused:
        service.approve(session, links[0].zone_id, actor=factories.actor(session, role="community_worker",
                                                                           jurisdiction="140214"))
    assert refused.value.status == 404  # outside her district: not found
    zone = service.reject(session, links[0].zone_id, actor=commander, reason="流调核实：不在此居住")
    assert (zone.state, zone.closed_on) == ("rejected", D("2022-11-13"))
    with pytest.raises(DomainError) as again:
        service.approve(session, zone.id, actor=commander)
    assert (again.value.code, again.value.status) == ("not_proposed", 409)

    lifted = zf.zone(session, unit=factories.place_chain(session), reported_on="2022-11-07")
    zf.rounds(session, lifted.id, ["2022-11-12"])
    with clock.frozen(zf.at("2022-11-13", 7)):
        service.run_daily(session, on=D("2022-11-13"))
        [proposal] = session.scalars(select(ZoneProposal).where(ZoneProposal.zone_id == lifted.id)).all()
        with pytest.raises(DomainError) as too_long:  # 30 days (the default local limit) ahead is 12-13
            service.reject_proposal(session, proposal.id, actor=commander, reason="周边仍有病例",
                                    keep_until=D("2022-12-14"))
        assert (too_long.value.code, too_long.value.status) == ("invalid_keep_until", 422)
        override = service.reject_proposal(session, proposal.id, actor=commander, reason="周边仍有病例",
                                           keep_until=D("2022-11-15"))
    assert (override.kind, override.ends_on) == ("keep_sealed", D("2022-11-15"))
    assert [d.since for d in service.evaluate(session, on=D("2022-11-15")) if d.zone_id == lifted.id] == []
    assert [d.since for d in service.evaluate(session, on=D("2022-11-16")) if d.zone_id == lifted.id] == []
    zf.rounds(session, lifted.id, ["2022-11-15"])
    assert [d.since for d in service.evaluate(session, on=D("2022-11-16")) if d.zone_id == lifted.id] == [
        D("2022-11-16")]
    actions = [a for (a,) in session.execute(select(AuditEvent.action).where(AuditEvent.object_type == "zone"))]
    assert "zone.reject" in actions and "zone.keep_sealed" in actions


def test_a_residents_tier_on_a_past_day_is_the_tier_in_force_then(session):
    unit = factories.place_chain(session)
    neighbour_unit = zf.second_unit(session, unit)
    resident = factories.resident(session, unit=neighbour_unit, name="邻居")
    zone = zf.zone(session, unit=unit, reported_on="2022-11-12")
    commander = factories.actor(session)
    with clock.frozen(zf.at("2022-11-14", 10)):
        service.widen(session, zone.id, actor=commander, to="building", reason="共用楼梯")
    zf.rounds(session, zone.id, ["2022-11-18"])
    with clock.frozen(zf.at("2022-11-19", 9)):
        service.run_daily(session, on=D("2022-11-19"))
        [due] = service.proposals_on(session, on=D("2022-11-19"))
        service.approve_proposal(session, due["proposal_id"], actor=commander)

    def tier(day: str, **place) -> str:
        return service.tier_of(session, on=D(day), **place).tier

    # the neighbour: normal before, low while only the case's unit was sealed, high once widened, normal after
    assert [tier(d, resident_id=resident.id) for d in
            ("2022-11-11", "2022-11-12", "2022-11-13", "2022-11-14", "2022-11-18", "2022-11-19")] == [
        "none", "low", "low", "high", "high", "none"]
    assert [tier(d, unit_id=unit.id) for d in ("2022-11-11", "2022-11-12", "2022-11-18", "2022-11-19")] == [
        "none", "high", "high", "none"]
    assert tier("2022-11-13", building_id=neighbour_unit.building_id) == "low"
    assert tier("2022-11-15", building_id=neighbour_unit.building_id) == "high"
    answer = service.tier_of(session, on=D("2022-11-15"), resident_id=resident.id)
    assert answer.zone_ids == (zone.id,)
    assert service.tier_of(session, on=date(2022, 11, 15), unit_id=factories.place_chain(
        session, district_code="140214", district_name="云冈区").id).tier == "none"
