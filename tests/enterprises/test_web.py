"""Pages: the board and its Excel export carry the same numbers as the records; an enterprise's page shows
its linked hotline tickets; a refused step shows its message and changes nothing."""

from __future__ import annotations

import io

import pytest
from python_calamine import CalamineWorkbook

import enterprises_factories as ef
import factories
import hotline_factories as hf
from fangkong.enterprises import registry


@pytest.fixture
def zone(session, set_clock):
    set_clock("2022-11-13T09:00")
    ef.district(session)
    by = factories.actor(session, role="coordination")
    made = [ef.enterprise(session, by=by, status="resumed" if i < 3 else "stopped", park="医药产业园")
            for i in range(4)]
    return {"by": by, "made": made}


def test_board_page_and_excel_agree_with_the_records(login_as, zone):
    client = login_as("commander")
    page = client.get("/enterprises?on=2022-11-13")
    assert page.status_code == 200 and "75.0 %" in page.text  # 3 of 4 above-scale enterprises
    book = client.get("/enterprises/board.xlsx?on=2022-11-13")
    assert book.status_code == 200
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(book.content))
    rows = workbook.get_sheet_by_name("按区县").to_python()
    assert rows[0][:2] == ["区域", "企业数"]
    [zone_row] = [r for r in rows[1:] if r[0] == "山西大同经济开发区"]
    assert zone_row[1:5] == [4, 3, 0, 1] and zone_row[5] == 75.0
    parks = workbook.get_sheet_by_name("按园区").to_python()
    assert parks[1][0] == "医药产业园" and parks[1][1] == 4


def test_linked_tickets_show_on_the_enterprise_page(app, session, login_as, zone):
    hf.departments(session)
    agent = hf.client_of(app, session, "hotline_agent")
    ticket = hf.ticket(agent, text="企业反映原料运输车辆无法进入园区")
    registry.link_ticket(session, zone["made"][0].id, actor=zone["by"], ticket_id=ticket["id"])
    client = login_as("coordination")
    page = client.get(f"/enterprises/{zone['made'][0].id}")
    assert page.status_code == 200 and "企业反映原料运输车辆无法进入园区" in page.text


def test_a_refused_status_change_shows_its_message(login_as, zone):
    client = login_as("coordination")
    page = client.post(f"/enterprises/{zone['made'][0].id}/status",
                       data={"status": "partial", "since": "2022-11-13", "staff_share": ""})
    assert page.status_code == 422 and "staff_share" in page.text
    answer = client.get(f"/api/v1/enterprises/{zone['made'][0].id}?on=2022-11-13").json()
    assert answer["status"] == "resumed"
