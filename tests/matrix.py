"""The authorization matrix's machinery: the app's routes with their declared permission, the world of
objects in two districts, logged-in clients, calls and the answers expected (tests/core/test_authorization_*.py).

Expected answers follow from the permission the route declares (`require(action)` or `public()`) and
ROLE_PERMISSIONS: anonymous → 401 (API) or a redirect to the login page; a role without the action → 403;
with the action → success on its own objects and 404 on others' (never a 403 that confirms them).
"""

from __future__ import annotations

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount

import enterprises_factories
import factories
import hotline_factories
import lab_factories
import quarantine_factories
import supplies_factories
import tracing_factories
import weblogin
import zone_factories
from fangkong.core.permissions import role_allows
from matrix_examples import EXAMPLES, OTHER, OWN, Example, World

FRAMEWORK_ROUTES = {"/api/openapi.json"}  # served by FastAPI itself: the public contract


def declared_actions(route: APIRoute) -> list:
    """The permissions a route declares, found among its dependencies (require/public set the mark)."""
    found = []

    def walk(dependant) -> None:
        for dependency in dependant.dependencies:
            if hasattr(dependency.call, "fangkong_action"):
                found.append(dependency.call.fangkong_action)
            walk(dependency)

    walk(route.dependant)
    return found


def flat_routes(app) -> list:
    """The app's routes with their effective paths (recent FastAPI keeps included routers nested)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI copies included routes into app.routes
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def api_and_page_routes(app) -> list[tuple[str, APIRoute]]:
    routes = []
    for route in flat_routes(app):
        original = getattr(route, "original_route", route)
        if isinstance(original, Mount) or (not isinstance(original, APIRoute) and route.path in FRAMEWORK_ROUTES):
            continue
        assert isinstance(original, APIRoute), f"{route.path}: not a FastAPI route, so it cannot declare a permission"
        routes.extend((method, route) for method in sorted(route.methods))
    return routes


def example_for(method: str, route: APIRoute) -> Example:
    example = EXAMPLES.get((method, route.path))
    if example is None:
        assert method == "GET" and "{" not in route.path, (
            f"{method} {route.path}: add a request example to the authorization matrix"
        )
        example = Example()
    return example


def build_world(session) -> World:
    world = World()
    registrar = factories.actor(session, role="prevention", jurisdiction="140200", username="registrar")
    for code, name in ((OWN, "平城区"), (OTHER, "云冈区")):
        unit = factories.place_chain(session, district_code=code, district_name=name)
        number = factories.id_number()
        resident = factories.resident(session, unit=unit, id_number=number, by=registrar)
        world.units[code], world.residents[code], world.numbers[code] = unit.id, resident.id, number
        world.managed[code] = factories.managed(session, anchor="2022-11-12", resident_id=resident.id, by=registrar).id
        world.zones[code] = zone_factories.matrix_zones(session, code=code, name=name, unit=unit)
        world.tracing[code] = tracing_factories.matrix_tracing(session, unit=unit, case_id=world.zones[code]["case"])
        world.quarantine[code] = quarantine_factories.matrix_quarantine(session, code=code, unit=unit)
        world.hotline[code] = hotline_factories.matrix_hotline(session, code=code, name=name)
        world.lab[code] = lab_factories.matrix_lab(session, unit=unit)
        world.supplies[code] = supplies_factories.matrix_supplies(session, code=code)
        world.enterprises[code] = enterprises_factories.matrix_enterprises(session, code=code, unit=unit,
                                                                           round_id=world.lab[code]["round"])
    return world


def client(app, role: str | None, session, jurisdiction: str = OWN, world: World | None = None) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    if role is None:
        client.headers[weblogin.CSRF_HEADER] = weblogin.login_token(client)
        return client
    user = factories.user(session, role=role, jurisdiction=jurisdiction)
    if role == "quarantine_site_staff" and world is not None:  # staff of the site of their own district
        quarantine_factories.link_staff(session, world.quarantine[OWN]["site"], user.username)
    if role == "department_handler":  # a handler of the department of their district
        hotline_factories.join_matrix_department(session, user, jurisdiction)
    response = weblogin.log_in(client, user.username, factories.ADMIN_PASSWORD)
    assert response.status_code == 303, (role, response.text)
    return client


def call(client: TestClient, method: str, route: APIRoute, example: Example, world: World, where: str):
    path = route.path.format(**example.path(world, where)) if example.path else route.path
    kwargs = {"follow_redirects": False}
    if example.json:
        kwargs["json"] = example.json(world, where)
    if example.form:
        kwargs["data"] = example.form(world, where)
    if example.files:
        kwargs["files"] = example.files(world, where)
    return client.request(method, path, **kwargs)


def expected(route: APIRoute, action, role: str | None, example: Example, where: str) -> int:
    is_api = route.path.startswith("/api/")
    if role is None:
        return 401 if is_api else 303
    if not role_allows(role, action):
        return 403
    if example.about_an_object and where == OTHER and not example.other_hidden_in_body:
        return 404
    return example.ok
