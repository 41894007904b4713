"""The authorization matrix, generated from the app's route table.

Every API and page route x anonymous and every role x an object in the caller's own district
(平城区 140213) and in another (云冈区 140214). Expected answers follow from the permission the
route declares (`require(action)` or `public()`) and ROLE_PERMISSIONS (tests/matrix.py):
anonymous → 401 (API) or a redirect to the login page; a role without the action → 403;
with the action → success on its own objects and 404 on others' (never a 403 that confirms them).

A route without a declared permission fails here; so does a route with path parameters or a
body that has no example (tests/matrix_examples.py). Quarantine sites that host a district's
people: tests/core/test_authorization_hosting.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fangkong.core.permissions import ROLES
from fangkong.core.pii import mask_id_number
from fangkong.people.models import Resident
from fangkong.places.models import District
import matrix
from matrix import api_and_page_routes, declared_actions, example_for
from matrix_examples import OTHER, OWN, World


@pytest.fixture
def world(session) -> World:
    return matrix.build_world(session)


def test_every_route_declares_exactly_one_permission(app):
    undeclared = [
        f"{method} {route.path}" for method, route in api_and_page_routes(app) if len(declared_actions(route)) != 1
    ]
    assert undeclared == [], "routes without exactly one require(...)/public(): " + ", ".join(undeclared)


def test_authorization_matrix(app, session, world):
    routes = api_and_page_routes(app)
    failures = []
    for role in (None, *ROLES):
        client = matrix.client(app, role, session, world=world)
        for method, route in routes:
            [action] = declared_actions(route)
            if action is None or (method, route.path) in {("POST", "/logout")}:
                continue  # public routes are checked below; logging out would end this client's session
            example = example_for(method, route)
            for where in (OWN, OTHER) if example.about_an_object else (OWN,):
                response = matrix.call(client, method, route, example, world, where)
                expected = matrix.expected(route, action, role, example, where)
                if response.status_code != expected:
                    failures.append(f"{role or 'anonymous'} {method} {route.path} [{where}]: "
                                    f"{response.status_code}, expected {expected}")
                elif expected == 303 and not response.headers["location"].startswith("/login"):
                    failures.append(f"anonymous {method} {route.path}: redirected to {response.headers['location']}")
                elif example.other_hidden_in_body and expected == 200:
                    shown = mask_id_number(world.numbers[where]) in response.text
                    if shown != (where == OWN):
                        failures.append(f"{role} {method} {route.path} [{where}]: record shown={shown}")
    assert failures == []


def test_public_routes_answer_anonymous_callers(app, world):
    client = matrix.client(app, None, None)
    for method, route in api_and_page_routes(app):
        if declared_actions(route) == [None]:
            response = matrix.call(client, method, route, example_for(method, route), world, OWN)
            allowed = (200, 303, 401, example_for(method, route).ok)
            assert response.status_code in allowed, f"{method} {route.path}: {response.status_code}"


def test_community_worker_of_pingcheng_cannot_reach_a_yungang_resident(app, session, world):
    worker = matrix.client(app, "community_worker", session)
    other_id, other_number = world.residents[OTHER], world.numbers[OTHER]
    assert worker.get(f"/api/v1/residents/{other_id}").status_code == 404
    assert worker.post("/api/v1/residents/lookup", json={"id_number": other_number}).status_code == 404
    assert worker.post(f"/api/v1/residents/{other_id}/reveal", json={"reason": "试探"}).status_code == 404
    listed = worker.get("/api/v1/residents?per_page=200").json()
    assert other_id not in [row["id"] for row in listed["items"]]
    assert worker.get(f"/api/v1/residents?district={OTHER}").status_code == 404
    page = worker.get("/people/residents?per_page=200")
    assert mask_id_number(other_number) not in page.text and mask_id_number(world.numbers[OWN]) in page.text

    # guessing sequential ids finds exactly the residents of her own district
    in_own_district = {
        resident_id
        for (resident_id,) in session.execute(
            select(Resident.id).join(District, Resident.district_id == District.id).where(District.code == OWN)
        )
    }
    answers = {rid: worker.get(f"/api/v1/residents/{rid}").status_code for rid in range(1, other_id + 5)}
    assert {rid for rid, status in answers.items() if status == 200} == in_own_district & set(answers)
    assert set(answers.values()) == {200, 404}

    commander = matrix.client(app, "commander", session, jurisdiction="140200")
    seen = commander.get(f"/api/v1/residents/{other_id}")
    assert seen.status_code == 200 and seen.json()["id_number_masked"] == mask_id_number(other_number)
