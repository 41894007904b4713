"""Pages of quarantine sites: the sites, a site's board (rooms as a grid coloured by state), the day's
arrivals and departures (with check-in / check-out and an Excel export), the queue (with the automatic
assignment) and the occupancy chart with the forecast under another pack side by side.

Actions are plain form posts answered with the page itself (a refusal with the error page and its status).
A site's staff see only their own site; another district's site holding the caller's people is read-only
and shows only them (quarantine.scope: "hosting").
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fangkong.core import audit, clock, i18n
from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.errors import DomainError, InvalidInput
from fangkong.core.permissions import QUARANTINE_ALLOCATE, QUARANTINE_SITE_WORK, QUARANTINE_VIEW, Actor, require
from fangkong.people.export import xlsx_download
from fangkong.policy import newest_first
from fangkong.quarantine import service
from fangkong.web.templating import render

router = APIRouter(include_in_schema=False)


def _day(value: str, field: str = "on") -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"invalid_{field}", f"{field}: not a date (YYYY-MM-DD)", details={"field": field}) from None
    if not 2000 <= day.year <= 2099:
        raise InvalidInput(f"invalid_{field}", f"{field}: not a plausible date", details={"field": field})
    return day


def _tabs(actor: Actor, tab: str) -> dict:
    return {"tab": tab, "may_allocate": actor.may(QUARANTINE_ALLOCATE), "may_work": actor.may(QUARANTINE_SITE_WORK)}


def _page(request: Request, actor: Actor, name: str, context: dict, status: int = 200) -> Response:
    return render(request, f"quarantine/{name}.html", context, user=actor.user, active="quarantine", status=status)


@router.get("/quarantine")
def sites_page(request: Request, actor: Actor = Depends(require(QUARANTINE_VIEW)),
               session: Session = SESSION) -> Response:
    sites = service.list_sites(session, scope=service.scope_of(session, actor))
    return _page(request, actor, "sites", {"sites": sites, **_tabs(actor, "sites")})


@router.get("/quarantine/queue")
def queue_page(request: Request, on: str = "", actor: Actor = Depends(require(QUARANTINE_ALLOCATE)),
               session: Session = SESSION) -> Response:
    day = _day(on) or clock.today()
    queue = service.queue_page(session, actor.jurisdiction, day, limit=200)
    return _page(request, actor, "queue", {"queue": queue, "report": None, "error": None, **_tabs(actor, "queue")})


@router.post("/quarantine/queue/auto")
def auto_assign_page(request: Request, on: str = Form(""), actor: Actor = Depends(require(QUARANTINE_ALLOCATE)),
                     session: Session = SESSION) -> Response:
    """Assign the whole queue of the day now; the queue page shows what was placed and what is left."""
    day = _day(on) or clock.today()
    report = service.auto_assign(session, actor=actor, scope=service.scope_of(session, actor), day=day).to_dict()
    queue = service.queue_page(session, actor.jurisdiction, day, limit=200)
    return _page(request, actor, "queue", {"queue": queue, "report": report, "error": None, **_tabs(actor, "queue")})


@router.get("/quarantine/occupancy")
def occupancy_page(request: Request, pack: str = "", effective: str = "",
                   actor: Actor = Depends(require(QUARANTINE_VIEW)), session: Session = SESSION) -> Response:
    """The 14-day curve from the plans; with a pack (allocators), the same under that pack side by side."""
    scope = service.scope_of(session, actor)
    packs = [p.id for p in newest_first()]
    chosen = pack if pack in packs and actor.may(QUARANTINE_ALLOCATE) else ""
    error, status, other = None, 200, None
    now = service.occupancy(session, scope=scope)
    if chosen:
        try:
            other = service.forecast(session, scope=scope, pack_id=chosen, effective=_day(effective, "effective"))
        except DomainError as exc:
            error, status, chosen = exc.message, exc.status, ""
    others = {row["site_id"]: row["other"] for row in other["sites"]} if other else {}
    context = {"r": now, "f": other, "others": others, "pack": chosen, "packs": packs,
               "effective": effective or now["start"].isoformat(), "error": error, **_tabs(actor, "occupancy")}
    return _page(request, actor, "occupancy", context, status=status)


@router.get("/quarantine/sites/{site_id}")
def board_page(request: Request, site_id: RowId, actor: Actor = Depends(require(QUARANTINE_VIEW)),
               session: Session = SESSION) -> Response:
    board = service.board(session, site_id, scope=service.scope_of(session, actor))
    return _page(request, actor, "board", {"board": board, **_tabs(actor, "sites")})


@router.get("/quarantine/sites/{site_id}/day")
def day_page(request: Request, site_id: RowId, on: str = "", actor: Actor = Depends(require(QUARANTINE_VIEW)),
             session: Session = SESSION) -> Response:
    return _day_page(request, session, actor, site_id, _day(on))


def _day_page(request: Request, session: Session, actor: Actor, site_id: int, day: date | None,
              done: str | None = None) -> Response:
    scope = service.scope_of(session, actor)
    site, access = service.read_site(session, site_id, scope=scope)
    lists = service.day_lists(session, site_id, scope=scope, day=day)
    return _page(request, actor, "day", {"site": site, "access": access, "lists": lists, "done": done,
                                         **_tabs(actor, "sites")})


@router.get("/quarantine/sites/{site_id}/day.xlsx")
def day_xlsx(request: Request, site_id: RowId, on: str = "", actor: Actor = Depends(require(QUARANTINE_VIEW)),
             session: Session = SESSION) -> Response:
    """The day's arrivals and departures of the site as an .xlsx (documents masked); audited."""
    scope = service.scope_of(session, actor)
    site, _access = service.read_site(session, site_id, scope=scope)
    lists = service.day_lists(session, site_id, scope=scope, day=_day(on))
    audit.record(session, actor=actor, action="quarantine.day_export", object_type="quarantine_site",
                 object_id=site.id, after={"day": lists["day"].isoformat(), "arrivals": len(lists["arrivals"]),
                                           "departures": len(lists["departures"])})
    t = i18n.translator(i18n.request_language(request))
    return xlsx_download(lambda out: service.write_day_xlsx(out, lists, site_name=site.name, t=t),
                         f"quarantine-{site.id}-{lists['day']:%Y%m%d}.xlsx")


@router.post("/quarantine/stays/{stay_id}/check-in")
def check_in_page(request: Request, stay_id: RowId, actor: Actor = Depends(require(QUARANTINE_SITE_WORK)),
                  session: Session = SESSION) -> Response:
    stay = service.check_in(session, stay_id, actor=actor, scope=service.scope_of(session, actor))
    return _day_page(request, session, actor, stay.site_id, None, done="checked_in")


@router.post("/quarantine/stays/{stay_id}/check-out")
def check_out_page(request: Request, stay_id: RowId, transport: str = Form(..., min_length=1, max_length=200),
                   actor: Actor = Depends(require(QUARANTINE_SITE_WORK)),
                   session: Session = SESSION) -> Response:
    stay = service.check_out(session, stay_id, actor=actor, scope=service.scope_of(session, actor),
                             transport=transport)
    return _day_page(request, session, actor, stay.site_id, None, done="checked_out")
