"""An acknowledged write is a stored write: the unit of work commits before the answer starts, and a
commit that fails answers an error and stores nothing (issue 23).

The probe sits between the server and the app: when an answer starts it counts the rows through a
connection of its own, which sees only what is committed. Before `core.deps.SESSION` the commit ran
after the answer had been sent, so every probe here saw the row missing.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field

import httpx
import pytest
import xlsxwriter
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

import factories
import hotline_factories as hf
import tracing_factories as tf
import weblogin
from fangkong.app import create_app
from fangkong.core.db import unit_of_work
from fangkong.core.deps import get_session
from fangkong.core.permissions import HOTLINE_INTAKE, HOTLINE_READ, MANAGED_WRITE, TRACING_SCAN
from fangkong.core.tokens import create_token
from liveserver import serve

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TICKET = {"kind": "enquiry", "channel": "phone", "topic": "zones", "text": "我家小区何时解封？",
          "caller_name": "张先生", "caller_phone": "13912345678", "district": "140213"}


@dataclass
class World:
    tokens: dict[str, str]
    username: str
    venue_code: str
    resident_id: int


def _world(engine) -> World:
    with unit_of_work(engine) as session:
        hf.departments(session)
        unit = factories.place_chain(session)
        venue = tf.venue(session, unit)
        resident = factories.resident(session, name="扫码人", unit=unit)
        tokens = {}
        for role, scopes in (("hotline_agent", [HOTLINE_INTAKE, HOTLINE_READ]), ("prevention", [MANAGED_WRITE]),
                             ("prevention", [TRACING_SCAN])):
            user = factories.user(session, role=role, jurisdiction="140200")
            tokens[scopes[0]] = create_token(session, username=user.username, name="probe", scopes=scopes)[1]
        agent = factories.user(session, role="hotline_agent", jurisdiction="140200")
        return World(tokens, agent.username, venue.code, resident.id)


@dataclass
class AnswerProbe:
    """The app behind a wrapper that counts `table`'s committed rows when each answer starts."""

    app: object
    engine: object
    table: str = "hotline_ticket"
    seen: list[tuple[int, int]] = field(default_factory=list)

    def count(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {self.table}")).scalar_one()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def probed(message):
            if message["type"] == "http.response.start" and scope["method"] == "POST":
                self.seen.append((message["status"], self.count()))
            await send(message)

        await self.app(scope, receive, probed)


def _bearer(world: World, scope: str) -> dict:
    return {"Authorization": f"Bearer {world.tokens[scope]}"}


def _managed_sheet() -> bytes:
    out = io.BytesIO()
    with xlsxwriter.Workbook(out) as workbook:
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, ["姓名", "证件类型", "证件号码", "类别", "锚定日期"])
        sheet.write_row(1, 0, ["Traveller", "护照", "E00000001", "入境人员", "2022-11-10"])
    return out.getvalue()


def _api_ticket(client, world):
    return client.post("/api/v1/hotline/tickets", json=TICKET, headers=_bearer(world, HOTLINE_INTAKE))


def _page_ticket(client, world):
    weblogin.log_in(client, world.username, factories.ADMIN_PASSWORD)
    form = {key: value for key, value in TICKET.items()}
    return client.post("/hotline/tickets", data=form, follow_redirects=False)


def _login(client, world):
    return weblogin.log_in(client, world.username, factories.ADMIN_PASSWORD)


def _excel_import(client, world):
    return client.post("/api/v1/managed/import", headers=_bearer(world, MANAGED_WRITE),
                       files={"file": ("m.xlsx", _managed_sheet(), XLSX)})


def _scan(client, world):  # the group writer of core.one_trip, committed in its own thread
    scan = {"venue_code": world.venue_code, "scanned_at": tf.at("2022-11-13", "08:30"),
            "resident_id": world.resident_id}
    return client.post("/api/v1/tracing/scans:batch", json={"scans": [scan]}, headers=_bearer(world, TRACING_SCAN))


WRITES = {
    "api": (_api_ticket, "hotline_ticket", 201),
    "page form": (_page_ticket, "hotline_ticket", 200),
    "login": (_login, "user_session", 303),
    "excel import": (_excel_import, "managed_person", 200),
    "scan group writer": (_scan, "venue_scan", 200),
}


@pytest.mark.parametrize("kind", list(WRITES))
def test_the_write_is_stored_when_its_answer_starts(fresh_database, kind):
    write, table, status = WRITES[kind]
    engine = fresh_database.engine
    world = _world(engine)
    probe = AnswerProbe(create_app(engine=engine), engine, table)
    with TestClient(probe, raise_server_exceptions=False) as client:
        before = probe.count()
        answer = write(client, world)
        assert answer.status_code == status, answer.text
    assert probe.seen[-1] == (status, before + 1), "the answer started before its row was committed"


