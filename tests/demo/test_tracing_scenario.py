"""The tracing part of the demo: three days of scans, candidates of the recent cases, some confirmed
under management by tracing, one dismissed with a reason, and a chain of four generations;
deterministic for the seed."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.demo.generator import generate_city
from fangkong.demo.scenario import build_scenario
from fangkong.core.jurisdiction import CITY
from fangkong.people.case_models import Case
from fangkong.people.managed_models import ManagedPerson
from fangkong.tracing import chains
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
        _assert_chain_of_four_generations(session)


def _assert_chain_of_four_generations(session):
    """甲 → 乙 → 丙 → 丁 (cases) → 戊 (contact): each case's confirmed contact was reported as the next case."""
    overview = chains.overview(session, scope=CITY)
    assert overview["largest_generations"] >= 4
    [chain] = [c for c in overview["clusters"] if c["generations"] >= 4]
    assert chain["cases"] == 4 and chain["contacts"] >= 4
    graph = chains.cluster_graph(session, chain["id"], scope=CITY)
    infected = {e["source"]: e["target"] for e in graph["edges"] if e["kind"] == "infected"}
    path = [f"c{chain['id']}"]
    while path[-1] in infected:
        path.append(infected[path[-1]])
    assert len(path) == 4, path
    reported = dict(session.execute(select(Case.id, Case.reported_on)).all())
    days = [reported[int(node[1:])].isoformat() for node in path]
    assert days == sorted(days) and days[0] == "2022-11-11" and days[-1] == "2022-11-13"
    last = session.get(Case, int(path[-1][1:]))
    assert last.managed_person_id is not None  # the fourth case had been a confirmed contact of the third
    assert any(n["kind"] == "close_contact" for n in graph["nodes"])  # 戊, the fourth case's contact
