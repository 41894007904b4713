"""Resumption rates from status changes: the demo zone's 65 / 70 = 92.9 %, one change moves it to the
hand-computed value; the trend and the lists behind the figures agree."""

from __future__ import annotations

from datetime import date

import pytest

import enterprises_factories as ef
import factories
from fangkong.enterprises import figures, registry
from fangkong.core.jurisdiction import CITY, parse_jurisdiction
from fangkong.core.errors import InvalidInput

DAY = date(2022, 11, 13)


@pytest.fixture
def zone(session, set_clock):
    set_clock("2022-11-13T09:00")
    ef.district(session)
    by = factories.actor(session, role="coordination")
    made = []
    for i in range(70):  # 60 fully and 5 partly resumed, 5 stopped; half of them in a park
        status = "resumed" if i < 60 else "partial" if i < 65 else "stopped"
        made.append(ef.enterprise(session, by=by, status=status, staff_share=50 if status == "partial" else None,
                                  park="装备制造产业园" if i % 2 else None))
    ef.enterprise(session, by=by, above_scale=False, status="stopped")  # not above scale: not in the 70
    return {"by": by, "made": made}


def _zone_row(found):
    [row] = [r for r in found["by_district"] if r["district"] == "140271"]
    return row


def test_development_zone_reads_65_of_70(session, zone):
    found = figures.resumption(session, on=DAY, scope=CITY)
    row = _zone_row(found)
    assert (row["above_scale_resumed"], row["above_scale_total"], row["above_scale_rate"]) == (65, 70, 92.9)
    assert (row["resumed"], row["partial"], row["stopped"], row["total"]) == (65, 5, 6, 71)
    assert row["rate"] == round(100 * 65 / 71, 1)  # 91.5
    [park] = found["by_park"]
    assert (park["name"], park["above_scale_total"]) == ("装备制造产业园", 35)


def test_one_status_change_moves_the_rate_to_the_hand_computed_value(session, zone):
    resumed = zone["made"][0]
    registry.set_status(session, resumed.id, actor=zone["by"], status="stopped", since=DAY)
    row = _zone_row(figures.resumption(session, on=DAY, scope=CITY))
    assert (row["above_scale_resumed"], row["above_scale_total"], row["above_scale_rate"]) == (64, 70, 91.4)
    # the day before is unchanged: statuses are kept as changes, not overwritten
    before = _zone_row(figures.resumption(session, on=date(2022, 11, 12), scope=CITY))
    assert before["above_scale_resumed"] == 65


def test_trend_counts_each_day_from_the_changes(session, zone):
    stopped = zone["made"][-1]
    registry.set_status(session, stopped.id, actor=zone["by"], status="resumed", since=date(2022, 11, 10))
    trend = {d["day"]: d for d in figures.resumption(session, on=DAY, scope=CITY, days=14)["trend"]}
    assert trend["2022-10-31"]["total"] == 0  # registered from 11-01
    assert (trend["2022-11-01"]["above_scale_resumed"], trend["2022-11-09"]["above_scale_resumed"]) == (65, 65)
    assert (trend["2022-11-10"]["above_scale_resumed"], trend["2022-11-13"]["above_scale_resumed"]) == (66, 66)
    assert trend["2022-11-13"]["above_scale_rate"] == 94.3


def test_a_change_between_two_changes_keeps_the_later_one(session, zone):
    e = zone["made"][0]
    registry.set_status(session, e.id, actor=zone["by"], status="stopped", since=date(2022, 11, 10))
    registry.set_status(session, e.id, actor=zone["by"], status="partial", staff_share=30, since=date(2022, 11, 5))
    assert registry.status_on(session, e.id, date(2022, 11, 4)).status == "resumed"
    assert registry.status_on(session, e.id, date(2022, 11, 7)).status == "partial"
    assert registry.status_on(session, e.id, date(2022, 11, 12)).status == "stopped"


def test_the_lists_behind_the_figures_have_the_same_totals(session, zone):
    items, total = registry.list_enterprises(session, scope=CITY, on=DAY, above_scale=True, resumed=True,
                                             per_page=200)
    assert total == len(items) == 65
    _, total = registry.list_enterprises(session, scope=CITY, on=DAY, above_scale=True, resumed=False)
    assert total == 5


def test_a_district_user_sees_only_their_district(session, zone):
    other = factories.place_chain(session, district_code="140213", district_name="平城区")
    assert other
    ef.enterprise(session, by=zone["by"], district="140213")
    pingcheng = figures.resumption(session, on=DAY, scope=parse_jurisdiction("140213"))
    assert [r["district"] for r in pingcheng["by_district"]] == ["140213"]
    assert pingcheng["total"]["above_scale_total"] == 1


def test_a_partly_resumed_status_needs_its_share_of_staff(session, zone):
    with pytest.raises(InvalidInput) as refused:
        registry.set_status(session, zone["made"][0].id, actor=zone["by"], status="partial", since=DAY)
    assert refused.value.code == "invalid_staff_share"
