"""Construction sites: a roster worker not sampled in the site's latest round is on its compliance list;
the gate's entry checks and fever alerts come from tracing."""

from __future__ import annotations

from datetime import datetime

import pytest

import enterprises_factories as ef
import factories
import lab_factories
from fangkong.core import clock
from fangkong.core.errors import InvalidInput
from fangkong.core.jurisdiction import CITY, parse_jurisdiction
from fangkong.core.errors import NotFound
from fangkong.enterprises import figures, registry, sites
from fangkong.lab import rounds
from fangkong.tracing import checks


@pytest.fixture
def site(session, set_clock):
    set_clock("2022-11-13T09:00")
    unit = ef.district(session)
    by = factories.actor(session, role="construction_sites")
    return {**ef.site_with_round(session, by=by, unit=unit, workers=3, sampled=2), "by": by, "unit": unit}


def test_a_worker_not_sampled_in_the_latest_round_is_on_the_compliance_list(session, site):
    found = sites.compliance(session, site["site"].id, scope=CITY)
    assert found["round"]["id"] == site["round"].id
    assert (found["workers"], found["sampled"], found["total"]) == (3, 2, 1)
    assert [w["id"] for w in found["items"]] == [site["residents"][2].id]
    assert found["items"][0]["id_number_masked"].count("*") == 10  # masked on screen


def test_a_newer_round_becomes_the_latest(session, site):
    commander = factories.actor(session, role="commander")
    later = rounds.create_round(session, actor=commander, name="工地第二轮", scope_kind="districts",
                                scope_ids=[site["lab"]["point"].district_id], reason="source_unclear",
                                starts_at=lab_factories.t("2022-11-13T06:00"))
    sites.link_round(session, site["site"].id, actor=site["by"], round_id=later.id)
    found = sites.compliance(session, site["site"].id, scope=CITY)
    assert found["round"]["id"] == later.id and found["total"] == 3  # nobody sampled in it yet


def test_board_and_dashboard_count_the_same_workers(session, site):
    board = figures.site_compliance(session, scope=CITY)
    assert (board["workers"], board["not_sampled"], board["rate"]) == (3, 1, 66.7)
    items, total = sites.not_sampled_list(session, scope=CITY, page=1, per_page=50)
    assert total == 1 and items[0]["resident_id"] == site["residents"][2].id
    figure = {f["key"]: f["value"] for f in figures.headline(session, on=clock.today(), scope=CITY)}
    assert figure["site_workers_not_sampled"] == 1


def test_gate_checks_and_fever_alerts_show_on_the_site(session, site):
    worker = site["residents"][0]
    for temperature in (36.5, 37.6):
        checks.record_check(session, actor=site["by"], venue_code=site["gate"].code, resident_id=worker.id,
                            checked_at=datetime(2022, 11, 13, 7, 30 if temperature < 37 else 31,
                                                tzinfo=clock.zone()).isoformat(), temperature=temperature)
    detail = sites.site_detail(session, site["site"].id, scope=CITY)
    assert detail["gate"]["checks_total"] == 2
    assert [c["temperature"] for c in detail["gate"]["checks"]] == [37.6, 36.5]
    assert [a["task_force"] for a in detail["gate"]["alerts"]] == ["construction_sites"]


def test_the_gate_must_be_a_construction_site_venue(session, site):
    import tracing_factories

    shop = tracing_factories.venue(session, site["unit"], kind="supermarket")
    with pytest.raises(InvalidInput) as refused:
        registry.register_site(session, actor=site["by"], project="x", builder="y", district="140271",
                               venue_code=shop.code)
    assert refused.value.code == "not_a_site_gate"


def test_a_site_outside_the_jurisdiction_is_not_found(session, site):
    with pytest.raises(NotFound):
        sites.compliance(session, site["site"].id, scope=parse_jurisdiction("140213"))
