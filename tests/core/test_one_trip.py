"""Hot write routes in one trip (core.one_trip, core.deps.unit_of_work): the real unit of work commits what
the route wrote and keeps nothing of a request that failed, on a database of its own (no test session)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import factories
import tracing_factories as tf
from fangkong.app import create_app
from fangkong.core import audit
from fangkong.core.audit import AuditEvent
from fangkong.core.db import session_factory
from fangkong.core.deps import unit_of_work
from fangkong.core.tokens import create_token
from fangkong.tracing.models import VenueScan


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
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert _count(engine, VenueScan) == 1  # the refused request stored nothing
    assert _count(engine, AuditEvent, AuditEvent.action == "tracing.scans") == 1
