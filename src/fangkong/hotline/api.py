"""API of the 12345 hotline: tickets and their loop, the board, figures, the sweep. Mounted under /api/v1."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.fields import Day
from fangkong.core.pagination import PageNumber, PageRequest, PageSize
from fangkong.core.permissions import HOTLINE_HANDLE, HOTLINE_INTAKE, HOTLINE_READ, Actor, require
from fangkong.hotline import figures as hotline_figures
from fangkong.hotline import intake, loop, queries, sweep
from fangkong.hotline.schemas import (
    BoardOut, CallerOut, DispatchIn, FiguresOut, ReasonIn, SentBackOut, State, SweepOut, TextIn, TicketDetail, TicketIn,
    TicketPage, TopicOut, VisitIn,
)
from fangkong.hotline.topics import topics

router = APIRouter(tags=["hotline"])
Language = Literal["zh", "en"]


def _detail(session: Session, ticket_id: int, actor: Actor) -> dict:
    session.flush()
    return queries.ticket_detail(session, ticket_id, actor=actor)


@router.get("/hotline/topics", response_model=list[TopicOut])
def list_topics(lang: Language = "zh", actor: Actor = Depends(require(HOTLINE_READ))):
    return [{"code": t.code, "parent": t.parent, "name": t.name(lang), "over_enforcement": t.over_enforcement}
            for t in topics().values()]


@router.post("/hotline/tickets", response_model=TicketDetail, status_code=201)
def create_ticket(body: TicketIn, actor: Actor = Depends(require(HOTLINE_INTAKE)),
                  session: Session = SESSION):
    """Take a ticket in: routed and dispatched by the routing rules, or refused (recorded) when out of scope."""
    ticket = intake.take_in(session, actor=actor, **body.model_dump())
    return _detail(session, ticket.id, actor)


@router.get("/hotline/tickets", response_model=TicketPage)
def list_tickets(
    state: State | None = None, department: str | None = Query(None, max_length=32),
    topic: str | None = Query(None, max_length=64), due: Literal["soon", "overdue"] | None = None,
    over_enforcement: bool | None = None, page: PageNumber = 1, per_page: PageSize = 50, lang: Language = "zh",
    actor: Actor = Depends(require(HOTLINE_READ)), session: Session = SESSION,
):
    request = PageRequest(page, per_page)
    items, total = queries.list_tickets(session, actor=actor, state=state, department=department, topic=topic,
                                        due=due, over_enforcement=over_enforcement, page=request.page,
                                        per_page=request.per_page, lang=lang)
    return TicketPage(items=items, total=total, page=request.page, per_page=request.per_page)


@router.get("/hotline/board", response_model=BoardOut)
def board(lang: Language = "zh", actor: Actor = Depends(require(HOTLINE_READ)),
          session: Session = SESSION):
    """The agents' board: the queue to dispatch, replies due soon, overdue replies, return visits due today."""
    return queries.board(session, actor=actor, lang=lang)


@router.get("/hotline/figures", response_model=FiguresOut)
def figures(start: Day | None = None, end: Day | None = None, lang: Language = "zh",
            actor: Actor = Depends(require(HOTLINE_READ)), session: Session = SESSION):
    """Response, reply, on-time, resolution and satisfaction rates by department, topic and day (default 14 days)."""
    return hotline_figures.figures(session, actor=actor, start=start, end=end, lang=lang)


@router.post("/hotline/sweep", response_model=SweepOut)
def run_sweep(actor: Actor = Depends(require(HOTLINE_INTAKE)), session: Session = SESSION):
    """Remind tickets whose reply is due soon, escalate late ones (each once per deadline)."""
    return sweep.sweep(session, actor=actor).to_dict()


@router.get("/hotline/tickets/{ticket_id}", response_model=TicketDetail)
def get_ticket(ticket_id: RowId, lang: Language = "zh", actor: Actor = Depends(require(HOTLINE_READ)),
               session: Session = SESSION):
    return queries.ticket_detail(session, ticket_id, actor=actor, lang=lang)


@router.post("/hotline/tickets/{ticket_id}/caller", response_model=CallerOut)
def reveal_caller(ticket_id: RowId, body: ReasonIn, actor: Actor = Depends(require(HOTLINE_INTAKE)),
                  session: Session = SESSION):
    """The caller's full phone number for a call back (audited with the reason)."""
    return loop.reveal_caller(session, ticket_id, reason=body.reason, actor=actor)


@router.post("/hotline/tickets/{ticket_id}/dispatch", response_model=TicketDetail)
def dispatch(ticket_id: RowId, body: DispatchIn, actor: Actor = Depends(require(HOTLINE_INTAKE)),
             session: Session = SESSION):
    loop.dispatch(session, ticket_id, department=body.department, actor=actor)
    return _detail(session, ticket_id, actor)


@router.post("/hotline/tickets/{ticket_id}/accept", response_model=TicketDetail)
def accept(ticket_id: RowId, actor: Actor = Depends(require(HOTLINE_HANDLE)), session: Session = SESSION):
    loop.accept(session, ticket_id, actor=actor)
    return _detail(session, ticket_id, actor)


@router.post("/hotline/tickets/{ticket_id}/send-back", response_model=SentBackOut)
def send_back(ticket_id: RowId, body: ReasonIn, actor: Actor = Depends(require(HOTLINE_HANDLE)),
              session: Session = SESSION):
    """Not this department's matter: back to the agents' queue with the reason (and out of the handler's sight)."""
    ticket = loop.send_back(session, ticket_id, reason=body.reason, actor=actor)
    return {"id": ticket.id, "state": ticket.state}


@router.post("/hotline/tickets/{ticket_id}/notes", response_model=TicketDetail)
def add_note(ticket_id: RowId, body: TextIn, actor: Actor = Depends(require(HOTLINE_HANDLE)),
             session: Session = SESSION):
    loop.note(session, ticket_id, text=body.text, actor=actor)
    return _detail(session, ticket_id, actor)


@router.post("/hotline/tickets/{ticket_id}/reply", response_model=TicketDetail)
def reply(ticket_id: RowId, body: TextIn, actor: Actor = Depends(require(HOTLINE_HANDLE)),
          session: Session = SESSION):
    """The department's reply to the citizen (the ticket may close only after it)."""
    loop.reply(session, ticket_id, text=body.text, actor=actor)
    return _detail(session, ticket_id, actor)


@router.post("/hotline/tickets/{ticket_id}/close", response_model=TicketDetail)
def close(ticket_id: RowId, actor: Actor = Depends(require(HOTLINE_INTAKE)), session: Session = SESSION):
    """Close a replied ticket (409 reply_required without a reply); the return visit falls due."""
    loop.close(session, ticket_id, actor=actor)
    return _detail(session, ticket_id, actor)


@router.post("/hotline/tickets/{ticket_id}/visit", response_model=TicketDetail)
def visit(ticket_id: RowId, body: VisitIn, actor: Actor = Depends(require(HOTLINE_INTAKE)),
          session: Session = SESSION):
    """The return visit's rating; "not" satisfied reopens the ticket with its department."""
    loop.visit(session, ticket_id, satisfaction=body.satisfaction, comment=body.comment, actor=actor)
    return _detail(session, ticket_id, actor)