def test_every_route_takes_the_session_that_ends_before_the_answer(fresh_database):
    """A route taking `Depends(get_session)` without scope "function" would commit after its answer."""
    app = create_app(engine=fresh_database.engine)
    late, with_session = [], set()
    for route in _api_routes(app):
        for dependant in _dependants(route.dependant):
            if dependant.call is get_session:
                with_session.add(route.path)
                if dependant.scope != "function":
                    late.append(f"{sorted(route.methods)} {route.path}")
    assert late == []
    assert len(with_session) > 150  # the walk reaches the included routers' routes


def _api_routes(app):
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:
        routes = app.routes
    else:
        routes = iter_route_contexts(app.routes)
    for route in routes:
        route = getattr(route, "original_route", route)
        if isinstance(route, APIRoute):
            yield route


def _dependants(dependant):
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def test_many_clients_read_their_write_at_once(fresh_database):
    """Against uvicorn: 8 clients each create 5 tickets and read each back at once, through the API and the
    database; none is ever missing."""
    engine = fresh_database.engine
    world = _world(engine)
    misses: list[str] = []
    barrier = threading.Barrier(8)

    def client_loop(base: str) -> None:
        with httpx.Client(base_url=base, headers=_bearer(world, HOTLINE_INTAKE), timeout=60) as client:
            barrier.wait()
            for _ in range(5):
                created = client.post("/api/v1/hotline/tickets", json=TICKET)
                if created.status_code != 201:
                    misses.append(f"create {created.status_code}")
                    continue
                ticket_id = created.json()["id"]
                with engine.connect() as connection:
                    stored = connection.execute(text("SELECT count(*) FROM hotline_ticket WHERE id = :id"),
                                                {"id": ticket_id}).scalar_one()
                read = client.get(f"/api/v1/hotline/tickets/{ticket_id}")
                if stored != 1 or read.status_code != 200:
                    misses.append(f"ticket {ticket_id}: stored {stored}, read {read.status_code}")

    with serve(create_app(engine=engine)) as base:
        threads = [threading.Thread(target=client_loop, args=(base,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert misses == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM hotline_ticket")).scalar_one() == 40


def _stored(engine) -> tuple[int, int]:
    with engine.connect() as connection:
        tickets = connection.execute(text("SELECT count(*) FROM hotline_ticket")).scalar_one()
        audited = connection.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
    return tickets, audited


def test_a_commit_that_fails_answers_an_error_and_stores_nothing(fresh_database):
    """An error injected at COMMIT (as a full disk or a lost server would raise it): 503 not_stored."""
    engine = fresh_database.engine
    world = _world(engine)
    failing = {"on": False}

    @event.listens_for(engine, "commit")
    def _refuse(_connection):
        if failing["on"]:
            raise OperationalError("COMMIT", {}, Exception("injected: disk I/O error"))

    before = _stored(engine)
    with TestClient(create_app(engine=engine), raise_server_exceptions=False) as client:
        failing["on"] = True
        answer = _api_ticket(client, world)
        failing["on"] = False
    event.remove(engine, "commit", _refuse)
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["code"] == "not_stored"
    assert _stored(engine) == before == (0, before[1])


DEFERRED = {
    # a constraint checked only at COMMIT: every ticket is refused there, never at its INSERT
    "postgresql": [
        "CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'refused at commit' USING ERRCODE = 'check_violation'; END $$",
        "CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON hotline_ticket DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()",
    ],
    "sqlite": [
        "CREATE TABLE commit_probe (ref INTEGER REFERENCES hotline_ticket (id) DEFERRABLE INITIALLY DEFERRED)",
        "CREATE TRIGGER refuse_at_commit AFTER INSERT ON hotline_ticket BEGIN "
        "INSERT INTO commit_probe (ref) VALUES (-1); END",
    ],
}


@pytest.mark.parametrize("where", ["api", "page"])
def test_a_deferred_constraint_at_commit_answers_409_and_stores_nothing(fresh_database, backend, where):
    engine = fresh_database.engine
    world = _world(engine)
    with engine.begin() as connection:
        for statement in DEFERRED[backend]:
            connection.exec_driver_sql(statement)
    with TestClient(create_app(engine=engine), raise_server_exceptions=False) as client:
        if where == "page":
            weblogin.log_in(client, world.username, factories.ADMIN_PASSWORD)
        before = _stored(engine)
        if where == "api":
            answer = _api_ticket(client, world)
            assert answer.status_code == 409, answer.text
            assert answer.json()["error"]["code"] == "not_stored"
        else:
            answer = client.post("/hotline/tickets", data=TICKET, headers={"Accept": "text/html"})
            assert answer.status_code == 409, answer.text
            assert "未能保存" in answer.text
    assert _stored(engine) == before == (0, before[1])
