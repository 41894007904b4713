"""Planner statistics after bulk loads: core.db.refresh_statistics on both databases."""

from fangkong.core.db import refresh_statistics
from fangkong.places import bulk as places_bulk
from planner import planner_rows


def test_refresh_statistics_tells_the_planner_what_was_loaded(fresh_database):
    rows = [(i, f"1499{i:02d}", f"区{i}", f"D{i}", "district", 40.0, 113.0) for i in range(1, 61)]
    with fresh_database.engine.begin() as conn:
        places_bulk.insert_districts(conn, rows)
        assert planner_rows(conn, "district") in (None, 0)
        refresh_statistics(conn, ["district"])
    with fresh_database.engine.connect() as conn:
        assert planner_rows(conn, "district") == 60
