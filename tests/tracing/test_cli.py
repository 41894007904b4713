"""`fangkong tracing …`: CSV import (line-numbered refusals, idempotent) and the candidates contract."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session

from clirun import in_process_runner, one_line_error, restore

import factories
import tracing_factories as tf


@pytest.fixture
def run(monkeypatch, capsys):
    yield in_process_runner(monkeypatch, capsys, "tracing")
    restore(monkeypatch)


def test_import_then_candidates_contract(fresh_database, run, tmp_path):
    with Session(fresh_database.engine) as session:
        unit = factories.place_chain(session)
        market = tf.venue(session, unit)
        case = tf.case(session, unit=unit, reported_on="2022-11-12")
        contact = factories.resident(session, name="接触者丙", unit=factories.place_chain(session))
        session.commit()
        case_id, case_resident, contact_id, code = case.id, case.resident_id, contact.id, market.code
    csv_file = tmp_path / "scans.csv"
    csv_file.write_text(
        "venue_code,scanned_at,left_at,resident_id,document_kind,document_number\n"
        f"{code},2022-11-11T18:00,2022-11-11T18:20,{case_resident},,\n"
        f"{code},2022-11-11T18:35,,{contact_id},,\n"  # 15 minutes after the case left: the boundary
        f"{code},2022-11-11T18:36,,,passport,E0000001\n"  # 16 minutes: not a candidate
        f"{code},not-a-time,,{contact_id},,\n"
        f"{code},2022-11-11T18:35:40,,{contact_id},,\n", encoding="utf-8")
    first = run("import-scans", str(csv_file), "--json", url=fresh_database.url)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {"received": 5, "inserted": 3, "duplicates": 1, "refused": [
        {"line": 5, "code": "invalid_time", "reason": "scanned_at: 'not-a-time' is not a time like 2022-11-12T09:30"}]}
    again = run("import-scans", str(csv_file), url=fresh_database.url)
    assert again.stdout.splitlines()[0] == "5 scans read: 0 new, 4 duplicates, 1 refused"
    assert again.stdout.splitlines()[1] == "  line 5: scanned_at: 'not-a-time' is not a time like 2022-11-12T09:30"

    listed = run("candidates", "--case", str(case_id), "--json", url=fresh_database.url)
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert (row["rank"], row["resident_id"], row["household"], row["overlap_minutes"], row["gap_minutes"],
            row["last_exposure_on"], row["evidence"][0]["contact_at"]) == (
        1, contact_id, False, 0, 15, "2022-11-11", "2022-11-11T18:35:00+08:00")


def test_errors_are_one_line_exit_2(fresh_database, run, tmp_path):
    assert "case not found" in one_line_error(run("candidates", "--case", "424242", "--json", url=fresh_database.url))
    assert "--onset" in one_line_error(run("candidates", "--case", "1", "--onset", "11/09", url=fresh_database.url))
    assert "no such file" in one_line_error(run("import-scans", str(tmp_path / "none.csv"), url=fresh_database.url))
    bad = tmp_path / "bad.csv"
    bad.write_text("venue,time\nX,Y\n", encoding="utf-8")
    assert "line 1" in one_line_error(run("import-scans", str(bad), url=fresh_database.url))
