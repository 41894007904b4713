"""The authorization matrix for quarantine sites that host a district's people (quarantine.scope).

A 平城区 (140213) user on a 云冈区 site where a 平城区 person stays ("hosting") reads it and sees only
that person; every write on it answers 404 (403 for a role without the action), as on any other
district's site; a 云冈区 site without 平城区 people answers 404 to reads and writes alike; and the
occupancy list, the forecast, the sites list and the direct routes agree site by site.
World: quarantine_factories.hosting_world.
"""

from __future__ import annotations

import io

import pytest
from python_calamine import CalamineWorkbook

import factories
import matrix
import quarantine_factories as qf
import weblogin
from fangkong.core.permissions import QUARANTINE_ALLOCATE, QUARANTINE_VIEW, ROLES, role_allows
from fangkong.quarantine.models import QuarantineRoom, QuarantineSite, QuarantineStaff, QuarantineStay
from matrix import api_and_page_routes, declared_actions, example_for
from matrix_examples import OWN, World

OURS = "平城住外区"  # the 平城区 person in the hosting site
HIDDEN = ("云冈同屋", "云冈隔壁", "云冈自住")  # 云冈区 people in 云冈区 sites
READERS = [role for role in ROLES if role_allows(role, QUARANTINE_VIEW) and role != "quarantine_site_staff"]


@pytest.fixture
def hosting(session) -> dict:
    return qf.hosting_world(session)


def _world(session, w: dict) -> World:
    """The matrix's examples pointed at the hosting site (our person's stay, then a 云冈区 roommate's) and at
    the site that is neither own nor hosting."""
    def entry(site: str, stay: str) -> dict:
        rooms = w["rooms"][site]
        return {"site": w[site], "stay": lambda: w["stays"][stay].id, "room": rooms["101"],
                "other_room": rooms["102"] if "102" in rooms else rooms["101"],
                "person": lambda: qf.waiting(session, district=OWN).id,
                "staff": lambda: factories.user(session, role="quarantine_site_staff").username}
    return World(quarantine={"hosting": entry("hosting", "ours"), "hosting_guest": entry("hosting", "roommate"),
                             "neither": entry("neither", "neither")})


def _quarantine_routes(app) -> list:
    return [(m, r) for m, r in api_and_page_routes(app) if r.path.startswith(("/api/v1/quarantine/", "/quarantine/"))]


def _site_reads(app) -> list:
    """Every read of one site (its board, stays and day lists, API and pages)."""
    return [(m, r) for m, r in _quarantine_routes(app) if m == "GET" and "{site_id}" in r.path]


def _writes(app) -> list:
    """Every write that names a site, a stay or a room: all of them must find nothing outside one's own sites."""
    return [(m, r) for m, r in _quarantine_routes(app) if m not in ("GET", "HEAD") and (
        "{site_id}" in r.path or "{stay_id}" in r.path or r.path == "/api/v1/quarantine/assignments")]


def _text(response) -> str:
    if response.headers["content-type"].startswith("application/vnd.openxmlformats"):
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        return repr([book.get_sheet_by_index(i).to_python() for i in range(len(book.sheet_names))])
    return response.text


def test_a_hosting_site_is_read_with_only_the_users_people(app, session, hosting):
    reads = _site_reads(app)
    assert len(reads) == 6, [r.path for _, r in reads]  # 3 API, 3 pages
    world, failures = _world(session, hosting), []
    for role in READERS:
        client = matrix.client(app, role, session)
        for method, route in reads:
            for where, status in (("hosting", 200), ("neither", 404)):
                response = matrix.call(client, method, route, example_for(method, route), world, where)
                text = _text(response) if response.status_code == 200 else ""
                if response.status_code != status:
                    failures.append(f"{role} {route.path} [{where}]: {response.status_code}, expected {status}")
                elif status == 200 and (OURS not in text or any(name in text for name in HIDDEN)):
                    failures.append(f"{role} {route.path} [{where}]: ours shown {OURS in text}, others "
                                    f"{[name for name in HIDDEN if name in text]}")
    assert failures == []
    board = matrix.client(app, "prevention", session).get(f"/api/v1/quarantine/sites/{hosting['hosting']}").json()
    assert {k: board["site"][k] for k in ("district", "access", "rooms", "beds", "occupied", "free")} == {
        "district": "140214", "access": "hosting", "rooms": 3, "beds": 12, "occupied": 1, "free": 0}
    assert [(r["number"], r["occupied"]) for f in board["floors"] for r in f["rooms"]] == [("101", 1)]


