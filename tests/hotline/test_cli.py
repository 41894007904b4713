"""`fangkong hotline …`: loading the routing file twice changes nothing; errors are one line, exit 2."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import factories
from clirun import one_line_error, runner_fixture
from fangkong.hotline.models import Department, Route
from fangkong.places.models import District

CITY_DISTRICTS = (("140213", "平城区"), ("140214", "云冈区"), ("140212", "新荣区"), ("140215", "云州区"))


run = runner_fixture("hotline")


def test_routing_load_is_idempotent_and_a_bad_rule_is_one_line(fresh_database, run, tmp_path):
    with Session(fresh_database.engine) as session:
        for code, name in CITY_DISTRICTS:
            factories.place_chain(session, district_code=code, district_name=name)
        session.commit()
        assert session.scalar(select(func.count()).select_from(District)) == 4
    url = fresh_database.url
    first = run("routing", "load", url=url)
    assert first.returncode == 0, first.stderr
    assert "9 departments and 12 rules added" in first.stdout
    assert "0 departments and 0 rules added" in run("routing", "load", url=url).stdout
    with Session(fresh_database.engine) as session:
        assert session.scalar(select(func.count()).select_from(Department)) == 9
        assert session.scalar(select(func.count()).select_from(Route)) == 12
    bad = tmp_path / "bad.toml"
    bad.write_text('[[route]]\ntopic = "zones"\ndepartment = "nobody"\n', encoding="utf-8")
    assert one_line_error(run("routing", "load", str(bad), url=url)).endswith(
        "route[0].department: 'nobody' is not a department")
    assert run("sweep", url=url).stdout.strip() == "0 reminded, 0 escalated"
