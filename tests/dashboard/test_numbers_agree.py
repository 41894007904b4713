"""Every dashboard figure equals the count of the list it links to, on the demo city, for the command
and for a district user; a district user's dashboard shows only that district; each task force
lands on its own view."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import factories
import weblogin
from fangkong.app import create_app
from fangkong.core.db import unit_of_work
from fangkong.dashboard.figures import picked
from fangkong.people.case_models import Case
from fangkong.places.models import District
from fangkong.zones.models import Zone

PINGCHENG = "140213"
LIST_TOTAL = re.compile(r'data-testid="list-total" data-total="(\d+)"')


@contextmanager
def logged_in(engine, role: str, jurisdiction: str = "140200"):
    with unit_of_work(engine) as session:
        user = factories.user(session, role=role, jurisdiction=jurisdiction)
        username = user.username
    with TestClient(create_app(engine=engine), raise_server_exceptions=False) as client:
        response = weblogin.log_in(client, username, factories.ADMIN_PASSWORD)
        assert response.status_code == 303, response.text
        yield client


def dashboard(client, **params) -> dict:
    response = client.get("/api/v1/dashboard", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def figures(board: dict) -> dict[tuple[str, str], dict]:
    return {(s["key"], f["key"]): f for s in board["sections"] for f in s["figures"]}


def assert_each_figure_is_its_list(client, board: dict, min_pages: int = 10) -> int:
    checked = pages = 0
    for section in board["sections"]:
        for figure in section["figures"]:
            answer = client.get(figure["api"])
            assert answer.status_code == 200, (figure, answer.text)
            payload = answer.json()
            listed = len(payload) if figure["pick"] == "" else picked(payload, figure["pick"])
            assert listed == figure["value"], (section["key"], figure)
            page = client.get(figure["href"].split("#")[0])
            assert page.status_code == 200, (figure, page.status_code)
            # a list page states its count: the same number (a "#section" link points into a page of more)
            shown = LIST_TOTAL.search(page.text) if "#" not in figure["href"] else None
            if shown:
                assert int(shown.group(1)) == figure["value"], (section["key"], figure, "page")
                pages += 1
            checked += 1
    assert pages >= min_pages, "the list pages behind the figures must state their totals"
    return checked


def test_every_figure_of_the_command_equals_its_list(demo_city):
    with logged_in(demo_city.engine, "commander") as client:
        board = dashboard(client, view_all="true")
        keys = [s["key"] for s in board["sections"]]
        assert keys == ["cases", "zones", "managed", "quarantine", "supplies", "enterprises", "lab", "hotline",
                        "inspection", "over_enforcement"]
        assert assert_each_figure_is_its_list(client, board) >= 40
        found = figures(board)
        with unit_of_work(demo_city.engine) as session:  # a few figures counted here, by hand, from the tables
            in_force = session.scalar(select(func.count()).select_from(Zone).where(Zone.state == "in_force",
                                                                                  Zone.tier == "high"))
            today = session.scalar(select(func.count()).select_from(Case).where(Case.reported_on == date.fromisoformat(board["on"])))
        assert found[("zones", "high_in_force")]["value"] == in_force > 0
        assert found[("cases", "new_cases")]["value"] == today
        assert found[("hotline", "received")]["value"] > 0 and found[("lab", "positive_pools")]["value"] > 0


def test_a_district_user_sees_only_their_district(demo_city):
    with unit_of_work(demo_city.engine) as session:
        district_id = session.scalar(select(District.id).where(District.code == PINGCHENG))
        cases_here = session.scalar(select(func.count()).select_from(Case).where(Case.district_id == district_id))
        cases_all = session.scalar(select(func.count()).select_from(Case))
        zones_here = session.scalar(select(func.count()).select_from(Zone).where(
            Zone.state == "in_force", Zone.tier == "high", Zone.district_id == district_id))
    assert cases_all > cases_here, "the demo must have cases outside 平城区 for this test to mean anything"
    with logged_in(demo_city.engine, "commander", PINGCHENG) as client:
        board = dashboard(client, view_all="true")
        assert board["jurisdiction"] == PINGCHENG
        assert_each_figure_is_its_list(client, board)
        found = figures(board)
        assert found[("zones", "high_in_force")]["value"] == zones_here
        since = client.get(found[("cases", "cases_14d")]["api"]).json()["items"]
        assert all(item["district_name"] == "平城区" for item in since)


def test_the_development_zone_reads_the_seed_pages_resumption(demo_city):
    """大同经开区 (140271): 65 of its 70 above-scale enterprises resumed, 92.9 %, on its own dashboard."""
    with logged_in(demo_city.engine, "commander", "140271") as client:
        board = dashboard(client, view_all="true")
        section = next(s for s in board["sections"] if s["key"] == "enterprises")
        values = {f["key"]: f["value"] for f in section["figures"]}
        assert (values["above_scale_resumed"], values["above_scale_total"]) == (65, 70)
        assert section["rates"]["above_scale_resumption"] == 0.9286
        assert_each_figure_is_its_list(client, {"sections": [section]}, min_pages=0)


@pytest.mark.parametrize("role, own", [
    ("prevention", ["cases", "zones", "managed", "lab", "quarantine"]),
    ("inspector", ["inspection", "over_enforcement", "hotline"]),
    ("supplies", ["supplies", "zones"]),
    ("construction_sites", ["enterprises", "cases"]),  # no lab.view: the lab section is not theirs
    ("hotline_agent", ["zones", "hotline"]),  # no view of its own: every section it may read
])
def test_each_task_force_lands_on_its_own_view(demo_city, role, own):
    with logged_in(demo_city.engine, role) as client:
        board = dashboard(client)
        assert [s["key"] for s in board["sections"]] == own
        everything = [s["key"] for s in dashboard(client, view_all="true")["sections"]]
        assert set(own) <= set(everything)
        if role == "prevention":  # may not read the hotline: not even on the full view
            assert "hotline" not in everything and "inspection" not in everything


def test_the_commander_lands_on_the_dashboard(demo_city):
    with unit_of_work(demo_city.engine) as session:
        commander = factories.user(session, role="commander").username
        admin = factories.user(session, role="admin").username
    with TestClient(create_app(engine=demo_city.engine)) as client:
        assert weblogin.log_in(client, commander, factories.ADMIN_PASSWORD).headers["location"] == "/dashboard"
        page = client.get("/dashboard")
        assert page.status_code == 200 and 'data-testid="section-cases"' in page.text
        assert "现行防控方案：" in page.text and "2022-11-11 起执行" in page.text  # the switch of the seed page
    with TestClient(create_app(engine=demo_city.engine)) as client:
        assert weblogin.log_in(client, admin, factories.ADMIN_PASSWORD).headers["location"] == "/"
