"""The lab part of the demo: one full round of the central districts with results, three positive pools
in three stages of being resolved, and the labs' busiest day near their capacity."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core.jurisdiction import CITY
from fangkong.demo.generator import generate_city
from fangkong.demo.scenario import build_scenario
from fangkong.lab import queries
from fangkong.lab.models import ResampleTask, Sample, SamplingRound, Tube, TubeResult
from fangkong.people.managed_models import ManagedPerson
from fangkong.people.models import Resident


def test_demo_round_results_pools_and_capacity(fresh_database):
    engine = fresh_database.engine
    generate_city(engine, population=3_000, seed=7, workers=0)
    build_scenario(engine, seed=7)
    with Session(engine) as session:
        [round_] = session.scalars(select(SamplingRound)).all()
        assert (round_.scope_kind, round_.reason, round_.pack, len(round_.scope_ids)) == (
            "districts", "source_unclear", "measures20", 4)
        tubes = session.scalar(select(func.count()).select_from(Tube))
        assert tubes > 100
        # every tube of the round has its result; the re-samples of the first pool have theirs too
        assert session.scalar(select(func.count()).select_from(TubeResult)) == tubes - len(
            [t for t in session.scalars(select(ResampleTask.state)) if t == "sampled"])
        # nobody under management is in the round's pooled tubes (they are tested by their plan)
        managed = session.scalar(select(func.count()).select_from(Sample)
                                 .join(Resident, Resident.id_number_mac == Sample.person_mac)
                                 .join(ManagedPerson, ManagedPerson.resident_id == Resident.id)
                                 .where(ManagedPerson.release_on >= date(2022, 11, 12)))
        assert managed == 0 and session.scalar(select(func.count()).select_from(ManagedPerson)) > 0
        pools = queries.positive_pools(session, CITY)
        assert len(pools) == 3 and all(p["people"] == 10 for p in pools)
        stages = sorted((p["resampled"], p["cleared"]) for p in pools)
        assert stages == [(0, 0), (6, 0), (10, 10)]
        done = [p for p in pools if p["all_resampled"]]
        assert len(done) == 1 and 30 <= done[0]["minutes_to_all_resampled"] <= 180
        assert Counter(session.scalars(select(ResampleTask.state))) == {"cleared": 10, "sampled": 6, "pending": 14}
        days = queries.capacity(session)
        assert {d["lab_code"] for d in days} == {"DT-TYG", "DT-SY", "DT-KF"}
        busiest = {}
        for d in days:
            busiest[d["lab_code"]] = max(busiest.get(d["lab_code"], 0), d["load"])
        assert all(0.85 <= load <= 1.0 for load in busiest.values()), busiest
        figures = queries.turnaround(session)
        assert figures["total"] == session.scalar(select(func.count()).select_from(TubeResult))
        assert 0.5 < figures["share_within_target"] <= 1.0
