"""API tokens: shown once, hashed at rest, scoped, refused at once when revoked or expired."""

from __future__ import annotations

import re

import factories
import pytest
from sqlalchemy import select

from fangkong.core import tokens, users
from fangkong.core.audit import AuditEvent
from fangkong.core.auth import resolve_principal
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.models import ApiToken

OWNER = "lab-datong-1"


@pytest.fixture
def owner(session):
    return factories.admin(session, username=OWNER)


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _create(session, **overrides):
    arguments = {"username": OWNER, "name": "大同第一检测实验室", "scopes": ["residents.read"], **overrides}
    return tokens.create_token(session, **arguments)


def test_format_prefix_and_hash_at_rest(session, owner):
    row, token = _create(session)
    match = re.fullmatch(r"fk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})", token)
    assert match and row.prefix == match.group(1)
    secret = match.group(2)
    stored = [
        str(value)
        for record in session.execute(select(ApiToken.__table__)).all()
        for value in record
    ]
    assert not [value for value in stored if token in value or secret in value]
    assert row.token_hash == tokens.token_hash(token) and row.scopes == ["residents.read"]


def test_two_tokens_never_share_prefix_or_secret(session, owner):
    (first, one), (second, two) = _create(session), _create(session)
    assert first.prefix != second.prefix and one != two


def test_a_token_authenticates_the_api_as_its_owner(client, session, owner):
    row, token = _create(session)
    response = client.get("/api/v1/residents", headers=_bearer(token))
    assert response.status_code == 200, response.text
    assert session.get(ApiToken, row.id).last_used_at is not None


def test_a_revoked_token_is_refused_at_once(client, session, owner):
    row, token = _create(session)
    assert client.get("/api/v1/residents", headers=_bearer(token)).status_code == 200
    tokens.revoke_token(session, row.prefix)
    refused = client.get("/api/v1/residents", headers=_bearer(token))
    assert refused.status_code == 401 and refused.json()["error"]["code"] in ("invalid_token", "not_authenticated")


def test_an_expired_token_is_refused(client, session, owner, set_clock):
    set_clock("2022-11-13T09:00")
    _row, token = _create(session, expires_days=1)
    set_clock("2022-11-14T08:59")
    assert client.get("/api/v1/residents", headers=_bearer(token)).status_code == 200
    set_clock("2022-11-14T09:00")
    assert client.get("/api/v1/residents", headers=_bearer(token)).status_code == 401


@pytest.mark.parametrize(
    "credential",
    ["fk_00000000_" + "A" * 43, "fk_short", "", "Bearer", "a" * 5000],
    ids=["unknown", "malformed", "empty", "doubled", "huge"],
)
def test_unknown_or_malformed_tokens_are_refused(client, owner, credential):
    response = client.get("/api/v1/residents", headers={"Authorization": f"Bearer {credential}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] in ("invalid_token", "not_authenticated")


def test_a_tampered_token_with_a_real_prefix_is_refused(client, session, owner):
    _row, token = _create(session)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get("/api/v1/residents", headers=_bearer(tampered)).status_code == 401


def test_tokens_of_disabled_owners_stop_and_resume(client, session, owner):
    _row, token = _create(session)
    users.set_active(session, OWNER, False)
    assert client.get("/api/v1/residents", headers=_bearer(token)).status_code == 401
    users.set_active(session, OWNER, True)
    assert client.get("/api/v1/residents", headers=_bearer(token)).status_code == 200


def test_tokens_open_no_pages(client, session, owner):
    _row, token = _create(session)
    response = client.get("/people/residents", headers=_bearer(token), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_principal_carries_the_scopes(app, session, owner):
    from starlette.requests import Request

    row, token = _create(session, scopes=["residents.read", "places.read"])
    scope = {
        "type": "http", "method": "GET", "path": "/api/v1/residents", "query_string": b"",
        "headers": [(b"authorization", f"Bearer {token}".encode())], "app": app,
    }
    principal = resolve_principal(Request(scope), session)
    assert principal is not None and principal.via == "token" and principal.token_id == row.id
    assert principal.user.username == OWNER and principal.session_id is None
    assert principal.scopes == frozenset({"residents.read", "places.read"})
    assert principal.allows("residents.read") and not principal.allows("residents.reveal")


def test_bad_input_is_a_domain_error(session, owner):
    with pytest.raises(InvalidInput, match="scope"):
        _create(session, scopes=["residents.everything"])
    with pytest.raises(InvalidInput, match="scope"):
        _create(session, scopes=[" "])
    with pytest.raises(InvalidInput, match="expires-days"):
        _create(session, expires_days=0)
    with pytest.raises(InvalidInput, match="name"):
        _create(session, name="  ")
    with pytest.raises(NotFound):
        _create(session, username="no-such-user")
    users.set_active(session, OWNER, False)
    with pytest.raises(DomainError, match="disabled"):
        _create(session)


def test_revoke_by_id_prefix_or_full_token_and_unknown(session, owner):
    (first, _), (second, second_token), (third, _) = _create(session), _create(session), _create(session)
    assert tokens.revoke_token(session, str(first.id)).id == first.id
    assert tokens.revoke_token(session, second_token).id == second.id
    assert tokens.revoke_token(session, third.prefix.upper()).id == third.id
    assert all(tokens.token_state(row) == "revoked" for row in (first, second, third))
    with pytest.raises(NotFound):
        tokens.revoke_token(session, "deadbeef")


def test_creation_and_revocation_are_audited_without_the_token(session, owner):
    row, token = _create(session)
    tokens.revoke_token(session, row.prefix)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "api_token", AuditEvent.object_id == str(row.id))
    ).all()
    assert [e.action for e in events] == ["token.create", "token.revoke"]
    assert all(token not in str(e.after) for e in events)
