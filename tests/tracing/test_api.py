"""The tracing API: a scanner's token posts batches; investigators propose and decide candidates;
entry checks raise alerts; every refusal is in the error model, 4xx, never 500."""

from __future__ import annotations

from sqlalchemy import select

import factories
import tracing_factories as tf
from fangkong.core.audit import AuditEvent
from fangkong.core.tokens import create_token


def test_scanner_token_posts_a_batch_with_line_numbered_refusals(client, session):
    unit = factories.place_chain(session)
    market = tf.venue(session, unit)
    resident = factories.resident(session, unit=unit)
    owner = factories.user(session, role="public_areas", jurisdiction="140213")
    _row, token = create_token(session, username=owner.username, name="gate scanner", scopes=["tracing.scan"])
    headers = {"Authorization": f"Bearer {token}"}
    body = {"scans": [
        {"venue_code": market.code, "scanned_at": "2022-11-12T10:00", "resident_id": resident.id},
        {"venue_code": market.code, "scanned_at": "2022-11-12T10:00:30", "resident_id": resident.id},
        {"venue_code": market.code, "scanned_at": "2022-13-12T10:00", "resident_id": resident.id},
    ], "source": "gate"}
    answer = client.post("/api/v1/tracing/scans:batch", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"received": 3, "inserted": 1, "duplicates": 1, "refused": [
        {"line": 3, "code": "invalid_time", "reason": "scanned_at: '2022-13-12T10:00' is not a time like "
                                                      "2022-11-12T09:30"}]}
    assert client.post("/api/v1/tracing/scans:batch", json=body, headers=headers).json()["inserted"] == 0
    # malformed payloads: 422 in the error model; a token without the scope: 403
    for bad in ({"scans": []}, {"scans": [{"scanned_at": "x"}]}, {"scans": "all"}, {}):
        refused = client.post("/api/v1/tracing/scans:batch", json=bad, headers=headers)
        assert refused.status_code == 422 and refused.json()["error"]["code"], refused.text
    _row, other = create_token(session, username=owner.username, name="alerts", scopes=["tracing.alerts"])
    forbidden = client.post("/api/v1/tracing/scans:batch", json=body, headers={"Authorization": f"Bearer {other}"})
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "forbidden"


def test_investigator_proposes_confirms_and_dismisses_through_the_api(login_as, session):
    unit = factories.place_chain(session)
    market = tf.venue(session, unit)
    case = tf.case(session, unit=unit, reported_on="2022-11-12")
    contact = factories.resident(session, name="接触者乙", unit=factories.place_chain(session))
    tf.scan(session, market, "2022-11-11 18:00", until="18:20", resident_id=case.resident_id)
    tf.scan(session, market, "2022-11-11 18:05", resident_id=contact.id)
    tf.scan(session, market, "2022-11-11 18:10", passport="G7654321")
    worker = login_as("investigator", "140213")
    proposed = worker.post(f"/api/v1/tracing/cases/{case.id}/candidates", json={})
    assert proposed.status_code == 200, proposed.text
    # both arrived while the case was there (gap 0); the later arrival is the more recent exposure: first
    rows = proposed.json()
    assert [(r["rank"], r["resident_id"], r["gap_minutes"]) for r in rows] == [(1, None, 0), (2, contact.id, 0)]
    rows.reverse()
    assert rows[1]["document_masked"] == "G7****21" and "7654" not in proposed.text
    assert rows[0]["name"] == "接触者乙" and "*" in rows[0]["document_masked"]
    assert rows[0]["venue_name"] == "华林超市" and rows[0]["last_at"].startswith("2022-11-11T18:05")

    confirmed = worker.post(f"/api/v1/tracing/candidates/{rows[0]['id']}/confirm", json={})
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    managed = worker.get(f"/api/v1/managed/{confirmed.json()['managed_person_id']}").json()
    assert (managed["category"], managed["anchor"], managed["source"]) == ("close_contact", "2022-11-11", "tracing")
    no_name = worker.post(f"/api/v1/tracing/candidates/{rows[1]['id']}/confirm", json={})
    assert no_name.status_code == 422 and no_name.json()["error"]["code"] == "name_required"
    assert worker.post(f"/api/v1/tracing/candidates/{rows[1]['id']}/dismiss", json={}).status_code == 422
    dismissed = worker.post(f"/api/v1/tracing/candidates/{rows[1]['id']}/dismiss", json={"reason": "店员，全程隔窗"})
    assert dismissed.status_code == 200 and dismissed.json()["state"] == "dismissed"
    twice = worker.post(f"/api/v1/tracing/candidates/{rows[1]['id']}/general", json={})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_decided"
    assert worker.get("/api/v1/tracing/cases/999999/candidates").status_code == 404
    assert worker.post("/api/v1/tracing/candidates/0/confirm", json={}).status_code == 422
    actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("tracing.%"))))
    assert {"tracing.propose", "tracing.confirm", "tracing.dismiss"} <= actions


def test_entry_check_api_and_alerts_of_the_task_force(login_as, session):
    site = tf.venue(session, factories.place_chain(session), kind="construction_site", name="御东工地")
    worker = factories.resident(session)
    gate = login_as("construction_sites", "140213")
    check = gate.post("/api/v1/tracing/entry-checks", json={
        "venue_code": site.code, "checked_at": "2022-11-13T08:00", "temperature": 38.1, "resident_id": worker.id})
    assert check.status_code == 201, check.text
    assert check.json()["fever"] is True
    [alert] = [a for a in gate.get("/api/v1/tracing/alerts").json() if a["id"] == check.json()["alert_id"]]
    assert (alert["venue_name"], alert["temperature"], alert["threshold"]) == ("御东工地", 38.1, 37.3)
    unknown = gate.post("/api/v1/tracing/entry-checks", json={
        "venue_code": "NOPE", "checked_at": "2022-11-13T08:00", "temperature": 36.5, "resident_id": worker.id})
    assert unknown.status_code == 404
    nobody = gate.post("/api/v1/tracing/entry-checks", json={
        "venue_code": site.code, "checked_at": "2022-11-13T08:00", "temperature": 36.5})
    assert nobody.status_code == 422 and nobody.json()["error"]["code"] == "person_required"
    public_areas = login_as("public_areas", "140213")
    assert check.json()["alert_id"] not in [a["id"] for a in public_areas.get("/api/v1/tracing/alerts").json()]
