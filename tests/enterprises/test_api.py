"""The API: registration refuses a bad credit code with a 4xx error body; each dashboard figure equals the
total of its API list for the same user; the board reads 65 / 70 and moves with one status change."""

from __future__ import annotations

from datetime import date

import pytest

import enterprises_factories as ef
import factories
from fangkong.enterprises import figures, problems
from fangkong.core.jurisdiction import CITY


@pytest.fixture
def zone(session, set_clock):
    set_clock("2022-11-13T09:00")
    ef.district(session)
    by = factories.actor(session, role="coordination")
    made = [ef.enterprise(session, by=by, status="resumed" if i < 65 else "stopped") for i in range(70)]
    p = ef.problem(session, by=by, enterprise_id=made[0].id, urgency="critical")
    ef.problem(session, by=by, enterprise_id=made[1].id, kind="logistics")
    return {"by": by, "made": made, "problem": p}


def _zone(board):
    return next(r for r in board["resumption"]["by_district"] if r["district"] == "140271")


def test_board_reads_65_of_70_and_follows_a_status_change(login_as, zone):
    client = login_as("coordination")
    board = client.get("/api/v1/enterprises/board?on=2022-11-13").json()
    assert (_zone(board)["above_scale_resumed"], _zone(board)["above_scale_total"]) == (65, 70)
    assert _zone(board)["above_scale_rate"] == 92.9
    changed = client.post(f"/api/v1/enterprises/{zone['made'][-1].id}/status",
                          json={"status": "partial", "staff_share": 40, "since": "2022-11-13"})
    assert changed.status_code == 200, changed.text
    board = client.get("/api/v1/enterprises/board?on=2022-11-13").json()
    assert (_zone(board)["above_scale_resumed"], _zone(board)["above_scale_rate"]) == (66, 94.3)


def test_an_invalid_credit_code_is_a_422_with_a_clear_message(login_as, zone):
    client = login_as("coordination")
    answer = client.post("/api/v1/enterprises", json={"name": "某公司", "credit_code": "911402001234567890",
                                                      "district": "140271"})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_credit_code"
    assert error["message"] == "credit_code: check character does not match (GB 32100)"


def test_every_headline_figure_equals_its_list(session, login_as, zone, set_clock):
    set_clock("2022-11-13T14:00")  # the critical problem (4 h) is overdue
    client = login_as("coordination")
    found = figures.headline(session, on=date(2022, 11, 13), scope=CITY)
    values = {f["key"]: f["value"] for f in found}
    assert values == {"above_scale_total": 70, "above_scale_resumed": 65, "enterprises_total": 70,
                      "enterprises_resumed": 65, "open_problems": 2, "overdue_problems": 1,
                      "site_workers_not_sampled": 0}
    for figure in found:
        answer = client.get(figure["api"])
        assert answer.status_code == 200, figure
        assert answer.json()["total"] == figure["value"], figure
        assert client.get(figure["href"]).status_code == 200, figure


def test_report_rows_name_enterprises_not_resumed_and_open_problems(session, zone):
    problems.assign(session, zone["problem"].id, actor=zone["by"], task_force="supplies", owner="王科长")
    headers, rows = figures.report_rows(session, on=date(2022, 11, 13), scope=CITY)
    assert headers == ["类别", "名称", "区县", "状态", "说明"]
    assert [r[0] for r in rows] == ["未复工规上企业"] * 5 + ["待解决问题"] * 2
    assert {r[1] for r in rows[:5]} == {e.name for e in zone["made"][65:]}
    assert rows[5][3] == "办理中" and rows[5][4].startswith("能源气源")


def test_a_problem_round_trip_through_the_api(login_as, zone):
    client = login_as("coordination")
    raised = client.post("/api/v1/enterprises/problems", json={
        "kind": "staff", "urgency": "normal", "text": "缺少焊工20名", "enterprise_id": zone["made"][2].id})
    assert raised.status_code == 201, raised.text
    pid = raised.json()["id"]
    assert client.post(f"/api/v1/enterprises/problems/{pid}/close", json={"confirmed_by": "张"}).status_code == 409
    for step, body in (("assign", {"task_force": "coordination", "owner": "李"}), ("handle", {"handling": "已招聘"}),
                       ("close", {"confirmed_by": "张经理"})):
        answer = client.post(f"/api/v1/enterprises/problems/{pid}/{step}", json=body)
        assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "closed"


def test_another_districts_enterprise_is_not_found(login_as, zone):
    client = login_as("coordination", "140213")
    assert client.get(f"/api/v1/enterprises/{zone['made'][0].id}").status_code == 404
    assert client.get("/api/v1/enterprises?on=2022-11-13").json()["total"] == 0
