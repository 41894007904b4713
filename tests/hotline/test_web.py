"""Hotline pages: the board with its figures, the ticket page that refuses to close without a reply."""

from __future__ import annotations

import io

from python_calamine import CalamineWorkbook

import hotline_factories as hf
import weblogin


def test_board_and_ticket_page_refuse_closing_without_a_reply(app, session):
    deps = hf.departments(session)
    agent = hf.client_of(app, session, "hotline_agent")
    ticket = hf.ticket(agent)
    hf.ticket(agent, topic="supplies")
    board = agent.get("/hotline")
    assert board.status_code == 200
    assert "事事有回音，件件有答复" in board.text and 'data-testid="queue"' in board.text
    page = agent.get(f"/hotline/tickets/{ticket['id']}")
    token = weblogin.csrf_from(page.text)
    refused = agent.post(f"/hotline/tickets/{ticket['id']}/close", data={"csrf_token": token})
    assert refused.status_code == 409 and "尚未答复市民，不能办结。" in refused.text
    assert agent.get(f"/api/v1/hotline/tickets/{ticket['id']}").json()["state"] == "dispatched"
    handler = hf.client_of(app, session, "department_handler", department=deps["pingcheng"])
    handler.post(f"/api/v1/hotline/tickets/{ticket['id']}/accept")
    handler.post(f"/api/v1/hotline/tickets/{ticket['id']}/reply", json={"text": "已答复"})
    closed = agent.post(f"/hotline/tickets/{ticket['id']}/close", data={"csrf_token": token})
    assert closed.status_code == 200 and "已办结" in closed.text


def test_the_figures_export_holds_the_board_figures(app, session):
    hf.departments(session)
    agent = hf.client_of(app, session, "hotline_agent")
    for _ in range(3):
        hf.ticket(agent)
    exported = agent.get("/hotline/figures.xlsx")
    assert exported.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(exported.content))
    total = book.get_sheet_by_name("合计").to_python()
    assert total[0][0] == "受理量" and total[1][0] == 3


def test_an_agent_takes_a_call_on_the_board_and_a_bad_phone_is_refused(app, session):
    hf.departments(session)
    agent = hf.client_of(app, session, "hotline_agent")
    token = weblogin.csrf_from(agent.get("/hotline").text)
    form = {"csrf_token": token, "kind": "help", "topic": "zones", "text": "楼下封控何时结束", "district": "140213",
            "caller_name": "赵女士", "caller_phone": "13712345678"}
    taken = agent.post("/hotline/tickets", data=form)
    assert taken.status_code == 200 and "楼下封控何时结束" in taken.text and "137****5678" in taken.text
    before = agent.get("/api/v1/hotline/tickets").json()["total"]
    refused = agent.post("/hotline/tickets", data={**form, "caller_phone": "12"})
    assert refused.status_code == 422 and "caller_phone" in refused.text
    assert agent.get("/api/v1/hotline/tickets").json()["total"] == before
