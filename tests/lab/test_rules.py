"""Sampling rules of rules.md §3 with hand-computed cases: pool sizes of the pack and no re-pooling,
single tubes for fever clinics, people under management and high-risk zones, mass testing reasons."""

from __future__ import annotations

import pytest

import factories
import lab_factories as lf
import zone_factories as zf
from fangkong.core.errors import DomainError
from fangkong.lab import rounds
from fangkong.lab.ids import id_number_problem
from fangkong.core.pii import id_number_problem as stdnum_problem


def _codes(report) -> list[tuple[int, str]]:
    return [(r["line"], r["code"]) for r in report.refused]


def test_pool_sizes_repooling_and_single_tube_groups(session):
    w = lf.world(session)
    managed_number = factories.id_number(seq=301)
    managed_resident = factories.resident(session, unit=w["unit"], by=w["actor"], id_number=managed_number)
    factories.managed(session, anchor="2022-11-10", resident_id=managed_resident.id, by=zf.actor(session, "prevention"))
    free = [factories.id_number(seq=400 + i) for i in range(6)]
    report = lf.sample(session, w, [
        lf.record("P30", free[0], point=w["point"], pool=30),  # 1: a 30-in-1 re-pool
        lf.record("P7", free[1], point=w["point"], pool=7),  # 2: not a pool size of the pack
        lf.record("F10", free[2], point=w["clinic"], pool=10),  # 3: fever clinic: single tube only
        lf.record("M10", managed_number, point=w["point"], pool=10),  # 4: under management: single only
        lf.record("M1", managed_number, point=w["point"], pool=1),  # 5: fine
        lf.record("X20", free[3], point=w["point"], pool=20),  # 6: fine
        lf.record("X20", free[3], point=w["point"], pool=20),  # 7: the same again: a duplicate
        lf.record("X21", free[3], point=w["point"], pool=20),  # 8: the same person in another tube
        lf.record("E1", "", point=w["point"], pool=1) | {"id_number": None, "document_kind": "passport",
                                                        "document_number": "E1"},  # 9: too short
        lf.record("T1", free[4], point=w["point"], at="2022-11-13T10:00"),  # 10: after now (09:00)
        lf.record("T2", free[5], point=w["point"], at="2022-11-12T05:59"),  # 11: before the round started
    ])
    assert _codes(report) == [(1, "repooling_refused"), (2, "invalid_pool_size"), (3, "single_tube_required"),
                              (4, "single_tube_required"), (8, "person_twice"), (9, "invalid_document"),
                              (10, "time_in_future"), (11, "before_round")]
    assert (report.inserted, report.duplicates) == (2, 1)
    assert report.refused[0]["reason"] == "pool_size: 30-in-1 is a re-pool of pooled tubes, not validated"


def test_residents_of_a_high_risk_zone_are_single_tube(session):
    w = lf.world(session)
    zf.zone(session, unit=w["unit"], reported_on="2022-11-11")  # the case's unit: high risk from 11-11
    number = factories.id_number(seq=777)
    factories.resident(session, unit=w["unit"], by=w["actor"], id_number=number)
    report = lf.sample(session, w, [lf.record("H10", number, point=w["point"], pool=10)])
    assert _codes(report) == [(1, "single_tube_required")]
    assert lf.sample(session, w, [lf.record("H1", number, point=w["point"], pool=1)]).inserted == 1


def test_mass_testing_of_an_area_needs_a_pack_reason_or_an_override(session):
    commander = zf.actor(session, "commander")
    district = lf.world(session)["point"].district_id
    start = lf.t("2022-11-12T06:00")
    with pytest.raises(DomainError) as refused:
        rounds.create_round(session, actor=commander, name="全员", scope_kind="districts", scope_ids=[district],
                            reason="voluntary", starts_at=start)
    assert refused.value.code == "mass_testing_not_allowed" and refused.value.status == 409
    row = rounds.create_round(session, actor=commander, name="全员", scope_kind="city", reason="extent_unknown",
                              starts_at=start)
    assert (row.pack, row.priority, row.target_at) == ("measures20", "voluntary", lf.t("2022-11-13T06:00"))
    override = rounds.create_round(session, actor=commander, name="加测", scope_kind="districts", scope_ids=[district],
                                   reason="voluntary", starts_at=start, override_reason="区指挥部要求加测",
                                   override_approver="张区长")
    assert override.override_approver == "张区长"
    with pytest.raises(DomainError) as targeted:
        rounds.create_round(session, actor=commander, name="楼栋", scope_kind="zones", scope_ids=[1], reason="whim",
                            starts_at=start)
    assert targeted.value.code == "invalid_reason"
    district_actor = factories.actor(session, role="prevention", jurisdiction="140213")
    with pytest.raises(DomainError) as city:
        rounds.create_round(session, actor=district_actor, name="全市", scope_kind="city", reason="extent_unknown",
                            starts_at=start)
    assert city.value.status == 403


@pytest.mark.parametrize("number", ["140212199003070019", "11010519491231002X", "11010519491231002x",
                                    "110105194912310021", "1101051949123100", "A1010519491231002X",
                                    "110105194902300020", "990105194912310022", "99010519491231002X", "11010519491231002Y"])
def test_quick_id_check_gives_the_reasons_of_python_stdnum(number):
    assert id_number_problem(number.upper()) == stdnum_problem(number)
