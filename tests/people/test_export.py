"""The residents export: masked by default, inside the jurisdiction, full numbers only with the
right and a reason, one audit row per export; streamed, read back with python-calamine."""

from __future__ import annotations

import io
from datetime import date

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import event, select

import factories
import weblogin
from fangkong.core.audit import AuditEvent
from fangkong.core.errors import InvalidInput, NotFound
from fangkong.core.permissions import Forbidden
from fangkong.people import export

HEADINGS = ["姓名", "身份证号", "手机号", "性别", "出生日期", "区县", "社区"]
PING_NUMBER = factories.id_number(area="140212", birth="19850412", seq=101)
YUN_NUMBER = factories.id_number(area="140212", birth="19920830", seq=202)


def read_xlsx(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def exports(session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "resident.export").order_by(AuditEvent.id)))


def run_export(session, actor, **kwargs) -> tuple[int, list[list]]:
    out = io.BytesIO()
    n = export.export_residents(session, actor=actor, out=out, **kwargs)
    return n, read_xlsx(out.getvalue())


@pytest.fixture
def residents(session):
    """王平 in 平城区 (140213), 李云 in 云冈区 (140214)."""
    by = factories.actor(session)
    ping_unit = factories.place_chain(session, district_code="140213", district_name="平城区")
    yun_unit = factories.place_chain(session, district_code="140214", district_name="云冈区")
    ping = factories.resident(session, name="王平", unit=ping_unit, by=by, id_number=PING_NUMBER, phone="13812340001")
    yun = factories.resident(session, name="李云", unit=yun_unit, by=by, id_number=YUN_NUMBER, phone="13912340002")
    return ping, yun


def test_masked_export_holds_no_full_number(session, residents):
    commander = factories.actor(session, role="commander")
    n, sheet = run_export(session, commander)
    assert n == 2
    assert sheet[0] == HEADINGS
    assert sheet[1] == ["王平", "1402**********" + PING_NUMBER[-4:], "138****0001", "男", date(1985, 4, 12), "平城区", "民谐社区"]
    assert sheet[2][:3] == ["李云", "1402**********" + YUN_NUMBER[-4:], "139****0002"]
    cells = {str(value) for row in sheet for value in row}
    for secret in (PING_NUMBER, YUN_NUMBER, "13812340001", "13912340002"):
        assert not any(secret in cell for cell in cells)


def test_english_headings_on_request(session, residents):
    _, sheet = run_export(session, factories.actor(session), language="en")
    assert sheet[0][:3] == ["Name", "Resident ID number", "Phone"] and sheet[1][3] == "Male"


def test_district_worker_exports_her_district_only(session, residents):
    worker = factories.actor(session, role="community_worker", jurisdiction="140213")
    n, sheet = run_export(session, worker)
    assert n == 1 and [row[0] for row in sheet[1:]] == ["王平"]
    assert not any("李云" in str(v) or YUN_NUMBER[-4:] in str(v) for row in sheet for v in row)
    with pytest.raises(NotFound):  # 云冈区 does not exist for her
        run_export(session, worker, district_code="140214")


def test_city_export_filtered_by_district(session, residents):
    n, sheet = run_export(session, factories.actor(session), district_code="140214")
    assert n == 1 and sheet[1][0] == "李云"


def test_unmasked_needs_the_right_then_a_reason(session, residents):
    commander = factories.actor(session, role="commander")
    with pytest.raises(Forbidden):
        run_export(session, commander, unmasked=True, reason="核酸排查")
    investigator = factories.actor(session, role="investigator")
    for reason in (None, "", "   "):
        with pytest.raises(InvalidInput):
            run_export(session, investigator, unmasked=True, reason=reason)
    assert exports(session) == []
    n, sheet = run_export(session, investigator, unmasked=True, reason="流调电话核实")
    assert n == 2 and sheet[1][1:3] == [PING_NUMBER, "13812340001"] and sheet[2][1:3] == [YUN_NUMBER, "13912340002"]


def test_roles_without_export_are_refused(session, residents):
    with pytest.raises(Forbidden):
        run_export(session, factories.actor(session, role="coordination"))


def test_each_export_writes_exactly_one_audit_row(session, residents):
    worker = factories.actor(session, role="community_worker", jurisdiction="140213")
    run_export(session, worker)
    run_export(session, worker, district_code="140213", unmasked=True, reason=" 封控区排查 ")
    rows = exports(session)
    assert len(rows) == 2
    assert rows[0].after == {"rows": 1, "unmasked": False, "district": None} and rows[0].reason is None
    assert rows[1].after == {"rows": 1, "unmasked": True, "district": "140213"} and rows[1].reason == "封控区排查"
    assert {(r.actor_user_id, r.object_type) for r in rows} == {(worker.user.id, "resident")}


def test_rows_stream_in_batches(session, monkeypatch):
    unit = factories.place_chain(session)
    by = factories.actor(session)
    names = [f"居民{i}" for i in range(5)]
    for name in names:
        factories.resident(session, name=name, unit=unit, by=by)
    monkeypatch.setattr(export, "BATCH_ROWS", 2)
    seen = []

    @event.listens_for(session, "do_orm_execute")
    def _spy(state):
        seen.append(state.execution_options.get("yield_per"))

    try:
        n, sheet = run_export(session, by)
    finally:
        event.remove(session, "do_orm_execute", _spy)
    assert 2 in seen  # the rows query asked for batches of BATCH_ROWS
    assert n == 5 and [row[0] for row in sheet[1:]] == names


