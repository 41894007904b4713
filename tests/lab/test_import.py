"""`fangkong lab import-samples`: every bad line reported with its reason, the rest imported; an import
killed mid-file and run again leaves the database as one clean run; errors are one line, exit 2."""

from __future__ import annotations

import json
from functools import partial

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clirun import one_line_error, runner_fixture

import factories
import lab_factories as lf
from fangkong.core.db import unit_of_work
from fangkong.core.errors import InvalidInput
from fangkong.core.pii import get_cipher
from fangkong.lab import imports, rounds, sampling
from fangkong.lab.cli import CLI_ACTOR
from fangkong.lab.models import Sample, Tube

HEADER = "tube_barcode,pool_size,point_code,sampled_at,id_number,document_kind,document_number\n"


run = runner_fixture("lab")


def test_csv_with_five_bad_lines_imports_everything_else_and_reports_exactly_them(fresh_database, run, tmp_path):
    round_id, point = lf.committed_world(fresh_database.engine)
    numbers = [factories.id_number(seq=i) for i in range(22)]
    lines = [f"A001,10,{point},2022-11-12T08:0{i % 10},{numbers[i]},," for i in range(10)]  # lines 2-11: full
    lines.append(f"A001,10,{point},2022-11-12T08:30,{numbers[10]},,")  # line 12: the eleventh person
    lines += [f"B002,10,{point},2022-11-12T09:00,{numbers[11 + i]},," for i in range(3)]  # lines 13-15
    lines.append(f"B002,5,{point},2022-11-12T09:01,{numbers[14]},,")  # line 16: barcode reused (another tube)
    bad_id = numbers[15][:17] + ("0" if numbers[15][17] != "0" else "1")
    lines.append(f"B002,10,{point},2022-11-12T09:02,{bad_id},,")  # line 17: malformed ID (check digit)
    lines.append(f"C003,1,NOPOINT,2022-11-12T09:03,{numbers[16]},,")  # line 18: unknown sampling point
    lines.append(f"C004,1,{point},2022-11-12 25:61,{numbers[17]},,")  # line 19: bad timestamp
    lines.append(f"C005,1,{point},2022-11-12T10:00,,passport,E12345678")  # line 20: a passport holder
    csv_file = tmp_path / "round.csv"
    csv_file.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")

    first = run("import-samples", str(csv_file), "--round", str(round_id), "--json", url=fresh_database.url)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["received"], report["inserted"], report["duplicates"]) == (19, 14, 0)
    assert [(r["line"], r["code"]) for r in report["refused"]] == [
        (12, "tube_full"), (16, "barcode_reused"), (17, "invalid_document"), (18, "unknown_point"),
        (19, "invalid_time")]
    assert report["refused"][0]["reason"] == "tube_barcode: A001 already holds 10 people (10-in-1)"
    assert report["refused"][2]["reason"] == "id_number: check digit does not match (GB 11643)"
    assert report["refused"][4]["reason"] == "sampled_at: '2022-11-12 25:61' is not a time like 2022-11-13T08:30"

    again = run("import-samples", str(csv_file), "--round", str(round_id), url=fresh_database.url)
    assert again.stdout.splitlines()[0] == "19 records read: 0 new, 14 duplicates, 5 refused"
    assert again.stdout.splitlines()[1] == "  line 12: tube_barcode: A001 already holds 10 people (10-in-1)"
    with Session(fresh_database.engine) as session:
        stored = session.execute(select(Sample.document_kind, Sample.document_enc).where(
            Sample.round_id == round_id, Sample.barcode == "C005")).one()
        assert stored.document_kind == "passport" and b"E12345678" not in stored.document_enc
        assert get_cipher().decrypt(stored.document_enc) == "E12345678"


def _state(engine, round_id: int) -> tuple:
    cipher = get_cipher()
    with Session(engine) as session:
        tubes = sorted(session.execute(select(Tube.barcode, Tube.pool_size, Tube.point_id, Tube.sampled_at)
                                       .where(Tube.round_id == round_id)).all())
        samples = sorted((s.barcode, s.person_mac, cipher.decrypt(s.document_enc), s.sampled_at, s.attempt)
                         for s in session.execute(select(Sample).where(Sample.round_id == round_id)).scalars())
    return tubes, samples


