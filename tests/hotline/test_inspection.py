"""Supervision: over-enforcement complaints, overdue zone liftings and overrides become inspection items
(once each); a group's finding with a photo; closure; a district inspector sees only their district."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

import factories
import hotline_factories as hf
import weblogin
import zone_factories as zf
from fangkong.core import clock
from fangkong.inspection.models import InspectionItem
from fangkong.zones.models import ZoneProposal

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_signals_become_items_once_and_findings_close_with_a_note(app, session, set_clock):
    hf.departments(session)
    set_clock("2022-11-18T09:00")
    agent = hf.client_of(app, session, "hotline_agent")
    complaint = hf.ticket(agent, kind="complaint", topic="epidemic_policy.over_enforcement",
                          text="小区无阳性5天仍不解封")
    hf.ticket(agent)  # an ordinary enquiry: not a signal
    unit = factories.place_chain(session)
    _, links = zf.case(session, unit=unit, reported_on="2022-11-12")
    zone_id = links[0].zone_id
    session.add(ZoneProposal(zone_id=zone_id, action="lift", from_tier="high", to_tier="high",
                             since=date(2022, 11, 16), pack="measures20", reason="5 clean days", basis={},
                             state="open", overdue=True, created_at=datetime(2022, 11, 16, 7, tzinfo=clock.zone())))
    session.flush()

    inspector = hf.client_of(app, session, "inspector")
    collected = inspector.post("/api/v1/inspection/collect", json={})
    assert collected.status_code == 200, collected.text
    assert collected.json() == {"hotline": 1, "zone_overdue": 1, "people_override": 0, "zone_override": 0}
    assert inspector.post("/api/v1/inspection/collect", json={}).json() == {
        "hotline": 0, "zone_overdue": 0, "people_override": 0, "zone_override": 0}
    listed = inspector.get("/api/v1/inspection/items?state=open").json()
    assert listed["open_by_source"] == {"hotline": 1, "zone_overdue": 1}
    [from_hotline] = [i for i in listed["items"] if i["source"] == "hotline"]
    assert from_hotline["ref"] == str(complaint["id"]) and from_hotline["deadline"] == "2022-11-21"
    assert from_hotline["responsible_unit"] == "市防控督查专班"

    finding = inspector.post("/api/v1/inspection/items", json={
        "group_no": 2, "place": "平城区某小区门岗", "problem": "要求出示72小时核酸证明方可出入",
        "responsible_unit": "开源街道", "deadline": "2022-11-19", "district": "140213"})
    assert finding.status_code == 201, finding.text
    item_id = finding.json()["id"]
    photo = inspector.post(f"/api/v1/inspection/items/{item_id}/photo", files={"photo": ("gate.png", PNG, "image/png")})
    assert photo.json()["has_photo"] is True
    assert inspector.get(f"/api/v1/inspection/items/{item_id}/photo").content == PNG
    not_image = inspector.post(f"/api/v1/inspection/items/{item_id}/photo",
                               files={"photo": ("x.txt", b"hello", "text/plain")})
    assert not_image.status_code == 422 and not_image.json()["error"]["details"]["field"] == "photo"
    assert inspector.post(f"/api/v1/inspection/items/{item_id}/close", json={"note": " "}).status_code == 422
    closed = inspector.post(f"/api/v1/inspection/items/{item_id}/close", json={"note": "已取消72小时核酸要求"})
    assert (closed.json()["state"], closed.json()["closed_on"]) == ("closed", "2022-11-18")
    assert inspector.post(f"/api/v1/inspection/items/{item_id}/close", json={"note": "again"}).status_code == 409

    yungang = hf.client_of(app, session, "inspector", jurisdiction="140214")
    assert yungang.get(f"/api/v1/inspection/items/{item_id}").status_code == 404
    assert session.scalar(select(InspectionItem.state).where(InspectionItem.id == item_id)) == "closed"


def test_the_board_page_records_a_finding_and_refuses_an_empty_one(app, session):
    inspector = hf.client_of(app, session, "inspector")
    page = inspector.get("/inspection")
    assert page.status_code == 200 and "督查" in page.text
    token = weblogin.csrf_from(page.text)
    empty = inspector.post("/inspection/findings", data={"csrf_token": token, "group_no": "1", "place": "x"})
    assert empty.status_code == 422
    made = inspector.post("/inspection/findings", data={
        "csrf_token": token, "group_no": "3", "place": "云冈区某超市", "problem": "蔬菜包价格高于参考价",
        "responsible_unit": "市商务局"})
    assert made.status_code == 200 and "云冈区某超市" in made.text and "第3督查组" in made.text
