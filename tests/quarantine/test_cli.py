"""`fangkong quarantine …` on a committed database of each backend: the evening assignment, occupancy under
another pack, a refusal as one line and exit 2."""

from __future__ import annotations

import pytest

import quarantine_factories as qf
from clirun import one_line_error, runner_fixture
from fangkong.core.db import unit_of_work


run = runner_fixture("quarantine")


def test_assign_then_occupancy_and_a_refusal(fresh_database, run):
    with unit_of_work(fresh_database.engine) as session:
        qf.site(session, name="大同宾馆", rooms=((1, 2),))
        for _ in range(3):
            qf.waiting(session, anchor="2022-11-12", pack="ed9")  # centralized 11-13 … 11-19 (measures20: … 11-17)
    url = fresh_database.url
    assigned = run("assign", "--date", "2022-11-13", url=url)
    assert assigned.returncode == 0
    assert assigned.stdout.strip() == "2022-11-13: 2 of 3 placed in 1 rooms, 1 still waiting"
    sites = run("sites", url=url)
    assert "大同宾馆" in sites.stdout and "beds 2  occupied 2  free 0" in sites.stdout
    forecast = run("occupancy", "--pack", "measures20", "--effective", "2022-11-13", url=url)
    lines = forecast.stdout.splitlines()
    assert lines[1].split()[1:] == ["3"] * 7 + ["0"] * 7
    assert lines[3].split()[1:] == ["0"] * 5 + ["3", "3"] + ["0"] * 7
    refused = run("occupancy", "--pack", "ed9", "--effective", "2022-11-13", url=url)
    assert "ed9 is not in force on 2022-11-13" in one_line_error(refused)
    assert "not a date" in one_line_error(run("assign", "--date", "13.11.2022", url=url))
