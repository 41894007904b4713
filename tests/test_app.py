def test_healthz_reports_database(client, backend):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == {"status": "ok", "backend": backend}


def test_openapi_lists_the_v1_api(client):
    spec = client.get("/api/openapi.json").json()
    assert "/api/v1/residents" in spec["paths"] and "/api/v1/districts" in spec["paths"]
    assert all(path.startswith(("/api/v1/", "/healthz")) for path in spec["paths"] if path.startswith("/api"))


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_wrong_method_is_json_405(client):
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_malformed_json_is_422_not_500(login_as):
    response = login_as("prevention").post(
        "/api/v1/residents", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
