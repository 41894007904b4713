"""Tracing pages: an investigator proposes and confirms from the case page; the scan page records;
the venue poster carries the name and a QR (segno), the PNG is a PNG."""

from __future__ import annotations

import re

import factories
import tracing_factories as tf


def test_investigator_decides_candidates_on_the_case_page(login_as, session):
    unit = factories.place_chain(session)
    market = tf.venue(session, unit)
    case = tf.case(session, unit=unit, reported_on="2022-11-12")
    factories.resident(session, name="家人丁", unit=unit)  # a household member, no scan
    other = factories.resident(session, name="顾客戊", unit=factories.place_chain(session))
    tf.scan(session, market, "2022-11-11 09:00", until="09:20", resident_id=case.resident_id)
    tf.scan(session, market, "2022-11-11 09:30", resident_id=other.id)
    browser = login_as("investigator", "140213")
    assert 'href="/tracing/cases"' in browser.get("/tracing").text
    listing = browser.get("/tracing/cases")
    assert listing.status_code == 200 and f"/tracing/cases/{case.id}" in listing.text
    page = browser.post(f"/tracing/cases/{case.id}/propose")
    assert page.status_code == 200 and "家人丁" in page.text and "顾客戊" in page.text
    assert "华林超市" in page.text and "间隔 10 分钟" in page.text
    # the household member, with no scan, ranks first
    [member_id] = re.findall(r'data-testid="candidate-(\d+)">\s*<td class="num">1<', page.text)
    confirmed = browser.post(f"/tracing/candidates/{member_id}/decide", data={"decision": "confirm"})
    assert confirmed.status_code == 200 and "已确认，已纳入管控" in confirmed.text
    refused = browser.post(f"/tracing/candidates/{member_id}/decide", data={"decision": "dismiss", "reason": "x"})
    assert refused.status_code == 409 and 'data-testid="tracing-error"' in refused.text


def test_scan_page_and_poster(login_as, session):
    unit = factories.place_chain(session)
    market = tf.venue(session, unit)
    resident = factories.resident(session, unit=unit)
    staff = login_as("public_areas", "140213")
    opened = staff.get(f"/tracing/scan?venue={market.code}")
    assert opened.status_code == 200 and "华林超市" in opened.text
    done = staff.post("/tracing/scan", data={"venue_code": market.code, "resident_id": str(resident.id)})
    assert done.status_code == 200 and "已登记" in done.text
    again = staff.post("/tracing/scan", data={"venue_code": market.code, "resident_id": str(resident.id)})
    assert "一分钟内已登记过" in again.text
    bad = staff.post("/tracing/scan", data={"venue_code": market.code})
    assert bad.status_code == 422 and 'data-testid="scan-error"' in bad.text
    poster = staff.get(f"/tracing/venues/{market.id}/poster")
    assert poster.status_code == 200 and "华林超市" in poster.text and "<svg" in poster.text
    assert market.code in poster.text
    png = staff.get(f"/tracing/venues/{market.id}/qr.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    pdf = staff.get(f"/tracing/venues/{market.id}/qr.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_landing_page_shows_fever_alerts_to_the_task_force_only(login_as, session):
    from fangkong.tracing import checks

    site = tf.venue(session, factories.place_chain(session), kind="construction_site", name="御东工地")
    worker = factories.resident(session)
    checks.record_check(session, actor=factories.actor(session, role="construction_sites", jurisdiction="140213"),
                        venue_code=site.code, checked_at="2022-11-13T08:00", temperature=38.4, resident_id=worker.id)
    task_force = login_as("construction_sites", "140213").get("/tracing")
    assert task_force.status_code == 200 and "御东工地" in task_force.text and "38.4" in task_force.text
    admin = login_as("admin").get("/tracing")
    assert admin.status_code == 200 and "御东工地" not in admin.text and 'data-testid="fever-alerts"' not in admin.text
