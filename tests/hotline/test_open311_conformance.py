"""Open311 GeoReport v2, point by point (docs/open311.md names each point's test), in JSON and XML."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

import factories
import hotline_factories as hf
from fangkong.config import reset_settings
from fangkong.core.clock import aware
from fangkong.core.tokens import create_token
from fangkong.hotline import sla
from fangkong.hotline.models import Ticket, TicketEvent

V2 = "/open311/v2"
OVER = "epidemic_policy.over_enforcement"
TOPICS_WITH_QUESTIONS = """
[[topic]]
code = "supplies"
zh = "物资保供"
en = "Supplies"

[[topic.attributes]]
code = "household"
datatype = "number"
zh = "家庭人数"
en = "People in the household"
required = true

[[topic.attributes]]
code = "needs"
datatype = "multivaluelist"
zh = "需要"
en = "Needs"
values = [{key = "food", zh = "食品", en = "Food"}, {key = "medicine", zh = "药品", en = "Medicine"}]

[[topic.attributes]]
code = "since"
datatype = "datetime"
zh = "断供时间"
en = "Without supplies since"

[[topic]]
code = "epidemic_policy"
zh = "防疫政策"
en = "Epidemic policy"

[[topic]]
code = "epidemic_policy.over_enforcement"
zh = "层层加码、一刀切"
en = "Over-enforcement"
over_enforcement = true
"""


@pytest.fixture
def o311(app, session):
    hf.departments(session)
    return TestClient(app, raise_server_exceptions=False)  # no cookie, no CSRF: a plain Open311 client


@pytest.fixture
def key(session) -> str:
    agent = factories.user(session, role="hotline_agent")
    return create_token(session, username=agent.username, name="open311 app", scopes=["hotline.intake"])[1]


@pytest.fixture
def environ():
    """Set FANGKONG_* variables for one test; the settings are read afresh and restored after."""
    saved = dict(os.environ)

    def _set(**values: str) -> None:
        os.environ.update(values)
        reset_settings()

    yield _set
    os.environ.clear()
    os.environ.update(saved)
    reset_settings()


@pytest.fixture
def questions(environ, tmp_path):
    path = tmp_path / "topics.toml"
    path.write_text(TOPICS_WITH_QUESTIONS, encoding="utf-8")
    environ(FANGKONG_HOTLINE_TOPICS=str(path))


def xml(response) -> ET.Element:
    assert response.headers["content-type"].startswith("text/xml"), response.text
    assert response.content.lower().startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def post(o311, key, fmt="json", params=None, **fields):
    body = {"api_key": key, "service_code": "zones", "address_string": "平城区魏都新城C区",
            "description": "小区封控超过5天仍未解封", **fields}
    return o311.post(f"{V2}/requests.{fmt}", data={k: v for k, v in body.items() if v is not None}, params=params)


def posted_id(response) -> str:
    assert response.status_code == 200, response.text
    return response.json()[0]["service_request_id"]


def error_of(response, status: int, fmt: str = "json") -> str:
    assert response.status_code == status, response.text
    if fmt == "json":
        [found] = response.json()
        assert found["code"] == status
        return found["description"]
    root = xml(response)
    assert root.tag == "errors" and root.find("error/code").text == str(status)
    return root.find("error/description").text


# discovery and services

def test_discovery_names_the_endpoint_in_json_and_xml(o311):
    found = o311.get(f"{V2}/discovery.json").json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= found.keys()
    [endpoint] = found["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    root = xml(o311.get(f"{V2}/discovery.xml"))
    assert root.tag == "discovery" and root.find("changeset") is not None and root.find("contact") is not None
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert formats == ["application/json", "text/xml"]


def test_services_carry_the_specs_fields(o311):
    services = o311.get(f"{V2}/services.json").json()
    fields = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert services and all(fields <= s.keys() and s["type"] == "realtime" for s in services)
    assert xml(o311.get(f"{V2}/services.xml")).find("service/service_code") is not None


def test_services_metadata_is_a_boolean_in_json_and_xml(o311):
    services = {s["service_code"]: s for s in o311.get(f"{V2}/services.json").json()}
    assert services["zones"]["metadata"] is True and services[OVER]["metadata"] is False
    root = xml(o311.get(f"{V2}/services.xml"))
    metadata = {s.find("service_code").text: s.find("metadata").text for s in root.findall("service")}
    assert metadata["zones"] == "true" and metadata[OVER] == "false"


# service definitions

def test_a_service_with_attributes_has_its_definition_in_json(o311):
    found = o311.get(f"{V2}/services/zones.json")
    assert found.status_code == 200, found.text
    definition = found.json()
    assert definition["service_code"] == "zones"
    [kind] = definition["attributes"]
    assert {k: kind[k] for k in ("variable", "code", "datatype", "required", "order")} == {
        "variable": True, "code": "kind", "datatype": "singlevaluelist", "required": False, "order": 1}
    assert kind["datatype_description"] and kind["description"] == "诉求类型"
    assert {"key": "complaint", "name": "投诉"} in kind["values"]


def test_a_service_with_attributes_has_its_definition_in_xml(o311):
    root = xml(o311.get(f"{V2}/services/zones.xml", params={"lang": "en"}))
    assert root.tag == "service_definition" and root.find("service_code").text == "zones"
    attribute = root.find("attributes/attribute")
    assert attribute.find("variable").text == "true" and attribute.find("required").text == "false"
    keys = [v.find("key").text for v in attribute.findall("values/value")]
    assert keys == ["enquiry", "help", "complaint", "report", "suggestion"]
    assert attribute.find("values/value/name").text == "Enquiry"


def test_a_topics_own_attributes_of_every_datatype_are_defined(o311, questions):
    attributes = o311.get(f"{V2}/services/supplies.json").json()["attributes"]
    assert [(a["code"], a["datatype"], a["required"], a["order"]) for a in attributes] == [
        ("kind", "singlevaluelist", False, 1), ("household", "number", True, 2),
        ("needs", "multivaluelist", False, 3), ("since", "datetime", False, 4)]
    assert "values" not in attributes[1] and attributes[2]["values"][1] == {"key": "medicine", "name": "药品"}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_service_without_attributes_has_no_definition_404(o311, fmt):
    assert "metadata is false" in error_of(o311.get(f"{V2}/services/{OVER}.{fmt}"), 404, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_definition_is_404(o311, fmt):
    assert "pothole" in error_of(o311.get(f"{V2}/services/pothole.{fmt}"), 404, fmt)


# POST requests: the key

def test_api_key_is_accepted_in_the_query_string(o311, key):
    request_id = posted_id(post(o311, None, params={"api_key": key}))
    assert o311.get(f"{V2}/requests/{request_id}.json").status_code == 200


def test_api_key_is_accepted_in_the_form_body(o311, key):
    posted_id(post(o311, key))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_or_bad_api_key_is_403(o311, session, fmt):
    assert "api_key" in error_of(post(o311, None, fmt), 403, fmt)
    assert "api_key" in error_of(post(o311, "not-a-token", fmt), 403, fmt)
    viewer = factories.user(session, role="hotline_agent")
    other = create_token(session, username=viewer.username, name="reader", scopes=["hotline.read"])[1]
    assert "hotline.intake" in error_of(post(o311, other, fmt, params={"api_key": other}), 403, fmt)


# POST requests: required fields and locations

@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_code_is_required_and_known_400(o311, key, fmt):
    assert "service_code is required" in error_of(post(o311, key, fmt, service_code=None), 400, fmt)
    assert "pothole" in error_of(post(o311, key, fmt, service_code="pothole"), 400, fmt)


def test_a_location_is_required_400(o311, key):
    assert "location" in error_of(post(o311, key, address_string=None), 400)
    assert "together" in error_of(post(o311, key, address_string=None, lat="40.07"), 400)
    assert "lat" in error_of(post(o311, key, address_string=None, lat="95", long="113.3"), 400)
    assert "long" in error_of(post(o311, key, address_string=None, lat="40.07", long="east"), 400)


def test_lat_and_long_alone_locate_a_request_and_come_back_as_numbers(o311, key):
    request_id = posted_id(post(o311, key, address_string=None, lat="40.0768", long="113.3001"))
    [read] = o311.get(f"{V2}/requests/{request_id}.json").json()
    assert (read["lat"], read["long"]) == (40.0768, 113.3001)


def test_address_id_alone_locates_a_request(o311, key):
    request_id = posted_id(post(o311, key, address_string=None, address_id="U-1024"))
    [read] = o311.get(f"{V2}/requests/{request_id}.json").json()
    assert read["address"] == "address_id U-1024"


# POST requests: attributes

def test_attribute_kind_sets_the_kind_and_its_deadline(o311, key, session):
    request_id = posted_id(post(o311, key, **{"attribute[kind]": "complaint"}))
    ticket = session.get(Ticket, int(request_id))
    assert ticket.kind == "complaint"
    assert aware(ticket.reply_due_at) == sla.reply_due(aware(ticket.received_at), "complaint", "normal")


def test_an_attribute_value_outside_its_list_is_400(o311, key):
    assert "attribute[kind]" in error_of(post(o311, key, **{"attribute[kind]": "praise"}), 400)


def test_an_attribute_the_service_does_not_define_is_400(o311, key):
    assert "attribute[colour]" in error_of(post(o311, key, **{"attribute[colour]": "red"}), 400)
    assert "attribute[kind]" in error_of(post(o311, key, service_code=OVER, **{"attribute[kind]": "help"}), 400)


def test_a_required_attribute_is_enforced(o311, key, questions):
    assert "attribute[household] is required" in error_of(post(o311, key, service_code="supplies"), 400)


def test_attribute_answers_are_checked_by_datatype_and_kept_in_the_text(o311, key, session, questions):
    base = {"service_code": "supplies", "attribute[household]": "3"}
    assert "not a number" in error_of(post(o311, key, **{**base, "attribute[household]": "three"}), 400)
    assert "W3C" in error_of(post(o311, key, **base, **{"attribute[since]": "2022-11-12 08:00"}), 400)
    assert "pets" in error_of(post(o311, key, **base, **{"attribute[needs][]": "pets"}), 400)
    created = post(o311, key, **base, description="三天没菜了", **{
        "attribute[needs][]": ["food", "medicine"], "attribute[since]": "2022-11-12T08:00:00+08:00"})
    text = session.get(Ticket, int(posted_id(created))).text
    assert text.splitlines() == ["三天没菜了", "家庭人数：3", "需要：食品、药品", "断供时间：2022-11-12T08:00:00+08:00"]


# POST requests: optional fields and the answer

def test_optional_fields_description_email_media_url(o311, key, session):
    request_id = posted_id(post(o311, key, description=None, email="li@example.org",
                                media_url="https://img.example.org/1.jpg", first_name="先生", last_name="李"))
    ticket = session.get(Ticket, int(request_id))
    assert ticket.text == "风险区" and ticket.caller_name == "李先生"  # no description: the service's name
    notes = session.query(TicketEvent).filter_by(ticket_id=ticket.id, kind="note").all()
    assert [n.text for n in notes] == ["media_url: https://img.example.org/1.jpg"]
    [read] = o311.get(f"{V2}/requests/{request_id}.json").json()
    assert read["media_url"] is None and "li@example.org" not in json.dumps(read)
    assert "media_url" in error_of(post(o311, key, media_url="javascript:alert(1)"), 400)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_posted_answer_is_a_list_with_id_notice_and_account(o311, key, fmt):
    answer = post(o311, key, fmt)
    assert answer.status_code == 200, answer.text
    if fmt == "json":
        [row] = answer.json()
        assert row.keys() == {"service_request_id", "service_notice", "account_id"} and "token" not in row
    else:
        root = xml(answer)
        assert root.tag == "service_requests" and root.find("request/service_request_id").text.isdigit()


def test_over_enforcement_is_a_complaint_due_as_complaints_are(o311, key, session, set_clock, environ):
    set_clock("2022-11-14T10:00")
    ticket = session.get(Ticket, int(posted_id(post(o311, key, service_code=OVER, description="小区被一刀切封控"))))
    assert ticket.kind == "complaint" and ticket.over_enforcement
    assert aware(ticket.reply_due_at) == sla.reply_due(aware(ticket.received_at), "complaint", "normal")
    [read] = o311.get(f"{V2}/requests/{ticket.id}.json").json()
    assert read["expected_datetime"] == "2022-12-01T23:59:59+08:00" and read["agency_responsible"] == "市防控督查专班"
    environ(FANGKONG_HOTLINE_WORKING_DAYS=json.dumps({"enquiry": 3, "help": 3, "complaint": 5, "report": 13,
                                                      "suggestion": 13}))
    later = session.get(Ticket, int(posted_id(post(o311, key, service_code=OVER, description="又被加码"))))
    assert later.kind == "complaint" and aware(later.reply_due_at).date().isoformat() == "2022-11-21"


# GET requests

def _close(session, request_id: str) -> None:
    ticket = session.get(Ticket, int(request_id))
    ticket.state, ticket.reply, ticket.closed_at = "closed", "已解封", ticket.received_at
    session.flush()


def test_get_requests_filters_by_service_code_and_status(o311, key, session):
    zones, testing = posted_id(post(o311, key)), posted_id(post(o311, key, service_code="testing"))
    _close(session, testing)
    ids = lambda **params: [r["service_request_id"] for r in o311.get(f"{V2}/requests.json", params=params).json()]
    assert zones in ids(service_code="zones") and testing not in ids(service_code="zones")
    assert {zones, testing} <= set(ids(service_code="zones,testing"))
    assert testing in ids(status="closed") and zones not in ids(status="closed")
    assert zones in ids(status="open") and {zones, testing} <= set(ids(status="open,closed"))
    [closed] = o311.get(f"{V2}/requests/{testing}.json").json()
    assert closed["status"] == "closed" and closed["status_notes"] == "已解封"


def test_service_request_id_lists_ignore_every_other_filter(o311, key):
    first, second = posted_id(post(o311, key)), posted_id(post(o311, key, service_code="testing"))
    found = o311.get(f"{V2}/requests.json", params={"service_request_id": f"{first},{second}",
                                                    "service_code": "supplies", "status": "closed"}).json()
    assert sorted(r["service_request_id"] for r in found) == sorted([first, second])


def test_start_and_end_date_are_w3c_with_their_zone(o311, key, set_clock):
    set_clock("2022-11-10T09:00")
    early = posted_id(post(o311, key))
    set_clock("2022-11-13T09:00")
    late = posted_id(post(o311, key))
    ids = lambda **params: [r["service_request_id"] for r in o311.get(f"{V2}/requests.json", params=params).json()]
    assert ids(start_date="2022-11-12T00:00:00+08:00") == [late]
    assert early in ids(end_date="2022-11-11T00:00:00Z") and late not in ids(end_date="2022-11-11T00:00:00Z")
    answer = o311.get(f"{V2}/requests.json", params={"start_date": "2022-11-12T00:00:00"})
    assert "zone" in error_of(answer, 400)


def test_the_default_span_is_90_days_and_no_wider_span_is_served(o311, key, set_clock):
    set_clock("2022-08-01T09:00")
    old = posted_id(post(o311, key))
    set_clock("2022-11-13T09:00")
    recent = posted_id(post(o311, key))
    listed = [r["service_request_id"] for r in o311.get(f"{V2}/requests.json").json()]
    assert recent in listed and old not in listed
    wide = {"start_date": "2022-07-01T00:00:00+08:00", "end_date": "2022-11-13T00:00:00+08:00"}
    assert "90 days" in error_of(o311.get(f"{V2}/requests.xml", params=wide), 400, "xml")
    backwards = {"start_date": "2022-11-13T00:00:00+08:00", "end_date": "2022-11-01T00:00:00+08:00"}
    assert "after" in error_of(o311.get(f"{V2}/requests.json", params=backwards), 400)


def test_malformed_filters_are_the_specs_400_not_the_houses_422(o311):
    assert "status" in error_of(o311.get(f"{V2}/requests.json", params={"status": "x" * 30}), 400)
    assert "lang" in error_of(o311.get(f"{V2}/services.json", params={"lang": "fr"}), 400)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_request_by_id_is_a_list_of_one(o311, key, fmt):
    request_id = posted_id(post(o311, key))
    answer = o311.get(f"{V2}/requests/{request_id}.{fmt}")
    if fmt == "json":
        [read] = answer.json()
        assert read["service_request_id"] == request_id and read["status"] == "open"
    else:
        [read] = xml(answer).findall("request")
        assert read.find("service_request_id").text == request_id and read.find("media_url").text is None


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_404(o311, fmt):
    assert "999999" in error_of(o311.get(f"{V2}/requests/999999.{fmt}"), 404, fmt)


def test_datetimes_are_w3c_with_the_citys_offset(o311, key, set_clock):
    set_clock("2022-11-13T09:31")
    [read] = o311.get(f"{V2}/requests/{posted_id(post(o311, key))}.json").json()
    assert read["requested_datetime"] == "2022-11-13T09:31:00+08:00"
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert datetime.fromisoformat(read[field]).utcoffset().total_seconds() == 8 * 3600


def test_requests_are_realtime_no_tokens(o311, key):
    assert {s["type"] for s in o311.get(f"{V2}/services.json").json()} == {"realtime"}
    [row] = post(o311, key).json()
    assert row["service_request_id"] and "token" not in row


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_jurisdiction_id_is_the_city_or_not_found(o311, key, fmt):
    city = {"jurisdiction_id": "140200"}
    assert o311.get(f"{V2}/services.{fmt}", params=city).status_code == 200
    posted_id(post(o311, key, **city))
    other = {"jurisdiction_id": "city.gov"}
    for path in ("services", "requests", "services/zones"):
        assert "jurisdiction_id" in error_of(o311.get(f"{V2}/{path}.{fmt}", params=other), 404, fmt)
    assert "jurisdiction_id" in error_of(post(o311, key, fmt, **other), 400, fmt)
