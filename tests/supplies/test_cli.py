"""`fangkong supplies …`: a bulk order for a building and its figures; a bad option is one line, exit 2."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session

import supplies_factories as sf
from clirun import one_line_error, runner_fixture


run = runner_fixture("supplies")


def test_order_a_building_then_figures_and_refusals(fresh_database, run):
    with Session(fresh_database.engine) as session:
        made = sf.sealed_building(session, sealed=3, outside=2, with_residents=False)
        sf.point(session, capacity=2, compounds=[made.compound_id])
        sf.catalogue(session)
        session.commit()
    url = fresh_database.url
    ordered = run("order", "--building", str(made.building_id), "--package", "vegetable", "--date", "2022-11-13",
                  url=url)
    assert ordered.returncode == 0, ordered.stderr
    assert "3 orders for 3 sealed households" in ordered.stdout and "2 households outside the zone" in ordered.stdout
    assert "1 without a point" in ordered.stdout
    figures = json.loads(run("figures", "--date", "2022-11-13", "--json", url=url).stdout)
    assert figures["orders"] == 3 and figures["households_sealed"] == 3 and figures["households_served"] == 0
    assert "capacity 2  used 2  free 0" in run("points", "--date", "2022-11-13", url=url).stdout
    assert one_line_error(run("order", "--building", str(made.building_id), "--package", "caviar", url=url)) \
        == "fangkong: pack 'caviar' not found"
    assert one_line_error(run("assign", "--date", "2022-13-01", url=url)).startswith("fangkong: --date:")
