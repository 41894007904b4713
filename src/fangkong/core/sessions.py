"""Server-side web sessions: the cookie holds a signed random token, the database only its SHA-256.

Every request checks the session row: revoked, past its absolute end or idle too long means
logged out. Logout and disabling a user revoke rows, so a copied cookie is worthless afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, Signer
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from starlette.responses import Response

from fangkong.config import Settings
from fangkong.core import clock
from fangkong.core.models import User, UserSession

SESSION_COOKIE = "fangkong_session"
TOKEN_BYTES = 32
TOUCH_EVERY = timedelta(seconds=30)  # last_seen_at is written at most this often
USER_AGENT_MAX = 255


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _signer(secret_key: str) -> Signer:
    return Signer(secret_key, salt="fangkong.session")


def sign_token(secret_key: str, token: str) -> str:
    return _signer(secret_key).sign(token).decode()


def unsign_token(secret_key: str, cookie_value: str | None) -> str | None:
    """The session token of a cookie value, or None when it is missing or its signature is wrong."""
    if not cookie_value:
        return None
    try:
        return _signer(secret_key).unsign(cookie_value).decode()
    except (BadSignature, UnicodeDecodeError):
        return None


def start_session(
    session: Session, *, user: User, settings: Settings, ip: str = "", user_agent: str = ""
) -> tuple[UserSession, str]:
    """A new session row for ``user``; returns it and the token (the token is never stored)."""
    token = new_token()
    now = clock.now()
    row = UserSession(
        token_hash=token_hash(token),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(seconds=settings.session_max_age_seconds),
        idle_timeout_seconds=settings.session_idle_seconds,
        ip=ip[:45],
        user_agent=user_agent[:USER_AGENT_MAX],
    )
    session.add(row)
    session.flush()
    return row, token


def is_live(row: UserSession, now: datetime) -> bool:
    if row.revoked_at is not None or now >= clock.aware(row.expires_at):
        return False
    return now < clock.aware(row.last_seen_at) + timedelta(seconds=row.idle_timeout_seconds)


def find_session(session: Session, token: str) -> tuple[UserSession, User] | None:
    """The live session of a token and its active user, touching last_seen_at; None otherwise."""
    found = session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == token_hash(token))
    ).first()
    if found is None:
        return None
    row, user = found
    now = clock.now()
    if not is_live(row, now) or not user.is_active:
        return None
    if now - clock.aware(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
    return row, user


def revoke_token(session: Session, token: str) -> bool:
    """Log out the session of ``token``; True when a live row was revoked."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.token_hash == token_hash(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    return result.rowcount > 0


def revoke_user_sessions(session: Session, user_id: int) -> int:
    """Log out every session of a user (disabling, password change); returns how many."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    return result.rowcount


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE, sign_token(settings.secret_key, token), max_age=settings.session_max_age_seconds,
        path="/", httponly=True, samesite="lax", secure=settings.cookie_secure,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.cookie_secure)