@pytest.mark.parametrize(("chunk", "block", "committed"), [(7, 7, 35), (14, 7, 28)],
                         ids=["a block per commit", "two blocks per commit"])
def test_import_killed_mid_file_then_rerun_equals_one_clean_run(fresh_database, tmp_path, monkeypatch,
                                                                chunk, block, committed):
    monkeypatch.setattr(imports, "BLOCK_LINES", block)
    engine = fresh_database.engine
    clean_round, point = lf.committed_world(engine)
    broken_round = _second_round(engine, point)
    numbers = [factories.id_number(birth="19900307", seq=i) for i in range(95)]
    rows = [f"K{i // 10:04d},10,{point},2022-11-12T08:{i % 60:02d},{n},," for i, n in enumerate(numbers)]
    rows.insert(40, f"K9999,10,{point},2022-11-12T08:00,{numbers[3]},,")  # a person twice: refused each time
    csv_file = tmp_path / "round.csv"
    csv_file.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    open_session = partial(unit_of_work, engine)
    clean = imports.import_samples(open_session, csv_file, round_id=clean_round, actor=CLI_ACTOR, chunk=chunk)

    real_ingest, calls = sampling.ingest, []

    def dying_ingest(*args, **kwargs):
        calls.append(1)
        if len(calls) == 6:  # five blocks stored, the sixth dies with the process and its transaction
            raise KeyboardInterrupt
        return real_ingest(*args, **kwargs)

    monkeypatch.setattr(sampling, "ingest", dying_ingest)
    with pytest.raises(KeyboardInterrupt):
        imports.import_samples(open_session, csv_file, round_id=broken_round, actor=CLI_ACTOR, chunk=chunk)
    assert len(_state(engine, broken_round)[1]) == committed  # the transactions ended before the sixth block
    monkeypatch.setattr(sampling, "ingest", real_ingest)
    rerun = imports.import_samples(open_session, csv_file, round_id=broken_round, actor=CLI_ACTOR, chunk=chunk)
    assert (rerun.inserted, rerun.duplicates) == (clean.inserted - committed, committed)
    assert [r["line"] for r in rerun.refused] == [r["line"] for r in clean.refused] == [42]
    assert _state(engine, broken_round) == _state(engine, clean_round)
    assert len(_state(engine, clean_round)[1]) == 95


def _second_round(engine, point: str) -> int:
    with Session(engine) as session:
        round_id = rounds.create_round(session, actor=CLI_ACTOR, name="第二轮", scope_kind="districts",
                                       scope_ids=lf_district(session, point), reason="source_unclear",
                                       starts_at=lf.t(lf.ROUND_START)).id
        session.commit()
    return round_id


def test_worker_processes_store_and_number_lines_as_one_process(fresh_database, tmp_path):
    engine = fresh_database.engine
    inline_round, point = lf.committed_world(engine)
    workers_round = _second_round(engine, point)
    numbers = [factories.id_number(birth="19850101", seq=i) for i in range(9)]
    bad_id = numbers[8][:17] + ("0" if numbers[8][17] != "0" else "1")
    lines = [f"K{i // 5:04d},10,{point},2022-11-12T08:0{i},{numbers[i]},," for i in range(7)]  # lines 2-8
    lines.append(f'P0001,1,{point},2022-11-12T09:00,,passport,"E1234\n5678"')  # lines 9-10: one record
    lines.append("")  # line 11: blank
    lines.append(f"K0009,10,{point},2022-11-12T09:01,{bad_id},,")  # line 12: malformed ID number
    lines.append(f"K0009,10,{point},2022-11-12T09:02,{numbers[7]},,")  # line 13
    csv_file = tmp_path / "round.csv"
    csv_file.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    open_session = partial(unit_of_work, engine)
    # blocks of 8 lines: the first ends inside the quoted field, so it runs on to line 10
    inline = imports.import_samples(open_session, csv_file, round_id=inline_round, actor=CLI_ACTOR, chunk=8,
                                    workers=0)
    by_workers = imports.import_samples(open_session, csv_file, round_id=workers_round, actor=CLI_ACTOR, chunk=8,
                                        workers=2)
    assert by_workers.to_dict() == inline.to_dict()
    assert (inline.received, inline.inserted) == (10, 9)
    assert [(r["line"], r["code"]) for r in inline.refused] == [(12, "invalid_document")]
    assert _state(engine, workers_round) == _state(engine, inline_round)
    assert ("P0001", "E12345678") in {(s[0], s[2]) for s in _state(engine, workers_round)[1]}


