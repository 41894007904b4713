"""`fangkong zones …` as a scheduler and a user run it: the proposals contract exact, errors one line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy.orm import Session

from clirun import in_process_runner, one_line_error, restore

import factories
import zone_factories as zf


def run_process(*args, url: str):
    """As a scheduler runs it: a process of its own."""
    env = {**os.environ, "FANGKONG_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "fangkong", "zones", *args], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.fixture
def run(monkeypatch, capsys):
    """The same entry point in-process (quicker), on the given database."""
    yield in_process_runner(monkeypatch, capsys, "zones")
    restore(monkeypatch)


def test_proposals_contract_daily_job_tier_and_public_list(fresh_database, run):
    with Session(fresh_database.engine) as session:
        unit = factories.place_chain(session)
        due = zf.zone(session, unit=unit, reported_on="2022-11-14")
        zf.rounds(session, due.id, ["2022-11-19"])
        no_round = zf.zone(session, unit=factories.place_chain(session), reported_on="2022-11-13")
        session.commit()
        zone_id, unit_id, silent = due.id, unit.id, no_round.id
    url = fresh_database.url

    listed = run_process("proposals", "--date", "2022-11-20", "--json", url=url)
    assert listed.returncode == 0, listed.stderr
    # last infection 11-14: clean 11-15 … 11-19, round 11-19 10:00 within the 24 h before 11-20
    assert listed.stdout == json.dumps([{
        "zone_id": zone_id, "action": "lift", "since": "2022-11-20",
        "reason": "5 clean days after the last infection reported 2022-11-14; "
                  "negative full round sampled 2022-11-19 10:00 (measures20: high → low)",
    }], ensure_ascii=False) + "\n"
    assert json.loads(run("proposals", "--date", "2022-11-19", "--json", url=url).stdout) == []

    daily = run("daily", "--date", "2022-11-20", "--json", url=url)
    assert daily.returncode == 0, daily.stderr
    report = json.loads(daily.stdout)
    assert (report["in_force"], report["proposed"], report["overdue"]) == (2, 1, 0)
    assert [p["zone_id"] for p in report["proposals"]] == [zone_id] and silent != zone_id
    assert json.loads(run("proposals", "--date", "2022-11-20", "--json", url=url).stdout)[0]["zone_id"] == zone_id
    late = json.loads(run("daily", "--date", "2022-11-21", "--json", url=url).stdout)
    assert (late["kept"], late["overdue"]) == (1, 1)

    tier = run("tier", "--unit-id", str(unit_id), "--date", "2022-11-15", url=url)
    assert tier.stdout.strip() == f"2022-11-15: high (zones {zone_id})"
    assert json.loads(run("tier", "--unit-id", str(unit_id), "--date", "2022-11-13", "--json", url=url).stdout)[
        "tier"] == "low"  # the other zone of the district was in force that day
    public = json.loads(run("public", "--date", "2022-11-15", "--json", url=url).stdout)
    assert sorted((r["compound"], r["place"], r["since"]) for r in public) == [
        ("魏都新城C区", "1号楼1单元", "2022-11-13"), ("魏都新城C区", "1号楼1单元", "2022-11-14")]
    recorded = run("round", "--zone", str(silent), "--sampled-at", "2022-11-13T07:00", "--result", "negative", url=url)
    assert recorded.stdout.strip() == f"zone {silent}: round sampled 2022-11-13 07:00 negative"


def test_refusals_are_one_line_exit_2(fresh_database, run):
    url = fresh_database.url
    assert "--date" in one_line_error(run_process("proposals", "--date", "11/20", url=url))
    assert "--date" in one_line_error(run("daily", "--date", "9999-12-31", url=url))
    assert "no policy pack" in one_line_error(run("daily", "--date", "2021-01-01", url=url))
    assert "zone not found" in one_line_error(
        run("round", "--zone", "4242", "--sampled-at", "2022-11-12T10:00", "--result", "negative", url=url))
    assert "one place" in one_line_error(run("tier", url=url))
    assert one_line_error(run("public", "--tier", "low", url=url))
