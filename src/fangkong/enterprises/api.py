"""API of work resumption: enterprises and their statuses, construction sites and their testing compliance,
problems (一企一策), the board. Mounted under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.fields import Day
from fangkong.core.pagination import PageNumber, PageRequest, PageSize
from fangkong.core.permissions import ENTERPRISES_COORDINATE, ENTERPRISES_VIEW, ENTERPRISES_WRITE, Actor, require
from fangkong.enterprises import figures, problems, registry, sites
from fangkong.enterprises.schemas import (
    AssignIn, BoardOut, CloseIn, ClosedLoopIn, ComplianceOut, EnterpriseDetail, EnterpriseIn, EnterprisePage,
    HandleIn, NotSampledPage, ProblemIn, ProblemKind, ProblemOut, ProblemPage, RosterIn, RosterOut, RoundLinkIn,
    SiteDetail, SiteIn, SiteOut, Status, StatusIn, SweepOut, TicketLinkIn,
)

router = APIRouter(tags=["enterprises"])
DistrictCode = Query(None, max_length=6, description="GB/T 2260 district code")


def _enterprise(session: Session, enterprise_id: int, actor: Actor, on=None) -> dict:
    session.flush()
    return registry.enterprise_detail(session, enterprise_id, scope=actor.jurisdiction, on=on or clock.today())


@router.get("/enterprises", response_model=EnterprisePage)
def list_enterprises(on: Day | None = None, district: str | None = DistrictCode, above_scale: bool | None = None,
                     status: Status | None = None, resumed: bool | None = None,
                     park: str | None = Query(None, max_length=100), page: PageNumber = 1, per_page: PageSize = 50,
                     actor: Actor = Depends(require(ENTERPRISES_VIEW)), session: Session = SESSION):
    """Enterprises with their status on day `on` (default today); `resumed` = fully or partly resumed."""
    request = PageRequest(page, per_page)
    items, total = registry.list_enterprises(session, scope=actor.jurisdiction, on=on or clock.today(),
                                             district=district, above_scale=above_scale, status=status,
                                             resumed=resumed, park=park, page=request.page,
                                             per_page=request.per_page)
    return EnterprisePage(items=items, total=total, page=request.page, per_page=request.per_page)


@router.post("/enterprises", response_model=EnterpriseDetail, status_code=201)
def create_enterprise(body: EnterpriseIn, actor: Actor = Depends(require(ENTERPRISES_WRITE)),
                      session: Session = SESSION):
    """Register an enterprise (its credit code is checked) with its status from `since` (default today)."""
    enterprise = registry.register_enterprise(session, actor=actor, **body.model_dump())
    return _enterprise(session, enterprise.id, actor)


@router.get("/enterprises/board", response_model=BoardOut)
def board(on: Day | None = None, actor: Actor = Depends(require(ENTERPRISES_VIEW)),
          session: Session = SESSION):
    """Resumption rates by district and park with the trend, open problems by kind and age, site compliance."""
    return figures.board(session, on=on or clock.today(), scope=actor.jurisdiction)


@router.get("/enterprises/problems", response_model=ProblemPage)
def list_problems(kind: ProblemKind | None = None, overdue: bool = False, closed: bool = False,
                  page: PageNumber = 1, per_page: PageSize = 50, actor: Actor = Depends(require(ENTERPRISES_VIEW)),
                  session: Session = SESSION):
    """Open problems (with `closed`: all), soonest deadline first; `overdue`: past the deadline, not handled."""
    request = PageRequest(page, per_page)
    items, total = problems.list_problems(session, scope=actor.jurisdiction, kind=kind, overdue_only=overdue,
                                          open_only=not closed, page=request.page, per_page=request.per_page)
    return ProblemPage(items=items, total=total, page=request.page, per_page=request.per_page)


@router.post("/enterprises/problems", response_model=ProblemOut, status_code=201)
def raise_problem(body: ProblemIn, actor: Actor = Depends(require(ENTERPRISES_WRITE)),
                  session: Session = SESSION):
    """An enterprise's or a site's problem; its deadline follows the urgency."""
    problem = problems.raise_problem(session, actor=actor, **body.model_dump())
    return problems.problem_view(problem)


@router.post("/enterprises/problems/sweep", response_model=SweepOut)
def sweep(actor: Actor = Depends(require(ENTERPRISES_COORDINATE)), session: Session = SESSION):
    """Escalate overdue problems to their task force's lead, each once."""
    return problems.sweep(session, actor=actor)


@router.get("/enterprises/problems/{problem_id}", response_model=ProblemOut)
def get_problem(problem_id: RowId, actor: Actor = Depends(require(ENTERPRISES_VIEW)),
                session: Session = SESSION):
    return problems.get_problem(session, problem_id, scope=actor.jurisdiction)


@router.post("/enterprises/problems/{problem_id}/assign", response_model=ProblemOut)
def assign(problem_id: RowId, body: AssignIn, actor: Actor = Depends(require(ENTERPRISES_COORDINATE)),
           session: Session = SESSION):
    return problems.problem_view(problems.assign(session, problem_id, actor=actor, **body.model_dump()))


@router.post("/enterprises/problems/{problem_id}/handle", response_model=ProblemOut)
def handle(problem_id: RowId, body: HandleIn, actor: Actor = Depends(require(ENTERPRISES_COORDINATE)),
           session: Session = SESSION):
    return problems.problem_view(problems.handle(session, problem_id, actor=actor, handling=body.handling))


