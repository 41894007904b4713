"""A positive ten-in-one tube: its ten people flagged with ten re-sampling tasks in the same transaction;
single-tube re-samples resolve them: one positive registers one case, the nine negatives are cleared."""

from __future__ import annotations

from sqlalchemy import func, select

import factories
import lab_factories as lf
from fangkong.lab.models import LabDay, ResampleTask, Sample
from fangkong.lab.queries import positive_pools
from fangkong.core.jurisdiction import CITY
from fangkong.people.case_models import Case
from fangkong.zones.models import ZoneInfection




def test_positive_pool_flags_ten_people_and_resamples_resolve_them(session):
    w = lf.world(session)
    numbers = [factories.id_number(birth="19850101", seq=100 + i) for i in range(10)]
    infected = factories.resident(session, unit=w["unit"], by=w["actor"], id_number=numbers[3], name="病例丙")
    report = lf.sample(session, w, [lf.record("T0000001", n, point=w["point"]) for n in numbers])
    assert (report.inserted, report.refused) == (10, [])

    # the positive result and the ten tasks are one unit of work: roll it back, nothing of either stays
    savepoint = session.begin_nested()
    answer = lf.result(session, w, "T0000001", "positive", ct=27.1)
    assert answer.inserted == 1
    assert session.scalar(select(func.count()).select_from(ResampleTask)) == 10
    savepoint.rollback()
    assert session.scalar(select(func.count()).select_from(ResampleTask)) == 0

    lf.result(session, w, "T0000001", "positive", at="2022-11-12T14:00", ct=27.1)
    tasks = session.scalars(select(ResampleTask).order_by(ResampleTask.id)).all()
    assert len(tasks) == 10 and {t.state for t in tasks} == {"pending"}
    assert {t.reason for t in tasks} == {"positive_pool"} and {t.source_barcode for t in tasks} == {"T0000001"}
    assert [t.resident_id for t in tasks if t.resident_id] == [infected.id]  # the one known resident
    assert {t.community_id for t in tasks} == {lf.community_of(session, w["unit"])}
    [pool] = positive_pools(session, CITY)
    assert (pool["people"], pool["resampled"], pool["all_resampled"]) == (10, 0, False)

    # single tubes at home the same evening: the person twice in the round is now allowed, in a single tube
    pooled_again = lf.sample(session, w, [lf.record("R0000099", numbers[0], point=w["point"], pool=10,
                                                    at="2022-11-12T18:00")])
    assert pooled_again.refused[0]["code"] == "person_twice"
    singles = [lf.record(f"R{i:07d}", n, point=w["point"], pool=1, at=f"2022-11-12T{16 + i // 5}:{(i % 5) * 10:02d}")
               for i, n in enumerate(numbers)]
    assert lf.sample(session, w, singles).inserted == 10
    assert lf.sample(session, w, singles).duplicates == 10  # re-sent: nothing changes
    assert session.scalar(select(func.count()).select_from(Sample).where(Sample.attempt == 1)) == 10
    [pool] = positive_pools(session, CITY)
    # first task opened 14:00 (the result), last re-sample 17:40: 220 minutes
    assert (pool["resampled"], pool["all_resampled"], pool["minutes_to_all_resampled"]) == (10, True, 220)

    cases_before = session.scalar(select(func.count()).select_from(Case))
    for i in range(10):
        lf.result(session, w, f"R{i:07d}", "positive" if i == 3 else "negative", at="2022-11-12T22:00")
    states = {t.resident_id: t.state for t in session.scalars(select(ResampleTask))}
    assert sorted(session.scalars(select(ResampleTask.state))) == ["cleared"] * 9 + ["positive"]
    assert states[infected.id] == "positive"
    case = session.scalar(select(Case).where(Case.resident_id == infected.id))
    assert case is not None and case.source == "lab" and str(case.reported_on) == "2022-11-12"
    assert session.scalar(select(func.count()).select_from(Case)) == cases_before + 1
    assert session.scalar(select(ResampleTask.case_id).where(ResampleTask.resident_id == infected.id)) == case.id
    # the case proposes its zone (zones.flows)
    assert session.scalar(select(func.count()).select_from(ZoneInfection).where(ZoneInfection.case_id == case.id)) >= 1
    day = session.get(LabDay, (w["lab"].id, lf.t("2022-11-12T00:00").date()))
    assert (day.received, day.tested, day.positive) == (11, 11, 2)


def test_invalid_tube_opens_resampling_without_confining_and_a_positive_single_tube_is_a_case(session):
    w = lf.world(session)
    resident_number = factories.id_number(seq=7)
    resident = factories.resident(session, unit=w["unit"], by=w["actor"], id_number=resident_number)
    numbers = [factories.id_number(birth="19600101", seq=i) for i in range(5)]
    lf.sample(session, w, [lf.record("V1", n, point=w["point"], pool=5) for n in numbers]
              + [lf.record("S1", resident_number, point=w["clinic"], pool=1)])
    lf.result(session, w, "V1", "invalid")
    assert sorted(session.scalars(select(ResampleTask.reason))) == ["invalid"] * 5
    lf.result(session, w, "S1", "positive")
    assert session.scalar(select(Case.id).where(Case.resident_id == resident.id)) is not None
    assert session.scalar(select(func.count()).select_from(ResampleTask).where(ResampleTask.reason == "positive_pool")) == 0
