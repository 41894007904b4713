"""Supplies pages and API: the bulk order and moves through the pages, the light order page, the printable
delivery list and its Excel, the board and its Excel, the price page, the dashboard figures equal their lists."""

from __future__ import annotations

import io

from python_calamine import CalamineWorkbook
from sqlalchemy import select

import supplies_factories as sf
import weblogin
from fangkong.core.jurisdiction import parse_jurisdiction
from fangkong.supplies import figures
from fangkong.supplies.models import SupplyOrder


def _worker(login_as, made):
    return login_as("community_worker", made.community_code)


def test_bulk_order_moves_and_delivery_list_in_the_pages(login_as, session):
    made = sf.sealed_building(session, sealed=3, outside=2)
    sf.point(session, capacity=100, name="开源街道民谐社区沃佳沃便利店", compounds=[made.compound_id])
    packages = sf.catalogue(session)
    client = _worker(login_as, made)
    page = client.get("/supplies/orders")
    assert page.status_code == 200 and 'data-testid="bulk-form"' in page.text
    token = weblogin.csrf_from(page.text)
    ordered = client.post("/supplies/orders/bulk", data={
        "csrf_token": token, "buildings": str(made.building_id), "package_id": str(packages["vegetable"]),
        "day": "2022-11-13", "round": "1"})
    assert ordered.status_code == 200 and 'data-testid="bulk-report"' in ordered.text
    assert ordered.text.count('data-testid="order-row"') == 3
    ids = [str(i) for i in session.scalars(select(SupplyOrder.id).where(SupplyOrder.building_id == made.building_id))]
    moved = client.post("/supplies/orders/move", data={"csrf_token": token, "order_ids": ",".join(ids),
                                                       "to": "prepared", "day": "2022-11-13"})
    assert moved.status_code == 200 and "已更新 3 个订单" in moved.text
    wrong = client.post("/supplies/orders/move", data={"csrf_token": token, "order_ids": ids[0], "to": "delivered"})
    assert wrong.status_code == 409
    listed = client.get(f"/supplies/buildings/{made.building_id}/list?day=2022-11-13&round=1")
    assert listed.status_code == 200 and listed.text.count('data-testid="list-row"') == 3
    assert "魏都新城C区" in listed.text and "沃佳沃便利店" in listed.text
    exported = client.get(f"/supplies/buildings/{made.building_id}/list.xlsx?day=2022-11-13&round=1")
    assert exported.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(exported.content)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "地址" and len(rows) == 2 + 3 and {r[7] for r in rows[2:]} == {"已备货"}


def test_light_order_page_refuses_a_household_outside_the_zone(login_as, session):
    made = sf.sealed_building(session, sealed=1, outside=1)
    sf.point(session, capacity=10, compounds=[made.compound_id])
    packages = sf.catalogue(session)
    client = login_as("hotline_agent", "140213")
    page = client.get("/supplies/order")
    assert page.status_code == 200
    token = weblogin.csrf_from(page.text)
    form = {"csrf_token": token, "package_id": str(packages["vegetable"]), "day": "2022-11-13", "ticket": ""}
    outside = client.post("/supplies/order", data={**form, "id_number": made.numbers[made.outside[0]]})
    assert outside.status_code == 409
    inside = client.post("/supplies/order", data={**form, "id_number": made.numbers[made.sealed[0]]})
    assert inside.status_code == 200 and 'data-testid="ordered"' in inside.text


def test_price_page_raises_the_alert_and_the_board_shows_it(login_as, session):
    packages = sf.catalogue(session)
    client = login_as("supplies", "140200")
    page = client.get("/supplies/catalogue")
    token = weblogin.csrf_from(page.text)
    calm = client.post(f"/supplies/packages/{packages['fruit']}/price", data={"csrf_token": token, "price": "43.20"})
    assert calm.status_code == 200 and "价格已记录。" in calm.text and 'data-testid="alert"' not in calm.text
    raised = client.post(f"/supplies/packages/{packages['fruit']}/price", data={"csrf_token": token, "price": "44.80"})
    assert raised.status_code == 200 and raised.text.count('data-testid="alert"') == 1
    assert client.get("/api/v1/supplies/price-alerts").json()["total"] == 1
    board = client.get("/supplies")
    assert board.status_code == 200 and 'data-testid="supplies-chart"' in board.text
    exported = client.get("/supplies/board.xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(exported.content))
    assert book.sheet_names == ["订单", "封控户", "超时配送", "价格预警", "保供点"]
    assert len(book.get_sheet_by_name("价格预警").to_python()) == 2
    bad = client.post(f"/supplies/packages/{packages['fruit']}/price", data={"csrf_token": token, "price": "4.4.8"})
    assert bad.status_code == 422


def test_api_bulk_order_and_register(login_as, session):
    made = sf.sealed_building(session, sealed=2, outside=1)
    sf.point(session, capacity=1, compounds=[made.compound_id])
    packages = sf.catalogue(session)
    client = _worker(login_as, made)
    registered = client.post("/api/v1/supplies/special-needs", json={
        "resident_id": made.residents[made.sealed[1]], "kinds": ["dialysis"], "needs": "每周三次透析"})
    assert registered.status_code == 201 and registered.json()["id_number_masked"].count("*") > 0
    report = client.post("/api/v1/supplies/orders:bulk", json={
        "building_ids": [made.building_id], "package_ids": [packages["vegetable"]], "day": "2022-11-13"})
    assert report.status_code == 201
    body = report.json()
    assert (body["created"], body["outside_zone"], body["priority"], body["unassigned"]) == (2, 1, 1, 1)
    listed = client.get("/api/v1/supplies/orders?day=2022-11-13").json()
    assert listed["total"] == 2 and listed["items"][0]["priority"] and listed["items"][0]["point_id"] is not None
    refused = client.post("/api/v1/supplies/orders", json={
        "package_id": packages["fruit"], "day": "2022-11-13", "household_id": made.outside[0]})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_sealed"


def test_dashboard_figures_equal_their_lists(login_as, session):
    made = sf.sealed_building(session, sealed=3, outside=1)
    sf.point(session, capacity=2, compounds=[made.compound_id])
    sf.bulk(session, made)
    scope = parse_jurisdiction(made.community_code)
    client = _worker(login_as, made)
    found = figures.headline(session, on=sf.DAY, scope=scope)
    assert {f["key"] for f in found} >= {"orders", "households_sealed", "late", "price_alerts"}
    for figure in found:
        assert client.get(figure["api"]).json()["total"] == figure["value"], figure["key"]
        assert client.get(figure["href"]).status_code == 200
    assert {f["key"]: f["value"] for f in found}["households_sealed"] == 3
    headers, rows = figures.report_rows(session, on=sf.DAY, scope=scope)
    assert headers[0] == "类别" and all(len(r) == len(headers) for r in rows)
