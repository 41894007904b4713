"""Hardening: security headers on every answer, a body size limit, no stack trace to the client."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fangkong.config import get_settings
from fangkong.core.hardening import CONTENT_SECURITY_POLICY

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "fangkong" / "web" / "templates"
EXPECTED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def _assert_hardened(response) -> None:
    csp = response.headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["default-src"] == "'self'"
    assert "unsafe" not in csp
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, name
    assert "camera=()" in response.headers["permissions-policy"]


@pytest.fixture
def crashing_app(engine):
    from fangkong.app import create_app

    application = create_app(engine=engine)

    @application.get("/api/v1/test-crash")
    def crash():
        raise RuntimeError("secret internals: /etc/fangkong password=hunter2")

    @application.get("/test-crash-page")
    def crash_page():
        raise RuntimeError("secret internals: /etc/fangkong password=hunter2")

    return application


def test_headers_on_pages_api_static_and_errors(client):
    answers = {
        "login page": client.get("/login"),
        "redirect": client.get("/", follow_redirects=False),
        "api 401": client.get("/api/v1/residents"),
        "api 404": client.get("/api/v1/nothing"),
        "page 404": client.get("/nothing", headers={"accept": "text/html"}),
        "405": client.delete("/healthz"),
        "health": client.get("/healthz"),
        "static": client.get("/static/css/fangkong.css"),
    }
    for name, response in answers.items():
        _assert_hardened(response)
        assert response.headers["cache-control"] == "no-store", name


def test_versioned_assets_are_kept_a_year_and_everything_else_never(client):
    from fangkong.web.assets import asset_version

    page = client.get("/login")
    linked = re.findall(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]+)"', page.text)
    assert len(linked) >= 2 and {version for _, version in linked} == {asset_version()}
    for path, version in linked:
        answer = client.get(f"{path}?v={version}")
        assert answer.status_code == 200, path
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable", path
    path = linked[0][0]
    for unversioned in (path, f"{path}?v=0.1.0", f"{path}?v={asset_version()}&x=1", "/static/favicon.svg"):
        assert client.get(unversioned).headers["cache-control"] == "no-store", unversioned


def test_the_asset_version_follows_the_content(tmp_path):
    from fangkong.web.assets import asset_version

    (tmp_path / "js").mkdir()
    script = tmp_path / "js" / "a.js"
    script.write_text("one")
    first = asset_version.__wrapped__(tmp_path)
    assert asset_version.__wrapped__(tmp_path) == first
    script.write_text("two")
    assert asset_version.__wrapped__(tmp_path) != first


def test_no_stack_trace_reaches_the_client(crashing_app):
    with TestClient(crashing_app, raise_server_exceptions=False) as client:
        api = client.get("/api/v1/test-crash")
        page = client.get("/test-crash-page", headers={"accept": "text/html"})
    assert api.status_code == 500 and api.json()["error"]["code"] == "internal_error"
    assert page.status_code == 500 and "<html" in page.text
    for response in (api, page):
        _assert_hardened(response)
        assert "Traceback" not in response.text and "hunter2" not in response.text and "RuntimeError" not in response.text


def test_oversized_body_is_413_in_the_error_model(engine):
    from fangkong.app import create_app

    small = create_app(settings=get_settings().model_copy(update={"max_body_bytes": 1024}), engine=engine)
    with TestClient(small, raise_server_exceptions=False) as client:
        declared = client.post("/api/v1/residents/lookup", content=b"x" * 2048, headers={"content-type": "application/json"})
        streamed = client.post(
            "/api/v1/residents/lookup",
            content=(b"x" * 512 for _ in range(4)),  # no Content-Length: counted while it arrives
            headers={"content-type": "application/json"},
        )
        login = client.post("/login", data={"username": "a" * 3000, "password": "b"})
        fits = client.post("/api/v1/residents/lookup", json={"id_number": "1"})
    for response in (declared, streamed, login):
        assert response.status_code == 413, response.text
        assert response.json()["error"]["code"] == "too_large"
        _assert_hardened(response)
    assert fits.status_code == 401  # under the limit: on to authentication


def test_the_default_limit_is_ten_mebibytes():
    assert get_settings().max_body_bytes == 10 * 1024 * 1024


def test_templates_have_no_inline_script_style_or_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)  # Jinja comments are not sent
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.name}: {tag}")
        offenders += [f"{path.name}: <style>" for _ in re.findall(r"<style\b", text)]
        offenders += [f"{path.name}: style=" for _ in re.findall(r"\sstyle\s*=", text)]
        offenders += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        offenders += [f"{path.name}: javascript:" for _ in re.findall(r"javascript:", text, re.I)]
    assert offenders == []
