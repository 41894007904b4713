"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from FANGKONG_TEST_DATABASE_URL (default: the local server, database
`test`). Each test run works in schemas of its own, dropped at the end. With
FANGKONG_REQUIRE_POSTGRES=1 an unreachable server fails the run instead of skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

TEST_ENV = {
    "FANGKONG_DATA_KEY": "dGVzdC1kYXRhLWtleS1mb3ItZmFuZ2tvbmctdGVzdHM=",
    "FANGKONG_SECRET_KEY": "test-secret-key-not-for-production",
    "FANGKONG_CLOCK": "2022-11-13T09:00",
    "FANGKONG_ENV_FILE": "/nonexistent/fangkong.env",
    "FANGKONG_LOGIN_DELAY_STEP_SECONDS": "0",  # no sleeping after wrong passwords in tests
    "FANGKONG_DASHBOARD_CACHE_SECONDS": "0",  # every dashboard computed afresh (tests/dashboard tests the cache)
}
for _name, _value in TEST_ENV.items():
    os.environ[_name] = _value
os.environ.pop("FANGKONG_DATABASE_URL", None)

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from fangkong.config import reset_settings  # noqa: E402
from fangkong.core.db import make_engine  # noqa: E402
from fangkong.core.testing import ScratchDatabase  # noqa: E402

reset_settings()

POSTGRES_URL = os.environ.get(
    "FANGKONG_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("FANGKONG_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]
_postgres_problem: str | None = None
_postgres_checked = False


def _postgres_unavailable() -> str | None:
    global _postgres_checked, _postgres_problem
    if not _postgres_checked:
        _postgres_checked = True
        try:
            probe = make_engine(POSTGRES_URL)
            with probe.connect() as conn:
                conn.execute(text("SELECT 1"))
            probe.dispose()
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
            _postgres_problem = f"PostgreSQL at {POSTGRES_URL} is unreachable: {type(exc).__name__}"
    return _postgres_problem


def _require_backend(backend: str) -> None:
    if backend != "postgresql":
        return
    problem = _postgres_unavailable()
    if problem and REQUIRE_POSTGRES:
        pytest.fail(problem + " (FANGKONG_REQUIRE_POSTGRES=1)", pytrace=False)
    if problem:
        pytest.skip(problem)


class FreshDatabase(ScratchDatabase):
    """An empty database (SQLite file or PostgreSQL schema of this run) migrated to `revision`."""

    def __init__(self, backend: str, workdir: Path, revision: str = "head") -> None:
        super().__init__(backend, workdir, postgres_url=POSTGRES_URL, prefix="fk_test", revision=revision)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    _require_backend(request.param)
    return request.param


@pytest.fixture(scope="session")
def engine(backend: str, tmp_path_factory) -> Iterator[Engine]:
    """A migrated database shared by the run; tests isolate through `session`."""
    database = FreshDatabase(backend, tmp_path_factory.mktemp(backend))
    yield database.engine
    database.drop()


@pytest.fixture
def fresh_database(backend: str, tmp_path) -> Iterator[FreshDatabase]:
    """An empty migrated database of its own, for tests that commit (bulk loads, live servers)."""
    database = FreshDatabase(backend, tmp_path)
    yield database
    database.drop()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """Rollback per test: the test's writes, and the code's savepoints, never outlive it."""
    connection = engine.connect()
    outer = connection.begin()
    db_session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db_session
    finally:
        db_session.close()
        outer.rollback()
        connection.close()


@pytest.fixture(scope="session")
def shared_app(engine: Engine):
    """One app per backend for the run: FastAPI prepares its routes (about a second) once, not per test.
    Its session override hands out the running test's rollback session (see `app`)."""
    from fastapi.testclient import TestClient

    from fangkong.app import create_app
    from fangkong.core.deps import get_session

    application = create_app(engine=engine)
    current: dict[str, Session] = {}

    def _test_session():
        test_session = current["session"]
        yield test_session
        test_session.flush()

    application.dependency_overrides[get_session] = _test_session
    application.state.unit_of_work = contextmanager(lambda _state: _test_session())
    application.state.test_session = current
    with TestClient(application):  # the lifespan: routes and mappers prepared
        pass
    return application


@pytest.fixture
def app(shared_app, session: Session):
    """The real app on the shared test database; requests join the test's rollback session. Its settings
    are read afresh for each test, as a new app's would be: what a test changes in them ends with it."""
    from fangkong.config import get_settings

    shared_app.state.test_session["session"] = session
    shared_app.state.settings = get_settings()
    yield shared_app
    shared_app.state.test_session.clear()


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def login_as(client, session: Session):
    """Log `client` in through the real form as a new user of a role and jurisdiction; it then sends
    the CSRF header like HTMX does."""
    import factories
    import weblogin

    def _login(role: str = "commander", jurisdiction: str = "140200"):
        user = factories.user(session, role=role, jurisdiction=jurisdiction)
        response = weblogin.log_in(client, user.username, factories.ADMIN_PASSWORD)
        assert response.status_code == 303, response.text
        return client

    return _login


@pytest.fixture
def admin_client(login_as):
    return login_as("admin")


@pytest.fixture
def set_clock():
    """Move the frozen clock (FANGKONG_CLOCK) during a test: ``set_clock("2022-11-13T09:31")``; restored after."""
    original = os.environ.get("FANGKONG_CLOCK")

    def _set(value: str) -> None:
        os.environ["FANGKONG_CLOCK"] = value
        reset_settings()

    yield _set
    if original is None:
        os.environ.pop("FANGKONG_CLOCK", None)
    else:
        os.environ["FANGKONG_CLOCK"] = original
    reset_settings()


@pytest.fixture(scope="module")
def demo_city(backend: str, tmp_path_factory) -> Iterator[FreshDatabase]:
    """The demo city (3,000 residents) with its 2022-11-13 scenario, built once per test module and backend.
    Tests may add users to it; they must not change what other tests of the module count."""
    from fangkong.demo.generator import generate_city
    from fangkong.demo.scenario import build_scenario

    database = FreshDatabase(backend, tmp_path_factory.mktemp(f"demo-{backend}"))
    generate_city(database.engine, population=3_000, seed=7, workers=0)
    build_scenario(database.engine, seed=7)
    yield database
    database.drop()
