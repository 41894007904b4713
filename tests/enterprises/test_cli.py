"""`fangkong enterprises …`: the sweep escalates an overdue problem once; the figures print the zone's rate;
a bad day is one line, exit 2."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

import enterprises_factories as ef
import factories
from clirun import one_line_error, runner_fixture


run = runner_fixture("enterprises")


def test_sweep_once_and_figures(fresh_database, run, set_clock):
    set_clock("2022-11-13T09:00")
    with Session(fresh_database.engine) as session:
        ef.district(session)
        by = factories.actor(session, role="coordination")
        made = [ef.enterprise(session, by=by, status="resumed" if i < 2 else "stopped") for i in range(3)]
        ef.problem(session, by=by, enterprise_id=made[0].id, urgency="critical")
        session.commit()
    url = fresh_database.url
    set_clock("2022-11-13T14:00")
    assert run("sweep", url=url).stdout.strip() == "1 escalated"
    assert run("sweep", url=url).stdout.strip() == "0 escalated"
    shown = run("figures", "--on", "2022-11-13", url=url).stdout
    assert "above scale 2/3 (66.7 %)" in shown
    assert one_line_error(run("figures", "--on", "2022-13-45", url=url)).endswith(
        "--on: '2022-13-45' is not a date like 2022-11-13")
