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


def matrix_hotline(session, *, code: str, name: str) -> dict:
    """For the authorization matrix: a department of the district (its handlers are matrix users of the
    district) and one ticket per loop step, each already in the state that step needs."""
    from fangkong.hotline import intake, loop

    district = district_id(session, code, name)
    department = Department(code=f"matrix_{code}", name=f"{name}矩阵部门", district_id=district)
    session.add(department)
    session.flush()
    if session.query(Route).filter_by(topic="zones", district_id=district).one_or_none() is None:
        session.add(Route(topic="zones", district_id=district, department_id=department.id))
        session.flush()
    agent = factories.actor(session, role="hotline_agent", jurisdiction=code)
    handler = factories.actor(session, role="department_handler", jurisdiction=code)
    session.add(DepartmentMember(user_id=handler.user.id, department_id=department.id))
    session.flush()

    def new(*steps) -> int:
        ticket = intake.take_in(session, kind="enquiry", channel="phone", topic="zones", text="矩阵测试",
                                district=code, actor=agent)
        assert ticket.department_id == department.id, "the matrix department must receive zones tickets of " + code
        for step in steps:
            step(ticket.id)
        return ticket.id

    def received(tid):
        loop.send_back(session, tid, reason="矩阵测试", actor=handler)

    def accepted(tid):
        loop.accept(session, tid, actor=handler)

    def replied(tid):
        loop.reply(session, tid, text="已答复", actor=handler)

    def closed(tid):
        loop.close(session, tid, actor=agent)

    from fangkong.inspection import service as inspection

    inspector = factories.actor(session, role="inspector", jurisdiction=code)

    def item() -> int:
        return inspection.record_finding(session, group_no=1, place=f"{name}矩阵", problem="矩阵测试",
                                         responsible_unit="矩阵", district=code, actor=inspector).id

    with_photo = item()
    inspection.attach_photo(session, with_photo, data=b"\x89PNG\r\n\x1a\n", content_type="image/png", actor=inspector)
    return {
        "item": item(), "item_close": item(), "item_page_close": item(), "item_photo": with_photo,
        "department": department.id, "read": new(), "dispatch": new(received), "accept": new(), "send_back": new(),
        "note": new(accepted), "reply": new(accepted), "close": new(accepted, replied),
        "visit": new(accepted, replied, closed),
        # the pages' steps, on tickets of their own (the API's steps moved the ones above on)
        "page_accept": new(), "page_reply": new(accepted), "page_close": new(accepted, replied),
        "page_visit": new(accepted, replied, closed), "page_send_back": new(), "page_note": new(accepted),
    }


def join_matrix_department(session, user, jurisdiction: str) -> None:
    department = session.query(Department).filter_by(code=f"matrix_{jurisdiction}").one_or_none()
    if department is not None:
        session.add(DepartmentMember(user_id=user.id, department_id=department.id))
        session.flush()
