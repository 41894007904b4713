"""The zones API: cases propose zones; approve, widen, lift each audited; errors in the error model, never 500."""

from __future__ import annotations

from sqlalchemy import select

import factories
import zone_factories as zf
from fangkong.core.audit import AuditEvent


def audit_actions(session, zone_id):
    return [a for (a,) in session.execute(select(AuditEvent.action).where(
        AuditEvent.object_type == "zone", AuditEvent.object_id == str(zone_id)).order_by(AuditEvent.id))]


def test_case_proposes_a_unit_zone_then_approve_widen_lift_each_audited(login_as, session, set_clock):
    unit = factories.place_chain(session)
    resident = factories.resident(session, unit=unit)
    worker = login_as("investigator")
    set_clock("2022-11-12T09:00")
    created = worker.post("/api/v1/cases", json={"resident_id": resident.id, "reported_on": "2022-11-12"})
    assert created.status_code == 201, created.text
    [link] = created.json()["zones"]
    assert (link["tier"], link["state"], link["created"]) == ("high", "proposed", True)
    zone_id = link["zone_id"]

    commander = login_as("commander")
    approved = commander.post(f"/api/v1/zones/{zone_id}/approve")
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert (body["state"], body["designated_on"], body["granularity"]) == ("in_force", "2022-11-12", "unit")
    assert body["places"][0]["place"] == "1号楼1单元" and body["places"][0]["compound"] == "魏都新城C区"

    widened = commander.post(f"/api/v1/zones/{zone_id}/widen", json={"to": "compound", "reason": "传播链不清"})
    assert widened.status_code == 200, widened.text
    assert widened.json()["granularity"] == "compound"
    assert [o["kind"] for o in widened.json()["overrides"]] == ["widen"]  # wider than unit/building: an override

    zf.rounds(session, zone_id, ["2022-11-17"])
    set_clock("2022-11-18T09:00")
    commander = login_as("commander")  # six days later: a new session
    [due] = commander.get("/api/v1/zones/proposals").json()  # due by the history, before the daily job
    assert (due["zone_id"], due["action"], due["since"], due["proposal_id"]) == (zone_id, "lift", "2022-11-18", None)
    daily = commander.post("/api/v1/zones/daily", json={})
    assert daily.status_code == 200 and daily.json()["proposed"] == 1
    [due] = commander.get("/api/v1/zones/proposals").json()
    lifted = commander.post(f"/api/v1/zones/proposals/{due['proposal_id']}/approve")
    assert lifted.status_code == 200, lifted.text
    assert commander.get(f"/api/v1/zones/{zone_id}").json()["state"] == "lifted"
    assert audit_actions(session, zone_id) == ["zone.approve", "zone.widen", "zone.round", "zone.lift"]
    assert commander.get(f"/api/v1/units/{unit.id}/tier?on=2022-11-15").json()["tier"] == "high"
    assert commander.get(f"/api/v1/units/{unit.id}/tier").json()["tier"] == "none"


def test_a_community_worker_cannot_approve(login_as, session):
    unit = factories.place_chain(session)
    _, links = zf.case(session, unit=unit, reported_on="2022-11-13")
    worker = login_as("community_worker", "140213")
    refused = worker.post(f"/api/v1/zones/{links[0].zone_id}/approve")
    assert refused.status_code == 403
    assert refused.json() == {"error": {"code": "forbidden", "message": "your role may not do this (zones.approve)",
                                        "details": {"action": "zones.approve"}}}
    assert audit_actions(session, links[0].zone_id) == []


