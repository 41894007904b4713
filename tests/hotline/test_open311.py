"""Open311 GeoReport v2: a plain HTTP client posts with the spec's form fields and reads the request back."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

import factories
import hotline_factories as hf
from fangkong.core.tokens import create_token


def open311_key(session) -> str:
    agent = factories.user(session, role="hotline_agent")
    return create_token(session, username=agent.username, name="open311 app", scopes=["hotline.intake"])[1]


def test_a_client_posts_a_request_and_reads_it_back_with_status_and_expected_datetime(app, session, set_clock):
    hf.departments(session)
    set_clock("2022-09-30T16:20")
    key = open311_key(session)
    client = TestClient(app, raise_server_exceptions=False)  # no cookie, no CSRF: a plain Open311 client
    services = client.get("/open311/v2/services.json").json()
    assert {"service_code": "zones", "service_name": "风险区"}.items() <= services[[s["service_code"] for s in services]
                                                                                  .index("zones")].items()
    posted = client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "zones", "description": "小区封控超过5天仍未解封",
        "address_string": "平城区魏都新城C区", "first_name": "先生", "last_name": "李", "phone": "13712345678",
    })
    assert posted.status_code == 200, posted.text
    [created] = posted.json()
    request_id = created["service_request_id"]
    [read] = client.get(f"/open311/v2/requests/{request_id}.json").json()
    assert read["status"] == "open" and read["service_code"] == "zones"
    # help (the default kind): 3 working days after Friday 2022-09-30 across National Day: Monday 10-10
    assert read["expected_datetime"] == "2022-10-10T23:59:59+08:00"
    assert read["description"] == "小区封控超过5天仍未解封" and "13712345678" not in posted.text + str(read)
    listed = client.get("/open311/v2/requests.json", params={"status": "open", "service_code": "zones"}).json()
    assert request_id in [r["service_request_id"] for r in listed]
    xml = client.get(f"/open311/v2/requests/{request_id}.xml")
    assert xml.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(xml.content)
    assert root.tag == "service_requests" and root.find("request/status").text == "open"


def test_errors_use_the_specs_body(app, session):
    hf.departments(session)
    key = open311_key(session)
    client = TestClient(app, raise_server_exceptions=False)
    bad = client.post("/open311/v2/requests.json", data={"api_key": key, "service_code": "pothole",
                                                          "address_string": "x", "description": "?"})
    assert bad.status_code == 400
    assert bad.json() == [{"code": 400, "description": "service_code 'pothole' is not a service of this endpoint"}]
    no_key = client.post("/open311/v2/requests.xml", data={"service_code": "zones", "address_string": "x"})
    assert no_key.status_code == 403
    assert ET.fromstring(no_key.content).find("error/code").text == "403"
    assert client.get("/open311/v2/requests/999999.json").status_code == 404
    assert client.get("/open311/v2/requests.json", params={"start_date": "yesterday"}).status_code == 400


def test_odd_request_ids_are_not_found_or_refused_never_a_crash(app, session):
    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/open311/v2/requests/%C2%B2.json").status_code == 404  # "²" is a digit to str.isdigit
    odd = client.get("/open311/v2/requests.json", params={"service_request_id": "1,²"})
    assert odd.status_code == 400 and odd.json()[0]["code"] == 400
