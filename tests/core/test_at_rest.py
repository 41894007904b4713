"""`strings` over the database file: no password, API token, session token, ID number or phone in it.

Everything goes through the real paths (login form, API with a bearer token, reveal and lookup),
then the WAL is checkpointed and the raw bytes of the file (and of -wal/-shm if left) are searched.
"""

from __future__ import annotations

from pathlib import Path

import factories
import pytest
import weblogin
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fangkong.app import create_app
from fangkong.config import get_settings
from fangkong.core import sessions
from fangkong.core.auth import create_user
from fangkong.core.tokens import TOKEN_PATTERN, create_token

USERNAME = "at-rest-worker"
PASSWORD = "Plain-Text-Pa55word-7781"
WRONG_PASSWORD = "Wrong-Guess-Pa55word-4410"
RESIDENTS = [  # name, ID number, phone
    ("欧阳秀英", factories.id_number(area="140212", birth="19920512", seq=417), "13912340001"),
    ("司马建国", factories.id_number(area="140212", birth="19951130", seq=238), "15098760002"),
    ("上官桂兰", factories.id_number(area="140212", birth="20010909", seq=991), "18655550003"),
]


@pytest.fixture
def sqlite_database(backend, request):
    if backend != "sqlite":
        pytest.skip("inspects the bytes of the SQLite database file; PostgreSQL keeps its data in server files")
    return request.getfixturevalue("fresh_database")


def _database_bytes(path: Path) -> bytes:
    files = [path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]
    return b"".join(file.read_bytes() for file in files if file.exists())


def test_the_database_file_holds_no_secret_in_clear(sqlite_database):
    engine = sqlite_database.engine
    with Session(engine) as session, session.begin():
        create_user(session, username=USERNAME, password=PASSWORD, role="prevention", jurisdiction_code="140200")
        _row, api_token = create_token(
            session, username=USERNAME, name="scanner", scopes=["residents.read", "residents.write", "residents.reveal"]
        )
    bearer = {"Authorization": f"Bearer {api_token}"}

    with TestClient(create_app(engine=engine), raise_server_exceptions=False) as client:
        assert weblogin.log_in(client, USERNAME, WRONG_PASSWORD).status_code != 303  # a failed attempt is logged
        assert weblogin.log_in(client, USERNAME, PASSWORD).status_code == 303
        cookie = client.cookies.get(sessions.SESSION_COOKIE)
        session_token = sessions.unsign_token(get_settings().secret_key, cookie)
        assert session_token and client.get("/people/residents").status_code == 200
        for name, id_number, phone in RESIDENTS:
            body = {"name": name, "id_number": id_number, "phone": phone}
            created = client.post("/api/v1/residents", json=body, headers=bearer)
            assert created.status_code == 201, created.text
        shown = client.post(f"/api/v1/residents/{created.json()['id']}/reveal", json={"reason": "流调核实"}, headers=bearer)
        assert shown.json()["id_number"] == RESIDENTS[-1][1]  # the full number was decrypted and shown, audited
        found = client.post("/api/v1/residents/lookup", json={"id_number": RESIDENTS[0][1]}, headers=bearer)
        assert found.status_code == 200, found.text

    with engine.connect() as connection:
        busy, _log, _checkpointed = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        assert busy == 0
    engine.dispose()
    data = _database_bytes(sqlite_database.path)

    # the search can fail: clear values that belong in the file are found
    assert USERNAME.encode() in data
    assert all(name.encode() in data for name, _number, _phone in RESIDENTS)

    assert TOKEN_PATTERN.match(api_token)
    secret = api_token.split("_", 2)[2]  # fk_<prefix>_<secret>: the prefix is stored on purpose, the secret never
    settings = get_settings()
    forbidden = {
        "password": PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "API token": api_token,
        "API token secret": secret,
        "session token": session_token,
        "session cookie": cookie,
        "secret key": settings.secret_key,
        "data key": settings.data_key,
    }
    for name, id_number, phone in RESIDENTS:
        forbidden[f"ID number of {name}"] = id_number
        forbidden[f"phone of {name}"] = phone
    assert all(forbidden.values())
    found_in_clear = [what for what, value in forbidden.items() if value.encode() in data]
    assert not found_in_clear
