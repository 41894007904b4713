"""Login with throttling: each failure slows the next answer, the Nth failure locks the account.

While an account is locked every attempt is refused with the same "locked" answer, right
password or wrong, so the lock cannot be used to test passwords. Unknown usernames get the
same treatment from an in-process counter, so a lock does not tell that a username exists.
Failures and locks go to the ``fangkong.security`` log.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from fangkong.config import Settings
from fangkong.core import audit, clock
from fangkong.core.auth import hash_password, password_matches
from fangkong.core.models import User

log = logging.getLogger("fangkong.security")

PHANTOM_LIMIT = 10_000  # unknown usernames remembered at most


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None  # set only on success
    locked: bool = False
    delay: float = 0.0  # seconds the caller should wait before answering a failure


@dataclass
class _Phantom:
    failures: int = 0
    locked_until: datetime | None = None


_phantoms: OrderedDict[str, _Phantom] = OrderedDict()
_phantoms_lock = threading.Lock()


def failure_delay(failures: int, settings: Settings) -> float:
    """The pause after the ``failures``-th consecutive failure: growing, capped."""
    return min(settings.login_delay_max_seconds, settings.login_delay_step_seconds * max(failures, 0))


def attempt_login(session: Session, *, username: str, password: str, settings: Settings, ip: str = "") -> LoginOutcome:
    """Check a password under the throttle; failures and locks are logged and audited."""
    user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        hash_password(password)  # the same work as a real check: timing does not reveal usernames
        outcome = _unknown_username(username, settings, ip)
        _audit(session, "auth.login_failed", None, {"known_user": False, "locked": outcome.locked})
        return outcome
    now = clock.now()
    if user.locked_until is not None and now < clock.aware(user.locked_until):
        password_matches(user.password_hash, password)  # same timing; the answer does not depend on it
        log.warning("login refused for %s from %s: locked until %s", user.username, ip, user.locked_until)
        _audit(session, "auth.login_refused_locked", user.id, None)
        return LoginOutcome(None, locked=True)
    if user.is_active and password_matches(user.password_hash, password):
        user.failed_login_count = 0
        user.locked_until = None
        session.flush()
        return LoginOutcome(user)
    return _record_failure(session, user, settings, ip, now)


def _record_failure(session: Session, user: User, settings: Settings, ip: str, now: datetime) -> LoginOutcome:
    failures = _count_failure(session, user)
    reason = "wrong password" if user.is_active else "disabled account"
    log.warning("login failed for %s from %s: %s (%d in a row)", user.username, ip, reason, failures)
    _audit(session, "auth.login_failed", user.id, {"failures": failures, "reason": reason})
    if failures >= settings.login_max_failures:
        user.failed_login_count = 0
        user.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
        session.flush()
        log.warning("account %s locked until %s after %d failures", user.username, user.locked_until, failures)
        _audit(session, "auth.account_locked", user.id, {"locked_until": user.locked_until.isoformat()})
        return LoginOutcome(None, locked=True, delay=failure_delay(failures, settings))
    return LoginOutcome(None, delay=failure_delay(failures, settings))


def _count_failure(session: Session, user: User) -> int:
    """Add one failure in the database itself, so concurrent attempts cannot lose a count (the row stays locked)."""
    failures = session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_login_count=User.failed_login_count + 1)
        .returning(User.failed_login_count)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(user, "failed_login_count", failures)
    return failures


def _audit(session: Session, action: str, user_id: int | None, after: dict | None) -> None:
    """Login attempts are anonymous: the actor is unknown, the object is the account tried (if it exists)."""
    audit.record(
        session, action=action, object_type="user", object_id=user_id,
        actor_name="anonymous", actor_via="session", after=after,
    )


def _unknown_username(username: str, settings: Settings, ip: str) -> LoginOutcome:
    key = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    now = clock.now()
    with _phantoms_lock:
        phantom = _phantoms.pop(key, None) or _Phantom()
        _phantoms[key] = phantom  # most recent last
        while len(_phantoms) > PHANTOM_LIMIT:
            _phantoms.popitem(last=False)
        if phantom.locked_until is not None and now < phantom.locked_until:
            log.warning("login refused for an unknown username from %s: locked", ip)
            return LoginOutcome(None, locked=True)
        phantom.failures += 1
        failures = phantom.failures
        locked = failures >= settings.login_max_failures
        if locked:
            phantom.failures = 0
            phantom.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
    log.warning("login failed for an unknown username from %s (%d in a row)", ip, failures)
    return LoginOutcome(None, locked=locked, delay=failure_delay(failures, settings))