@pytest.mark.parametrize("workers", [0, 2])
def test_a_quote_never_closed_is_refused_with_its_line_not_a_traceback(fresh_database, tmp_path, workers):
    round_id, point = lf.committed_world(fresh_database.engine)
    lines = [f'"K0000,10,{point},2022-11-12T08:00,{factories.id_number(seq=0)},,']  # line 2: the quote runs on
    lines += [f"K{i // 10:04d},10,{point},2022-11-12T08:00,{factories.id_number(seq=i)},," for i in range(1, 5000)]
    csv_file = tmp_path / "round.csv"
    csv_file.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:  # from a worker process too: the error crosses intact
        imports.import_samples(partial(unit_of_work, fresh_database.engine), csv_file, round_id=round_id,
                               actor=CLI_ACTOR, chunk=5000, workers=workers)
    assert refused.value.code == "invalid_csv"
    assert refused.value.message.startswith("line 2: ") and "never closed" in refused.value.message
    assert _state(fresh_database.engine, round_id) == ([], [])


def lf_district(session, point_code: str) -> list[int]:
    from fangkong.lab.models import SamplingPoint

    return [session.scalar(select(SamplingPoint.district_id).where(SamplingPoint.code == point_code))]


def test_errors_are_one_line_exit_2(fresh_database, run, tmp_path):
    round_id, _point = lf.committed_world(fresh_database.engine)
    url = fresh_database.url
    assert "no such file" in one_line_error(run("import-samples", str(tmp_path / "none.csv"), "--round", "1", url=url))
    bad = tmp_path / "bad.csv"
    bad.write_text("barcode,when\nX,Y\n", encoding="utf-8")
    assert "line 1" in one_line_error(run("import-samples", str(bad), "--round", str(round_id), url=url))
    gbk = tmp_path / "gbk.csv"  # what Excel saves as "CSV" on a Chinese Windows
    gbk.write_bytes(HEADER.encode() + "A001,1,P1,2022-11-12T08:00,,other,张三\n".encode("gbk"))
    assert "gbk.csv: line 2: not UTF-8 text" in one_line_error(
        run("import-samples", str(gbk), "--round", str(round_id), url=url))
    good = tmp_path / "good.csv"
    good.write_text(HEADER, encoding="utf-8")
    assert "sampling round not found" in one_line_error(run("import-samples", str(good), "--round", "9999", url=url))
    refused = one_line_error(run("round", "--name", "x", "--reason", "voluntary", "--starts-at", "2022-11-12T06:00",
                                 url=url))
    assert "reason: testing a whole area under measures20 needs one of source_unclear" in refused


def test_excel_file_imports_like_csv(fresh_database, run, tmp_path):
    import xlsxwriter

    round_id, point = lf.committed_world(fresh_database.engine)
    path = tmp_path / "round.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["tube_barcode", "pool_size", "point_code", "sampled_at", "id_number"])
    sheet.write_row(1, 0, ["X1", 5, point, "2022-11-12T08:00", factories.id_number(seq=41)])
    sheet.write_row(2, 0, ["X1", 5, point, "2022-11-12T08:01", factories.id_number(seq=42)])
    sheet.write_row(3, 0, ["X1", 3, point, "2022-11-12T08:02", factories.id_number(seq=43)])
    book.close()
    result = run("import-samples", str(path), "--round", str(round_id), "--json", url=fresh_database.url)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["inserted"], [(r["line"], r["code"]) for r in report["refused"]]) == (2, [(4, "invalid_pool_size")])
