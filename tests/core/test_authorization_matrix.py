"""The authorization matrix, generated from the app's route table.

Every API and page route x anonymous and every role x an object in the caller's own district
(平城区 140213) and in another (云冈区 140214). Expected answers follow from the permission the
route declares (`require(action)` or `public()`) and ROLE_PERMISSIONS:
anonymous → 401 (API) or a redirect to the login page; a role without the action → 403;
with the action → success on its own objects and 404 on others' (never a 403 that confirms them).

A route without a declared permission fails here; so does a route with path parameters or a
body that has no example below.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import xlsxwriter
from fastapi.routing import APIRoute
from sqlalchemy import select
from fastapi.testclient import TestClient
from starlette.routing import Mount

import enterprises_factories
import factories
import quarantine_factories
import supplies_factories
import hotline_factories
import lab_factories
import tracing_factories
import weblogin
import zone_factories
from fangkong.core.permissions import ROLES, role_allows
from fangkong.core.pii import mask_id_number
from fangkong.people.models import Resident
from fangkong.places.models import District

OWN, OTHER = "140213", "140214"
FRAMEWORK_ROUTES = {"/api/openapi.json"}  # served by FastAPI itself: the public contract


@dataclass
class World:
    """One resident and one unit in each district, created in the test's rollback session."""

    units: dict[str, int] = field(default_factory=dict)
    residents: dict[str, int] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    managed: dict[str, int] = field(default_factory=dict)  # a resident under management in each district
    zones: dict[str, dict] = field(default_factory=dict)  # zone_factories.matrix_zones of each district
    tracing: dict[str, dict] = field(default_factory=dict)  # tracing_factories.matrix_tracing of each district
    quarantine: dict[str, dict] = field(default_factory=dict)  # quarantine_factories.matrix_quarantine of each
    hotline: dict[str, dict] = field(default_factory=dict)  # hotline_factories.matrix_hotline of each district
    lab: dict[str, dict] = field(default_factory=dict)  # lab_factories.matrix_lab of each district
    supplies: dict[str, dict] = field(default_factory=dict)  # supplies_factories.matrix_supplies of each district
    enterprises: dict[str, dict] = field(default_factory=dict)  # enterprises_factories.matrix_enterprises of each


@dataclass(frozen=True)
class Example:
    """How to call a route: path parameters, body, and its success status."""

    path: Callable[[World, str], dict] | None = None
    json: Callable[[World, str], dict] | None = None
    form: Callable[[World, str], dict] | None = None
    files: Callable[[World, str], dict] | None = None  # multipart uploads: {"field": (name, bytes, type)}
    ok: int = 200
    about_an_object: bool = False  # answers 404 for objects outside the caller's jurisdiction
    other_hidden_in_body: bool = False  # a page that answers 200 either way but must not show the other's record


def _resident_path(world: World, where: str) -> dict:
    return {"resident_id": world.residents[where]}


_passports = itertools.count(1)


def _non_resident(world: World, where: str) -> dict:
    return {
        "category": "inbound", "anchor": "2022-11-12", "source": "inbound", "name": "Jane Roe",
        "document_kind": "passport", "document_number": f"E{next(_passports):08d}", "unit_id": world.units[where],
    }


