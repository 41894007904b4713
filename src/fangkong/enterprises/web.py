"""Pages of work resumption: the board (ECharts trend, rates by district and park, open problems, sites'
testing compliance) with its Excel export, the lists behind the dashboard's figures, an enterprise's and a
site's page, and the problems' steps. Steps are form posts answered with the page; a refusal shows there
with its status and changes nothing (each runs in a savepoint).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.dates import parse_day
from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.errors import DomainError
from fangkong.core.permissions import (
    ENTERPRISES_COORDINATE, ENTERPRISES_VIEW, ENTERPRISES_WRITE, TASK_FORCES, Actor, require,
)
from fangkong.enterprises import export, figures, problems, registry, sites
from fangkong.enterprises.models import PROBLEM_KINDS, STATUSES, URGENCIES
from fangkong.people.export import xlsx_download
from fangkong.web.templating import render

router = APIRouter(include_in_schema=False)
DayText = Query("", max_length=10)


def _day(text: str) -> date:
    return parse_day(text, "on") or clock.today()


@router.get("/enterprises")
def board_page(request: Request, on: str = DayText, actor: Actor = Depends(require(ENTERPRISES_VIEW)),
               session: Session = SESSION) -> Response:
    day = _day(on)
    context = {"board": figures.board(session, on=day, scope=actor.jurisdiction), "on": day,
               "sites": registry.list_sites(session, scope=actor.jurisdiction),
               "may_coordinate": actor.may(ENTERPRISES_COORDINATE)}
    return render(request, "enterprises/board.html", context, user=actor.user, active="enterprises")


@router.get("/enterprises/board.xlsx")
def board_xlsx(request: Request, on: str = DayText, actor: Actor = Depends(require(ENTERPRISES_VIEW)),
               session: Session = SESSION) -> Response:
    day = _day(on)
    found = figures.board(session, on=day, scope=actor.jurisdiction)
    return xlsx_download(lambda out: export.write_board_xlsx(out, found), f"enterprises-{day.isoformat()}.xlsx")


@router.get("/enterprises/list")
def list_page(request: Request, on: str = DayText, district: str = Query("", max_length=6),
              above_scale: bool | None = None, resumed: bool | None = None,
              status: str = Query("", max_length=8), page: int = Query(1, ge=1, le=1_000_000),
              actor: Actor = Depends(require(ENTERPRISES_VIEW)), session: Session = SESSION) -> Response:
    day = _day(on)
    items, total = registry.list_enterprises(session, scope=actor.jurisdiction, on=day, district=district or None,
                                             above_scale=above_scale, resumed=resumed,
                                             status=status if status in STATUSES else None, page=page,
                                             per_page=100)
    return render(request, "enterprises/list.html", {"items": items, "total": total, "on": day, "page": page},
                  user=actor.user, active="enterprises")


def _problems_page(request: Request, session: Session, actor: Actor, *, overdue: bool = False, problem=None,
                   message: str | None = None) -> Response:
    items, total = problems.list_problems(session, scope=actor.jurisdiction, overdue_only=overdue, per_page=200)
    context = {"items": items, "total": total, "overdue": overdue, "problem": problem, "message": message,
               "may_coordinate": actor.may(ENTERPRISES_COORDINATE), "task_forces": TASK_FORCES}
    return render(request, "enterprises/problems.html", context, status=problem.status if problem else 200,
                  user=actor.user, active="enterprises")


@router.get("/enterprises/problems")
def problems_page(request: Request, overdue: bool = False, actor: Actor = Depends(require(ENTERPRISES_VIEW)),
                  session: Session = SESSION) -> Response:
    return _problems_page(request, session, actor, overdue=overdue)


@router.post("/enterprises/problems/sweep")
def sweep_form(request: Request, actor: Actor = Depends(require(ENTERPRISES_COORDINATE)),
               session: Session = SESSION) -> Response:
    report = problems.sweep(session, actor=actor)
    return _problems_page(request, session, actor, message=f"{report['escalated']}")


def _problem_step(request: Request, session: Session, actor: Actor, problem_id: int, act) -> Response:
    problems.get_problem(session, problem_id, scope=actor.jurisdiction)  # not visible: 404 first
    try:
        with session.begin_nested():
            act()
    except DomainError as problem:
        return _problems_page(request, session, actor, problem=problem)
    return _problems_page(request, session, actor)


@router.post("/enterprises/problems/{problem_id}/assign")
def assign_form(problem_id: RowId, request: Request, task_force: str = Form(""), owner: str = Form(""),
                actor: Actor = Depends(require(ENTERPRISES_COORDINATE)),
                session: Session = SESSION) -> Response:
    return _problem_step(request, session, actor, problem_id, lambda: problems.assign(
        session, problem_id, actor=actor, task_force=task_force, owner=owner))


@router.post("/enterprises/problems/{problem_id}/handle")
def handle_form(problem_id: RowId, request: Request, handling: str = Form(""),
                actor: Actor = Depends(require(ENTERPRISES_COORDINATE)),
                session: Session = SESSION) -> Response:
    return _problem_step(request, session, actor, problem_id, lambda: problems.handle(
        session, problem_id, actor=actor, handling=handling))


@router.post("/enterprises/problems/{problem_id}/close")
def close_form(problem_id: RowId, request: Request, confirmed_by: str = Form(""),
               actor: Actor = Depends(require(ENTERPRISES_COORDINATE)),
               session: Session = SESSION) -> Response:
    return _problem_step(request, session, actor, problem_id, lambda: problems.close(
        session, problem_id, actor=actor, confirmed_by=confirmed_by))


@router.get("/enterprises/sites/not-sampled")
def not_sampled_page(request: Request, actor: Actor = Depends(require(ENTERPRISES_VIEW)),
                     session: Session = SESSION) -> Response:
    items, total = sites.not_sampled_list(session, scope=actor.jurisdiction, page=1, per_page=200)
    return render(request, "enterprises/not_sampled.html", {"items": items, "total": total}, user=actor.user,
                  active="enterprises")


@router.get("/enterprises/sites/{site_id}")
def site_page(site_id: RowId, request: Request, actor: Actor = Depends(require(ENTERPRISES_VIEW)),
              session: Session = SESSION) -> Response:
    return render(request, "enterprises/site.html", {"site": sites.site_detail(session, site_id,
                                                                                 scope=actor.jurisdiction)},
                  user=actor.user, active="enterprises")


def _enterprise_page(request: Request, session: Session, actor: Actor, enterprise_id: int, *,
                     problem=None) -> Response:
    detail = registry.enterprise_detail(session, enterprise_id, scope=actor.jurisdiction, on=clock.today())
    context = {"e": detail, "problem": problem, "may_write": actor.may(ENTERPRISES_WRITE), "statuses": STATUSES,
               "kinds": PROBLEM_KINDS, "urgencies": URGENCIES, "today": clock.today()}
    return render(request, "enterprises/enterprise.html", context, status=problem.status if problem else 200,
                  user=actor.user, active="enterprises")


@router.get("/enterprises/{enterprise_id}")
def enterprise_page(enterprise_id: RowId, request: Request, actor: Actor = Depends(require(ENTERPRISES_VIEW)),
                    session: Session = SESSION) -> Response:
    return _enterprise_page(request, session, actor, enterprise_id)


def _enterprise_step(request: Request, session: Session, actor: Actor, enterprise_id: int, act) -> Response:
    registry.get_enterprise(session, enterprise_id, scope=actor.jurisdiction)
    try:
        with session.begin_nested():
            act()
    except DomainError as problem:
        return _enterprise_page(request, session, actor, enterprise_id, problem=problem)
    return _enterprise_page(request, session, actor, enterprise_id)


@router.post("/enterprises/{enterprise_id}/status")
def status_form(enterprise_id: RowId, request: Request, status: str = Form(""), since: str = Form(""),
                staff_share: str = Form(""), actor: Actor = Depends(require(ENTERPRISES_WRITE)),
                session: Session = SESSION) -> Response:
    def act():
        share = int(staff_share) if staff_share.strip().isdigit() else None
        registry.set_status(session, enterprise_id, actor=actor, status=status, staff_share=share,
                            since=parse_day(since, "since") or clock.today())
    return _enterprise_step(request, session, actor, enterprise_id, act)


@router.post("/enterprises/{enterprise_id}/problems")
def raise_form(enterprise_id: RowId, request: Request, kind: str = Form(""), urgency: str = Form("normal"),
               text: str = Form(""), actor: Actor = Depends(require(ENTERPRISES_WRITE)),
               session: Session = SESSION) -> Response:
    return _enterprise_step(request, session, actor, enterprise_id, lambda: problems.raise_problem(
        session, actor=actor, kind=kind, urgency=urgency, text=text, enterprise_id=enterprise_id))
