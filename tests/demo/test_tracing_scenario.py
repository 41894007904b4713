"""The tracing part of the demo: three days of scans, candidates of the recent cases, some confirmed
under management by tracing, one dismissed with a reason; deterministic for the seed."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.demo.generator import generate_city
from fangkong.demo.scenario import build_scenario
from fangkong.people.managed_models import ManagedPerson
from fangkong.tracing.models import ContactCandidate, VenueScan


def test_demo_scans_candidates_and_decisions(fresh_database):
    generate_city(fresh_database.engine, population=3_000, seed=7, workers=0)
    build_scenario(fresh_database.engine, seed=7)
    with Session(fresh_database.engine) as session:
        days = {d.date().isoformat() if hasattr(d, "date") else str(d)[:10]
                for d in session.scalars(select(VenueScan.scanned_at))}
        assert {"2022-11-10", "2022-11-11", "2022-11-12"} <= days
        states = Counter(session.scalars(select(ContactCandidate.state)))
        assert states["proposed"] > 0 and states["confirmed"] > 0 and states["dismissed"] > 0
        assert set(session.scalars(select(ContactCandidate.category))) == {"close_contact"}  # measures20
        confirmed = session.scalars(select(ContactCandidate.managed_person_id)
                                    .where(ContactCandidate.state == "confirmed")).all()
        managed = session.scalars(select(ManagedPerson).where(ManagedPerson.id.in_(confirmed))).all()
        assert managed and {(p.category, p.source) for p in managed} == {("close_contact", "tracing")}
        assert session.scalar(select(func.count()).select_from(VenueScan)) > 1000
