"""The board's open problems by kind and age, hand-counted."""

from __future__ import annotations

import enterprises_factories as ef
import factories
from fangkong.core.jurisdiction import CITY
from fangkong.enterprises import figures, problems


def test_open_problems_by_kind_and_age(session, set_clock):
    set_clock("2022-11-03T09:00")
    ef.district(session)
    by = factories.actor(session, role="coordination")
    company = ef.enterprise(session, by=by)
    ef.problem(session, by=by, enterprise_id=company.id, kind="energy")  # 10 days old on 11-13
    set_clock("2022-11-11T09:00")
    ef.problem(session, by=by, enterprise_id=company.id, kind="energy")  # 2 days
    done = ef.problem(session, by=by, enterprise_id=company.id, kind="staff")
    problems.assign(session, done.id, actor=by, task_force="coordination", owner="李")
    problems.handle(session, done.id, actor=by, handling="已办")
    problems.close(session, done.id, actor=by, confirmed_by="张")  # closed: not counted
    set_clock("2022-11-13T09:00")
    ef.problem(session, by=by, enterprise_id=company.id, kind="logistics")  # today
    found = figures.open_problems(session, scope=CITY)
    by_kind = {k["kind"]: k for k in found["by_kind"]}
    assert found["total"] == 3
    assert (by_kind["energy"]["total"], by_kind["energy"]["age_2_3"], by_kind["energy"]["age_8_plus"]) == (2, 1, 1)
    assert (by_kind["logistics"]["age_0_1"], by_kind["staff"]["total"]) == (1, 0)
    assert found["overdue"] == 2  # the 10-day and the 2-day urgent ones (24 h)
