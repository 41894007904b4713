"""Pages of contact tracing: cases to investigate, the candidates of a case with their evidence and
decisions, the light scan page a venue code opens, and the venue-code poster (segno QR).

Decisions are plain form posts answered with the case page; a refusal shows there with its status
and nothing of it is kept (each runs in a savepoint).
"""

from __future__ import annotations

import io

import segno
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import clock, i18n
from fangkong.core.dates import parse_day
from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.permissions import (
    PLACES_READ, RESIDENTS_READ, SHELL, TRACING_ALERTS, TRACING_CHAINS, TRACING_INVESTIGATE, TRACING_SCAN, Actor, require,
)
from fangkong.people import cases
from fangkong.people.case_models import CASE_SOURCES
from fangkong.places.models import Venue
from fangkong.tracing import chains, checks, flows, poster, scans, service
from fangkong.tracing.views import candidate_views
from fangkong.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_CLUSTER_NODES = 2000  # the overview draws the largest clusters; the table counts them all


@router.get("/tracing")
def tracing_page(request: Request, actor: Actor = Depends(require(SHELL)),
                 session: Session = SESSION) -> Response:
    """The module's landing page: what the caller's role may do here, and the fever alerts addressed to it."""
    context = {"may_investigate": actor.may(TRACING_INVESTIGATE), "may_scan": actor.may(TRACING_SCAN),
               "may_chains": actor.may(TRACING_CHAINS),
               "may_alerts": actor.may(TRACING_ALERTS),
               "alerts": checks.alerts_for(session, actor=actor, limit=50) if actor.may(TRACING_ALERTS) else []}
    return render(request, "tracing/index.html", context, user=actor.user, active="tracing")


@router.get("/tracing/chains")
def chains_page(request: Request, actor: Actor = Depends(require(TRACING_CHAINS)),
                session: Session = SESSION) -> Response:
    """Clusters as one node each (size by cases); a click fetches the cluster's graph from the API."""
    data = chains.overview(session, scope=actor.jurisdiction)
    return render(request, "tracing/chains.html", {"data": data, "shown": data["clusters"][:MAX_CLUSTER_NODES]},
                  user=actor.user, active="tracing")


@router.get("/tracing/cases")
def cases_page(request: Request, page: int = Query(1, ge=1), reported_from: str = "", reported_to: str = "",
               source: str = "", actor: Actor = Depends(require(RESIDENTS_READ)),
               session: Session = SESSION) -> Response:
    """The cases of your jurisdiction (the dashboard's case figures link here with their filters)."""
    filters = {"reported_from": parse_day(reported_from, "reported_from"),
               "reported_to": parse_day(reported_to, "reported_to"),
               "source": source if source in CASE_SOURCES else None}
    rows, total = cases.list_cases(session, scope=actor.jurisdiction, page=page, per_page=50, **filters)
    context = {"cases": rows, "total": total, "filters": filters, "may_investigate": actor.may(TRACING_INVESTIGATE)}
    return render(request, "tracing/cases.html", context, user=actor.user, active="tracing")


def _case_page(request, session, actor, case_id: int, *, message=None, error=None, status=200) -> Response:
    case = cases.get_case(session, case_id, scope=actor.jurisdiction)
    candidates = candidate_views(session, service.list_candidates(session, case_id, scope=actor.jurisdiction))
    rules = service.pack_for_tracing()
    context = {"case": cases.case_detail(session, case), "candidates": candidates, "pack": rules.id,
               "window": service.infectious_window(case, rules), "gap": rules.tracing.copresence_gap_minutes,
               "message": message, "error": error}
    return render(request, "tracing/case.html", context, status=status, user=actor.user, active="tracing")


@router.get("/tracing/cases/{case_id}")
def case_page(request: Request, case_id: RowId, actor: Actor = Depends(require(TRACING_INVESTIGATE)),
              session: Session = SESSION) -> Response:
    return _case_page(request, session, actor, case_id)


@router.post("/tracing/cases/{case_id}/propose")
def propose_page(request: Request, case_id: RowId, actor: Actor = Depends(require(TRACING_INVESTIGATE)),
                 session: Session = SESSION) -> Response:
    language = i18n.request_language(request)
    service.propose(session, case_id, actor=actor)
    return _case_page(request, session, actor, case_id, message=i18n.translate(language, "tracing.done.proposed"))


@router.post("/tracing/candidates/{candidate_id}/decide")
def decide_page(request: Request, candidate_id: RowId, decision: str = Form(...), reason: str = Form(""),
                name: str = Form(""), actor: Actor = Depends(require(TRACING_INVESTIGATE)),
                session: Session = SESSION) -> Response:
    """confirm | general | dismiss, from the case page."""
    candidate = service.get_candidate(session, candidate_id, scope=actor.jurisdiction)
    language = i18n.request_language(request)
    try:
        with session.begin_nested():
            if decision == "confirm":
                flows.confirm(session, candidate_id, actor=actor, name=name or None, reason=reason or None)
            elif decision == "general":
                service.mark_general(session, candidate_id, actor=actor, reason=reason or None)
            elif decision == "dismiss":
                service.dismiss(session, candidate_id, actor=actor, reason=reason)
            else:
                raise InvalidInput("invalid_decision", "decision: confirm, general or dismiss")
    except DomainError as exc:
        return _case_page(request, session, actor, candidate.case_id, error=exc.message, status=exc.status)
    return _case_page(request, session, actor, candidate.case_id,
                      message=i18n.translate(language, f"tracing.done.{decision}"))


