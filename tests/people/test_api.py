import factories


def test_residents_api_requires_login(client):
    response = client.get("/api/v1/residents")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_add_and_look_up_a_resident(admin_client, session):
    unit = factories.place_chain(session)
    number = factories.id_number(seq=77)
    created = admin_client.post(
        "/api/v1/residents", json={"name": "刘伟", "id_number": number, "phone": "13800001111", "home_unit_id": unit.id}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["id_number_masked"] == number[:4] + "**********" + number[-4:]
    assert number not in created.text and "13800001111" not in created.text
    found = admin_client.post("/api/v1/residents/lookup", json={"id_number": number})
    assert found.status_code == 200 and found.json()["id"] == body["id"]
    again = admin_client.post("/api/v1/residents", json={"name": "刘伟", "id_number": number})
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate_id_number"


def test_invalid_id_number_gives_field_and_reason(admin_client):
    response = admin_client.post("/api/v1/residents", json={"name": "刘伟", "id_number": "140212199003071230"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_id_number"
    assert error["details"]["field"] == "id_number"
    assert "check digit" in error["message"]


def test_malformed_payload_gives_field_paths(admin_client):
    response = admin_client.post("/api/v1/residents", json={"id_number": 12, "home_unit_id": "x"})
    assert response.status_code == 422
    error = response.json()["error"]
    fields = {f["field"] for f in error["details"]["fields"]}
    assert {"name", "id_number", "home_unit_id"} <= fields


def test_unknown_resident_is_404_with_error_shape(admin_client):
    response = admin_client.get("/api/v1/residents/987654")
    assert response.status_code == 404
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_bad_page_is_a_clear_error(admin_client):
    response = admin_client.get("/api/v1/residents?per_page=5000")
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_page_size"
