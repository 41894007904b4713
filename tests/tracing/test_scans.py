"""Scan ingest: duplicates within a minute collapse, malformed records refused with line and reason,
nothing silently dropped, re-sending changes nothing; documents stored only encrypted; fever alerts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

import factories
import tracing_factories as tf
import zone_factories as zf
from fangkong.tracing import bulk, checks, scans
from fangkong.tracing.models import EntryCheck, FeverAlert, VenueScan


def count(session):
    return session.scalar(select(func.count()).select_from(VenueScan))


def test_batch_collapses_duplicates_refuses_bad_lines_and_is_idempotent(session):
    unit = factories.place_chain(session)
    market = tf.venue(session, unit)
    resident = factories.resident(session, unit=unit)
    base = count(session)
    records = [
        {"venue_code": market.code, "scanned_at": "2022-11-12T10:00:05", "resident_id": resident.id},
        {"venue_code": market.code, "scanned_at": "2022-11-12T10:00:50", "resident_id": resident.id},  # same minute
        {"venue_code": market.code, "scanned_at": "2022-11-12T10:01:00", "resident_id": resident.id},  # next minute
        {"venue_code": "NOPE", "scanned_at": "2022-11-12T10:00", "resident_id": resident.id},
        {"venue_code": market.code, "scanned_at": "yesterday", "resident_id": resident.id},
        {"venue_code": market.code, "scanned_at": "2022-11-14T10:00", "resident_id": resident.id},
        {"venue_code": market.code, "scanned_at": "2022-11-12T10:00"},
        {"venue_code": market.code, "scanned_at": "2022-11-12T10:00", "resident_id": 99999999},
        {"venue_code": market.code, "scanned_at": "2022-11-12T10:00", "left_at": "2022-11-12T09:00",
         "document_kind": "passport", "document_number": "E12345678"},
        {"venue_code": market.code, "scanned_at": "2022-11-12T11:00", "document_kind": "passport",
         "document_number": "e1234 5678"},
    ]
    actor = zf.actor(session, "prevention")
    report = scans.ingest(session, records, actor=actor)
    assert (report.received, report.inserted, report.duplicates) == (10, 3, 1)
    assert [(r["line"], r["code"]) for r in report.refused] == [
        (4, "unknown_venue"), (5, "invalid_time"), (6, "time_in_future"), (7, "person_required"),
        (8, "unknown_resident"), (9, "invalid_stay")]
    assert report.received == report.inserted + report.duplicates + len(report.refused)  # nothing dropped
    assert count(session) == base + 3
    ids = sorted(session.scalars(select(VenueScan.id).where(VenueScan.venue_id == market.id)))
    # 4 valid records draw at most 4 ids (PostgreSQL draws one for the collapsed duplicate too; the
    # staging rows of the COPY draw none)
    assert len(ids) == 3 and ids[-1] - ids[0] <= 3
    again = scans.ingest(session, records, actor=actor)
    assert (again.inserted, again.duplicates, len(again.refused)) == (0, 4, 6)
    assert count(session) == base + 3
    stored = session.scalar(select(VenueScan).where(VenueScan.document_kind == "passport"))
    assert b"E12345678" not in stored.document_enc and stored.person_key == scans.document_key("passport", "E12345678")


@pytest.mark.parametrize("minutes", [4, 120])  # PostgreSQL: one INSERT for a few rows, COPY for more (bulk.SMALL_BATCH)
def test_a_batch_small_or_large_stores_each_minute_once(session, minutes):
    unit = factories.place_chain(session)
    market = tf.venue(session, unit)
    resident = factories.resident(session, unit=unit)
    base = count(session)
    start = datetime(2022, 11, 12, 10, 0)
    records = [{"venue_code": market.code, "resident_id": resident.id,
                "scanned_at": (start + timedelta(minutes=m, seconds=s)).isoformat()}
               for m in range(minutes) for s in ((5, 40) if m % 4 == 0 else (5,))]
    duplicates = (minutes + 3) // 4
    assert (len(records) > bulk.SMALL_BATCH) == (minutes == 120)
    actor = zf.actor(session, "prevention")
    report = scans.ingest(session, records, actor=actor)
    assert (report.inserted, report.duplicates, report.refused) == (minutes, duplicates, [])
    assert count(session) == base + minutes
    again = scans.ingest(session, records, actor=actor)
    assert (again.inserted, again.duplicates) == (0, minutes + duplicates)
    assert count(session) == base + minutes
    assert bulk.insert_scans(session.connection(), []) == 0


def test_a_scanner_outside_the_district_cannot_record_at_its_venues(session):
    market = tf.venue(session, factories.place_chain(session, district_code="140214", district_name="云冈区"))
    resident = factories.resident(session)
    pingcheng = factories.actor(session, role="public_areas", jurisdiction="140213")
    report = scans.ingest(session, [{"venue_code": market.code, "scanned_at": "2022-11-12T10:00",
                                     "resident_id": resident.id}], actor=pingcheng)
    assert report.inserted == 0 and report.refused[0]["code"] == "unknown_venue"


def test_fever_raises_one_alert_seen_by_that_sites_task_force_only(session):
    site = tf.venue(session, factories.place_chain(session), kind="construction_site", name="御东工地")
    elsewhere = tf.venue(session, factories.place_chain(session, district_code="140214", district_name="云冈区"),
                         kind="construction_site", name="云冈工地")
    worker = factories.resident(session)
    gate = zf.actor(session, "construction_sites")
    check, alert = checks.record_check(session, actor=gate, venue_code=site.code, checked_at="2022-11-13T08:00",
                                       temperature=37.3, resident_id=worker.id)  # at the threshold: a fever
    assert alert is not None and (alert.task_force, alert.threshold) == ("construction_sites", 37.3)
    _, none = checks.record_check(session, actor=gate, venue_code=site.code, checked_at="2022-11-13T08:05",
                                  temperature=37.2, resident_id=worker.id)
    _, far = checks.record_check(session, actor=gate, venue_code=elsewhere.code, checked_at="2022-11-13T08:06",
                                 temperature=38.5, resident_id=worker.id)
    assert none is None and far is not None
    assert session.scalar(select(func.count()).select_from(FeverAlert).where(
        FeverAlert.entry_check_id == check.id)) == 1
    assert session.get(EntryCheck, check.id).registered is True

    def seen(role, jurisdiction):
        viewer = factories.actor(session, role=role, jurisdiction=jurisdiction)
        return {a["id"] for a in checks.alerts_for(session, actor=viewer)} & {alert.id, far.id}

    assert seen("construction_sites", "140213") == {alert.id}
    assert seen("construction_sites", "140214") == {far.id}
    assert seen("public_areas", "140213") == set()
    assert seen("prevention", "140213") == set()
    assert seen("construction_sites", "140200") == {alert.id, far.id}


def test_batches_stored_together_read_as_if_stored_one_after_the_other(session):
    """scans.ingest_many (the scan API's round): one look-up for all senders, yet each sender sees only its
    jurisdiction's venues, a scan two senders share is new for the first only, and each gets its audit row."""
    from fangkong.core.audit import AuditEvent

    unit = factories.place_chain(session)
    market = tf.venue(session, unit)  # in 平城区 (140213)
    resident = factories.resident(session, unit=unit)
    city = zf.actor(session, "prevention")
    elsewhere = factories.actor(session, role="public_areas", jurisdiction="140212")  # 新荣区: not the market's
    shared = {"venue_code": market.code, "scanned_at": "2022-11-12T10:00", "resident_id": resident.id}
    base, audited = count(session), session.scalar(select(func.count()).select_from(AuditEvent))
    first, second, outside = scans.ingest_many(session, [
        scans.ScanBatch([shared, {**shared, "scanned_at": "2022-11-12T10:05"}], city, request=("req-1", "10.0.0.1")),
        scans.ScanBatch([shared, {**shared, "scanned_at": "2022-11-12T10:09"}], city, request=("req-2", "10.0.0.2")),
        scans.ScanBatch([{**shared, "scanned_at": "2022-11-12T10:30"}], elsewhere, request=("req-3", None)),
    ])
    assert (first.inserted, first.duplicates, first.refused) == (2, 0, [])
    assert (second.inserted, second.duplicates, second.refused) == (1, 1, [])
    assert (outside.inserted, outside.duplicates) == (0, 0)
    assert [r["code"] for r in outside.refused] == ["unknown_venue"]
    assert count(session) == base + 3
    rows = session.scalars(select(AuditEvent).where(AuditEvent.action == "tracing.scans")
                           .order_by(AuditEvent.id.desc()).limit(3)).all()[::-1]
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == audited + 3
    assert [(r.request_id, r.ip, r.after["inserted"], r.after["refused"]) for r in rows] == [
        ("req-1", "10.0.0.1", 2, 0), ("req-2", "10.0.0.2", 1, 0), ("req-3", None, 0, 1)]


def test_a_resident_id_beyond_any_row_id_is_refused_with_its_line(session):
    unit = factories.place_chain(session)
    market = tf.venue(session, unit)
    resident = factories.resident(session, unit=unit)
    base = count(session)
    report = scans.ingest(session, [
        {"venue_code": market.code, "scanned_at": "2022-11-12T10:00", "resident_id": "99999999999999999999999"},
        {"venue_code": market.code, "scanned_at": "2022-11-12T10:00", "resident_id": str(resident.id)},
    ], actor=zf.actor(session, "prevention"))
    assert [(r["line"], r["code"]) for r in report.refused] == [(1, "invalid_resident")]
    assert report.inserted == 1 and count(session) == base + 1
