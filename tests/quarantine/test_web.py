"""Quarantine pages: the board coloured by state, the day lists with check-in and the Excel export, the queue
with the automatic assignment, the occupancy page with the forecast side by side."""

from __future__ import annotations

import io
import re

from python_calamine import CalamineWorkbook

import quarantine_factories as qf
from fangkong.quarantine import service

SCOPE = service.CITY_SCOPE


def test_board_colours_rooms_by_state(login_as, session):
    page_client = login_as("commander")
    site = qf.site(session, rooms=((3, 2),))
    rooms = qf.rooms_of(session, site.id)
    by = qf.commander(session)
    service.assign(session, actor=by, scope=SCOPE, person_ids=[qf.waiting(session).id], room_id=rooms["101"])
    service.assign(session, actor=by, scope=SCOPE, person_ids=[qf.waiting(session).id for _ in range(2)],
                   room_id=rooms["102"])
    html = page_client.get(f"/quarantine/sites/{site.id}").text
    assert re.findall(r'data-state="(\w+)"', html) == ["partial", "full", "free"]
    assert "集中隔离" in page_client.get("/quarantine").text


def test_day_lists_check_in_and_export_masked(login_as, session):
    page_client = login_as("prevention")
    site = qf.site(session, rooms=((1, 1),))
    person = qf.waiting(session)
    [stay] = service.assign(session, actor=qf.commander(session), scope=SCOPE, person_ids=[person.id],
                            room_id=qf.rooms_of(session, site.id)["101"])
    day = page_client.get(f"/quarantine/sites/{site.id}/day")
    assert day.status_code == 200 and 'data-testid="check-in"' in day.text
    checked = page_client.post(f"/quarantine/stays/{stay.id}/check-in")
    assert checked.status_code == 200 and stay.state == "checked_in" and 'data-testid="done"' in checked.text
    export = page_client.get(f"/quarantine/sites/{site.id}/day.xlsx?on=2022-11-13")
    assert export.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert sheet[1][:3] == ["房间", "姓名", "证件号（脱敏）"]
    assert sheet[2][0] == "101" and sheet[2][1] == person.name and sheet[2][2].count("*") == 10


def test_queue_page_assigns_all(login_as, session):
    page_client = login_as("prevention")
    qf.site(session, rooms=((1, 2),))
    for _ in range(3):
        qf.waiting(session)
    assert 'data-testid="queue-total">3<' in page_client.get("/quarantine/queue").text
    done = page_client.post("/quarantine/queue/auto", data={"on": "2022-11-13"})
    assert done.status_code == 200 and 'data-testid="queue-total">1<' in done.text
    assert "已分配 2 人" in done.text


def test_occupancy_page_shows_the_forecast_side_by_side(login_as, session):
    page_client = login_as("commander")
    qf.waiting(session, anchor="2022-11-12", pack="ed9")  # ed9: centralized 11-13 … 11-19; measures20: … 11-17
    html = page_client.get("/quarantine/occupancy?pack=measures20&effective=2022-11-13").text
    freed = re.search(r'data-testid="city-freed">.*?</tr>', html, re.S).group(0)
    assert re.findall(r"<td>(\d+)</td>", freed) == ["0"] * 5 + ["1", "1"] + ["0"] * 7
    assert "data-other=" in html
    refused = page_client.get("/quarantine/occupancy?pack=ed9&effective=2022-11-13")
    assert refused.status_code == 409 and 'data-testid="occupancy-error"' in refused.text
