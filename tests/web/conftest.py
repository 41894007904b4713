"""Page tests: the shared `client` (tests/conftest.py) with a logged-in admin."""

from __future__ import annotations

import factories
import weblogin
import pytest
from fastapi.testclient import TestClient

USERNAME = "commander-li"


@pytest.fixture
def admin(session):
    return factories.admin(session, username=USERNAME)


@pytest.fixture
def log_in(client):
    """POST the login form with its CSRF token; returns the (unfollowed) response."""

    def _log_in(username: str = USERNAME, password: str = factories.ADMIN_PASSWORD, next: str = "/"):
        return weblogin.log_in(client, username, password, next)

    return _log_in


@pytest.fixture
def user_client(client, admin, log_in) -> TestClient:
    response = log_in()
    assert response.status_code == 303, response.text
    return client
