"""Public-facing zone pages: the map with a date slider, the public list (高风险区名单, printable, Excel
and JSON), and the zones' over-enforcement page for the inspection task force.

The map draws from /api/v1/zones/map (static/js/zones-map.js): our own coordinates on a plain
background, no tile server. Mounted before zones/web.py, whose /zones/{zone_id} would catch these.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fangkong.core import clock, i18n
from fangkong.core.deps import SESSION
from fangkong.core.errors import InvalidInput
from fangkong.core.permissions import REPORTS_OVER_ENFORCEMENT, ZONES_VIEW, Actor, require
from fangkong.people.export import xlsx_download
from fangkong.zones import service
from fangkong.zones.models import TIERS
from fangkong.web.templating import render

router = APIRouter(include_in_schema=False)


def _day(value: str) -> date:
    value = (value or "").strip()
    if not value:
        return clock.today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("invalid_on", "on: not a date (YYYY-MM-DD)", details={"field": "on"}) from None
    if not 2000 <= day.year <= 2099:
        raise InvalidInput("invalid_on", "on: not a plausible date", details={"field": "on"})
    return day


def tabs(actor: Actor, tab: str) -> dict:
    """What templates/zones/_tabs.html needs."""
    return {"tab": tab, "may_report": actor.may(REPORTS_OVER_ENFORCEMENT)}


def _tier(value: str) -> str:
    return value if value in TIERS[:-1] else TIERS[0]


@router.get("/zones/map")
def map_page(request: Request, on: str = "", actor: Actor = Depends(require(ZONES_VIEW)),
             session: Session = SESSION) -> Response:
    first, today = service.map_dates(session, scope=actor.jurisdiction)
    day = min(max(_day(on), first), today)
    context = {"first": first, "today": today, "day": day, "days": (today - first).days,
               "offset": (day - first).days, **tabs(actor, "map")}
    return render(request, "zones/map.html", context, user=actor.user, active="zones")


@router.get("/zones/public")
def public_page(request: Request, on: str = "", tier: str = "", actor: Actor = Depends(require(ZONES_VIEW)),
                session: Session = SESSION) -> Response:
    day, chosen = _day(on), _tier(tier)
    rows = list(service.public_rows(session, scope=actor.jurisdiction, on=day, tier=chosen,
                                    language=i18n.request_language(request)))
    context = {"rows": rows, "day": day, "tier": chosen, "tiers": TIERS[:-1], "printed_at": clock.now(),
               **tabs(actor, "public")}
    return render(request, "zones/public.html", context, user=actor.user, active="zones")


@router.get("/zones/public.xlsx")
def public_xlsx(request: Request, on: str = "", tier: str = "", actor: Actor = Depends(require(ZONES_VIEW)),
                session: Session = SESSION) -> Response:
    """The public list as an .xlsx file (no personal data: places and dates)."""
    day, chosen = _day(on), _tier(tier)
    language = i18n.request_language(request)
    return xlsx_download(
        lambda out: service.write_public_xlsx(session, out, scope=actor.jurisdiction, on=day, tier=chosen,
                                              language=language),
        f"zones-{chosen}-{day:%Y%m%d}.xlsx",
    )


@router.get("/zones/over-enforcement")
def over_enforcement_page(request: Request, on: str = "", actor: Actor = Depends(require(REPORTS_OVER_ENFORCEMENT)),
                          session: Session = SESSION) -> Response:
    report = service.over_enforcement_items(session, scope=actor.jurisdiction, on=_day(on))
    return render(request, "zones/over_enforcement.html", {"r": report, **tabs(actor, "report")}, user=actor.user,
                  active="zones")
