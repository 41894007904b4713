"""API tokens of machine clients (labs, venue scanners): ``fk_<prefix>_<secret>``, hashed at rest.

The token acts as its owner (role and jurisdiction) but only for the actions in its scopes.
Revoked, expired, unknown tokens and tokens of disabled owners are refused on every request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.models import ApiToken, User

TOKEN_PREFIX = "fk_"
PREFIX_LENGTH = 8
TOKEN_PATTERN = re.compile(r"^fk_([0-9a-f]{8})_[A-Za-z0-9_-]{40,}$")
MAX_EXPIRY_DAYS = 3650
TOUCH_EVERY = timedelta(seconds=30)
_TOKEN_AND_OWNER = (select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                    .where(ApiToken.token_hash == bindparam("token_hash")))  # every API request: built once
_KNOWN = "fangkong_tokens_read"  # session.info key: token hash → (token, owner) or None, as read


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return prefix, f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def _clean_scopes(scopes: list[str]) -> list[str]:
    cleaned = sorted({s.strip() for s in scopes if s.strip()})
    if not cleaned:
        raise InvalidInput("invalid_scope", "scope: give at least one action", details={"field": "scope"})
    from fangkong.core.permissions import ACTIONS  # imported here: permissions builds on auth, auth on tokens

    unknown = [s for s in cleaned if s not in ACTIONS]
    if unknown:
        raise InvalidInput(
            "invalid_scope", f"scope: {unknown[0]!r} is not an action; known: {', '.join(ACTIONS)}",
            details={"field": "scope", "known": list(ACTIONS)},
        )
    return cleaned


def create_token(
    session: Session,
    *,
    username: str,
    name: str,
    scopes: list[str],
    expires_days: int | None = None,
    actor: Any = None,
    actor_via: str = "cli",
) -> tuple[ApiToken, str]:
    """A new token for an active user; returns the row and the token string (shown once, never stored)."""
    user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        raise NotFound("user", details={"username": username})
    if not user.is_active:
        raise DomainError("user_disabled", f"user {user.username!r} is disabled", status=409)
    name = name.strip()
    if not name:
        raise InvalidInput("invalid_name", "name: must not be empty", details={"field": "name"})
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise InvalidInput(
            "invalid_expiry", f"expires-days: must be between 1 and {MAX_EXPIRY_DAYS}", details={"field": "expires_days"}
        )
    now = clock.now()
    prefix, token = _new_token()
    row = ApiToken(
        name=name[:100],
        prefix=prefix,
        token_hash=token_hash(token),
        user_id=user.id,
        scopes=_clean_scopes(scopes),
        created_at=now,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, action="token.create", object_type="api_token", object_id=row.id, actor=actor, actor_via=actor_via,
        after={"name": row.name, "prefix": row.prefix, "owner": user.username, "scopes": row.scopes,
               "expires_at": row.expires_at.isoformat() if row.expires_at else None},
    )
    return row, token


def find_token(session: Session, token: str) -> tuple[ApiToken, User] | None:
    """The usable token row and its active owner, touching last_used_at; None for anything else.

    Read once per unit of work: the writer thread of `core.one_trip` checks a round of requests in
    one, most of them from the same few scanners."""
    if not TOKEN_PATTERN.match(token):
        return None
    digest = token_hash(token)
    known = session.info.setdefault(_KNOWN, {})  # one unit of work can serve many requests of a client
    if digest not in known:
        known[digest] = session.execute(_TOKEN_AND_OWNER, {"token_hash": digest}).first()
    found = known[digest]
    if found is None:
        return None
    row, user = found
    now = clock.now()
    if row.revoked_at is not None or not user.is_active:
        return None
    if row.expires_at is not None and now >= clock.aware(row.expires_at):
        return None
    if row.last_used_at is None or now - clock.aware(row.last_used_at) >= TOUCH_EVERY:
        row.last_used_at = now
    return row, user


def list_tokens(session: Session) -> list[tuple[ApiToken, str]]:
    """Every token (newest first) with its owner's username."""
    rows = session.execute(
        select(ApiToken, User.username).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id.desc())
    ).all()
    return [(row, username) for row, username in rows]


def revoke_token(session: Session, id_or_prefix: str, *, actor: Any = None, actor_via: str = "cli") -> ApiToken:
    """Revoke by numeric id or by prefix (a full token string also works: its prefix is read)."""
    key = id_or_prefix.strip()
    match = TOKEN_PATTERN.match(key)
    if match:
        key = match.group(1)
    conditions = [ApiToken.prefix == key.lower()]
    if key.isdigit():
        conditions.append(ApiToken.id == int(key))
    rows = session.scalars(select(ApiToken).where(or_(*conditions))).all()
    if not rows:
        raise NotFound("token", details={"token": id_or_prefix})
    if len(rows) > 1:
        raise DomainError("ambiguous_token", f"{id_or_prefix!r} matches an id and a prefix; use the prefix", status=409)
    row = rows[0]
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        session.flush()
        audit.record(
            session, action="token.revoke", object_type="api_token", object_id=row.id, actor=actor,
            actor_via=actor_via, after={"prefix": row.prefix, "name": row.name},
        )
    return row


def token_state(row: ApiToken) -> str:
    now = clock.now()
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and now >= clock.aware(row.expires_at):
        return "expired"
    return "active"
