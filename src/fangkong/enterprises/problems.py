"""一企一策: problems raised by enterprises and sites, assigned to a task force with an owner and a deadline,
handled, and closed once the enterprise confirms. The deadline follows the urgency
(Settings.enterprises_problem_hours). The sweep escalates each overdue problem exactly once, to the lead of
its task force (Settings.enterprises_task_force_leads: task force → username), and audits it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fangkong.config import get_settings
from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.permissions import TASK_FORCES
from fangkong.enterprises.models import LATE_STATES, PROBLEM_KINDS, URGENCIES, Problem
from fangkong.enterprises.registry import district_within, get_enterprise, get_site

# the task force a kind of problem goes to unless the assigner chooses another (organization, not policy)
DEFAULT_TASK_FORCE = {"logistics": "coordination", "raw_material": "supplies", "energy": "supplies",
                      "staff": "coordination", "living_supplies": "supplies", "other": "coordination"}


def _get(session: Session, problem_id: int, scope: Jurisdiction) -> Problem:
    found = session.scalar(select(Problem).where(Problem.id == problem_id, district_within(scope, Problem.district_id)))
    if found is None:
        raise NotFound("problem")
    return found


def _state(problem: Problem, *allowed: str) -> None:
    if problem.state not in allowed:
        raise DomainError("wrong_state", f"the problem is {problem.state}; this step needs {' or '.join(allowed)}",
                          status=409, details={"state": problem.state})


def deadline_hours(urgency: str) -> int:
    return get_settings().enterprises_problem_hours[urgency]


def raise_problem(session: Session, *, actor, kind: str, urgency: str, text: str, enterprise_id: int | None = None,
                  site_id: int | None = None) -> Problem:
    if kind not in PROBLEM_KINDS:
        raise InvalidInput("invalid_kind", f"kind: one of {', '.join(PROBLEM_KINDS)}", details={"field": "kind"})
    if urgency not in URGENCIES:
        raise InvalidInput("invalid_urgency", f"urgency: one of {', '.join(URGENCIES)}", details={"field": "urgency"})
    text = (text or "").strip()
    if not text:
        raise InvalidInput("required", "text: describe the problem", details={"field": "text"})
    if (enterprise_id is None) == (site_id is None):
        raise InvalidInput("enterprise_or_site", "give an enterprise or a construction site (one of them)",
                           details={"field": "enterprise_id"})
    owner = (get_enterprise(session, enterprise_id, scope=actor.jurisdiction) if enterprise_id is not None
             else get_site(session, site_id, scope=actor.jurisdiction))
    now = clock.now()
    problem = Problem(enterprise_id=enterprise_id, site_id=site_id, district_id=owner.district_id, kind=kind,
                      urgency=urgency, text=text, state="raised",
                      task_force="construction_sites" if site_id is not None else DEFAULT_TASK_FORCE[kind],
                      raised_at=now, raised_on=clock.today(), due_at=now + timedelta(hours=deadline_hours(urgency)))
    session.add(problem)
    session.flush()
    audit.record(session, actor=actor, action="problem.raise", object_type="enterprise_problem", object_id=problem.id,
                 after={"kind": kind, "urgency": urgency, "enterprise_id": enterprise_id, "site_id": site_id,
                        "due_at": problem.due_at.isoformat()})
    return problem


def assign(session: Session, problem_id: int, *, actor, task_force: str, owner: str, due_at=None) -> Problem:
    problem = _get(session, problem_id, actor.jurisdiction)
    _state(problem, "raised", "assigned")
    if task_force not in TASK_FORCES:
        raise InvalidInput("invalid_task_force", f"task_force: one of {', '.join(TASK_FORCES)}",
                           details={"field": "task_force"})
    owner = (owner or "").strip()
    if not owner:
        raise InvalidInput("required", "owner: name who handles it", details={"field": "owner"})
    before = {"state": problem.state, "task_force": problem.task_force, "owner": problem.owner}
    problem.task_force, problem.owner, problem.state = task_force, owner, "assigned"
    if due_at is not None:
        problem.due_at = clock.aware(due_at)
    session.flush()
    audit.record(session, actor=actor, action="problem.assign", object_type="enterprise_problem",
                 object_id=problem.id, before=before,
                 after={"task_force": task_force, "owner": owner, "due_at": clock.aware(problem.due_at).isoformat()})
    return problem


def handle(session: Session, problem_id: int, *, actor, handling: str) -> Problem:
    problem = _get(session, problem_id, actor.jurisdiction)
    _state(problem, "assigned")
    handling = (handling or "").strip()
    if not handling:
        raise InvalidInput("required", "handling: say what was done", details={"field": "handling"})
    problem.state, problem.handling, problem.handled_at = "handled", handling, clock.now()
    session.flush()
    audit.record(session, actor=actor, action="problem.handle", object_type="enterprise_problem",
                 object_id=problem.id, after={"handling": handling})
    return problem


def close(session: Session, problem_id: int, *, actor, confirmed_by: str) -> Problem:
    """Closed only with the enterprise's confirmation (who confirmed it)."""
    problem = _get(session, problem_id, actor.jurisdiction)
    _state(problem, "handled")
    confirmed_by = (confirmed_by or "").strip()
    if not confirmed_by:
        raise InvalidInput("confirmation_required", "confirmed_by: the enterprise's contact who confirmed",
                           details={"field": "confirmed_by"})
    problem.state, problem.confirmed_by, problem.closed_at = "closed", confirmed_by, clock.now()
    session.flush()
    audit.record(session, actor=actor, action="problem.close", object_type="enterprise_problem",
                 object_id=problem.id, after={"confirmed_by": confirmed_by})
    return problem


