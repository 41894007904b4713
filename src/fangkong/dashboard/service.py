"""The dashboard of one user for one day: the sections their role may read, within their jurisdiction.

Each task force lands on its own view (the sections of its work first, the rest one click away);
the commander and the coordination task force see the whole city. Rates are folded here from
two counts each, so every number on the screen is either a count with its list or a ratio of two.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.jurisdiction import CITY, Jurisdiction
from fangkong.dashboard import cache, trends
from fangkong.dashboard.figures import rate
from fangkong.dashboard.sections import SECTIONS, TREND_DAYS, Section
from fangkong.places import service as places_service
from fangkong.policy import pack_in_force

# organization, not policy: which sections a role's own view shows first (None: all of them)
ROLE_VIEWS: dict[str, tuple[str, ...] | None] = {
    "admin": None, "commander": None, "coordination": None,
    "supplies": ("supplies", "zones", "hotline"),
    "prevention": ("cases", "zones", "managed", "lab", "quarantine"),
    "construction_sites": ("enterprises", "lab", "cases"),
    "public_areas": ("zones", "cases", "hotline", "over_enforcement"),
    "inspector": ("inspection", "over_enforcement", "hotline"),
}
# rate key: (numerator figure, denominator figures summed)
RATES: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "quarantine": (("occupancy_rate", "occupied", ("beds",)),),
    "lab": (("load", "tested", ("capacity",)), ("within_target_share", "within_target_today", ("results_today",))),
    "hotline": (("reply_rate", "replied", ("received",)), ("on_time_rate", "on_time", ("replied", "late"))),
    "enterprises": (("above_scale_resumption", "above_scale_resumed", ("above_scale_total",)),
                    ("resumption", "enterprises_resumed", ("enterprises_total",))),
}


@dataclass(frozen=True)
class ReportActor:
    """Who the CLI's daily report is for: the command, city-wide (or one district), every section."""

    jurisdiction: Jurisdiction = CITY
    user: object = field(default_factory=lambda: SimpleNamespace(id=None, role="commander", username="report"))

    def may(self, action: str) -> bool:
        return True


def sections_for(actor, *, view_all: bool = False) -> tuple[list[Section], bool]:
    """The sections of the actor's view, and whether it is the role's own (narrower) view."""
    allowed = [s for s in SECTIONS if actor.may(s.action)]
    focus = ROLE_VIEWS.get(getattr(actor.user, "role", None))
    if view_all or not focus:
        return allowed, False
    own = [s for key in focus for s in allowed if s.key == key]
    return (own, True) if own else (allowed, False)


def dashboard(session: Session, *, actor, on: date | None = None, view_all: bool = False) -> dict:
    """The dashboard as computed at most `dashboard_cache_seconds` ago (`cached` says which).

    Kept per user (what a hotline handler or a site's staff may count depends on more than the
    jurisdiction) and per the sections the request may read (an API token's scopes narrow them)."""
    day = on or clock.today()
    chosen, narrowed = sections_for(actor, view_all=view_all)
    key = (str(session.get_bind().engine.url), getattr(actor.user, "id", None), actor.jurisdiction.code,
           tuple(s.key for s in chosen), narrowed, day)
    return cache.cached(key, lambda: compute(session, actor=actor, day=day, view_all=view_all))


def compute(session: Session, *, actor, day: date, view_all: bool = False) -> dict:
    """Every section of the actor's view, computed now."""
    started = time.perf_counter()
    chosen, narrowed = sections_for(actor, view_all=view_all)
    out = []
    for section in chosen:
        part = section.build(session, actor, day)
        values = {f.key: f.value for f in part.figures}
        rates = {key: rate(values.get(num, 0), sum(values.get(d, 0) for d in dens))
                 for key, num, dens in RATES.get(section.key, ()) if num in values}
        out.append({"key": section.key, "figures": [f.to_dict() for f in part.figures], "rates": rates,
                    "trends": part.trends})
    pack = pack_in_force(day)
    return {"on": day, "days": trends.window(day, TREND_DAYS), "jurisdiction": actor.jurisdiction.code,
            "pack": {"id": pack.id, "zh": pack.title.zh, "en": pack.title.en, "since": pack.effective_from},
            "jurisdiction_name": places_service.area_name(session, actor.jurisdiction.code),
            "own_view": narrowed, "role": getattr(actor.user, "role", None), "sections": out,
            "computed_at": clock.now(), "milliseconds": round((time.perf_counter() - started) * 1000)}
