"""`fangkong tracing …`: CSV import (line-numbered refusals, idempotent) and the candidates contract."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session

from clirun import one_line_error, runner_fixture

import factories
import tracing_factories as tf


run = runner_fixture("tracing")


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


def test_a_sheet_saved_as_gbk_or_with_an_unclosed_quote_is_one_line_exit_2(fresh_database, run, tmp_path):
    header = "venue_code,scanned_at,left_at,resident_id,document_kind,document_number\n"
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes((header + "V1,2022-11-11T18:00,,,passport,E1\nV1,2022-11-11T18:00,,,其他,甲\n").encode("gbk"))
    assert one_line_error(run("import-scans", str(gbk), url=fresh_database.url)) == (
        'fangkong: gbk.csv: line 3: not UTF-8 text (save the sheet as "CSV UTF-8")')
    unclosed = tmp_path / "unclosed.csv"
    unclosed.write_text(header + "V1,2022-11-11T18:00,,,passport,E1\n" + 'V1,"2022-11-11T18:00,,,,\n'  # line 3
                        + "V1,2022-11-11T18:00,,,passport,E1\n" * 20_000, encoding="utf-8")
    refusal = one_line_error(run("import-scans", str(unclosed), url=fresh_database.url))
    assert "line 3: " in refusal and "never closed" in refusal


def test_refusals_carry_the_line_of_the_file_past_blank_lines_and_multi_line_fields(fresh_database, run, tmp_path):
    with Session(fresh_database.engine) as session:
        code = tf.venue(session, factories.place_chain(session)).code
        session.commit()
    csv_file = tmp_path / "scans.csv"
    csv_file.write_text(
        "venue_code,scanned_at,left_at,resident_id,document_kind,document_number\n"
        f"{code},2022-11-11T18:00,,,passport,\"E000\n0001\"\n"  # lines 2-3: a quoted field with a line break
        "\n"  # line 4: blank
        f"{code},not-a-time,,,passport,E0000002\n", encoding="utf-8")  # line 5
    answer = run("import-scans", str(csv_file), "--json", url=fresh_database.url)
    assert answer.returncode == 0, answer.stderr
    report = json.loads(answer.stdout)
    assert (report["received"], [r["line"] for r in report["refused"]]) == (2, [5])
