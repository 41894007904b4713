"""Server-side web sessions: the cookie is a signed random token, the server decides whether it still counts."""

from __future__ import annotations

import hashlib

import factories
import pytest
import weblogin
from fastapi.testclient import TestClient
from sqlalchemy import select

from fangkong.core import users
from fangkong.core.models import UserSession
from fangkong.core.sessions import SESSION_COOKIE

USERNAME = "commander-li"


@pytest.fixture
def admin(session):
    return factories.admin(session, username=USERNAME)


def _log_in(client) -> str:
    response = weblogin.log_in(client, USERNAME, factories.ADMIN_PASSWORD)
    assert response.status_code == 303, response.text
    return client.cookies[SESSION_COOKIE]


def _replay(app, cookie: str) -> TestClient:
    other = TestClient(app, raise_server_exceptions=False)
    other.cookies.set(SESSION_COOKIE, cookie)
    return other


def _logged_in(client) -> bool:
    return client.get("/", follow_redirects=False).status_code == 200


def test_cookie_is_a_signed_token_and_only_its_hash_is_stored(client, session, admin):
    cookie = _log_in(client)
    token, _, signature = cookie.rpartition(".")
    assert token and signature and len(token) >= 43  # 32 random bytes, url-safe base64
    row = session.scalars(select(UserSession).where(UserSession.user_id == admin.id)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(getattr(row, column.key)) for column in UserSession.__table__.columns)
    assert token not in stored and signature not in stored


def test_session_cookie_flags(client, admin):
    form = {"username": USERNAME, "password": factories.ADMIN_PASSWORD, "csrf_token": weblogin.login_token(client)}
    response = client.post("/login", data=form, follow_redirects=False)
    header = next(v for v in response.headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE + "="))
    flags = {part.strip().lower() for part in header.split(";")}
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags


def test_a_forged_or_tampered_cookie_is_not_a_session(app, client, admin):
    cookie = _log_in(client)
    token, _, signature = cookie.rpartition(".")
    assert not _logged_in(_replay(app, token + "." + signature[::-1]))
    assert not _logged_in(_replay(app, token))
    assert _logged_in(_replay(app, cookie))


def test_logout_revokes_the_session_on_the_server(app, client, session, admin):
    cookie = _log_in(client)
    copy = _replay(app, cookie)
    assert _logged_in(copy)
    assert client.post("/logout", follow_redirects=False).status_code == 303
    assert not _logged_in(client)
    # the copied cookie is worthless now: pages go to the login page, the API answers 401
    page = copy.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    api = copy.get("/api/v1/residents")
    assert api.status_code == 401 and api.json()["error"]["code"] == "not_authenticated"
    row = session.scalars(select(UserSession).where(UserSession.user_id == admin.id)).one()
    assert row.revoked_at is not None


def test_logging_in_again_ends_the_previous_session_of_the_browser(app, client, session, admin):
    first = _log_in(client)
    second = _log_in(client)
    assert first != second
    assert not _logged_in(_replay(app, first)) and _logged_in(_replay(app, second))


def test_idle_sessions_expire(client, admin, set_clock):
    set_clock("2022-11-13T09:00")
    _log_in(client)
    set_clock("2022-11-13T09:29")  # 29 minutes idle: still fine, and this request counts as activity
    assert _logged_in(client)
    set_clock("2022-11-13T09:58")
    assert _logged_in(client)
    set_clock("2022-11-13T10:28:30")  # 30.5 minutes after the last request
    assert not _logged_in(client)


def test_sessions_end_after_their_absolute_lifetime_even_when_busy(client, admin, set_clock):
    set_clock("2022-11-13T09:00")
    _log_in(client)
    for hour in range(9, 17):
        for minute in (0, 20, 40):
            set_clock(f"2022-11-13T{hour:02d}:{minute:02d}")
            assert _logged_in(client), (hour, minute)
    set_clock("2022-11-13T16:59:59")
    assert _logged_in(client)
    set_clock("2022-11-13T17:00")  # eight hours after login
    assert not _logged_in(client)


def test_disabling_a_user_ends_their_sessions_at_once(app, client, session, admin):
    cookie = _log_in(client)
    users.set_active(session, USERNAME, False)
    assert not _logged_in(client) and not _logged_in(_replay(app, cookie))
    assert session.scalars(select(UserSession).where(UserSession.user_id == admin.id)).one().revoked_at is not None
    users.set_active(session, USERNAME, True)
    assert not _logged_in(_replay(app, cookie))  # enabling does not revive old sessions
    _log_in(client)
    assert _logged_in(client)


def test_each_login_records_ip_and_user_agent(client, session, admin):
    client.headers["user-agent"] = "Fangkong-Test/1.0"
    _log_in(client)
    row = session.scalars(select(UserSession).where(UserSession.user_id == admin.id)).one()
    assert row.user_agent == "Fangkong-Test/1.0" and row.ip == "testclient"
    assert row.idle_timeout_seconds == 30 * 60