def test_every_write_on_a_hosting_site_answers_404_while_it_reads(app, session, hosting):
    writes = _writes(app)
    assert len(writes) == 10, [f"{m} {r.path}" for m, r in writes]
    world, failures = _world(session, hosting), []
    for role in READERS:
        client = matrix.client(app, role, session)
        assert client.get(f"/api/v1/quarantine/sites/{hosting['hosting']}").status_code == 200, role
        for method, route in writes:
            [action] = declared_actions(route)
            status = 404 if role_allows(role, action) else 403
            for where in ("hosting", "hosting_guest", "neither"):
                response = matrix.call(client, method, route, example_for(method, route), world, where)
                if response.status_code != status:
                    failures.append(f"{role} {method} {route.path} [{where}]: {response.status_code}, expected {status}")
        moved = client.post(f"/api/v1/quarantine/stays/{hosting['stays']['own_guest'].id}/transfer",
                            json={"to_room_id": hosting["rooms"]["hosting"]["103"]})
        allocates = role_allows(role, QUARANTINE_ALLOCATE)
        if moved.status_code != (404 if allocates else 403):
            failures.append(f"{role}: transfer into the hosting site answered {moved.status_code}")
        auto = client.post("/api/v1/quarantine/assignments/auto", json={"site_ids": [hosting["hosting"]]})
        if allocates and (auto.status_code, auto.json()["by_site"]) != (200, []):
            failures.append(f"{role}: the automatic assignment placed people in the hosting site: {auto.text}")
    assert failures == []
    _unchanged(session, hosting)


def _unchanged(session, w: dict) -> None:
    from sqlalchemy import func, select

    site = session.get(QuarantineSite, w["hosting"])
    session.refresh(site)
    assert site.status == "open"
    assert session.scalar(select(func.count()).where(QuarantineRoom.site_id == w["hosting"])) == 3
    assert session.scalar(select(func.count()).where(QuarantineStaff.site_id.in_([w["hosting"], w["neither"]]))) == 0
    states = session.scalars(select(QuarantineStay.state).where(QuarantineStay.site_id.in_([w["hosting"],
                                                                                           w["neither"]])))
    assert set(states) == {"assigned"}
    assert session.scalar(select(func.sum(QuarantineRoom.occupied)).where(QuarantineRoom.site_id == w["hosting"])) == 3


def _users(app, session, w: dict) -> dict:
    staff = factories.user(session, role="quarantine_site_staff", jurisdiction=OWN)
    qf.link_staff(session, w["own"], staff.username)
    clients = {f"{role}@{OWN}": matrix.client(app, role, session) for role in ("prevention", "coordination")}
    clients["commander@city"] = matrix.client(app, "commander", session, jurisdiction="140200")
    staff_client = matrix.client(app, None, session)
    assert weblogin.log_in(staff_client, staff.username, factories.ADMIN_PASSWORD).status_code == 303
    clients["staff of the own site"] = staff_client
    return clients


def test_the_occupancy_and_the_direct_routes_agree_site_by_site(app, session, hosting):
    every = [hosting[k] for k in ("own", "hosting", "neither")]
    expected_access = {
        f"prevention@{OWN}": {hosting["own"]: "own", hosting["hosting"]: "hosting"},
        f"coordination@{OWN}": {hosting["own"]: "own", hosting["hosting"]: "hosting"},
        "commander@city": dict.fromkeys(every, "own"),
        "staff of the own site": {hosting["own"]: "own"},
    }
    for who, client in _users(app, session, hosting).items():
        occupancy = {r["site_id"]: r for r in client.get("/api/v1/quarantine/occupancy").json()["sites"]}
        listed = {s["id"]: s for s in client.get("/api/v1/quarantine/sites").json()}
        direct = {site_id: client.get(f"/api/v1/quarantine/sites/{site_id}") for site_id in every}
        opened = {site_id: r.json()["site"] for site_id, r in direct.items() if r.status_code == 200}
        assert {r.status_code for r in direct.values()} <= {200, 404}, who
        assert set(occupancy) == set(listed) == set(opened) == set(expected_access[who]), who
        for rows in (occupancy, listed, opened):
            assert {site_id: row["access"] for site_id, row in rows.items()} == expected_access[who], who
        page = client.get("/quarantine/occupancy").text
        for site_id in every:
            assert (f'href="/quarantine/sites/{site_id}"' in page) == (site_id in opened), (who, site_id)
            assert client.get(f"/quarantine/sites/{site_id}").status_code == (200 if site_id in opened else 404)
    prevention = matrix.client(app, "prevention", session)
    forecast = prevention.get("/api/v1/quarantine/forecast?pack=measures20&effective=2022-11-13").json()
    assert {r["site_id"]: r["access"] for r in forecast["sites"]} == expected_access[f"prevention@{OWN}"]
