"""Login throttling: failures slow down, the tenth locks the account for the configured time, all logged."""

from __future__ import annotations

import logging
import time
import uuid

import factories
import pytest
import weblogin
from markupsafe import escape
from sqlalchemy import select

from fangkong.config import get_settings
from fangkong.core import i18n
from fangkong.core.audit import AuditEvent
from fangkong.core.models import User
from fangkong.core.throttle import failure_delay

USERNAME = "commander-li"
WRONG = "not-the-password"
FAILED = str(escape(i18n.catalog("zh")["login.failed"]))
LOCKED = str(escape(i18n.catalog("zh")["login.locked"].format(minutes=15)))


@pytest.fixture
def admin(session):
    return factories.admin(session, username=USERNAME)


def _try(client, password: str, username: str = USERNAME):
    return weblogin.log_in(client, username, password)


def _fail(client, times: int, username: str = USERNAME) -> list:
    return [_try(client, WRONG, username) for _ in range(times)]


def test_ten_wrong_passwords_lock_the_account_for_the_configured_time(client, session, admin, set_clock):
    set_clock("2022-11-13T09:00")
    for response in _fail(client, 9):
        assert response.status_code == 401 and FAILED in response.text and LOCKED not in response.text
    assert session.get(User, admin.id).failed_login_count == 9
    tenth = _try(client, WRONG)
    assert tenth.status_code == 429 and LOCKED in tenth.text and FAILED not in tenth.text
    # the right password is refused too while the lock lasts, with the same answer
    right = _try(client, factories.ADMIN_PASSWORD)
    assert right.status_code == 429 and LOCKED in right.text and "fangkong_session" not in client.cookies
    set_clock("2022-11-13T09:14:59")
    assert _try(client, factories.ADMIN_PASSWORD).status_code == 429
    set_clock("2022-11-13T09:15")
    assert _try(client, factories.ADMIN_PASSWORD).status_code == 303
    user = session.get(User, admin.id)
    assert user.failed_login_count == 0 and user.locked_until is None


def test_a_success_resets_the_count(client, session, admin):
    _fail(client, 9)
    assert _try(client, factories.ADMIN_PASSWORD).status_code == 303
    client.post("/logout")
    client.headers.pop(weblogin.CSRF_HEADER)
    assert _try(client, WRONG).status_code == 401  # one failure, not the tenth
    assert session.get(User, admin.id).failed_login_count == 1


def test_the_lock_length_and_threshold_come_from_settings(app, client, session, admin, set_clock):
    set_clock("2022-11-13T09:00")
    app.state.settings = get_settings().model_copy(update={"login_max_failures": 3, "login_lock_minutes": 2})
    _fail(client, 2)
    third = _try(client, WRONG)
    assert third.status_code == 429 and str(escape(i18n.catalog("zh")["login.locked"].format(minutes=2))) in third.text
    set_clock("2022-11-13T09:02")
    assert _try(client, factories.ADMIN_PASSWORD).status_code == 303


def test_unknown_usernames_answer_exactly_like_real_ones(client, admin):
    nobody = f"nobody-{uuid.uuid4().hex[:8]}"  # the counter of unknown names lives in the process
    real = _fail(client, 10)
    ghost = _fail(client, 10, username=nobody)
    for mine, theirs in zip(real, ghost):
        assert mine.status_code == theirs.status_code
        assert (FAILED in mine.text) == (FAILED in theirs.text) and (LOCKED in mine.text) == (LOCKED in theirs.text)
    assert ghost[-1].status_code == 429 and _try(client, "whatever-pass", nobody).status_code == 429


def test_a_disabled_user_cannot_log_in_and_gets_the_generic_answer(client, session, admin):
    from fangkong.core import users

    users.set_active(session, USERNAME, False)
    response = _try(client, factories.ADMIN_PASSWORD)
    assert response.status_code == 401 and FAILED in response.text


def test_failures_and_locks_are_logged_and_audited(client, session, admin, caplog):
    with caplog.at_level(logging.WARNING, logger="fangkong.security"):
        _fail(client, 10)
    messages = [r.getMessage() for r in caplog.records if r.name == "fangkong.security"]
    assert sum("login failed for commander-li" in m for m in messages) == 10
    assert any("account commander-li locked until" in m for m in messages)
    assert WRONG not in " ".join(messages)
    events = session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(admin.id))).all()
    assert [e.action for e in events].count("auth.login_failed") == 10
    assert [e.action for e in events].count("auth.account_locked") == 1


def test_the_delay_grows_and_is_capped():
    settings = get_settings().model_copy(update={"login_delay_step_seconds": 0.25, "login_delay_max_seconds": 2.0})
    delays = [failure_delay(n, settings) for n in range(1, 12)]
    assert delays[:3] == [0.25, 0.5, 0.75]
    assert delays == sorted(delays) and max(delays) == 2.0 and delays[-1] == 2.0
    assert get_settings().login_delay_step_seconds == 0  # the test environment does not sleep


def test_failed_answers_are_slowed(app, client, admin):
    app.state.settings = get_settings().model_copy(
        update={"login_delay_step_seconds": 0.1, "login_delay_max_seconds": 0.15}
    )
    _fail(client, 1)
    started = time.monotonic()
    _try(client, WRONG)  # the second failure waits min(0.15, 0.2) seconds
    assert time.monotonic() - started >= 0.15