def overdue(now):
    return Problem.state.in_(LATE_STATES) & (Problem.due_at < now)


def sweep(session: Session, *, actor) -> dict:
    """Escalate every overdue problem not escalated yet to its task force's lead; idempotent."""
    now = clock.now()
    leads = get_settings().enterprises_task_force_leads
    rows = session.execute(select(Problem.id, Problem.task_force).where(overdue(now), Problem.escalated_at.is_(None))
                           .order_by(Problem.id)).all()
    for problem_id, task_force in rows:
        lead = leads.get(task_force or "")
        done = session.execute(update(Problem).where(Problem.id == problem_id, Problem.escalated_at.is_(None))
                               .values(escalated_at=now, escalated_to=lead or task_force)
                               .execution_options(synchronize_session=False))
        if done.rowcount:
            audit.record(session, actor=actor, action="problem.escalate", object_type="enterprise_problem",
                         object_id=problem_id, after={"task_force": task_force, "lead": lead})
    session.expire_all()
    return {"escalated": len(rows)}


def problem_view(p: Problem, now=None) -> dict:
    now = now or clock.now()
    due = clock.aware(p.due_at)
    return {"id": p.id, "enterprise_id": p.enterprise_id, "site_id": p.site_id, "kind": p.kind, "urgency": p.urgency,
            "text": p.text, "state": p.state, "task_force": p.task_force, "owner": p.owner,
            "raised_at": clock.aware(p.raised_at), "due_at": due, "overdue": p.state in LATE_STATES and due < now,
            "handling": p.handling, "handled_at": clock.aware(p.handled_at), "closed_at": clock.aware(p.closed_at),
            "confirmed_by": p.confirmed_by, "escalated_at": clock.aware(p.escalated_at),
            "escalated_to": p.escalated_to}


def problems_of(session: Session, *, enterprise_id: int | None = None, site_id: int | None = None) -> list[dict]:
    column, value = ((Problem.enterprise_id, enterprise_id) if enterprise_id is not None
                     else (Problem.site_id, site_id))
    return [problem_view(p) for p in session.scalars(select(Problem).where(column == value).order_by(Problem.id))]


def problem_conditions(scope: Jurisdiction, *, open_only: bool = True, kind: str | None = None,
                       overdue_only: bool = False) -> list:
    conditions = [district_within(scope, Problem.district_id)]
    if open_only:
        conditions.append(Problem.state != "closed")
    if kind:
        conditions.append(Problem.kind == kind)
    if overdue_only:
        conditions.append(overdue(clock.now()))
    return conditions


def list_problems(session: Session, *, scope: Jurisdiction, page: int = 1, per_page: int = 50,
                  **filters) -> tuple[list[dict], int]:
    conditions = problem_conditions(scope, **filters)
    total = session.scalar(select(func.count()).select_from(Problem).where(*conditions)) or 0
    rows = session.scalars(select(Problem).where(*conditions).order_by(Problem.due_at, Problem.id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return [problem_view(p) for p in rows], total


def get_problem(session: Session, problem_id: int, *, scope: Jurisdiction) -> dict:
    return problem_view(_get(session, problem_id, scope))
