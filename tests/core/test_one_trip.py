"""Hot write routes (core.one_trip, core.deps.unit_of_work): the app's writer thread commits the requests
waiting together, answers each on its own (a refused caller, a failing job), keeps nothing of a failure,
on a database of its own (no test session)."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import factories
import tracing_factories as tf
from fangkong.app import create_app
from fangkong.core import audit
from fangkong.core.audit import AuditEvent
from fangkong.core.db import session_factory
from fangkong.core.auth import NotAuthenticated
from fangkong.core.deps import unit_of_work
from fangkong.core.one_trip import GroupWriter
from fangkong.core.permissions import TRACING_SCAN, Forbidden
from fangkong.core.tokens import create_token
from fangkong.tracing.models import VenueScan
from fangkong.tracing.scans import ScanWork


def _count(engine, model, *conditions) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_the_unit_of_work_commits_at_the_end_and_keeps_nothing_of_a_failure(fresh_database):
    state = SimpleNamespace(sessionmaker=session_factory(fresh_database.engine))
    with unit_of_work(state) as session:
        audit.record(session, actor="cli", action="test.kept", object_type="test")
    with pytest.raises(RuntimeError), unit_of_work(state) as session:
        audit.record(session, actor="cli", action="test.lost", object_type="test")
        raise RuntimeError("the work failed after writing")
    assert _count(fresh_database.engine, AuditEvent, AuditEvent.action == "test.kept") == 1
    assert _count(fresh_database.engine, AuditEvent, AuditEvent.action == "test.lost") == 0


def test_a_scan_through_the_one_trip_route_is_committed_with_its_audit_row(fresh_database):
    engine = fresh_database.engine
    with Session(engine) as session:
        unit = factories.place_chain(session)
        market = tf.venue(session, unit)
        resident = factories.resident(session, unit=unit)
        owner = factories.user(session, role="public_areas", jurisdiction="140213")
        _row, token = create_token(session, username=owner.username, name="gate", scopes=["tracing.scan"])
        _row, alerts_only = create_token(session, username=owner.username, name="alerts", scopes=["tracing.alerts"])
        session.commit()
        venue_code, resident_id = market.code, resident.id
    body = {"scans": [{"venue_code": venue_code, "scanned_at": "2022-11-12T10:00", "resident_id": resident_id}]}
    with TestClient(create_app(engine=engine)) as client:
        stored = client.post("/api/v1/tracing/scans:batch", json=body, headers={"Authorization": f"Bearer {token}"})
        later = {"scans": [{**body["scans"][0], "scanned_at": "2022-11-12T11:00"}]}
        refused = client.post("/api/v1/tracing/scans:batch", json=later,
                              headers={"Authorization": f"Bearer {alerts_only}"})
    assert stored.status_code == 200 and stored.json()["inserted"] == 1, stored.text
    assert _count(engine, AuditEvent, AuditEvent.request_id == stored.headers["x-request-id"]) == 1
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert _count(engine, VenueScan) == 1  # the refused request stored nothing
    assert _count(engine, AuditEvent, AuditEvent.action == "tracing.scans") == 1


def _stored(engine, action: str) -> tuple[int, int, int]:
    """(scans, their audit rows, audit rows of `action`) in the database."""
    return (_count(engine, VenueScan), _count(engine, AuditEvent, AuditEvent.action == "tracing.scans"),
            _count(engine, AuditEvent, AuditEvent.action == action))


class CountedScanWork(ScanWork):
    """ScanWork that notes the size of each group it was run with."""

    groups: list[int] = []

    @staticmethod
    def run_together(session, jobs):
        CountedScanWork.groups.append(len(jobs))
        return ScanWork.run_together(session, jobs)


def _gate_city(engine) -> dict:
    with Session(engine) as session:
        unit = factories.place_chain(session)
        market = tf.venue(session, unit)
        people = [factories.resident(session, unit=unit).id for _ in range(3)]
        owner = factories.user(session, role="public_areas", jurisdiction="140213")
        _row, token = create_token(session, username=owner.username, name="gate", scopes=["tracing.scan"])
        _row, alerts_only = create_token(session, username=owner.username, name="alerts", scopes=["tracing.alerts"])
        session.commit()
        return {"venue": market.code, "people": people, "token": token, "alerts_only": alerts_only}


def _request(token: str) -> Request:
    return Request({"type": "http", "method": "POST", "path": "/api/v1/tracing/scans:batch", "query_string": b"",
                    "headers": [(b"authorization", f"Bearer {token}".encode())], "scheme": "http",
                    "server": ("testserver", 80), "root_path": ""})


def _scan(city: dict, person: int, at: str) -> CountedScanWork:
    return CountedScanWork([{"venue_code": city["venue"], "resident_id": person, "scanned_at": at}], "gate")


def _writer(engine, threads: int = 1) -> GroupWriter:
    return GroupWriter(SimpleNamespace(sessionmaker=session_factory(engine), unit_of_work=unit_of_work),
                       threads=threads)


class Holding:
    """A first job that holds its writer thread until released, writing a row at the end."""

    def __init__(self, writer: GroupWriter, token: str) -> None:
        self.writer, self.token = writer, token
        self.entered, self.release = threading.Event(), threading.Event()

    def __call__(self, session, actor) -> str:
        self.entered.set()
        self.release.wait(10)
        audit.record(session, actor=actor, action="test.first", object_type="test")
        return "first"

    async def start(self) -> asyncio.Future:
        """Submit the job and return once the writer holds it."""
        held = asyncio.ensure_future(self.writer.submit(_request(self.token), TRACING_SCAN, self))
        await asyncio.to_thread(self.entered.wait, 10)
        return held

    def submit(self, token: str, work) -> asyncio.Future:
        return asyncio.ensure_future(self.writer.submit(_request(token), TRACING_SCAN, work))


async def _while_the_writer_is_busy(writer: GroupWriter, token: str, queued: list) -> list:
    """Submit a first job that holds the writer until the others are queued: they make one round."""
    holding = Holding(writer, token)
    first = await holding.start()
    rest = [holding.submit(tok, work) for tok, work in queued]
    await asyncio.sleep(0)  # every job is in the queue
    holding.release.set()
    return await asyncio.gather(first, *rest, return_exceptions=True)


def test_waiting_requests_commit_in_one_round_and_each_gets_its_own_answer(fresh_database):
    engine = fresh_database.engine
    city = _gate_city(engine)
    one, two, three = city["people"]
    CountedScanWork.groups = []
    answers = asyncio.run(_while_the_writer_is_busy(_writer(engine), city["token"], [
        (city["token"], _scan(city, one, "2022-11-12T10:00")),
        ("fk_00000000_" + "x" * 43, _scan(city, two, "2022-11-12T10:00")),  # no such token
        (city["alerts_only"], _scan(city, three, "2022-11-12T10:00")),  # a token without tracing.scan
        (city["token"], _scan(city, two, "2022-11-12T10:01")),
    ]))
    first, stored, unknown, forbidden, stored_too = answers
    assert first == "first"
    assert stored["inserted"] == 1 and stored_too["inserted"] == 1
    assert isinstance(unknown, NotAuthenticated) and unknown.code == "invalid_token"
    assert isinstance(forbidden, Forbidden)
    assert CountedScanWork.groups == [2]  # the two allowed scans, stored together
    assert _stored(engine, "test.first") == (2, 2, 1)


def test_a_failing_job_rolls_its_round_back_and_costs_the_others_nothing(fresh_database):
    engine = fresh_database.engine
    city = _gate_city(engine)
    one, two, _three = city["people"]

    def fails(session, actor):
        audit.record(session, actor=actor, action="test.lost", object_type="test")
        raise RuntimeError("the work failed after writing")

    CountedScanWork.groups = []
    _first, stored, failed, stored_too = asyncio.run(_while_the_writer_is_busy(_writer(engine), city["token"], [
        (city["token"], _scan(city, one, "2022-11-12T10:00")),
        (city["token"], fails),
        (city["token"], _scan(city, two, "2022-11-12T10:00")),
    ]))
    assert isinstance(failed, RuntimeError)
    assert stored["inserted"] == 1 and stored_too["inserted"] == 1  # stored again, each on its own
    assert CountedScanWork.groups == [2]  # tried together first; that round was rolled back
    assert _stored(engine, "test.lost") == (2, 2, 0)


def test_a_job_whose_caller_went_away_is_still_stored_and_its_round_answered(fresh_database):
    engine = fresh_database.engine
    city = _gate_city(engine)
    one, two, _three = city["people"]

    async def scenario():
        holding = Holding(_writer(engine), city["token"])
        first = await holding.start()
        gone = holding.submit(city["token"], _scan(city, one, "2022-11-12T10:00"))
        kept = holding.submit(city["token"], _scan(city, two, "2022-11-12T10:00"))
        await asyncio.sleep(0)
        gone.cancel()  # its client went away while the job waited
        holding.release.set()
        await first
        return await asyncio.wait_for(kept, 10)

    kept = asyncio.run(scenario())
    assert kept["inserted"] == 1
    assert _count(engine, VenueScan) == 2  # the cancelled request's scan was stored all the same


def test_with_two_writer_threads_a_round_does_not_wait_for_a_slow_one(fresh_database):
    """PostgreSQL's setting (core.one_trip.writer_threads): while one round waits, the next is stored."""
    engine = fresh_database.engine
    city = _gate_city(engine)

    async def scenario():
        holding = Holding(_writer(engine, threads=2), city["token"])
        slow = await holding.start()
        try:
            return await asyncio.wait_for(holding.submit(city["token"], _scan(city, city["people"][0],
                                                                              "2022-11-12T10:00")), 10)
        finally:
            holding.release.set()
            await slow

    assert asyncio.run(scenario())["inserted"] == 1
