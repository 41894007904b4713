"""CSRF: every write authenticated by the session cookie must carry the page's token."""

from __future__ import annotations

import re

import factories
import pytest
import weblogin
from fastapi.testclient import TestClient

from fangkong.core.csrf import CSRF_COOKIE, CSRF_HEADER

USERNAME = "commander-li"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def logged_in(client, session) -> TestClient:
    """A logged-in client that does NOT send the CSRF header by itself."""
    factories.admin(session, username=USERNAME)
    assert weblogin.log_in(client, USERNAME, factories.ADMIN_PASSWORD).status_code == 303
    client.headers.pop(CSRF_HEADER)
    return client


def _page_token(client) -> str:
    return weblogin.csrf_from(client.get("/people/residents").text)


def _assert_refused(response) -> None:
    assert response.status_code == 403, response.text
    if response.headers["content-type"].startswith("application/json"):
        assert response.json()["error"]["code"] == "csrf_failed"
    else:
        assert "csrf_failed" in response.text


def test_pages_carry_the_token_in_forms_meta_and_htmx_headers(logged_in):
    html = logged_in.get("/people/residents").text
    token = weblogin.csrf_from(html)
    assert f'<input type="hidden" name="csrf_token" value="{token}">' in html
    assert f'<meta name="csrf-token" content="{token}">' in html
    assert f"""<body hx-headers='{{"X-CSRF-Token": "{token}"}}'>""" in html
    # every POST form carries it
    forms = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', html, re.S)
    assert forms and all(f'name="csrf_token" value="{token}"' in form for form in forms)


def test_a_form_post_without_the_token_is_refused_and_with_it_passes(logged_in):
    number = factories.id_number(seq=901)
    _assert_refused(logged_in.post("/people/residents/search", data={"id_number": number}, headers=HTMX))
    _assert_refused(
        logged_in.post("/people/residents/search", data={"id_number": number}, headers={"accept": "text/html"})
    )
    _assert_refused(logged_in.post("/people/residents/search", data={"id_number": number, "csrf_token": "0" * 64}))
    token = _page_token(logged_in)
    by_field = logged_in.post("/people/residents/search", data={"id_number": number, "csrf_token": token}, headers=HTMX)
    assert by_field.status_code == 200 and 'data-testid="search-none"' in by_field.text
    by_header = logged_in.post(
        "/people/residents/search", data={"id_number": number}, headers={**HTMX, CSRF_HEADER: token}
    )
    assert by_header.status_code == 200


def test_api_writes_by_cookie_need_the_header(logged_in):
    body = {"id_number": factories.id_number(seq=902)}
    refused = logged_in.post("/api/v1/residents/lookup", json=body)
    assert refused.status_code == 403
    assert refused.json() == {
        "error": {"code": "csrf_failed", "message": refused.json()["error"]["message"], "details": {}}
    }
    allowed = logged_in.post("/api/v1/residents/lookup", json=body, headers={CSRF_HEADER: _page_token(logged_in)})
    assert allowed.status_code == 404 and allowed.json()["error"]["code"] == "not_found"


def test_the_token_is_bound_to_the_session(app, logged_in, session):
    stale = _page_token(logged_in)
    factories.admin(session, username="inspector-wang")
    other = TestClient(app, raise_server_exceptions=False)
    assert weblogin.log_in(other, "inspector-wang", factories.ADMIN_PASSWORD).status_code == 303
    foreign = other.headers.pop(CSRF_HEADER)
    assert foreign != stale
    _assert_refused(logged_in.post("/people/residents/search", data={"id_number": "1", "csrf_token": foreign}))
    # a new login is a new session, so the token of the old one stops working
    assert weblogin.log_in(logged_in, USERNAME, factories.ADMIN_PASSWORD).status_code == 303
    logged_in.headers.pop(CSRF_HEADER)
    _assert_refused(logged_in.post("/people/residents/search", data={"id_number": "1", "csrf_token": stale}))


def test_logout_without_the_token_does_not_log_out(logged_in):
    _assert_refused(logged_in.post("/logout", follow_redirects=False))
    assert logged_in.get("/", follow_redirects=False).status_code == 200
    out = logged_in.post("/logout", data={"csrf_token": _page_token(logged_in)}, follow_redirects=False)
    assert out.status_code == 303 and logged_in.get("/", follow_redirects=False).status_code == 303


def test_the_login_form_needs_its_pre_session_token(client, session):
    factories.admin(session, username=USERNAME)
    form = {"username": USERNAME, "password": factories.ADMIN_PASSWORD}
    _assert_refused(client.post("/login", data=form, follow_redirects=False))  # no cookie, no token
    token = weblogin.login_token(client)
    assert client.cookies.get(CSRF_COOKIE)
    _assert_refused(client.post("/login", data={**form, "csrf_token": "f" * 64}, follow_redirects=False))
    # a token from another browser's login page does not fit this browser's cookie
    stranger = TestClient(client.app, raise_server_exceptions=False)
    _assert_refused(
        client.post("/login", data={**form, "csrf_token": weblogin.login_token(stranger)}, follow_redirects=False)
    )
    response = client.post("/login", data={**form, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    # once logged in, writes need the session's token: the pre-session one no longer does
    again = client.post("/login", data={**form, "csrf_token": token}, follow_redirects=False)
    _assert_refused(again)


def test_a_pre_session_cookie_is_http_only(client):
    response = client.get("/login")
    header = next(v for v in response.headers.get_list("set-cookie") if v.startswith(CSRF_COOKIE + "="))
    flags = {part.strip().lower() for part in header.split(";")}
    assert "httponly" in flags and "samesite=lax" in flags


def test_bearer_requests_are_exempt_and_never_use_the_cookie(logged_in, session):
    from fangkong.core.tokens import create_token

    _row, token = create_token(session, username=USERNAME, name="lab", scopes=["residents.read"])
    body = {"id_number": factories.id_number(seq=903)}
    by_token = logged_in.post("/api/v1/residents/lookup", json=body, headers={"Authorization": f"Bearer {token}"})
    assert by_token.status_code == 404 and by_token.json()["error"]["code"] == "not_found"
    # a bad Authorization header does not fall back to the (valid) session cookie
    forged = logged_in.post("/api/v1/residents/lookup", json=body, headers={"Authorization": "Bearer fk_nope"})
    assert forged.status_code == 401
    # only bearer requests are exempt: a browser may add Basic credentials on its own
    basic = logged_in.post("/api/v1/residents/lookup", json=body, headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 403 and basic.json()["error"]["code"] == "csrf_failed"


def test_without_a_session_cookie_a_write_is_a_matter_of_authentication(client):
    response = client.post("/api/v1/residents/lookup", json={"id_number": factories.id_number(seq=904)})
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
