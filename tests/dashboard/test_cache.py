"""A dashboard is kept `dashboard_cache_seconds` for the same user, sections and day, never across them."""

from __future__ import annotations

import factories
from fangkong.config import reset_settings
from fangkong.core.db import unit_of_work
from fangkong.dashboard import cache, service


def test_a_dashboard_is_reused_only_for_the_same_jurisdiction_and_view(demo_city, monkeypatch):
    monkeypatch.setenv("FANGKONG_DASHBOARD_CACHE_SECONDS", "60")
    reset_settings()
    cache.clear()
    try:
        with unit_of_work(demo_city.engine) as session:
            city = factories.actor(session, role="commander")
            district = factories.actor(session, role="commander", jurisdiction="140213")
            colleague = factories.actor(session, role="commander")  # same role and jurisdiction, another user
            first = service.dashboard(session, actor=city, view_all=True)
            again = service.dashboard(session, actor=city, view_all=True)
            narrow = service.dashboard(session, actor=district, view_all=True)
            own_view = service.dashboard(session, actor=city)
            other = service.dashboard(session, actor=colleague, view_all=True)
            prevention = factories.actor(session, role="prevention")
            narrowed = service.dashboard(session, actor=prevention)
            widened = service.dashboard(session, actor=prevention, view_all=True)
        assert (first["cached"], again["cached"], narrow["cached"], other["cached"]) == (False, True, False, False)
        assert again["sections"] == first["sections"] and again["computed_at"] == first["computed_at"]
        assert narrow["jurisdiction"] == "140213" and first["jurisdiction"] == "140200"
        assert narrowed["own_view"] and not widened["own_view"] and not widened["cached"]  # two views, two entries
        assert own_view["cached"] is True  # the command's own view is every section: the same dashboard
        monkeypatch.setenv("FANGKONG_DASHBOARD_CACHE_SECONDS", "0")
        reset_settings()
        with unit_of_work(demo_city.engine) as session:
            assert service.dashboard(session, actor=city, view_all=True)["cached"] is False
    finally:
        cache.clear()
        monkeypatch.setenv("FANGKONG_DASHBOARD_CACHE_SECONDS", "0")  # the suite's value (tests/conftest.py)
        reset_settings()
