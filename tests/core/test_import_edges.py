"""Imports at their edges, as people save files: a 20 MB cell, a quote never closed, text after a closing
quote, an ID column typed as numbers by the spreadsheet, a column of the user's own (备注). Each is a
precise refusal (line, field, reason; exit 2) or an accepted file with a warning — both databases."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clirun import one_line_error, runner_fixture

import factories
import lab_factories as lf
import tracing_factories as tf
from fangkong.core import i18n
from fangkong.core.files import NUMBER_CELL_REASON
from fangkong.lab.models import Sample
from fangkong.people.managed_import import import_managed
from fangkong.tracing.models import VenueScan
from sheets import xlsx

SCAN_HEADER = "venue_code,scanned_at,left_at,resident_id,document_kind,document_number"
SAMPLE_HEADER = ["tube_barcode", "pool_size", "point_code", "sampled_at", "id_number"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


tracing = runner_fixture("tracing")


lab = runner_fixture("lab")


def _venue(engine) -> str:
    with Session(engine) as session:
        code = tf.venue(session, factories.place_chain(session)).code
        session.commit()
        return code


def _count(engine, table) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(table))


def _scans_file(tmp_path, code: str, *middle: str) -> str:
    good = f"{code},2022-11-11T18:00,,,passport,E0000001"
    path = tmp_path / "scans.csv"
    path.write_text("\n".join([SCAN_HEADER, good, *middle, f"{code},2022-11-11T18:05,,,passport,E0000002"]) + "\n",
                    encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("line_3", "reason"), [
    ('{code},2022-11-11T18:01,,,passport,"E' + "9" * 20_000_000 + '"',
     "line 3: a field is longer than 131,072 characters"),
    ('{code},"2022-11-11T18:01,,,passport,E0000003', "line 3: a quote is opened and never closed"),
    ('{code},"2022-11-11T18:01"Z,,,passport,E0000003', "line 3: text after a closing quote"),
])
def test_a_malformed_csv_refuses_the_whole_scan_file_at_its_line(fresh_database, tracing, tmp_path, line_3, reason):
    code = _venue(fresh_database.engine)
    answer = tracing("import-scans", _scans_file(tmp_path, code, line_3.format(code=code)), url=fresh_database.url)
    assert answer.returncode == 2
    assert one_line_error(answer).startswith(f"fangkong: {reason}")
    assert _count(fresh_database.engine, VenueScan) == 0  # the scan import stores a file whole or not at all


def test_the_lab_import_refuses_a_quote_never_closed_among_three_lines(fresh_database, lab, tmp_path):
    round_id, point = lf.committed_world(fresh_database.engine)
    rows = [f"A1,10,{point},2022-11-12T08:0{i},{factories.id_number(seq=40 + i)}" for i in range(3)]
    rows[1] = rows[1].replace(f",{point},", f',"{point},')
    path = tmp_path / "round.csv"
    path.write_text(",".join(SAMPLE_HEADER) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    answer = lab("import-samples", str(path), "--round", str(round_id), url=fresh_database.url)
    assert answer.returncode == 2
    assert one_line_error(answer) == "fangkong: line 3: a quote is opened and never closed"
    assert _count(fresh_database.engine, Sample) == 0


def test_an_id_column_typed_as_numbers_is_explained_per_line(fresh_database, lab, tmp_path):
    round_id, point = lf.committed_world(fresh_database.engine)
    as_text, as_number = factories.id_number(seq=50), factories.id_number(seq=51)
    path = tmp_path / "round.xlsx"
    path.write_bytes(xlsx(SAMPLE_HEADER, [["A1", "10", point, "2022-11-12T08:00", as_text],
                                          ["A1", "10", point, "2022-11-12T08:01", float(as_number)]]))
    answer = lab("import-samples", str(path), "--round", str(round_id), "--json", url=fresh_database.url)
    assert answer.returncode == 0, answer.stderr
    report = json.loads(answer.stdout)
    assert report["inserted"] == 1
    assert report["refused"] == [{"line": 3, "code": "invalid_document", "reason": f"id_number: {NUMBER_CELL_REASON}"}]
    assert NUMBER_CELL_REASON.startswith("the cell is a number, not text")


def test_the_managed_import_explains_a_number_cell_too(session):
    importer = factories.actor(session, role="prevention", jurisdiction="140200")
    number = factories.id_number(seq=52)
    factories.resident(session, unit=factories.place_chain(session), id_number=number, by=importer)
    report = import_managed(session, xlsx(["身份证号", "类别", "锚定日期"], [[float(number), "密切接触者", "2022-11-12"]]),
                            actor=importer)
    assert report.created == 0
    assert [(r.row, r.field, r.message) for r in report.refused] == [(2, "id_number", f"id_number: {NUMBER_CELL_REASON}")]


def test_a_column_of_the_users_own_is_ignored_with_a_warning(fresh_database, tracing, tmp_path):
    code = _venue(fresh_database.engine)
    path = tmp_path / "scans.csv"
    path.write_text(f"{SCAN_HEADER},备注\n{code},2022-11-11T18:00,,,passport,E0000001,夜班\n", encoding="utf-8")
    human = tracing("import-scans", str(path), url=fresh_database.url)
    assert human.returncode == 0, human.stderr
    assert human.stderr.strip() == "warning: ignored column '备注': not read by this import"
    again = tracing("import-scans", str(path), "--json", url=fresh_database.url)
    assert json.loads(again.stdout)["warnings"] == [
        {"code": "ignored_columns", "columns": ["备注"], "message": "ignored column '备注': not read by this import"}]
    assert _count(fresh_database.engine, VenueScan) == 1


def test_the_lab_import_ignores_it_too_but_not_a_renamed_required_column(fresh_database, lab, tmp_path):
    round_id, point = lf.committed_world(fresh_database.engine)
    samples = tmp_path / "round.csv"
    samples.write_text(f"备注,{','.join(SAMPLE_HEADER)}\n早班,A1,10,{point},2022-11-12T08:00,"
                       f"{factories.id_number(seq=60)}\n", encoding="utf-8")
    report = lab("import-samples", str(samples), "--round", str(round_id), "--json", url=fresh_database.url)
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["inserted"] == 1
    assert json.loads(report.stdout)["warnings"][0]["columns"] == ["备注"]
    renamed = tmp_path / "renamed.csv"  # a required column renamed still refuses the file
    renamed.write_text(samples.read_text(encoding="utf-8").replace("point_code", "point"), encoding="utf-8")
    refused = lab("import-samples", str(renamed), "--round", str(round_id), url=fresh_database.url)
    assert refused.returncode == 2 and "missing column 'point_code'" in one_line_error(refused)


def test_the_managed_import_ignores_a_remark_column_on_the_api_and_the_page(login_as, session):
    writer = login_as("prevention")
    importer = factories.actor(session, role="prevention", jurisdiction="140200")
    number = factories.id_number(seq=70)
    factories.resident(session, unit=factories.place_chain(session), id_number=number, by=importer)
    sheet = xlsx(["身份证号", "类别", "锚定日期", "备注"], [[number, "密切接触者", "2022-11-12", "楼长转来"]])
    answer = writer.post("/api/v1/managed/import", files={"file": ("m.xlsx", sheet, XLSX)})
    assert answer.status_code == 200, answer.text
    assert answer.json()["created"] == 1
    assert answer.json()["warnings"][0]["columns"] == ["备注"]
    page = writer.post("/people/managed/import", files={"file": ("m.xlsx", sheet, XLSX)})
    assert page.status_code == 200
    assert i18n.catalog("zh")["imports.ignored_columns"].format(columns="备注") in page.text
