"""Issue 23, point 6: the contract says what the server does (findings of schemathesis `--checks all`).

Answers' moments carry the city's offset; bounded days and moments declare their bounds in the schema;
a method a path does not have answers 405 with the path's real `Allow`, OPTIONS 204 with it; an integer
is no day and no JSON boolean.
"""

from __future__ import annotations

import pytest

import supplies_factories as sf
from fangkong.core.fields import DAY_PATTERN, MOMENT_PATTERN
from fangkong.core.permissions import QUARANTINE_MANAGE, ROLES, TRACING_SCAN, role_allows
from fangkong.supplies import service

OFFSET = "+08:00"


def _role_for(action: str) -> str:
    return next(role for role in ROLES if role_allows(role, action))


def _fields(response) -> list[str]:
    assert response.status_code == 422, response.text
    return [f["field"] for f in response.json()["error"]["details"]["fields"]]


def _schema_of(client, path: str, method: str, name: str) -> dict:
    """A parameter's or a JSON body property's schema in the contract, `null` alternatives left out."""
    contract = client.get("/api/openapi.json").json()
    operation = contract["paths"][path][method]
    for parameter in operation.get("parameters", []):
        if parameter["name"] == name:
            schema = parameter["schema"]
            break
    else:
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        schema = contract["components"]["schemas"][ref.split("/")[-1]]["properties"][name]
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    return options[0]


@pytest.fixture
def late_orders(session, set_clock):
    """A sealed building's orders of 11-13, one of them for a special-needs household and late; a price alert."""
    made = sf.sealed_building(session, sealed=2, outside=0)
    sf.point(session, capacity=10, compounds=[made.compound_id])
    service.register(session, actor=sf.SYSTEM, resident_id=made.residents[made.sealed[0]], kinds=["dialysis"])
    set_clock("2022-11-13T09:00")
    sf.bulk(session, made)
    package = sf.catalogue(session)["vegetable"]
    service.set_price(session, package, actor=sf.SYSTEM, price_fen=3360)  # 12 % above: an alert
    set_clock("2022-11-13T21:01")  # past the special-needs deadline
    return made


def _moments(items: list[dict], *names: str) -> list[str]:
    return [item[name] for item in items for name in names if item[name] is not None]


def test_supplies_answers_carry_the_city_offset(login_as, late_orders):
    client = login_as("supplies", "140200")
    orders = client.get("/api/v1/supplies/orders?day=2022-11-13").json()["items"]
    late = client.get("/api/v1/supplies/late").json()["items"]
    listed = client.get(f"/api/v1/supplies/buildings/{late_orders.building_id}/delivery-list?day=2022-11-13")
    alerts = client.get("/api/v1/supplies/price-alerts").json()["items"]
    moments = {
        "orders": _moments(orders, "placed_at", "deadline_at"),
        "late": _moments(late, "placed_at", "deadline_at"),
        "delivery-list": _moments(listed.json()["items"], "placed_at", "deadline_at"),
        "price-alerts": _moments(alerts, "raised_at"),
    }
    assert all(moments.values()), moments
    for answer, found in moments.items():
        assert all(moment.endswith(OFFSET) for moment in found), (answer, found)
    assert "2022-11-13T09:00:00+08:00" in moments["orders"]


def test_day_bounds_are_in_the_schema_and_a_day_outside_is_refused(login_as):
    client = login_as("community_worker", "140213")
    schema = _schema_of(client, "/api/v1/supplies/orders", "get", "day")
    assert schema["format"] == "date" and schema["pattern"] == DAY_PATTERN and DAY_PATTERN.startswith("^20[0-9]{2}-")
    body = _schema_of(client, "/api/v1/supplies/orders:bulk", "post", "day")
    assert body["pattern"] == schema["pattern"]
    assert _fields(client.get("/api/v1/supplies/orders?day=1999-12-31")) == ["day"]
    refused = client.post("/api/v1/supplies/orders:bulk", json={"building_ids": [1], "package_ids": [1],
                                                                "day": "2100-01-01"})
    assert _fields(refused) == ["day"]


def test_moment_bounds_are_in_the_schema_and_a_moment_outside_is_refused(login_as):
    client = login_as(_role_for(TRACING_SCAN), "140200")
    schema = _schema_of(client, "/api/v1/tracing/entry-checks", "post", "checked_at")
    assert schema["format"] == "date-time" and schema["pattern"] == MOMENT_PATTERN and MOMENT_PATTERN.startswith("^20[0-9]{2}-")
    refused = client.post("/api/v1/tracing/entry-checks", json={
        "venue_code": "V1", "temperature": 36.5, "checked_at": "1999-12-31T23:00:00+08:00"})
    assert _fields(refused) == ["checked_at"]


def test_get_on_a_post_only_path_is_405_not_its_sibling_id(login_as):
    client = login_as("prevention", "140200")
    answer = client.get("/api/v1/residents/export")  # was GET /residents/{resident_id}: 422 "export" not an id
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
    assert answer.json()["error"]["code"] == "method_not_allowed"


def test_options_answers_204_with_the_methods_of_the_path(client):
    answer = client.options("/api/v1/supplies/orders")
    assert answer.status_code == 204 and answer.content == b""
    assert answer.headers["allow"] == "GET, POST"
    assert client.options("/api/v1/supplies/orders/move").headers["allow"] == "POST"


def test_a_method_the_path_lacks_is_405_with_every_method_it_has(client):
    answer = client.delete("/api/v1/supplies/orders")  # a GET route and a POST route: both in Allow
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST"
    assert answer.json() == {"error": {"code": "method_not_allowed", "message": "Method Not Allowed",
                                       "details": {}}}
    page = client.delete("/login", headers={"accept": "text/html"})  # pages too, with the error page
    assert page.status_code == 405 and page.headers["allow"] == "GET, POST"
    assert "text/html" in page.headers["content-type"]


@pytest.mark.parametrize("value", ["0", "1668297600", "2022-11-13T00:00"])
def test_an_integer_or_a_time_is_not_a_query_day(login_as, value):
    client = login_as("prevention", "140200")
    assert _fields(client.get(f"/api/v1/managed?release_to={value}")) == ["release_to"]


@pytest.mark.parametrize("value", [0, 1, "true"])
def test_an_integer_is_not_a_json_boolean(login_as, value):
    client = login_as(_role_for(QUARANTINE_MANAGE), "140200")
    rooms = {"rooms": [{"number": "101", "floor": 1, "capacity": 1, "family": value}]}
    assert _fields(client.post("/api/v1/quarantine/sites/1/rooms", json=rooms)) == ["rooms.0.family"]
