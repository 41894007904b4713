"""The zones of the demo scenario (issue 5 item 6): ed9 compounds before the switch, measures20 units and
buildings after, some lifted, some due in the next days; deterministic for the seed."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core.jurisdiction import CITY
from fangkong.demo.generator import generate_city
from fangkong.demo.scenario import build_scenario
from fangkong.zones import service
from fangkong.zones.models import Zone, ZoneEvent, ZoneOverride, ZoneProposal, ZoneSpan, ZoneTestRound

SWITCH = date(2022, 11, 11)


def _demo(engine, seed=7):
    generate_city(engine, population=3_000, seed=seed, workers=0)
    build_scenario(engine, seed=seed)


def test_zones_before_and_after_the_switch_lifted_and_due(fresh_database):
    _demo(fresh_database.engine)
    with Session(fresh_database.engine) as session:
        zones = session.scalars(select(Zone).order_by(Zone.id)).all()
        spans = session.scalars(select(ZoneSpan)).all()
        designated = {z.id: z.designated_on for z in zones}
        ed9 = [z for z in zones if z.pack == "ed9" and z.state != "rejected"]
        m20 = [z for z in zones if z.pack == "measures20"]
        assert ed9 and m20 and all(designated[z.id] < SWITCH for z in ed9)
        assert all(designated[z.id] >= SWITCH for z in m20)
        assert {z.granularity for z in ed9} <= {"compound", "venue"} and "compound" in {z.granularity for z in ed9}
        assert {s.tier for s in spans if designated[s.zone_id] < SWITCH} == {"high", "medium"}
        assert {z.granularity for z in m20} >= {"unit", "building"}
        states = Counter(z.state for z in zones)
        assert states["lifted"] > 0 and states["in_force"] > 0 and states["rejected"] == 1
        # medium zones did not outlive ed9; a full ed9 two-step: high → medium → lifted
        assert all(s.ends_on is not None and s.ends_on <= SWITCH for s in spans if s.tier == "medium")
        assert any(len([s for s in spans if s.zone_id == z.id]) == 2 and z.state == "lifted" for z in zones)
        assert session.scalar(select(ZoneTestRound.id).limit(1)) is not None
        # due today (open), and more due tomorrow by the history
        today = service.proposals_on(session, on=date(2022, 11, 13))
        assert today and {p["state"] for p in today} == {"open"}
        tomorrow = service.proposals_on(session, on=date(2022, 11, 14))
        assert len(tomorrow) > len(today) and {p["action"] for p in tomorrow} == {"lift"}
        # over-enforcement on display: a late approval, a zone kept sealed, a widening beyond the pack
        kinds = {o.kind for o in session.scalars(select(ZoneOverride))}
        assert kinds == {"widen", "keep_sealed"}
        assert session.scalar(select(ZoneProposal.id).where(ZoneProposal.overdue.is_(True))) is not None
        report = service.over_enforcement_items(session, scope=CITY, on=date(2022, 11, 13))
        assert report["overrides"] and report["overdue"] and report["wider"]
        assert {e.kind for e in session.scalars(select(ZoneEvent))} >= {
            "proposed", "designated", "rejected", "infection", "change_proposed", "downgraded", "lifted",
            "kept_sealed", "widened", "overdue"}


def test_zones_scenario_is_deterministic(fresh_database, backend, tmp_path):
    from conftest import FreshDatabase

    def state(engine):
        with Session(engine) as session:
            return (
                session.execute(select(Zone.id, Zone.tier, Zone.state, Zone.granularity, Zone.district_id)
                                .order_by(Zone.id)).all(),
                session.execute(select(ZoneProposal.zone_id, ZoneProposal.action, ZoneProposal.since,
                                       ZoneProposal.state).order_by(ZoneProposal.id)).all(),
            )

    _demo(fresh_database.engine, seed=11)
    other = FreshDatabase(backend, tmp_path / "again")
    try:
        _demo(other.engine, seed=11)
        assert state(fresh_database.engine) == state(other.engine)
    finally:
        other.drop()
