"""The supervision board: open items by source, overdue rectifications, a group's finding, closure.

Forms post back to the board; a refusal shows on it with its status and changes nothing.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.dates import parse_day
from fangkong.core.errors import DomainError
from fangkong.core.permissions import INSPECTION_READ, INSPECTION_WRITE, Actor, require
from fangkong.inspection import service
from fangkong.web.templating import render

router = APIRouter(include_in_schema=False)


def _board(request: Request, session: Session, actor: Actor, *, problem=None, done=None) -> Response:
    open_items, total, by_source = service.list_items(session, scope=actor.jurisdiction, state="open", per_page=200)
    closed, _, _ = service.list_items(session, scope=actor.jurisdiction, state="closed", per_page=20)
    context = {"open_items": open_items, "open_total": total, "by_source": by_source, "closed": closed,
               "problem": problem, "done": done, "may_write": actor.may(INSPECTION_WRITE)}
    return render(request, "inspection/board.html", context, status=problem.status if problem else 200,
                  user=actor.user, active="inspection")


def _attempt(request: Request, session: Session, actor: Actor, act, done: str) -> Response:
    try:
        with session.begin_nested():
            act()
    except DomainError as problem:
        return _board(request, session, actor, problem=problem)
    return _board(request, session, actor, done=done)


@router.get("/inspection")
def board_page(request: Request, actor: Actor = Depends(require(INSPECTION_READ)),
               session: Session = SESSION) -> Response:
    return _board(request, session, actor)


@router.post("/inspection/collect")
def collect_form(request: Request, actor: Actor = Depends(require(INSPECTION_WRITE)),
                 session: Session = SESSION) -> Response:
    return _attempt(request, session, actor, lambda: service.collect(session, actor=actor), "collected")


@router.post("/inspection/findings")
def finding_form(request: Request, group_no: int = Form(1), place: str = Form(""), problem: str = Form(""),
                 responsible_unit: str = Form(""), deadline: str = Form(""),
                 actor: Actor = Depends(require(INSPECTION_WRITE)), session: Session = SESSION) -> Response:
    def act():
        service.record_finding(session, group_no=group_no, place=place, problem=problem,
                               responsible_unit=responsible_unit, deadline=parse_day(deadline, "deadline"), actor=actor)
    return _attempt(request, session, actor, act, "recorded")


@router.post("/inspection/items/{item_id}/close")
def close_form(item_id: RowId, request: Request, note: str = Form(""),
               actor: Actor = Depends(require(INSPECTION_WRITE)), session: Session = SESSION) -> Response:
    service.get_item(session, item_id, scope=actor.jurisdiction)  # another jurisdiction's item: 404
    return _attempt(request, session, actor, lambda: service.close_item(session, item_id, note=note, actor=actor),
                    "closed")
