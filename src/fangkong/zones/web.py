"""Pages of risk zones: the list with today's proposals, one zone with its history and actions, its residents.

Actions (approve, reject, widen, record a round, decide a proposal, run the daily job) are plain
form posts answered with the page itself; a refusal shows on the page with its status, and
nothing of a refused action is kept (each runs in a savepoint). The map, the public list and the
over-enforcement page are in zones/web_public.py (mounted first: their paths are static).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fangkong.core import clock, i18n
from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.errors import DomainError, InvalidInput
from fangkong.core.pagination import MAX_PER_PAGE
from fangkong.core.permissions import RESIDENTS_READ, ZONES_APPROVE, ZONES_ROUNDS, ZONES_VIEW, Actor, require
from fangkong.places.service import list_districts
from fangkong.zones import service
from fangkong.zones.models import STATES, TIERS
from fangkong.zones.queries import summaries
from fangkong.zones.web_public import tabs
from fangkong.web.templating import Pager, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50


def _list_context(request: Request, session: Session, actor: Actor, filters: dict, page: int, per_page: int) -> dict:
    language = i18n.request_language(request)
    state = filters.get("state") if filters.get("state") in STATES else None
    tier = filters.get("tier") if filters.get("tier") in TIERS else None
    zones, total = service.list_zones(session, scope=actor.jurisdiction, state=state, tier=tier,
                                      district_code=filters.get("district") or None, page=page, per_page=per_page,
                                      language=language)
    today = clock.today()
    chosen = {k: v for k, v in filters.items() if v}

    def pager_url(number: int) -> str:
        return "/zones?" + urlencode({**chosen, "page": number})

    return {
        "zones": zones, "total": total, "filters": filters, "states": STATES, "tiers": TIERS, "today": today,
        "districts": list_districts(session, scope=actor.jurisdiction),
        "due": service.proposals_on(session, on=today, scope=actor.jurisdiction),
        "may_approve": actor.may(ZONES_APPROVE), "pager": Pager(page=page, per_page=per_page, total=total),
        "pager_url": pager_url, "daily": None, "error": None, **tabs(actor, "list"),
    }


@router.get("/zones")
def zones_page(
    request: Request, state: str = "", tier: str = "", district: str = "",
    page: int = Query(1, ge=1), per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE),
    actor: Actor = Depends(require(ZONES_VIEW)), session: Session = SESSION,
) -> Response:
    context = _list_context(request, session, actor, {"state": state, "tier": tier, "district": district}, page,
                            per_page)
    return render(request, "zones/zones.html", context, user=actor.user, active="zones")


@router.post("/zones/daily")
def daily_page(request: Request, day: str = Form(""), actor: Actor = Depends(require(ZONES_APPROVE)),
               session: Session = SESSION) -> Response:
    """Run the daily lifting job now (for today unless a day is given); the list shows what it did."""
    report, error, status = None, None, 200
    try:
        with session.begin_nested():
            report = service.run_daily(session, on=_date(day, "day") or clock.today(), actor=actor).to_dict()
    except DomainError as exc:
        error, status = exc.message, exc.status
    context = _list_context(request, session, actor, {"state": "", "tier": "", "district": ""}, 1, PER_PAGE)
    context.update(daily=report, error=error)
    return render(request, "zones/zones.html", context, status=status, user=actor.user, active="zones")


def _detail(request: Request, session: Session, actor: Actor, zone_id: int, *, message: str | None = None,
            error: str | None = None, status: int = 200) -> Response:
    zone = service.get_zone(session, zone_id, scope=actor.jurisdiction)
    language = i18n.request_language(request)
    context = {
        "z": service.zone_detail(session, zone, language=language), "today": clock.today(),
        "now": clock.now().strftime("%Y-%m-%dT%H:%M"), "may_approve": actor.may(ZONES_APPROVE),
        "may_round": actor.may(ZONES_ROUNDS), "may_residents": actor.may(RESIDENTS_READ),
        "widen_to": _widen_targets(zone.granularity), "message": message, "error": error, **tabs(actor, "list"),
    }
    return render(request, "zones/zone.html", context, status=status, user=actor.user, active="zones")


def _widen_targets(granularity: str) -> list[str]:
    order = ("unit", "building", "compound", "village")
    return list(order[order.index(granularity) + 1:]) if granularity in order else []


@router.get("/zones/{zone_id}")
def zone_page(request: Request, zone_id: RowId, actor: Actor = Depends(require(ZONES_VIEW)),
              session: Session = SESSION) -> Response:
    return _detail(request, session, actor, zone_id)


def _act(request: Request, session: Session, actor: Actor, zone_id: int, action: Callable[[], object],
         done_key: str) -> Response:
    """Run one action in a savepoint; the zone page shows the outcome (or why it was refused)."""
    service.get_zone(session, zone_id, scope=actor.jurisdiction)  # 404 outside the jurisdiction, before anything
    language = i18n.request_language(request)
    try:
        with session.begin_nested():
            action()
    except DomainError as exc:
        return _detail(request, session, actor, zone_id, error=exc.message, status=exc.status)
    return _detail(request, session, actor, zone_id, message=i18n.translate(language, done_key))


@router.post("/zones/{zone_id}/approve")
def approve_page(request: Request, zone_id: RowId, actor: Actor = Depends(require(ZONES_APPROVE)),
                 session: Session = SESSION) -> Response:
    return _act(request, session, actor, zone_id, lambda: service.approve(session, zone_id, actor=actor),
                "zones.done.approved")


@router.post("/zones/{zone_id}/reject")
def reject_page(request: Request, zone_id: RowId, reason: str = Form(""),
                actor: Actor = Depends(require(ZONES_APPROVE)), session: Session = SESSION) -> Response:
    return _act(request, session, actor, zone_id,
                lambda: service.reject(session, zone_id, actor=actor, reason=reason), "zones.done.rejected")


@router.post("/zones/{zone_id}/widen")
def widen_page(request: Request, zone_id: RowId, to: str = Form(""), reason: str = Form(""),
               actor: Actor = Depends(require(ZONES_APPROVE)), session: Session = SESSION) -> Response:
    return _act(request, session, actor, zone_id,
                lambda: service.widen(session, zone_id, actor=actor, to=to, reason=reason), "zones.done.widened")


@router.post("/zones/{zone_id}/rounds")
def round_page(request: Request, zone_id: RowId, sampled_at: str = Form(""), result: str = Form(""),
               actor: Actor = Depends(require(ZONES_ROUNDS)), session: Session = SESSION) -> Response:
    def record():
        service.record_round(session, zone_id, sampled_at=_moment(sampled_at), result=result, actor=actor)

    return _act(request, session, actor, zone_id, record, "zones.done.round")


@router.post("/zones/proposals/{proposal_id}/approve")
def approve_proposal_page(request: Request, proposal_id: RowId, actor: Actor = Depends(require(ZONES_APPROVE)),
                          session: Session = SESSION) -> Response:
    row = service.get_proposal(session, proposal_id, scope=actor.jurisdiction)
    return _act(request, session, actor, row.zone_id,
                lambda: service.approve_proposal(session, proposal_id, actor=actor), "zones.done.proposal_approved")


@router.post("/zones/proposals/{proposal_id}/reject")
def reject_proposal_page(request: Request, proposal_id: RowId, reason: str = Form(""), keep_until: str = Form(""),
                         actor: Actor = Depends(require(ZONES_APPROVE)),
                         session: Session = SESSION) -> Response:
    row = service.get_proposal(session, proposal_id, scope=actor.jurisdiction)

    def keep():
        until = _date(keep_until, "keep_until")
        if until is None:
            raise InvalidInput("keep_until_required", "keep_until: up to which day the zone stays",
                               details={"field": "keep_until"})
        service.reject_proposal(session, proposal_id, actor=actor, reason=reason, keep_until=until)

    return _act(request, session, actor, row.zone_id, keep, "zones.done.proposal_rejected")


@router.get("/zones/{zone_id}/residents")
def residents_page(
    request: Request, zone_id: RowId, page: int = Query(1, ge=1),
    per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE),
    actor: Actor = Depends(require(RESIDENTS_READ)), session: Session = SESSION,
) -> Response:
    """The residents of a zone (masked, in the caller's jurisdiction), for supplies and testing."""
    zone = service.get_zone(session, zone_id, scope=actor.jurisdiction)
    rows, total = service.zone_residents(session, zone, scope=actor.jurisdiction, page=page, per_page=per_page)
    [summary] = summaries(session, [zone], i18n.request_language(request))
    context = {"z": summary, "rows": rows, "total": total, "pager": Pager(page=page, per_page=per_page, total=total),
               "pager_url": lambda number: f"/zones/{zone_id}/residents?page={number}"}
    return render(request, "zones/residents.html", context, user=actor.user, active="zones")


def _date(value: str, name: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"invalid_{name}", f"{name}: not a date (YYYY-MM-DD)", details={"field": name}) from None
    if not 2000 <= day.year <= 2099:
        raise InvalidInput(f"invalid_{name}", f"{name}: not a plausible date", details={"field": name})
    return day


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise InvalidInput("invalid_sampled_at", "sampled_at: not a date and time (YYYY-MM-DDTHH:MM)",
                           details={"field": "sampled_at"}) from None
    if not 2000 <= moment.year <= 2099:
        raise InvalidInput("invalid_sampled_at", "sampled_at: not a plausible time", details={"field": "sampled_at"})
    return moment
