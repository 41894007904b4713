"""Administering users: list, disable (which logs them out everywhere), enable."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import NotFound
from fangkong.core.models import User
from fangkong.core.sessions import revoke_user_sessions

log = logging.getLogger("fangkong.security")


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def get_by_username(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        raise NotFound("user", details={"username": username})
    return user


def is_locked(user: User) -> bool:
    return user.locked_until is not None and clock.now() < clock.aware(user.locked_until)


def set_active(session: Session, username: str, active: bool, *, actor: Any = None, actor_via: str = "cli") -> User:
    """Enable or disable a user. Disabling revokes every web session; API tokens stop working while disabled."""
    user = get_by_username(session, username)
    before = {"is_active": user.is_active}
    user.is_active = active
    if active:
        user.failed_login_count = 0
        user.locked_until = None
    session.flush()
    if not active:
        count = revoke_user_sessions(session, user.id)
        log.warning("user %s disabled; %d session(s) revoked", user.username, count)
    else:
        log.warning("user %s enabled", user.username)
    audit.record(
        session, action="user.enable" if active else "user.disable", object_type="user", object_id=user.id,
        actor=actor, actor_via=actor_via, before=before, after={"is_active": active},
    )
    return user