def test_a_list_longer_than_a_sheet_continues_on_the_next(session, monkeypatch):
    unit = factories.place_chain(session)
    by = factories.actor(session)
    for i in range(5):
        factories.resident(session, name=f"居民{i}", unit=unit, by=by)
    monkeypatch.setattr(export, "SHEET_ROWS", 2)
    out = io.BytesIO()
    assert export.export_residents(session, actor=by, out=out) == 5
    book = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue()))
    assert book.sheet_names == ["居民", "居民 (2)", "居民 (3)"]
    sheets = [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]
    assert all(sheet[0] == HEADINGS for sheet in sheets)
    assert [[row[0] for row in sheet[1:]] for sheet in sheets] == [["居民0", "居民1"], ["居民2", "居民3"], ["居民4"]]
    assert exports(session)[-1].after["rows"] == 5


def test_cells_are_text_never_formulas(session):
    unit = factories.place_chain(session)
    factories.resident(session, name="=HYPERLINK(\"http://x\",\"y\")", unit=unit)
    _, sheet = run_export(session, factories.actor(session))
    assert sheet[1][0] == "=HYPERLINK(\"http://x\",\"y\")"


# ---- the API: POST /api/v1/residents/export ----


def test_api_export_is_an_xlsx_attachment(login_as, session, residents):
    worker = login_as("community_worker", "140213")
    response = worker.post("/api/v1/residents/export", json={})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == export.XLSX_MEDIA_TYPE
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and 'filename="residents-140213-20221113.xlsx"' in disposition
    sheet = read_xlsx(response.content)
    assert [row[0] for row in sheet[1:]] == ["王平"]
    assert PING_NUMBER.encode() not in response.content
    assert worker.post("/api/v1/residents/export", json={"district": "140214"}).status_code == 404
    assert len(exports(session)) == 1  # the refused one left no row


def test_api_unmasked_statuses(login_as, session, residents):
    commander = login_as("commander")
    forbidden = commander.post("/api/v1/residents/export", json={"unmasked": True, "reason": "排查"})
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "forbidden"
    prevention = login_as("prevention")
    missing = prevention.post("/api/v1/residents/export", json={"unmasked": True})
    assert missing.status_code == 422 and missing.json()["error"]["details"]["field"] == "reason"
    full = prevention.post("/api/v1/residents/export", json={"unmasked": True, "reason": "转运核对", "district": "140213"})
    assert full.status_code == 200 and "-full.xlsx" in full.headers["content-disposition"]
    assert read_xlsx(full.content)[1][1:3] == [PING_NUMBER, "13812340001"]
    rows = exports(session)
    assert len(rows) == 1 and rows[0].after == {"rows": 1, "unmasked": True, "district": "140213"}
    assert rows[0].reason == "转运核对" and rows[0].request_id == full.headers["x-request-id"]


def test_api_export_needs_login_and_the_right(client, login_as, session):
    assert client.post("/api/v1/residents/export", json={}).status_code == 401
    assert login_as("hotline_agent").post("/api/v1/residents/export", json={}).status_code == 403


# ---- the page: the export form on /people/residents ----


def test_page_export_button_downloads_the_filtered_list(login_as, session, residents):
    commander = login_as("commander")
    page = commander.get("/people/residents?district=140214")
    assert 'data-testid="export-form"' in page.text and 'name="district" value="140214"' in page.text
    assert 'data-testid="export-unmasked"' not in page.text  # the commander may not export in full
    form = {"district": "140214", "csrf_token": weblogin.csrf_from(page.text)}
    response = commander.post("/people/residents/export", data=form)
    assert response.status_code == 200 and response.headers["content-type"] == export.XLSX_MEDIA_TYPE
    assert response.headers["content-disposition"].startswith("attachment;")
    sheet = read_xlsx(response.content)
    assert sheet[0] == HEADINGS and [row[:2] for row in sheet[1:]] == [["李云", "1402**********" + YUN_NUMBER[-4:]]]
    assert exports(session)[-1].after == {"rows": 1, "unmasked": False, "district": "140214"}
    browser = {"accept": "text/html,application/xhtml+xml"}
    refused = commander.post(
        "/people/residents/export", data={**form, "unmasked": "true", "reason": "排查"}, headers=browser
    )
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]


def test_page_full_export_with_a_reason(login_as, session, residents):
    worker = login_as("community_worker", "140213")
    page = worker.get("/people/residents")
    assert 'data-testid="export-unmasked"' in page.text and 'data-testid="export-reason"' in page.text
    form = {"district": "", "unmasked": "true", "csrf_token": weblogin.csrf_from(page.text)}
    assert worker.post("/people/residents/export", data={**form, "reason": ""}).status_code == 422
    response = worker.post("/people/residents/export", data={**form, "reason": "上门核酸"})
    assert response.status_code == 200
    assert read_xlsx(response.content)[1:] == [
        ["王平", PING_NUMBER, "13812340001", "男", date(1985, 4, 12), "平城区", "民谐社区"]
    ]
    row = exports(session)[-1]
    assert (row.after, row.reason) == ({"rows": 1, "unmasked": True, "district": None}, "上门核酸")


def test_page_without_the_right_shows_no_button(login_as):
    reader = login_as("coordination")
    assert 'data-testid="export-form"' not in reader.get("/people/residents").text
    assert reader.post("/people/residents/export", data={}).status_code == 403


def test_page_export_without_csrf_is_refused(login_as, session, residents):
    worker = login_as("community_worker", "140213")
    worker.headers.pop(weblogin.CSRF_HEADER)
    response = worker.post("/people/residents/export", data={"district": ""})
    assert response.status_code == 403
    assert exports(session) == []