def _venue(session: Session, *, venue_id: int | None = None, code: str | None = None) -> Venue:
    venue = session.get(Venue, venue_id) if venue_id else session.scalar(select(Venue).where(Venue.code == code))
    if venue is None:
        raise NotFound("venue")
    return venue


@router.get("/tracing/scan")
def scan_page(request: Request, venue: str = Query("", max_length=40), actor: Actor = Depends(require(TRACING_SCAN)),
              session: Session = SESSION) -> Response:
    place = session.scalar(select(Venue).where(Venue.code == venue)) if venue else None
    return render(request, "tracing/scan.html", {"venue": place, "code": venue, "report": None, "error": None},
                  user=actor.user, active="tracing")


@router.post("/tracing/scan")
def scan_record(request: Request, venue_code: str = Form(...), resident_id: str = Form(""),
                document_kind: str = Form(""), document_number: str = Form(""),
                actor: Actor = Depends(require(TRACING_SCAN)), session: Session = SESSION) -> Response:
    """One scan now, at this venue, of this person (a resident's id or a document)."""
    record = {"venue_code": venue_code, "scanned_at": clock.now(), "resident_id": resident_id or None,
              "document_kind": document_kind or None, "document_number": document_number or None}
    report = scans.ingest(session, [record], actor=actor, source="app")
    place = session.scalar(select(Venue).where(Venue.code == venue_code))
    error = report.refused[0]["reason"] if report.refused else None
    return render(request, "tracing/scan.html",
                  {"venue": place, "code": venue_code, "report": report.to_dict(), "error": error},
                  status=422 if error else 200, user=actor.user, active="tracing")


def _scan_url(request: Request, venue: Venue) -> str:
    return f"{str(request.base_url).rstrip('/')}/tracing/scan?venue={venue.code}"


def _qr(request: Request, venue: Venue) -> segno.QRCode:
    return segno.make(_scan_url(request, venue), error="m")


@router.get("/tracing/venues/{venue_id}/qr.png")
def venue_qr(request: Request, venue_id: RowId, actor: Actor = Depends(require(PLACES_READ)),
             session: Session = SESSION) -> Response:
    out = io.BytesIO()
    _qr(request, _venue(session, venue_id=venue_id)).save(out, kind="png", scale=10, border=4)
    return Response(out.getvalue(), media_type="image/png")


@router.get("/tracing/venues/{venue_id}/qr.pdf")
def venue_qr_pdf(request: Request, venue_id: RowId, actor: Actor = Depends(require(PLACES_READ)),
                 session: Session = SESSION) -> Response:
    """The QR as a vector PDF for print shops (the name is on the poster page, which prints to A4)."""
    out = io.BytesIO()
    _qr(request, _venue(session, venue_id=venue_id)).save(out, kind="pdf", scale=10, border=4)
    return Response(out.getvalue(), media_type="application/pdf")


def _poster(request: Request, session: Session, venue_id: int, kind: str) -> Response:
    venue = _venue(session, venue_id=venue_id)
    language = i18n.request_language(request)
    make = poster.poster_pdf if kind == "pdf" else poster.poster_png
    body = make(name=venue.name, code=venue.code, url=_scan_url(request, venue),
                title=i18n.translate(language, "tracing.poster_title"),
                note=i18n.translate(language, "tracing.poster_note"))
    safe = "".join(ch for ch in venue.code if ch.isascii() and (ch.isalnum() or ch in "-_")) or str(venue.id)
    return Response(body, media_type="application/pdf" if kind == "pdf" else "image/png",
                    headers={"Content-Disposition": f'inline; filename="venue-{safe}.{kind}"'})


@router.get("/tracing/venues/{venue_id}/poster.pdf")
def venue_poster_pdf(request: Request, venue_id: RowId, actor: Actor = Depends(require(PLACES_READ)),
                     session: Session = SESSION) -> Response:
    """The A4 poster to print: the venue's name (embedded CJK font), the QR and the code."""
    return _poster(request, session, venue_id, "pdf")


@router.get("/tracing/venues/{venue_id}/poster.png")
def venue_poster_png(request: Request, venue_id: RowId, actor: Actor = Depends(require(PLACES_READ)),
                     session: Session = SESSION) -> Response:
    """The same poster as a PNG (A4 at 150 dpi)."""
    return _poster(request, session, venue_id, "png")


@router.get("/tracing/venues/{venue_id}/poster")
def venue_poster(request: Request, venue_id: RowId, actor: Actor = Depends(require(PLACES_READ)),
                 session: Session = SESSION) -> Response:
    """A printable A4 poster: the venue's name, its code and the QR (inline SVG, nothing loaded from outside)."""
    venue = _venue(session, venue_id=venue_id)
    svg = _qr(request, venue).svg_inline(scale=8, border=2)
    return render(request, "tracing/poster.html", {"venue": venue, "qr": Markup(svg)}, user=actor.user,
                  active="tracing")