@router.post("/enterprises/problems/{problem_id}/close", response_model=ProblemOut)
def close(problem_id: RowId, body: CloseIn, actor: Actor = Depends(require(ENTERPRISES_COORDINATE)),
          session: Session = SESSION):
    """Close a handled problem with the enterprise's confirmation (409 before it is handled)."""
    return problems.problem_view(problems.close(session, problem_id, actor=actor, confirmed_by=body.confirmed_by))


@router.get("/enterprises/sites", response_model=list[SiteOut])
def list_sites(actor: Actor = Depends(require(ENTERPRISES_VIEW)), session: Session = SESSION):
    return registry.list_sites(session, scope=actor.jurisdiction)


@router.post("/enterprises/sites", response_model=SiteDetail, status_code=201)
def create_site(body: SiteIn, actor: Actor = Depends(require(ENTERPRISES_WRITE)),
                session: Session = SESSION):
    site = registry.register_site(session, actor=actor, **body.model_dump())
    session.flush()
    return sites.site_detail(session, site.id, scope=actor.jurisdiction)


@router.get("/enterprises/sites/not-sampled", response_model=NotSampledPage)
def not_sampled(page: PageNumber = 1, per_page: PageSize = 50, actor: Actor = Depends(require(ENTERPRISES_VIEW)),
                session: Session = SESSION):
    """Workers of every site's roster not sampled in their site's latest round."""
    request = PageRequest(page, per_page)
    items, total = sites.not_sampled_list(session, scope=actor.jurisdiction, page=request.page,
                                          per_page=request.per_page)
    return NotSampledPage(items=items, total=total, page=request.page, per_page=request.per_page)


@router.get("/enterprises/sites/{site_id}", response_model=SiteDetail)
def get_site(site_id: RowId, actor: Actor = Depends(require(ENTERPRISES_VIEW)),
             session: Session = SESSION):
    """The site with its roster, testing compliance in the latest round and gate checks (from tracing)."""
    return sites.site_detail(session, site_id, scope=actor.jurisdiction)


@router.get("/enterprises/sites/{site_id}/compliance", response_model=ComplianceOut)
def compliance(site_id: RowId, actor: Actor = Depends(require(ENTERPRISES_VIEW)),
               session: Session = SESSION):
    return sites.compliance(session, site_id, scope=actor.jurisdiction)


@router.post("/enterprises/sites/{site_id}/roster", response_model=RosterOut)
def site_roster(site_id: RowId, body: RosterIn, actor: Actor = Depends(require(ENTERPRISES_WRITE)),
                session: Session = SESSION):
    """Add workers by ID number (residents, looked up by MAC); unknown numbers are counted, not stored."""
    return registry.add_to_roster(session, actor=actor, site_id=site_id, id_numbers=body.id_numbers,
                                  living=body.living)


@router.post("/enterprises/sites/{site_id}/rounds", response_model=ComplianceOut)
def link_round(site_id: RowId, body: RoundLinkIn, actor: Actor = Depends(require(ENTERPRISES_WRITE)),
               session: Session = SESSION):
    """Link a lab sampling round that tests the site's workers (all-staff testing)."""
    sites.link_round(session, site_id, actor=actor, round_id=body.round_id)
    return sites.compliance(session, site_id, scope=actor.jurisdiction)


@router.get("/enterprises/{enterprise_id}", response_model=EnterpriseDetail)
def get_enterprise(enterprise_id: RowId, on: Day | None = None, actor: Actor = Depends(require(ENTERPRISES_VIEW)),
                   session: Session = SESSION):
    """The enterprise with its status history, closed-loop roster, problems and linked hotline tickets."""
    return _enterprise(session, enterprise_id, actor, on)


@router.post("/enterprises/{enterprise_id}/status", response_model=EnterpriseDetail)
def set_status(enterprise_id: RowId, body: StatusIn, actor: Actor = Depends(require(ENTERPRISES_WRITE)),
               session: Session = SESSION):
    """The status from `since` on (until the next recorded change)."""
    registry.set_status(session, enterprise_id, actor=actor, **body.model_dump())
    return _enterprise(session, enterprise_id, actor, body.since)


@router.post("/enterprises/{enterprise_id}/closed-loop", response_model=EnterpriseDetail)
def closed_loop(enterprise_id: RowId, body: ClosedLoopIn, actor: Actor = Depends(require(ENTERPRISES_WRITE)),
                session: Session = SESSION):
    registry.set_closed_loop(session, enterprise_id, actor=actor, **body.model_dump())
    return _enterprise(session, enterprise_id, actor)


@router.post("/enterprises/{enterprise_id}/roster", response_model=RosterOut)
def enterprise_roster(enterprise_id: RowId, body: RosterIn, actor: Actor = Depends(require(ENTERPRISES_WRITE)),
                      session: Session = SESSION):
    """Add staff of the closed loop by ID number (residents, looked up by MAC)."""
    return registry.add_to_roster(session, actor=actor, enterprise_id=enterprise_id, id_numbers=body.id_numbers,
                                  living=body.living)


@router.post("/enterprises/{enterprise_id}/tickets", response_model=EnterpriseDetail)
def link_ticket(enterprise_id: RowId, body: TicketLinkIn, actor: Actor = Depends(require(ENTERPRISES_WRITE)),
                session: Session = SESSION):
    """Link a 12345 ticket from the enterprise: it shows on the enterprise's page."""
    registry.link_ticket(session, enterprise_id, actor=actor, ticket_id=body.ticket_id)
    return _enterprise(session, enterprise_id, actor)
