"""Users, password hashing and who makes a request (the Principal: a web session or an API token).

Roles and permissions live in core/permissions.py, jurisdiction in core/jurisdiction.py;
login throttling in core/throttle.py, sessions in core/sessions.py, tokens in core/tokens.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core import audit, clock, sessions, tokens
from fangkong.core.deps import SESSION
from fangkong.core.errors import DomainError, InvalidInput
from fangkong.core.jurisdiction import parse_jurisdiction
from fangkong.core.models import User

MIN_PASSWORD_LENGTH = 10
_PRINCIPAL = "principal"

_hasher = PasswordHasher()


class NotAuthenticated(DomainError):
    status = 401

    def __init__(self, code: str = "not_authenticated", message: str = "log in first") -> None:
        super().__init__(code, message)


class LoginRequired(Exception):
    """Raised by page routes; the app answers with a redirect to the login page."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str = "admin",
    jurisdiction_code: str = "140200",
    display_name: str = "",
    actor: object = None,
    actor_via: str = "cli",
) -> User:
    username = username.strip()
    if not username:
        raise InvalidInput("invalid_username", "username: must not be empty", details={"field": "username"})
    from fangkong.core.permissions import ROLES  # imported here: permissions builds on this module

    if role not in ROLES:
        raise InvalidInput(
            "invalid_role", f"role: {role!r} is not one of {', '.join(ROLES)}", details={"field": "role"}
        )
    jurisdiction_code = parse_jurisdiction(jurisdiction_code).code
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            "weak_password",
            f"password: must have at least {MIN_PASSWORD_LENGTH} characters",
            details={"field": "password"},
        )
    if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise DomainError("username_taken", f"username {username!r} is already taken", status=409)
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        jurisdiction_code=jurisdiction_code,
        is_active=True,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        actor_via=actor_via,
        action="user.create",
        object_type="user",
        object_id=user.id,
        after={"username": user.username, "role": role, "jurisdiction": jurisdiction_code},
    )
    return user


@dataclass(frozen=True)
class Principal:
    """Who makes a request: a user through a web session, or through an API token limited to its scopes."""

    user: User
    via: Literal["session", "token"]
    scopes: frozenset[str] | None = None  # None for sessions: the role alone decides
    session_id: int | None = None
    token_id: int | None = None

    def allows(self, action: str) -> bool:
        """Whether the credential lets its user attempt ``action`` (the role is checked separately)."""
        return self.scopes is None or action in self.scopes


def session_token(request: Request) -> str | None:
    """The token of the request's session cookie when its signature holds (not yet checked against the database)."""
    return sessions.unsign_token(request.app.state.settings.secret_key, request.cookies.get(sessions.SESSION_COOKIE))


def _from_bearer(request: Request, session: Session) -> Principal | None:
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not request.url.path.startswith("/api/"):
        return None
    found = tokens.find_token(session, credential.strip())
    if found is None:
        return None
    row, user = found
    return Principal(user=user, via="token", scopes=frozenset(row.scopes), token_id=row.id)


def _from_cookie(request: Request, session: Session) -> Principal | None:
    token = session_token(request)
    found = sessions.find_session(session, token) if token else None
    if found is None:
        return None
    row, user = found
    return Principal(user=user, via="session", session_id=row.id)


def resolve_principal(request: Request, session: Session) -> Principal | None:
    """The caller of this request, checked against the database; None when not (or no longer) authenticated.

    An Authorization header decides alone: a bad or non-bearer one never falls back to the cookie,
    and bearer tokens count only on /api/. The answer is kept for the rest of the request only.
    """
    if hasattr(request.state, _PRINCIPAL):
        return getattr(request.state, _PRINCIPAL)
    if "authorization" in request.headers:
        principal = _from_bearer(request, session)
    else:
        principal = _from_cookie(request, session)
    setattr(request.state, _PRINCIPAL, principal)
    return principal


def forget_principal(request: Request) -> None:
    """Drop the request's kept answer (its objects belonged to a unit of work that was rolled back)."""
    if hasattr(request.state, _PRINCIPAL):
        delattr(request.state, _PRINCIPAL)


def not_authenticated(request: Request) -> NotAuthenticated:
    """The 401 for a request without a principal: ``invalid_token`` when it sent credentials, else log in first."""
    if "authorization" in request.headers:
        return NotAuthenticated("invalid_token", "the API token is unknown, expired or revoked")
    return NotAuthenticated()


def current_principal(request: Request, session: Session = SESSION) -> Principal:
    """API routes: 401 JSON unless a live session or a usable token authenticates the request."""
    principal = resolve_principal(request, session)
    if principal is None:
        raise not_authenticated(request)
    return principal


def current_user(principal: Principal = Depends(current_principal)) -> User:
    return principal.user


def page_user(request: Request, session: Session = SESSION) -> User:
    """Page routes: redirect to the login page when nobody is logged in."""
    principal = resolve_principal(request, session)
    if principal is None or principal.via != "session":
        raise LoginRequired()
    return principal.user
