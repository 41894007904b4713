"""Pages of the 12345 hotline: the agents' board with the figures (ECharts), a ticket with its loop and the
steps the caller's role may take, and the figures as an Excel file.

Steps are plain form posts answered with the ticket page; a refusal (e.g. closing without a reply)
shows there with its status and changes nothing (each runs in a savepoint).
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import i18n
from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.errors import DomainError
from fangkong.core.pagination import MAX_PAGE
from fangkong.core.permissions import HOTLINE_HANDLE, HOTLINE_INTAKE, HOTLINE_READ, Actor, require
from fangkong.hotline import figures, intake, loop, queries
from fangkong.hotline.models import STATES
from fangkong.hotline.topics import topics
from fangkong.places.models import District
from fangkong.hotline.export import write_figures_xlsx
from fangkong.people.export import xlsx_download
from fangkong.web.templating import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50


@router.get("/hotline")
def board_page(request: Request, actor: Actor = Depends(require(HOTLINE_READ)),
               session: Session = SESSION) -> Response:
    return _board(request, session, actor)


def _board(request: Request, session: Session, actor: Actor, *, problem=None) -> Response:
    language = i18n.request_language(request)
    context = {"board": queries.board(session, actor=actor, lang=language),
               "figures": figures.figures(session, actor=actor, lang=language), "problem": problem,
               "may_intake": actor.may(HOTLINE_INTAKE), "topics": list(topics().values()), "lang": language,
               "districts": [(code, name) for code, name in session.execute(
                   select(District.code, District.name).order_by(District.code))
                   if actor.jurisdiction.covers_code(code)]}
    return render(request, "hotline/board.html", context, status=problem.status if problem else 200,
                  user=actor.user, active="hotline")


@router.post("/hotline/tickets")
def intake_form(request: Request, kind: str = Form(""), topic: str = Form(""), text: str = Form(""),
                urgency: str = Form("normal"), caller_name: str = Form(""), caller_phone: str = Form(""),
                address: str = Form(""), district: str = Form(""), actor: Actor = Depends(require(HOTLINE_INTAKE)),
                session: Session = SESSION) -> Response:
    """An agent takes a call: the new ticket's page, or the board with the refusal (nothing stored)."""
    try:
        with session.begin_nested():
            ticket = intake.take_in(session, kind=kind, channel="phone", topic=topic, text=text, urgency=urgency,
                                    caller_name=caller_name, caller_phone=caller_phone or None, address=address,
                                    district=district or None, actor=actor)
    except DomainError as problem:
        return _board(request, session, actor, problem=problem)
    return _ticket_page(request, session, actor, ticket.id)


@router.get("/hotline/figures.xlsx")
def figures_xlsx(request: Request, actor: Actor = Depends(require(HOTLINE_READ)),
                 session: Session = SESSION) -> Response:
    language = i18n.request_language(request)
    found = figures.figures(session, actor=actor, lang=language)
    return xlsx_download(lambda out: write_figures_xlsx(out, found, language), f"hotline-{found['end']}.xlsx")


def _ticket_page(request: Request, session: Session, actor: Actor, ticket_id: int, *, problem=None) -> Response:
    detail = queries.ticket_detail(session, ticket_id, actor=actor, lang=i18n.request_language(request))
    context = {"ticket": detail, "problem": problem, "may_intake": actor.may(HOTLINE_INTAKE),
               "may_handle": actor.may(HOTLINE_HANDLE)}
    return render(request, "hotline/ticket.html", context, status=problem.status if problem else 200,
                  user=actor.user, active="hotline")


