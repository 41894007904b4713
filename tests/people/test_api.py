import pytest
from sqlalchemy import func, select

import factories
from fangkong.core.audit import AuditEvent


@pytest.fixture
def writer(login_as):
    """A city-level prevention task force user: may read, register and reveal residents."""
    return login_as("prevention")


def test_residents_api_requires_login(client):
    response = client.get("/api/v1/residents")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_add_and_look_up_a_resident(writer, session):
    unit = factories.place_chain(session)
    number = factories.id_number(seq=77)
    created = writer.post(
        "/api/v1/residents", json={"name": "刘伟", "id_number": number, "phone": "13800001111", "home_unit_id": unit.id}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["id_number_masked"] == number[:4] + "**********" + number[-4:]
    assert number not in created.text and "13800001111" not in created.text
    found = writer.post("/api/v1/residents/lookup", json={"id_number": number})
    assert found.status_code == 200 and found.json()["id"] == body["id"]
    again = writer.post("/api/v1/residents", json={"name": "刘伟", "id_number": number})
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate_id_number"


def test_invalid_id_number_gives_field_and_reason(writer):
    response = writer.post("/api/v1/residents", json={"name": "刘伟", "id_number": "140212199003071230"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_id_number"
    assert error["details"]["field"] == "id_number"
    assert "check digit" in error["message"]


def test_malformed_payload_gives_field_paths(writer):
    response = writer.post("/api/v1/residents", json={"id_number": 12, "home_unit_id": "x"})
    assert response.status_code == 422
    error = response.json()["error"]
    fields = {f["field"] for f in error["details"]["fields"]}
    assert {"name", "id_number", "home_unit_id"} <= fields


def test_unknown_resident_is_404_with_error_shape(writer):
    response = writer.get("/api/v1/residents/987654")
    assert response.status_code == 404
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_bad_page_is_a_clear_error(writer):
    response = writer.get("/api/v1/residents?per_page=5000")
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_page_size"


def test_admin_may_not_register_residents(admin_client):
    response = admin_client.post("/api/v1/residents", json={"name": "刘伟", "id_number": factories.id_number()})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_reveal_shows_the_full_number_and_writes_exactly_one_audit_row(writer, session):
    unit = factories.place_chain(session)
    number = factories.id_number(seq=88)
    created = writer.post(
        "/api/v1/residents", json={"name": "赵敏", "id_number": number, "phone": "13700001111", "home_unit_id": unit.id}
    ).json()
    reveals = lambda: session.scalar(  # noqa: E731
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "resident.reveal")
    )
    before = reveals()
    response = writer.post(f"/api/v1/residents/{created['id']}/reveal", json={"reason": "流调电话核实"})
    assert response.status_code == 200, response.text
    assert response.json()["id_number"] == number and response.json()["phone"] == "13700001111"
    assert reveals() == before + 1
    row = session.scalars(select(AuditEvent).where(AuditEvent.action == "resident.reveal")).all()[-1]
    assert (row.object_id, row.reason, row.actor_via) == (str(created["id"]), "流调电话核实", "session")
    assert row.request_id == response.headers["x-request-id"] and row.ip


def test_reveal_needs_a_reason(writer, session):
    resident = factories.resident(session)
    response = writer.post(f"/api/v1/residents/{resident.id}/reveal", json={"reason": ""})
    assert response.status_code == 422


def test_roles_without_reveal_get_403(login_as, session):
    resident = factories.resident(session)
    hotline = login_as("commander")
    response = hotline.post(f"/api/v1/residents/{resident.id}/reveal", json={"reason": "想看看"})
    assert response.status_code == 403


def test_a_page_of_zero_answers_the_total_alone(writer, session):
    unit = factories.place_chain(session)
    for seq in (81, 82, 83):
        assert writer.post("/api/v1/residents", json={"name": "刘伟", "id_number": factories.id_number(seq=seq),
                                                      "home_unit_id": unit.id}).status_code == 201
    full = writer.get("/api/v1/residents?per_page=50").json()
    counted = writer.get("/api/v1/residents?per_page=0").json()
    assert len(full["items"]) == full["total"] >= 3
    assert (counted["items"], counted["total"]) == ([], full["total"])