def test_refusals_are_4xx_in_the_error_model(login_as, session):
    unit = factories.place_chain(session)
    zone = zf.zone(session, unit=unit, reported_on="2022-11-13")
    commander = login_as("commander")
    for response, status, code in (
        (commander.post(f"/api/v1/zones/{zone.id}/approve"), 409, "not_proposed"),
        (commander.post(f"/api/v1/zones/{zone.id}/widen", json={"to": "unit", "reason": "x"}), 422, "invalid_input"),
        (commander.post(f"/api/v1/zones/{zone.id}/widen", json={"to": "building", "reason": " "}), 422,
         "reason_required"),
        (commander.post("/api/v1/zones/999999/approve"), 404, "not_found"),
        (commander.get("/api/v1/zones/proposals?on=9999-12-31"), 422, "invalid_input"),
        (commander.get("/api/v1/zones/proposals?on=2021-01-01"), 400, "no_pack_in_force"),
        (commander.post("/api/v1/cases", json={"resident_id": 1, "reported_on": "2022-11-13"}), 403, "forbidden"),
        (commander.post(f"/api/v1/zones/{zone.id}/rounds", json={"sampled_at": "0001-01-01T00:00",
                                                                "result": "negative"}), 422, "invalid_input"),
    ):
        assert response.status_code == status, (response.status_code, response.text)
        assert set(response.json()["error"]) == {"code", "message", "details"}
        assert response.json()["error"]["code"] == code
    lab = login_as("lab_operator")
    future = lab.post(f"/api/v1/zones/{zone.id}/rounds", json={"sampled_at": "2030-01-01T10:00", "result": "negative"})
    assert future.status_code == 422 and future.json()["error"]["code"] == "sampled_in_future"


def test_residents_of_a_zone_are_listed_masked_and_a_departure_puts_them_under_management(login_as, session):
    unit = factories.place_chain(session)
    zone = zf.zone(session, unit=unit, reported_on="2022-11-12")
    neighbour = factories.resident(session, name="李建国", unit=unit)
    elsewhere = factories.resident(session, name="张桂兰", unit=factories.place_chain(session))
    reader = login_as("supplies")
    listed = reader.get(f"/api/v1/zones/{zone.id}/residents").json()
    names = {r["name"] for r in listed["items"]}
    assert "李建国" in names and "张桂兰" not in names and listed["total"] == 2  # the case and the neighbour
    assert all("*" in r["id_number_masked"] for r in listed["items"])

    worker = login_as("community_worker", "140213")
    left = worker.post(f"/api/v1/zones/{zone.id}/departures",
                       json={"resident_id": neighbour.id, "left_on": "2022-11-13"})
    assert left.status_code == 200, left.text
    person = left.json()["person"]
    assert left.json()["created"] and (person["category"], person["source"], person["pack"]) == (
        "from_high_risk_zone", "zone", "measures20")
    assert [p["kind"] for p in person["phases"]] == ["home_quarantine"] and person["release_on"] == "2022-11-21"
    again = worker.post(f"/api/v1/zones/{zone.id}/departures",
                        json={"resident_id": neighbour.id, "left_on": "2022-11-13"})
    assert again.status_code == 200 and not again.json()["created"]
    outside = worker.post(f"/api/v1/zones/{zone.id}/departures",
                          json={"resident_id": elsewhere.id, "left_on": "2022-11-13"})
    assert outside.status_code == 409 and outside.json()["error"]["code"] == "not_in_zone"


def test_map_public_list_and_tier_endpoints(login_as, session):
    unit = factories.place_chain(session)
    zone = zf.zone(session, unit=unit, reported_on="2022-11-12")
    other = zf.second_unit(session, unit)
    reader = login_as("hotline_agent")
    data = reader.get("/api/v1/zones/map?on=2022-11-13").json()
    assert [z[:3] for z in data["zones"]] == [[zone.id, "high", "unit"]]
    assert data["districts"][0]["zones"] == 1 and len(data["compounds"]) >= 2
    assert reader.get("/api/v1/zones/map?on=2022-11-11").json()["zones"] == []
    public = reader.get("/api/v1/zones/public?on=2022-11-13").json()
    assert [(r["district"], r["subdistrict"], r["compound"], r["place"], r["since"]) for r in public] == [
        ("平城区", "开源街道", "魏都新城C区", "1号楼1单元", "2022-11-12")]
    assert reader.get(f"/api/v1/units/{unit.id}/tier?on=2022-11-13").json()["tier"] == "high"
    assert reader.get(f"/api/v1/units/{other.id}/tier?on=2022-11-13").json()["tier"] == "low"
    assert reader.get(f"/api/v1/units/{other.id}/tier?on=2022-11-11").json()["tier"] == "none"
