"""The work-resumption part of the demo: the development zone's 65 of 70 above-scale enterprises resumed
(92.9 %) on 2022-11-13, the crane maker in a closed loop, the 中建一局 site with its roster, the three
workers its round missed and its gate checks, open problems of the seed page's kinds."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core.jurisdiction import CITY
from fangkong.demo.enterprises_scenario import CRANE, NOT_SAMPLED, SITE, SITE_WORKERS
from fangkong.demo.generator import generate_city
from fangkong.demo.scenario import build_scenario
from fangkong.enterprises import figures, registry, sites
from fangkong.enterprises.models import ConstructionSite, Enterprise, Problem


def test_demo_zone_crane_maker_site_and_problems(fresh_database):
    generate_city(fresh_database.engine, population=3_000, seed=7, workers=0)
    build_scenario(fresh_database.engine, seed=7)
    with Session(fresh_database.engine) as session:
        found = figures.resumption(session, on=date(2022, 11, 13), scope=CITY)
        zone = next(r for r in found["by_district"] if r["district"] == "140271")
        assert (zone["above_scale_resumed"], zone["above_scale_total"], zone["above_scale_rate"]) == (65, 70, 92.9)
        trend = found["trend"]
        assert trend[0]["above_scale_resumed"] < trend[-1]["above_scale_resumed"]  # coming back over two weeks

        crane = session.scalar(select(Enterprise).where(Enterprise.name == CRANE))
        assert crane.closed_loop and crane.above_scale
        history = registry.enterprise_detail(session, crane.id, scope=CITY, on=date(2022, 11, 13))["history"]
        assert [h["status"] for h in history] == ["resumed"]  # never stopped
        assert len(registry.roster(session, enterprise_id=crane.id)) == 40

        site = session.scalar(select(ConstructionSite).where(ConstructionSite.project == SITE[0]))
        detail = sites.site_detail(session, site.id, scope=CITY)
        assert site.closure == "fully_closed" and len(detail["roster"]) == SITE_WORKERS
        assert detail["compliance"]["total"] == NOT_SAMPLED
        assert detail["gate"]["checks_total"] == 24 and len(detail["gate"]["alerts"]) == 1

        kinds = set(session.scalars(select(Problem.kind).where(Problem.state != "closed")))
        assert {"logistics", "raw_material", "energy", "staff", "living_supplies"} <= kinds
        escalated = session.scalars(select(Problem.kind).where(Problem.escalated_at.is_not(None))).all()
        assert escalated == ["raw_material"]
