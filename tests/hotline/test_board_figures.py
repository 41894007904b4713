"""The agents' board, the sweep (reminders, escalation) and the figures, on hand-built tickets."""

from __future__ import annotations

import hotline_factories as hf


def test_board_sweep_and_figures(app, session, set_clock):
    deps = hf.departments(session)
    set_clock("2022-11-14T09:00")  # Monday
    agent = hf.client_of(app, session, "hotline_agent")
    handler = hf.client_of(app, session, "department_handler", department=deps["pingcheng"])
    late = hf.ticket(agent)  # enquiry: due Thursday 11-17 23:59:59
    urgent = hf.ticket(agent, kind="help", urgency="emergency")  # due 11:00 today
    answered = hf.ticket(agent)
    queued = hf.ticket(agent, topic="supplies")  # no rule: in the queue
    for tid in (answered["id"],):
        handler.post(f"/api/v1/hotline/tickets/{tid}/accept")
        handler.post(f"/api/v1/hotline/tickets/{tid}/reply", json={"text": "已答复"})
        agent.post(f"/api/v1/hotline/tickets/{tid}/close")
        agent.post(f"/api/v1/hotline/tickets/{tid}/visit", json={"satisfaction": "basically"})

    set_clock("2022-11-14T10:40")  # 20 minutes before the emergency is due: inside its 30-minute window
    agent = hf.client_of(app, session, "hotline_agent")  # a new login: the clock moved past the idle timeout
    board = agent.get("/api/v1/hotline/board").json()
    assert board["queue"]["count"] == 1 and board["queue"]["items"][0]["id"] == queued["id"]
    assert [t["id"] for t in board["due_soon"]["items"]] == [urgent["id"]]
    assert board["overdue"]["count"] == 0
    assert agent.post("/api/v1/hotline/sweep").json() == {"reminded": 1, "escalated": 0}
    assert agent.post("/api/v1/hotline/sweep").json() == {"reminded": 0, "escalated": 0}  # once each

    set_clock("2022-11-18T08:00")  # Friday: the enquiries and the emergency are late
    agent = hf.client_of(app, session, "hotline_agent")
    handler = hf.client_of(app, session, "department_handler", department=deps["pingcheng"])
    board = agent.get("/api/v1/hotline/board").json()
    assert sorted(t["id"] for t in board["overdue"]["items"]) == sorted([late["id"], urgent["id"], queued["id"]])
    assert agent.post("/api/v1/hotline/sweep").json() == {"reminded": 0, "escalated": 3}
    assert agent.get(f"/api/v1/hotline/tickets/{late['id']}").json()["escalated"] is True

    figures = agent.get("/api/v1/hotline/figures", params={"start": "2022-11-14", "end": "2022-11-18"}).json()
    total = figures["total"]
    # 4 received; 1 taken on, replied, resolved and visited (basically satisfied) on time; 3 open and late
    assert {k: total[k] for k in ("received", "responded", "replied", "on_time", "late", "resolved", "visited",
                                  "satisfied")} == {"received": 4, "responded": 1, "replied": 1, "on_time": 1,
                                                    "late": 3, "resolved": 1, "visited": 1, "satisfied": 1}
    assert (total["reply_rate"], total["on_time_rate"], total["satisfaction_rate"]) == (25.0, 25.0, 100.0)
    by_department = {row["key"]: row["received"] for row in figures["by_department"]}
    assert by_department == {"平城区防控指挥部": 3, "—": 1}
    assert [row["key"] for row in figures["by_day"]] == ["2022-11-14"]
    # a handler's figures count only their department's tickets
    assert handler.get("/api/v1/hotline/figures", params={"start": "2022-11-14"}).json()["total"]["received"] == 3
