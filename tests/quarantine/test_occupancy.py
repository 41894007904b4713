"""Occupancy from the plans and the forecast under another pack, against hand-computed days and the policy
switch's dry run (clock 2022-11-13 09:00, window 11-13 … 11-26).

Under ed9 a close contact anchored 11-09 is centralized 11-10 … 11-16; switched to measures20 from
11-13 it stays 11-10 … 11-14 (5 days from the anchor). Anchored 11-12: ed9 11-13 … 11-19,
measures20 11-13 … 11-17.
"""

from __future__ import annotations

from datetime import date

import quarantine_factories as qf
from fangkong.core.jurisdiction import CITY
from fangkong.people.switch import switch_policy
from fangkong.quarantine import service

SCOPE = service.CITY_SCOPE
Z = [0] * 14


def _days(*values: tuple[int, int]) -> list[int]:
    """A 14-day curve from (day of November, places) pairs, starting 11-13."""
    curve = list(Z)
    for day, places in values:
        curve[day - 13] = places
    return curve


def _world(session):
    """Site 一 holds two ed9 contacts of 11-09, site 二 one ed9 contact of 11-12; one more of 11-12 waits."""
    by = qf.commander(session)
    first = qf.site(session, name="大同宾馆", rooms=((1, 2),))
    second = qf.site(session, name="云冈国际酒店", district="140214", rooms=((1, 1),))
    early = [qf.waiting(session, anchor="2022-11-09", pack="ed9") for _ in range(2)]
    late = [qf.waiting(session, anchor="2022-11-12", pack="ed9") for _ in range(2)]
    service.assign(session, actor=by, scope=SCOPE, person_ids=[p.id for p in early],
                   room_id=qf.rooms_of(session, first.id)["101"])
    service.assign(session, actor=by, scope=SCOPE, person_ids=[late[0].id],
                   room_id=qf.rooms_of(session, second.id)["101"])
    return first, second


def test_occupancy_per_day_from_the_plans(session):
    first, second = _world(session)
    result = service.occupancy(session, scope=SCOPE, start=date(2022, 11, 13))
    sites = {row["site_id"]: row for row in result["sites"]}
    assert sites[first.id]["current"] == _days(*((d, 2) for d in range(13, 17)))
    assert sites[second.id]["current"] == _days(*((d, 1) for d in range(13, 20)))
    assert result["unassigned"]["current"] == _days(*((d, 1) for d in range(13, 20)))
    assert result["city"]["current"] == _days((13, 4), (14, 4), (15, 4), (16, 4), (17, 2), (18, 2), (19, 2))
    assert (result["beds"], result["occupied"]) == (3, 3)
    # tomorrow (11-14) nobody's centralized phase is over yet
    assert result["tomorrow"] == {"day": date(2022, 11, 14), "arriving": 0, "departing": 0, "rooms_freed": 0}
    on_16 = service.occupancy(session, scope=SCOPE, start=date(2022, 11, 16))
    assert {r["site_id"]: (r["departing"], r["rooms_freed"]) for r in on_16["sites"]} == {
        first.id: (2, 1), second.id: (0, 0)}


def test_forecast_under_measures20_by_site_and_equal_to_the_dry_run(session):
    first, second = _world(session)
    result = service.forecast(session, scope=SCOPE, pack_id="measures20", effective=date(2022, 11, 13),
                              start=date(2022, 11, 13))
    sites = {row["site_id"]: row for row in result["sites"]}
    assert sites[first.id]["other"] == _days((13, 2), (14, 2))
    assert sites[second.id]["other"] == _days(*((d, 1) for d in range(13, 18)))
    assert result["unassigned"]["other"] == _days(*((d, 1) for d in range(13, 18)))
    assert result["freed"] == _days((15, 2), (16, 2), (18, 2), (19, 2))
    report = switch_policy(session, to_pack_id="measures20", effective=date(2022, 11, 13), dry_run=True, scope=CITY)
    assert result["freed"] == [report.freed_centralized[day] for day in result["days"]]


def test_a_pack_not_in_force_is_refused(session):
    import pytest

    from fangkong.core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        service.forecast(session, scope=SCOPE, pack_id="ed9", effective=date(2022, 11, 13))
    assert (caught.value.code, caught.value.status) == ("pack_not_in_force", 409)
