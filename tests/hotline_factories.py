"""Hotline departments, routing rules, handlers and logged-in clients for the hotline tests."""

from __future__ import annotations

from fastapi.testclient import TestClient

import factories
import weblogin
from fangkong.hotline.models import Department, DepartmentMember, Route
from fangkong.places.models import District


def district_id(session, code: str = "140213", name: str = "平城区") -> int:
    found = session.query(District).filter_by(code=code).one_or_none()
    if found is None:
        factories.place_chain(session, district_code=code, district_name=name)
        found = session.query(District).filter_by(code=code).one()
    return found.id


def departments(session) -> dict[str, Department]:
    """health (epidemic policy city-wide), pingcheng (zones in 平城区), supervision; no rule for supplies."""
    pingcheng = district_id(session)
    made = {code: Department(code=code, name=name, district_id=d) for code, name, d in (
        ("health", "市卫健委", None), ("pingcheng", "平城区防控指挥部", pingcheng), ("supervision", "市防控督查专班", None),
        ("commerce", "市商务局", None),
    )}
    session.add_all(made.values())
    session.flush()
    session.add_all([
        Route(topic="epidemic_policy", district_id=None, department_id=made["health"].id),
        Route(topic="zones", district_id=None, department_id=made["health"].id),
        Route(topic="zones", district_id=pingcheng, department_id=made["pingcheng"].id),
    ])
    session.flush()
    return made


def client_of(app, session, role: str, *, department: Department | None = None, jurisdiction: str = "140200"):
    """A TestClient logged in as a new user of `role` (a handler of `department` when given)."""
    user = factories.user(session, role=role, jurisdiction=jurisdiction)
    if department is not None:
        session.add(DepartmentMember(user_id=user.id, department_id=department.id))
        session.flush()
    client = TestClient(app, raise_server_exceptions=False)
    response = weblogin.log_in(client, user.username, factories.ADMIN_PASSWORD)
    assert response.status_code == 303, response.text
    return client


def ticket(agent, **fields) -> dict:
    body = {"kind": "enquiry", "channel": "phone", "topic": "zones", "text": "我家小区何时解封？",
            "caller_name": "张先生", "caller_phone": "13912345678", "district": "140213", **fields}
    created = agent.post("/api/v1/hotline/tickets", json=body)
    assert created.status_code == 201, created.text
    return created.json()
