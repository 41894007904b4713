"""一企一策: a problem is raised, assigned, handled and closed on the enterprise's confirmation; an overdue
one escalates to its task force's lead exactly once (audited); invalid credit codes are refused clearly."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

import enterprises_factories as ef
import factories
from fangkong.config import reset_settings
from fangkong.core.audit import AuditEvent
from fangkong.core.errors import DomainError, InvalidInput
from fangkong.core.jurisdiction import CITY
from fangkong.enterprises import problems, registry


@pytest.fixture
def leads():
    os.environ["FANGKONG_ENTERPRISES_TASK_FORCE_LEADS"] = '{"supplies": "lead-wang", "coordination": "lead-li"}'
    reset_settings()
    yield
    os.environ.pop("FANGKONG_ENTERPRISES_TASK_FORCE_LEADS", None)
    reset_settings()


@pytest.fixture
def crane(session, set_clock):
    set_clock("2022-11-13T09:00")
    ef.district(session)
    by = factories.actor(session, role="coordination")
    return {"by": by, "enterprise": ef.enterprise(session, by=by, name="大同起重机厂")}


def test_the_loop_closes_only_with_the_enterprises_confirmation(session, crane):
    p = ef.problem(session, by=crane["by"], enterprise_id=crane["enterprise"].id)
    assert (p.state, p.task_force) == ("raised", "supplies")  # energy/gas stocks go to supplies by default
    with pytest.raises(DomainError) as refused:
        problems.close(session, p.id, actor=crane["by"], confirmed_by="张经理")
    assert refused.value.status == 409
    problems.assign(session, p.id, actor=crane["by"], task_force="supplies", owner="王科长")
    problems.handle(session, p.id, actor=crane["by"], handling="协调气源企业配送丙烷两车")
    with pytest.raises(InvalidInput):
        problems.close(session, p.id, actor=crane["by"], confirmed_by=" ")
    closed = problems.close(session, p.id, actor=crane["by"], confirmed_by="张经理")
    assert (closed.state, closed.confirmed_by) == ("closed", "张经理")


def test_the_deadline_follows_the_urgency_setting(session, crane):
    urgent = ef.problem(session, by=crane["by"], enterprise_id=crane["enterprise"].id, urgency="urgent")
    normal = ef.problem(session, by=crane["by"], enterprise_id=crane["enterprise"].id, urgency="normal")
    assert (urgent.due_at - urgent.raised_at).total_seconds() == 24 * 3600
    assert (normal.due_at - normal.raised_at).total_seconds() == 72 * 3600


def test_an_overdue_problem_escalates_to_the_lead_exactly_once(session, crane, set_clock, leads):
    late = ef.problem(session, by=crane["by"], enterprise_id=crane["enterprise"].id, urgency="urgent")
    ef.problem(session, by=crane["by"], enterprise_id=crane["enterprise"].id, urgency="normal")  # not yet due
    set_clock("2022-11-14T09:01")  # 24 h and a minute later
    assert problems.sweep(session, actor=crane["by"]) == {"escalated": 1}
    assert problems.sweep(session, actor=crane["by"]) == {"escalated": 0}
    session.refresh(late)
    assert late.escalated_to == "lead-wang"
    audited = session.scalars(select(AuditEvent).where(AuditEvent.action == "problem.escalate")).all()
    assert [(a.object_id, a.after["lead"]) for a in audited] == [(str(late.id), "lead-wang")]
    set_clock("2022-11-20T09:00")  # the normal one is late now; the first is not escalated again
    assert problems.sweep(session, actor=crane["by"]) == {"escalated": 1}
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "problem.escalate")) == 2


def test_a_handled_problem_is_not_overdue(session, crane, set_clock):
    p = ef.problem(session, by=crane["by"], enterprise_id=crane["enterprise"].id, urgency="critical")
    problems.assign(session, p.id, actor=crane["by"], task_force="supplies", owner="王科长")
    problems.handle(session, p.id, actor=crane["by"], handling="已办")
    set_clock("2022-11-14T09:00")
    assert problems.sweep(session, actor=crane["by"]) == {"escalated": 0}
    _, total = problems.list_problems(session, scope=CITY, overdue_only=True)
    assert total == 0


@pytest.mark.parametrize("code, reason", [
    ("91140200MA0K12345", "must have 18 characters"),
    ("91140200MA0K12345I", "must be 18 digits or capital letters"),
])
def test_an_invalid_credit_code_is_refused_with_a_clear_message(session, crane, code, reason):
    with pytest.raises(InvalidInput) as refused:
        registry.register_enterprise(session, actor=crane["by"], name="某公司", credit_code=code, industry="",
                                     district="140271")
    assert refused.value.code == "invalid_credit_code" and reason in refused.value.message


def test_a_wrong_check_character_is_named(session, crane):
    good = ef.credit_code(4242)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as refused:
        registry.register_enterprise(session, actor=crane["by"], name="某公司", credit_code=bad, industry="",
                                     district="140271")
    assert refused.value.message == "credit_code: check character does not match (GB 32100)"