@router.get("/hotline/tickets")
def tickets_page(request: Request, state: str = "", due: str = "", over_enforcement: str = "",
                 page: int = Query(1, ge=1, le=MAX_PAGE), actor: Actor = Depends(require(HOTLINE_READ)),
                 session: Session = SESSION) -> Response:
    """Tickets by state, due (soon, overdue) or over-enforcement: the lists behind the dashboard's figures."""
    filters = {"state": state if state in STATES else None, "due": due if due in ("soon", "overdue") else None,
               "over_enforcement": True if over_enforcement == "true" else None}
    items, total = queries.list_tickets(session, actor=actor, page=page, per_page=PER_PAGE,
                                        lang=i18n.request_language(request), **filters)
    query = urlencode({k: v for k, v in {"state": state, "due": due, "over_enforcement": over_enforcement}.items() if v})
    context = {"items": items, "total": total, "page": page, "pages": max(1, -(-total // PER_PAGE)), "query": query}
    return render(request, "hotline/tickets.html", context, user=actor.user, active="hotline")


@router.get("/hotline/tickets/{ticket_id}")
def ticket_page(ticket_id: RowId, request: Request, actor: Actor = Depends(require(HOTLINE_READ)),
                session: Session = SESSION) -> Response:
    return _ticket_page(request, session, actor, ticket_id)


def _step(request: Request, session: Session, actor: Actor, ticket_id: int, act) -> Response:
    queries.ticket_for(session, ticket_id, actor=actor)  # not visible: 404 before anything else
    try:
        with session.begin_nested():
            act()
    except DomainError as problem:
        return _ticket_page(request, session, actor, ticket_id, problem=problem)
    return _ticket_page(request, session, actor, ticket_id)


@router.post("/hotline/tickets/{ticket_id}/accept")
def accept_form(ticket_id: RowId, request: Request, actor: Actor = Depends(require(HOTLINE_HANDLE)),
                session: Session = SESSION) -> Response:
    return _step(request, session, actor, ticket_id, lambda: loop.accept(session, ticket_id, actor=actor))


@router.post("/hotline/tickets/{ticket_id}/send-back")
def send_back_form(ticket_id: RowId, request: Request, reason: str = Form(""),
                   actor: Actor = Depends(require(HOTLINE_HANDLE)), session: Session = SESSION) -> Response:
    """Not ours: back to the agents' queue; the handler lands on the board (the ticket is no longer theirs)."""
    queries.ticket_for(session, ticket_id, actor=actor)
    try:
        with session.begin_nested():
            loop.send_back(session, ticket_id, reason=reason, actor=actor)
    except DomainError as problem:
        return _ticket_page(request, session, actor, ticket_id, problem=problem)
    return _board(request, session, actor)


@router.post("/hotline/tickets/{ticket_id}/notes")
def note_form(ticket_id: RowId, request: Request, text: str = Form(""), actor: Actor = Depends(require(HOTLINE_HANDLE)),
              session: Session = SESSION) -> Response:
    return _step(request, session, actor, ticket_id, lambda: loop.note(session, ticket_id, text=text, actor=actor))


@router.post("/hotline/tickets/{ticket_id}/reply")
def reply_form(ticket_id: RowId, request: Request, text: str = Form(""), actor: Actor = Depends(require(HOTLINE_HANDLE)),
               session: Session = SESSION) -> Response:
    return _step(request, session, actor, ticket_id, lambda: loop.reply(session, ticket_id, text=text, actor=actor))


@router.post("/hotline/tickets/{ticket_id}/close")
def close_form(ticket_id: RowId, request: Request, actor: Actor = Depends(require(HOTLINE_INTAKE)),
               session: Session = SESSION) -> Response:
    return _step(request, session, actor, ticket_id, lambda: loop.close(session, ticket_id, actor=actor))


@router.post("/hotline/tickets/{ticket_id}/visit")
def visit_form(ticket_id: RowId, request: Request, satisfaction: str = Form(""),
               actor: Actor = Depends(require(HOTLINE_INTAKE)), session: Session = SESSION) -> Response:
    return _step(request, session, actor, ticket_id,
                 lambda: loop.visit(session, ticket_id, satisfaction=satisfaction, actor=actor))