def _managed_xlsx(world: World, where: str) -> dict:
    """A one-row import naming the resident of `where` (refused, not an error, when outside the caller's reach)."""
    out = io.BytesIO()
    with xlsxwriter.Workbook(out) as workbook:
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, ["身份证号", "类别", "锚定日期"])
        sheet.write_row(1, 0, [world.numbers[where], "密切接触者", "2022-11-12"])
    return {"file": ("managed.xlsx", out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


def _zone(purpose: str, key: str = "zone_id"):
    return lambda world, where: {key: world.zones[where][purpose]}


_round_minutes = itertools.count(1)


def _round(world: World, where: str) -> dict:
    return {"sampled_at": f"2022-11-13T07:{next(_round_minutes) % 60:02d}", "result": "negative"}


def _case(world: World, where: str) -> dict:
    return {"reported_on": "2022-11-13", "name": "Jane Roe", "document_kind": "passport",
            "document_number": f"C{next(_passports):08d}", "home_unit_id": world.units[where]}


def _override(world: World, where: str) -> dict:
    return {
        "district": where, "category": "close_contact", "phase_kind": "home_quarantine", "extra_days": 1,
        "reason": "矩阵测试", "starts_on": "2022-11-12", "ends_on": "2022-11-20",
    }


def _tracing_case(world: World, where: str) -> dict:
    return {"case_id": world.tracing[where]["case"]}


def _fresh_candidate(world: World, where: str) -> dict:
    return {"candidate_id": world.tracing[where]["candidate"]()}


def _entry_check(world: World, where: str) -> dict:
    return {"venue_code": world.tracing[where]["venue_code"], "checked_at": "2022-11-13T08:00",
            "temperature": 36.6, "resident_id": world.residents[where]}


def _hotline(step: str) -> Callable[[World, str], dict]:
    return lambda world, where: {"ticket_id": world.hotline[where][step]}


def _item(name: str) -> Callable[[World, str], dict]:
    return lambda world, where: {"item_id": world.hotline[where][name]}
def _lab_upload(kind: str):
    def files(world: World, where: str) -> dict:
        m = world.lab[where]
        if kind == "samples":
            text = (f"tube_barcode,pool_size,point_code,sampled_at,id_number\n"
                    f"{m['barcode']},10,{m['point']},2022-11-12T08:00,{m['number']}\n")
        else:
            text = f"tube_barcode,lab_code,received_at\n{m['barcode']},{m['lab']},2022-11-12T10:00\n"
        return {"file": (f"{kind}.csv", text.encode(), "text/csv")}
    return files


EXAMPLES: dict[tuple[str, str], Example] = {
    # nucleic acid testing (tests/lab_factories.py: a districts round with a stored tube in each district)
    ("POST", "/api/v1/lab/rounds"): Example(json=lambda w, where: {
        "name": "矩阵轮次", "scope_kind": "districts", "scope_ids": [w.lab[where]["district"]],
        "reason": "source_unclear", "starts_at": "2022-11-12T06:00"}, ok=201, about_an_object=True),
    ("POST", "/api/v1/lab/samples:batch"): Example(json=lambda w, where: lab_factories.sample_body(w.lab[where]),
                                                   about_an_object=True),
    ("POST", "/api/v1/lab/results:batch"): Example(json=lambda w, where: lab_factories.result_body(w.lab[where]),
                                                   about_an_object=True),
    ("POST", "/lab/rounds/{round_id}/samples"): Example(
        path=lambda w, where: {"round_id": w.lab[where]["round"]}, files=_lab_upload("samples"), about_an_object=True),
    ("POST", "/lab/rounds/{round_id}/results"): Example(
        path=lambda w, where: {"round_id": w.lab[where]["round"]}, files=_lab_upload("results"), about_an_object=True),
    ("GET", "/lab/people/{resident_id}"): Example(path=_resident_path, about_an_object=True),
    ("POST", "/login"): Example(form=lambda w, _: {"username": "nobody", "password": "wrong-password"}),
    ("POST", "/logout"): Example(form=lambda w, _: {}),
    ("GET", "/lang/{code}"): Example(path=lambda w, _: {"code": "en"}),
    ("POST", "/people/residents/search"): Example(
        form=lambda w, where: {"id_number": w.numbers[where]}, about_an_object=True, other_hidden_in_body=True
    ),
    ("POST", "/people/residents/{resident_id}/reveal"): Example(
        path=_resident_path, form=lambda w, _: {"reason": "流调核实"}, about_an_object=True
    ),
    ("POST", "/api/v1/residents"): Example(
        json=lambda w, where: {"name": "新居民", "id_number": factories.id_number(), "home_unit_id": w.units[where]},
        ok=201,
        about_an_object=True,
    ),
    ("POST", "/api/v1/residents/lookup"): Example(
        json=lambda w, where: {"id_number": w.numbers[where]}, about_an_object=True
    ),
    ("GET", "/api/v1/residents/{resident_id}"): Example(path=_resident_path, about_an_object=True),
    ("POST", "/api/v1/managed"): Example(json=_non_resident, ok=201, about_an_object=True),
    ("GET", "/api/v1/managed/{person_id}"): Example(
        path=lambda w, where: {"person_id": w.managed[where]}, about_an_object=True
    ),
    ("POST", "/api/v1/policy/switch"): Example(
        json=lambda w, _: {"to": "measures20", "effective": "2022-11-11", "dry_run": True}
    ),
    ("POST", "/api/v1/overrides"): Example(json=_override, ok=201, about_an_object=True),
    ("POST", "/api/v1/managed/import"): Example(files=_managed_xlsx),
    ("GET", "/people/managed/{person_id}"): Example(
        path=lambda w, where: {"person_id": w.managed[where]}, about_an_object=True
    ),
    ("POST", "/people/managed/import"): Example(files=_managed_xlsx),
    ("POST", "/people/managed/export"): Example(form=lambda w, where: {"district": where}, about_an_object=True),
    ("POST", "/policy/switch/preview"): Example(form=lambda w, _: {"to": "measures20", "effective": "2022-11-11"}),
    # without the confirmation box: refused before anything is applied (applying is tested in tests/people)
    ("POST", "/policy/switch/apply"): Example(form=lambda w, _: {"to": "measures20", "effective": "2022-11-11"}, ok=422),
    ("POST", "/api/v1/residents/export"): Example(json=lambda w, where: {"district": where}, about_an_object=True),
    ("POST", "/people/residents/export"): Example(form=lambda w, where: {"district": where}, about_an_object=True),
    ("POST", "/api/v1/residents/{resident_id}/reveal"): Example(
        path=_resident_path, json=lambda w, _: {"reason": "流调核实"}, about_an_object=True
    ),
    # risk zones and the case register (tests/zone_factories.py builds a set of zones in each district)
    ("POST", "/api/v1/cases"): Example(json=_case, ok=201, about_an_object=True),
    ("GET", "/api/v1/cases/{case_id}"): Example(path=_zone("case", "case_id"), about_an_object=True),
    ("GET", "/api/v1/zones/{zone_id}"): Example(path=_zone("view"), about_an_object=True),
    ("POST", "/api/v1/zones/{zone_id}/approve"): Example(path=_zone("approve_api"), about_an_object=True),
    ("POST", "/api/v1/zones/{zone_id}/reject"): Example(
        path=_zone("reject_api"), json=lambda w, _: {"reason": "矩阵测试"}, about_an_object=True),
    ("POST", "/api/v1/zones/{zone_id}/widen"): Example(
        path=_zone("widen_api"), json=lambda w, _: {"to": "building", "reason": "矩阵测试"}, about_an_object=True),
    ("POST", "/api/v1/zones/{zone_id}/rounds"): Example(path=_zone("view"), json=_round, ok=201, about_an_object=True),
    ("GET", "/api/v1/zones/{zone_id}/residents"): Example(path=_zone("view"), about_an_object=True),
    ("POST", "/api/v1/zones/{zone_id}/departures"): Example(
        path=_zone("view"), json=lambda w, where: {"resident_id": w.zones[where]["departing"], "left_on": "2022-11-13"},
        about_an_object=True),
    ("POST", "/api/v1/zones/proposals/{proposal_id}/approve"): Example(
        path=_zone("p_approve_api", "proposal_id"), about_an_object=True),
    ("POST", "/api/v1/zones/proposals/{proposal_id}/reject"): Example(
        path=_zone("p_reject_api", "proposal_id"), json=lambda w, _: {"reason": "矩阵测试", "keep_until": "2022-11-15"},
        about_an_object=True),
    ("POST", "/api/v1/zones/daily"): Example(json=lambda w, _: {}),
    ("GET", "/api/v1/units/{unit_id}/tier"): Example(path=lambda w, where: {"unit_id": w.units[where]}),
    ("GET", "/api/v1/residents/{resident_id}/tier"): Example(path=_resident_path, about_an_object=True),
    ("POST", "/zones/daily"): Example(form=lambda w, _: {}),
    # contact tracing (tests/tracing_factories.py: a venue per district, fresh candidates of its case)
    ("POST", "/api/v1/tracing/scans:batch"): Example(json=lambda w, where: {"scans": [
        {"venue_code": w.tracing[where]["venue_code"], "scanned_at": "2022-11-13T08:00",
         "resident_id": w.residents[where]}]}),
    ("POST", "/api/v1/tracing/entry-checks"): Example(json=_entry_check, ok=201, about_an_object=True),
    ("GET", "/api/v1/tracing/cases/{case_id}/candidates"): Example(path=_tracing_case, about_an_object=True),
    ("POST", "/api/v1/tracing/cases/{case_id}/candidates"): Example(
        path=_tracing_case, json=lambda w, _: {}, about_an_object=True),
    ("POST", "/api/v1/tracing/candidates/{candidate_id}/confirm"): Example(
        path=_fresh_candidate, json=lambda w, _: {}, about_an_object=True),
    ("POST", "/api/v1/tracing/candidates/{candidate_id}/general"): Example(
        path=_fresh_candidate, json=lambda w, _: {}, about_an_object=True),
    ("POST", "/api/v1/tracing/candidates/{candidate_id}/dismiss"): Example(
        path=_fresh_candidate, json=lambda w, _: {"reason": "矩阵测试"}, about_an_object=True),
    ("GET", "/tracing/cases/{case_id}"): Example(path=_tracing_case, about_an_object=True),
    ("GET", "/api/v1/tracing/chains/{cluster_id}"): Example(
        path=lambda w, where: {"cluster_id": w.tracing[where]["case"]}, about_an_object=True),
    ("POST", "/tracing/cases/{case_id}/propose"): Example(path=_tracing_case, form=lambda w, _: {},
                                                          about_an_object=True),
    ("POST", "/tracing/candidates/{candidate_id}/decide"): Example(
        path=_fresh_candidate, form=lambda w, _: {"decision": "general"}, about_an_object=True),
    ("POST", "/tracing/scan"): Example(form=lambda w, where: {"venue_code": w.tracing[where]["venue_code"],
                                                              "resident_id": str(w.residents[where])}),
    ("GET", "/tracing/venues/{venue_id}/qr.png"): Example(path=lambda w, where: {"venue_id": w.tracing[where]["venue_id"]}),
    ("GET", "/tracing/venues/{venue_id}/qr.pdf"): Example(path=lambda w, where: {"venue_id": w.tracing[where]["venue_id"]}),
    ("GET", "/tracing/venues/{venue_id}/poster"): Example(
        path=lambda w, where: {"venue_id": w.tracing[where]["venue_id"]}),
    ("GET", "/tracing/venues/{venue_id}/poster.pdf"): Example(
        path=lambda w, where: {"venue_id": w.tracing[where]["venue_id"]}),
    ("GET", "/tracing/venues/{venue_id}/poster.png"): Example(
        path=lambda w, where: {"venue_id": w.tracing[where]["venue_id"]}),
    ("GET", "/dashboard/report.{fmt}"): Example(path=lambda w, _: {"fmt": "xlsx"}),
    ("GET", "/zones/{zone_id}"): Example(path=_zone("view"), about_an_object=True),
    ("GET", "/zones/{zone_id}/residents"): Example(path=_zone("view"), about_an_object=True),
    ("POST", "/zones/{zone_id}/approve"): Example(path=_zone("approve_page"), form=lambda w, _: {},
                                                  about_an_object=True),
    ("POST", "/zones/{zone_id}/reject"): Example(
        path=_zone("reject_page"), form=lambda w, _: {"reason": "矩阵测试"}, about_an_object=True),
    ("POST", "/zones/{zone_id}/widen"): Example(
        path=_zone("widen_page"), form=lambda w, _: {"to": "building", "reason": "矩阵测试"}, about_an_object=True),
    ("POST", "/zones/{zone_id}/rounds"): Example(path=_zone("view"), form=_round, about_an_object=True),
    ("POST", "/zones/proposals/{proposal_id}/approve"): Example(
        path=_zone("p_approve_page", "proposal_id"), form=lambda w, _: {}, about_an_object=True),
    ("POST", "/zones/proposals/{proposal_id}/reject"): Example(
        path=_zone("p_reject_page", "proposal_id"), form=lambda w, _: {"reason": "矩阵测试", "keep_until": "2022-11-15"},
        about_an_object=True),
    **{(method, f"/api/v1/hotline/tickets/{{ticket_id}}{suffix}"): Example(
        path=_hotline(step), json=body, about_an_object=True) for method, suffix, step, body in (
        ("GET", "", "read", None), ("POST", "/caller", "read", lambda w, _: {"reason": "矩阵测试"}),
        ("POST", "/dispatch", "dispatch", lambda w, where: {"department": f"matrix_{where}"}),
        ("POST", "/accept", "accept", None), ("POST", "/send-back", "send_back", lambda w, _: {"reason": "矩阵测试"}),
        ("POST", "/notes", "note", lambda w, _: {"text": "矩阵测试"}), ("POST", "/reply", "reply", lambda w, _: {"text": "答复"}),
        ("POST", "/close", "close", None), ("POST", "/visit", "visit", lambda w, _: {"satisfaction": "satisfied"}),
    )},
    ("POST", "/api/v1/hotline/tickets"): Example(json=lambda w, where: {
        "kind": "enquiry", "topic": "zones", "text": "矩阵测试", "district": where}, ok=201),
    ("POST", "/api/v1/hotline/sweep"): Example(),
    ("GET", "/api/v1/inspection/items/{item_id}"): Example(path=_item("item"), about_an_object=True),
    ("GET", "/api/v1/inspection/items/{item_id}/photo"): Example(path=_item("item_photo"), about_an_object=True),
    ("POST", "/api/v1/inspection/items/{item_id}/photo"): Example(
        path=_item("item_photo"), files=lambda w, _: {"photo": ("a.png", b"\x89PNG\r\n\x1a\n", "image/png")},
        about_an_object=True),
    ("POST", "/api/v1/inspection/items/{item_id}/close"): Example(
        path=_item("item_close"), json=lambda w, _: {"note": "矩阵测试"}, about_an_object=True),
    ("POST", "/api/v1/inspection/items"): Example(json=lambda w, where: {
        "group_no": 1, "place": "矩阵", "problem": "矩阵", "responsible_unit": "矩阵", "district": where}, ok=201),
    ("POST", "/api/v1/inspection/collect"): Example(json=lambda w, _: {}),
    ("POST", "/inspection/collect"): Example(form=lambda w, _: {}),
    ("POST", "/inspection/findings"): Example(form=lambda w, _: {
        "group_no": "1", "place": "矩阵", "problem": "矩阵", "responsible_unit": "矩阵"}),
    ("POST", "/inspection/items/{item_id}/close"): Example(
        path=_item("item_page_close"), form=lambda w, _: {"note": "矩阵测试"}, about_an_object=True),
    **{(method, f"/hotline/tickets/{{ticket_id}}{suffix}"): Example(
        path=_hotline(step), form=form, about_an_object=True) for method, suffix, step, form in (
        ("GET", "", "read", None), ("POST", "/accept", "page_accept", lambda w, _: {}),
        ("POST", "/reply", "page_reply", lambda w, _: {"text": "答复"}),
        ("POST", "/close", "page_close", lambda w, _: {}),
        ("POST", "/visit", "page_visit", lambda w, _: {"satisfaction": "satisfied"}),
        ("POST", "/send-back", "page_send_back", lambda w, _: {"reason": "矩阵测试"}),
        ("POST", "/notes", "page_note", lambda w, _: {"text": "矩阵测试"}),
    )},
    ("POST", "/hotline/tickets"): Example(form=lambda w, where: {
        "kind": "enquiry", "topic": "zones", "text": "矩阵测试", "district": where}),
    **{("GET", f"/open311/v2/{name}.{{fmt}}"): Example(path=lambda w, _: {"fmt": "json"})
       for name in ("discovery", "services", "requests")},
    ("GET", "/open311/v2/services/{service_code}.{fmt}"): Example(
        path=lambda w, _: {"service_code": "zones", "fmt": "json"}),
    ("GET", "/open311/v2/requests/{request_id}.{fmt}"): Example(
        path=lambda w, where: {"request_id": w.hotline[where]["read"], "fmt": "json"}),
    ("POST", "/open311/v2/requests.{fmt}"): Example(  # without an api_key: the spec's 403
        path=lambda w, _: {"fmt": "json"}, form=lambda w, _: {"service_code": "zones", "address_string": "x"}, ok=403),
}
EXAMPLES.update(quarantine_factories.matrix_examples(Example, OWN))
EXAMPLES.update(supplies_factories.matrix_examples(Example, OWN))
EXAMPLES.update(enterprises_factories.matrix_examples(Example, OWN))


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


@pytest.fixture
def world(session) -> World:
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


def _client(app, role: str | None, session, jurisdiction: str = OWN, world: World | None = None) -> TestClient:
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


def _call(client: TestClient, method: str, route: APIRoute, example: Example, world: World, where: str):
    path = route.path.format(**example.path(world, where)) if example.path else route.path
    kwargs = {"follow_redirects": False}
    if example.json:
        kwargs["json"] = example.json(world, where)
    if example.form:
        kwargs["data"] = example.form(world, where)
    if example.files:
        kwargs["files"] = example.files(world, where)
    return client.request(method, path, **kwargs)


def _expected(route: APIRoute, action, role: str | None, example: Example, where: str) -> int:
    is_api = route.path.startswith("/api/")
    if role is None:
        return 401 if is_api else 303
    if not role_allows(role, action):
        return 403
    if example.about_an_object and where == OTHER and not example.other_hidden_in_body:
        return 404
    return example.ok


def test_every_route_declares_exactly_one_permission(app):
    undeclared = [
        f"{method} {route.path}" for method, route in api_and_page_routes(app) if len(declared_actions(route)) != 1
    ]
    assert undeclared == [], "routes without exactly one require(...)/public(): " + ", ".join(undeclared)


def test_authorization_matrix(app, session, world):
    routes = api_and_page_routes(app)
    failures = []
    for role in (None, *ROLES):
        client = _client(app, role, session, world=world)
        for method, route in routes:
            [action] = declared_actions(route)
            if action is None or (method, route.path) in {("POST", "/logout")}:
                continue  # public routes are checked below; logging out would end this client's session
            example = example_for(method, route)
            for where in (OWN, OTHER) if example.about_an_object else (OWN,):
                response = _call(client, method, route, example, world, where)
                expected = _expected(route, action, role, example, where)
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
    client = _client(app, None, None)
    for method, route in api_and_page_routes(app):
        if declared_actions(route) == [None]:
            response = _call(client, method, route, example_for(method, route), world, OWN)
            allowed = (200, 303, 401, example_for(method, route).ok)
            assert response.status_code in allowed, f"{method} {route.path}: {response.status_code}"


def test_community_worker_of_pingcheng_cannot_reach_a_yungang_resident(app, session, world):
    worker = _client(app, "community_worker", session)
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

    commander = _client(app, "commander", session, jurisdiction="140200")
    seen = commander.get(f"/api/v1/residents/{other_id}")
    assert seen.status_code == 200 and seen.json()["id_number_masked"] == mask_id_number(other_number)
