"""The closed loop through the API: routing, accept/send back, reply, closure only after a reply, return visit."""

from __future__ import annotations

from sqlalchemy import select

import hotline_factories as hf
from fangkong.core.audit import AuditEvent
from fangkong.hotline.models import Ticket


def test_a_ticket_goes_round_the_loop_and_an_unsatisfied_visit_reopens_it(app, session, set_clock):
    deps = hf.departments(session)
    set_clock("2022-11-11T09:00")
    agent = hf.client_of(app, session, "hotline_agent")
    handler = hf.client_of(app, session, "department_handler", department=deps["pingcheng"])
    body = hf.ticket(agent)
    assert (body["state"], body["department"], body["owner_department"]) == ("dispatched", "平城区防控指挥部",
                                                                              "平城区防控指挥部")
    assert body["reply_due_at"].startswith("2022-11-16T23:59:59")  # enquiry: 3 working days after Friday
    assert body["caller_phone"] == "139****5678"
    tid = body["id"]

    refused = agent.post(f"/api/v1/hotline/tickets/{tid}/close")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "reply_required"
    assert handler.post(f"/api/v1/hotline/tickets/{tid}/reply", json={"text": "x"}).json()["error"]["code"] == \
        "wrong_state"  # not accepted yet
    assert handler.post(f"/api/v1/hotline/tickets/{tid}/accept").json()["state"] == "accepted"
    assert handler.post(f"/api/v1/hotline/tickets/{tid}/notes", json={"text": "已联系社区核实"}).status_code == 200
    replied = handler.post(f"/api/v1/hotline/tickets/{tid}/reply", json={"text": "该楼栋已于11月12日解除管控"})
    assert replied.json()["state"] == "replied"
    closed = agent.post(f"/api/v1/hotline/tickets/{tid}/close").json()
    assert closed["state"] == "closed" and closed["visit_due_at"].startswith("2022-11-14T23:59:59")
    visited = agent.post(f"/api/v1/hotline/tickets/{tid}/visit", json={"satisfaction": "not", "comment": "仍未解封"})
    body = visited.json()
    assert (body["state"], body["reopened"], body["reply"], body["department"]) == ("accepted", 1, None,
                                                                                    "平城区防控指挥部")
    assert [e["kind"] for e in body["events"]] == [
        "intake", "dispatched", "accepted", "note", "replied", "closed", "visited", "reopened"]
    # reopened: no reply any more, so it cannot close until the department replies again
    assert agent.post(f"/api/v1/hotline/tickets/{tid}/close").status_code == 409


def test_routing_picks_the_most_specific_rule_and_over_enforcement_goes_to_supervision(app, session):
    hf.departments(session)
    hf.district_id(session, "140214", "云冈区")
    agent = hf.client_of(app, session, "hotline_agent")
    assert hf.ticket(agent)["department"] == "平城区防控指挥部"  # zones + 平城区
    assert hf.ticket(agent, district="140214")["department"] == "市卫健委"  # zones, any district
    assert hf.ticket(agent, topic="epidemic_policy.over_enforcement", kind="complaint")["department"] == "市防控督查专班"
    flagged = hf.ticket(agent, topic="testing", kind="report", over_enforcement=True)
    assert (flagged["department"], flagged["over_enforcement"]) == ("市防控督查专班", True)
    unrouted = hf.ticket(agent, topic="supplies")  # no rule: waits in the agents' queue
    assert (unrouted["state"], unrouted["department"]) == ("received", None)
    dispatched = agent.post(f"/api/v1/hotline/tickets/{unrouted['id']}/dispatch", json={"department": "commerce"})
    assert dispatched.json()["department"] == "市商务局"


def test_out_of_scope_is_refused_with_its_reason_and_kept(app, session):
    hf.departments(session)
    agent = hf.client_of(app, session, "hotline_agent")
    body = hf.ticket(agent, kind="complaint", out_of_scope="litigation", text="要求法院改判")
    assert (body["state"], body["refused_reason"], body["reply_due_at"]) == ("refused", "litigation", None)
    closing = agent.post(f"/api/v1/hotline/tickets/{body['id']}/close")
    assert closing.status_code == 409 and closing.json()["error"]["code"] == "wrong_state"
    assert session.scalar(select(Ticket.state).where(Ticket.id == body["id"])) == "refused"


def test_a_handler_sees_only_their_departments_tickets_and_a_send_back_keeps_the_owner(app, session):
    deps = hf.departments(session)
    agent = hf.client_of(app, session, "hotline_agent")
    mine = hf.ticket(agent)
    theirs = hf.ticket(agent, topic="epidemic_policy")
    handler = hf.client_of(app, session, "department_handler", department=deps["pingcheng"])
    listed = handler.get("/api/v1/hotline/tickets").json()
    assert [t["id"] for t in listed["items"]] == [mine["id"]]
    assert handler.get(f"/api/v1/hotline/tickets/{theirs['id']}").status_code == 404
    assert handler.post(f"/api/v1/hotline/tickets/{theirs['id']}/accept").status_code == 404
    back = handler.post(f"/api/v1/hotline/tickets/{mine['id']}/send-back", json={"reason": "属市级政策咨询"})
    assert back.json() == {"id": mine["id"], "state": "received"}
    assert handler.get("/api/v1/hotline/tickets").json()["total"] == 0
    redispatched = agent.post(f"/api/v1/hotline/tickets/{mine['id']}/dispatch", json={"department": "health"}).json()
    assert (redispatched["department"], redispatched["owner_department"]) == ("市卫健委", "平城区防控指挥部")
    assert redispatched["events"][2] == {**redispatched["events"][2], "kind": "sent_back", "text": "属市级政策咨询"}


def test_bad_input_is_a_clear_4xx(app, session):
    hf.departments(session)
    agent = hf.client_of(app, session, "hotline_agent")
    bad = agent.post("/api/v1/hotline/tickets", json={"kind": "enquiry", "topic": "nope", "text": "?"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_topic"
    phone = agent.post("/api/v1/hotline/tickets", json={"kind": "enquiry", "topic": "zones", "text": "?",
                                                        "caller_phone": "12"})
    assert phone.status_code == 422 and phone.json()["error"]["details"]["field"] == "caller_phone"
    assert agent.post("/api/v1/hotline/tickets/999999/close").status_code == 404


def test_revealing_the_callers_phone_is_audited(app, session):
    hf.departments(session)
    agent = hf.client_of(app, session, "hotline_agent")
    tid = hf.ticket(agent)["id"]
    shown = agent.post(f"/api/v1/hotline/tickets/{tid}/caller", json={"reason": "回访致电"})
    assert shown.json()["caller_phone"] == "13912345678"
    reasons = session.scalars(select(AuditEvent.reason).where(AuditEvent.action == "hotline.reveal_caller",
                                                              AuditEvent.object_id == str(tid))).all()
    assert reasons == ["回访致电"]
    stored = session.scalar(select(Ticket.caller_phone_enc).where(Ticket.id == tid))
    assert b"13912345678" not in stored
