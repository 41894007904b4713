"""Users, password hashing and the logged-in user of a request.

Roles and jurisdiction filtering grow into a full access model in the access issue;
this module already keeps the rule that every route names who may call it.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.deps import get_session
from fangkong.core.errors import DomainError, InvalidInput
from fangkong.core.models import User

ROLES = ("admin",)
MIN_PASSWORD_LENGTH = 10
SESSION_USER_KEY = "user_id"

_hasher = PasswordHasher()


class NotAuthenticated(DomainError):
    status = 401

    def __init__(self) -> None:
        super().__init__("not_authenticated", "log in first")


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
) -> User:
    username = username.strip()
    if not username:
        raise InvalidInput("invalid_username", "username: must not be empty", details={"field": "username"})
    if role not in ROLES:
        raise InvalidInput(
            "invalid_role", f"role: {role!r} is not one of {', '.join(ROLES)}", details={"field": "role"}
        )
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
    return user


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        _hasher.hash(password)  # same work as a real check, so timing does not reveal usernames
        return None
    if not user.is_active or not password_matches(user.password_hash, password):
        return None
    return user


def user_from_request(request: Request, session: Session) -> User | None:
    user_id = request.session.get(SESSION_USER_KEY)
    if user_id is None:
        return None
    user = session.get(User, user_id)
    return user if user is not None and user.is_active else None


def current_user(request: Request, session: Session = Depends(get_session)) -> User:
    """API routes: 401 JSON when nobody is logged in."""
    user = user_from_request(request, session)
    if user is None:
        raise NotAuthenticated()
    return user


def page_user(request: Request, session: Session = Depends(get_session)) -> User:
    """Page routes: redirect to the login page when nobody is logged in."""
    user = user_from_request(request, session)
    if user is None:
        raise LoginRequired()
    return user
