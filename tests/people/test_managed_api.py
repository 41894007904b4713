"""The API of people under management, the policy switch, overrides and the over-enforcement report."""

from sqlalchemy import func, select

import factories
from fangkong.core.audit import AuditEvent


def test_put_under_management_list_and_detail(login_as, session):
    unit = factories.place_chain(session)
    resident = factories.resident(session, unit=unit)
    writer = login_as("prevention")
    created = writer.post(
        "/api/v1/managed", json={"resident_id": resident.id, "category": "close_contact", "anchor": "2022-11-06",
                                 "identified": "2022-11-07", "source": "tracing"}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["pack"], body["release_on"], body["status"]) == ("ed9", "2022-11-17", "in_phase")
    assert [p["kind"] for p in body["phases"]] == ["centralized_quarantine", "home_monitoring"]
    assert body["phases"][0]["test_days"] == ["2022-11-07", "2022-11-08", "2022-11-09", "2022-11-11", "2022-11-13"]
    assert "*" in body["document_masked"] and body["history"][0]["kind"] == "created"

    again = writer.post("/api/v1/managed", json={"resident_id": resident.id, "category": "close_contact",
                                                 "anchor": "2022-11-06"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_registered"

    listed = writer.get("/api/v1/managed?category=close_contact&status=in_phase&phase_kind=centralized_quarantine")
    assert listed.status_code == 200 and [i["id"] for i in listed.json()["items"]] == [body["id"]]
    assert writer.get("/api/v1/managed?release_from=2022-11-18").json()["total"] == 0
    detail = writer.get(f"/api/v1/managed/{body['id']}")
    assert detail.status_code == 200 and len(detail.json()["appointments"]) == 6


def test_refusals_over_the_api(login_as, session):
    writer = login_as("prevention")
    malformed = writer.post("/api/v1/managed", json={"category": "ghost", "anchor": "yesterday"})
    assert malformed.status_code == 422
    secondary = writer.post("/api/v1/managed", json={
        "category": "secondary_contact", "anchor": "2022-11-12", "name": "Li", "document_kind": "other",
        "document_number": "HK123456",
    })
    assert secondary.status_code == 400 and secondary.json()["error"]["code"] == "category_not_identified"
    assert writer.get("/api/v1/managed/999999").status_code == 404


def test_switch_preview_and_apply(login_as, session):
    unit = factories.place_chain(session)
    factories.managed(session, anchor="2022-11-06", unit=unit)
    commander = login_as("commander")
    body = {"to": "measures20", "effective": "2022-11-11"}
    preview = commander.post("/api/v1/policy/switch", json=body)
    assert preview.status_code == 200, preview.text
    data = preview.json()
    assert (data["dry_run"], data["total"], data["changed"]) == (True, 1, 1)
    assert data["freed_centralized"][1] == {"day": "2022-11-12", "places": 1}
    audits = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "policy.switch"))
    applied = commander.post("/api/v1/policy/switch", json={**body, "dry_run": False})
    assert applied.status_code == 200 and applied.json()["dry_run"] is False
    after = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "policy.switch"))
    assert after == audits + 1
    assert login_as("prevention").post("/api/v1/policy/switch", json=body).status_code == 403
    district = login_as("commander", jurisdiction="140213").post("/api/v1/policy/switch", json={**body, "dry_run": False})
    assert district.status_code == 403 and district.json()["error"]["code"] == "city_scope_required"


def test_overrides_and_the_report(login_as, session):
    factories.place_chain(session, district_code="140213")
    commander = login_as("commander")
    override = {
        "district": "140213", "category": "close_contact", "phase_kind": "centralized_quarantine", "extra_days": 2,
        "reason": "聚集性疫情", "starts_on": "2022-11-12", "ends_on": "2022-11-25",
    }
    created = commander.post("/api/v1/overrides", json=override)
    assert created.status_code == 201, created.text
    assert created.json()["approver"].startswith("commander") and created.json()["pack"] == "measures20"
    laxer = commander.post("/api/v1/overrides", json={**override, "extra_days": -3})
    assert laxer.status_code == 422
    no_end = commander.post("/api/v1/overrides", json={k: v for k, v in override.items() if k != "ends_on"})
    assert no_end.status_code == 422
    assert [o["id"] for o in commander.get("/api/v1/overrides").json()] == [created.json()["id"]]

    person = factories.managed(session, anchor="2022-11-12", unit=factories.place_chain(session))
    inspector = login_as("inspector")
    report = inspector.get("/api/v1/reports/over-enforcement")
    assert report.status_code == 200
    assert [p["person_id"] for p in report.json()["plans"]] == [person.id]
    assert login_as("community_worker").get("/api/v1/reports/over-enforcement").status_code == 403
    assert login_as("prevention").post("/api/v1/overrides", json=override).status_code == 403
