import factories


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


def test_openapi_declares_bearer_tokens_on_the_v1_api(client):
    spec = client.get("/api/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    names = [name for name, scheme in schemes.items() if (scheme["type"], scheme.get("scheme")) == ("http", "bearer")]
    assert len(names) == 1 and schemes[names[0]]["bearerFormat"] == "fk_<prefix>_<secret>"
    residents = spec["paths"]["/api/v1/residents"]
    assert residents["get"]["security"] == residents["post"]["security"] == [{names[0]: []}]
    v1 = [op for path, ops in spec["paths"].items() if path.startswith("/api/v1/") for op in ops.values()]
    assert v1 and all(op.get("security") == [{names[0]: []}] for op in v1)
    assert "security" not in spec["paths"]["/healthz"]["get"] and "security" not in spec


def test_openapi_documents_api_errors_in_the_error_model(client):
    spec = client.get("/api/openapi.json").json()
    error_ref = spec["paths"]["/api/v1/residents"]["post"]["responses"]["422"]["content"]["application/json"]["schema"]
    name = error_ref["$ref"].rsplit("/", 1)[-1]
    error_schema = spec["components"]["schemas"][name]
    assert error_schema["required"] == ["error"]
    info = spec["components"]["schemas"][error_schema["properties"]["error"]["$ref"].rsplit("/", 1)[-1]]
    assert set(info["properties"]) == {"code", "message", "details"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        if path.startswith("/api/v1/"):
            for operation in operations.values():
                assert {"401", "403", "404", "422"} <= set(operation["responses"]), path



def test_nul_characters_are_bad_input_on_both_backends_not_a_server_error(login_as):
    """PostgreSQL cannot store or compare text with NUL; found by fuzzing the API (it answered 500)."""
    writer = login_as("prevention")
    for url in ("/api/v1/venues?kind=%00", "/api/v1/residents?district=1402%0013"):
        response = writer.get(url)
        assert response.status_code == 422 and response.json()["error"]["code"] == "nul_character", url
    body = {"name": "王\x00秀英", "id_number": factories.id_number()}
    response = writer.post("/api/v1/residents", json=body)
    assert response.status_code == 422 and response.json()["error"]["code"] == "nul_character"


def test_out_of_range_ids_and_pages_are_bad_input_not_a_server_error(login_as):
    """Ids past INTEGER and pages whose offset overflows: found by schemathesis (500 on PostgreSQL/SQLite)."""
    reader = login_as("prevention")
    urls = ("/api/v1/residents/2147483648", "/api/v1/residents?page=1000001", "/api/v1/venues?page=99999999999999999999")
    for url in urls:
        response = reader.get(url)
        assert response.status_code == 422, url
        assert response.json()["error"]["code"] in ("invalid_input", "invalid_page"), url
    body = {"name": "王秀英", "id_number": factories.id_number(), "home_unit_id": 2**31}
    assert reader.post("/api/v1/residents", json=body).status_code == 422
