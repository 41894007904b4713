"""Each module's figures for the dashboard.

A figure is counted by the function behind the list it links to (a page of TOTAL_ONLY: only the total is
wanted), or, where a module has many figures over one table (people under management, the hotline's
14 days), by one grouped read under the same conditions as its lists. tests/dashboard holds every
figure to the total of the list it links to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from sqlalchemy.orm import Session

from fangkong.core import permissions as p
from fangkong.core.pagination import TOTAL_ONLY
from fangkong.dashboard import trends
from fangkong.dashboard.figures import Figure, link
from fangkong.enterprises import figures as enterprises_figures
from fangkong.hotline import figures as hotline_figures
from fangkong.hotline import queries as hotline_queries
from fangkong.inspection import service as inspection
from fangkong.lab import queries as lab_queries
from fangkong.people import cases, overrides
from fangkong.people.case_models import CASE_SOURCES
from fangkong.people.managed_counts import managed_counts_once
from fangkong.people.managed_models import CATEGORIES
from fangkong.quarantine import service as quarantine
from fangkong.supplies import figures as supplies_figures
from fangkong.zones import service as zones

TREND_DAYS = 14
PHASE_KINDS = ("centralized_quarantine", "home_quarantine", "home_monitoring")  # the phases that restrict movement


@dataclass(frozen=True)
class Part:
    figures: list[Figure]
    trends: dict[str, list[int]]  # series over the 14 days up to the day (quarantine: the 14 days from it)


@dataclass(frozen=True)
class Section:
    key: str  # its title is the translation dashboard.sections.<key>, its figures dashboard.<key>.<figure>
    action: str  # the role must be allowed this to see the section (and the lists it links to)
    build: Callable[[Session, object, date], Part]


def _total(pair) -> int:
    return pair[1]


def case_figures(session: Session, actor, on: date) -> Part:
    scope, iso = actor.jurisdiction, on.isoformat()
    since = (on - timedelta(days=TREND_DAYS - 1)).isoformat()
    out = [_cases("new_cases", session, scope, iso, iso), _cases("cases_14d", session, scope, since, iso)]
    for source in CASE_SOURCES:
        figure = _cases(f"new_from_{source}", session, scope, iso, iso, source)
        if figure.value:
            out.append(figure)
    return Part(out, {"new_cases": trends.cases_per_day(session, scope, trends.window(on, TREND_DAYS))})


def _cases(key, session, scope, start, end, source=None) -> Figure:
    total = _total(cases.list_cases(session, scope=scope, reported_from=date.fromisoformat(start),
                                    reported_to=date.fromisoformat(end), source=source, per_page=TOTAL_ONLY))
    params = {"reported_from": start, "reported_to": end, "source": source}
    return Figure(key, total, link("/tracing/cases", **params), link("/api/v1/cases", **params))


def zone_figures(session: Session, actor, on: date) -> Part:
    scope = actor.jurisdiction
    out = []
    for key, state, tier in (("high_in_force", "in_force", "high"), ("low_in_force", "in_force", "low"),
                             ("lifted", "lifted", None)):
        total = _total(zones.list_zones(session, scope=scope, state=state, tier=tier, per_page=TOTAL_ONLY))
        out.append(Figure(key, total, link("/zones", state=state, tier=tier),
                          link("/api/v1/zones", state=state, tier=tier)))
    due = zones.proposals_on(session, on=on, scope=scope)
    out.append(Figure("lift_due", len(due), "/zones#due",
                      link("/api/v1/zones/proposals", on=on.isoformat()), pick=""))
    days = trends.window(on, TREND_DAYS)
    return Part(out, {f"{tier}_in_force": trends.zones_in_force_per_day(session, scope, days, tier)
                      for tier in ("high", "low")})


def managed_figures(session: Session, actor, on: date) -> Part:
    counts = managed_counts_once(session, scope=actor.jurisdiction, day=on)

    def figure(key: str, value: int, **filters) -> Figure:
        params = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items()}
        return Figure(key, value, link("/people/managed", **params), link("/api/v1/managed", **params))

    out = [figure("in_phase", counts.by_status["in_phase"], status="in_phase"),
           figure("pending", counts.by_status["pending"], status="pending")]
    out += [figure(f"phase_{kind}", counts.in_phase_by_kind[kind], status="in_phase", phase_kind=kind)
            for kind in PHASE_KINDS]
    out += [figure(f"category_{c}", counts.in_phase_by_category[c], status="in_phase", category=c)
            for c in CATEGORIES if counts.in_phase_by_category[c]]
    out.append(figure("releasing_today", counts.releasing, release_from=on, release_to=on))
    return Part(out, {"released": trends.managed_released_per_day(session, actor.jurisdiction,
                                                                  trends.window(on, TREND_DAYS))})


def quarantine_figures(session: Session, actor, on: date) -> Part:
    live = managed_counts_once(session, scope=actor.jurisdiction, day=on).live_by_plan_district
    answer = quarantine.occupancy(session, scope=quarantine.scope_of(session, actor), start=on, everyone=live)
    api = link("/api/v1/quarantine/occupancy", start=on.isoformat())
    href = "/quarantine/occupancy"
    tomorrow = answer.get("tomorrow") or {"arriving": 0, "departing": 0, "rooms_freed": 0}
    figures = [Figure("beds", answer["beds"], href, api, pick="beds"),
               Figure("occupied", answer["occupied"], href, api, pick="occupied"),
               Figure("arriving_tomorrow", tomorrow["arriving"], href, api, pick="tomorrow.arriving"),
               Figure("departing_tomorrow", tomorrow["departing"], href, api, pick="tomorrow.departing"),
               Figure("rooms_freed_tomorrow", tomorrow["rooms_freed"], href, api, pick="tomorrow.rooms_freed")]
    return Part(figures, {"places_needed": list(answer["city"]["current"])})


def lab_figures(session: Session, actor, on: date) -> Part:
    day = lab_queries.day_totals(lab_queries.capacity(session), on)
    results = lab_queries.results_on(session, on)
    pools = lab_queries.positive_pools(session, actor.jurisdiction)
    api = link("/api/v1/lab/capacity", on=on.isoformat())
    figures = [Figure("received", day["received"], "/lab", api, pick="on_day.received"),
               Figure("tested", day["tested"], "/lab", api, pick="on_day.tested"),
               Figure("pending", day["pending"], "/lab", api, pick="on_day.pending"),
               Figure("capacity", day["capacity"], "/lab", api, pick="on_day.capacity"),
               Figure("positive_pools", len(pools), "/lab#pools", api, pick="positive_pools"),
               Figure("pools_open", lab_queries.open_pools(pools), "/lab#pools", api, pick="on_day.pools_open"),
               Figure("results_today", results["results"], "/lab#turnaround", api, pick="on_day.results"),
               Figure("within_target_today", results["within_target"], "/lab#turnaround", api,
                      pick="on_day.within_target")]
    return Part(figures, {"tested": trends.lab_tested_per_day(session, trends.window(on, TREND_DAYS))})


def hotline_figures_of(session: Session, actor, on: date) -> Part:
    start = on - timedelta(days=TREND_DAYS - 1)
    totals, by_day = hotline_figures.totals_by_day(session, actor=actor, start=start, end=on)
    api = link("/api/v1/hotline/figures", start=start.isoformat(), end=on.isoformat())
    out = [Figure(key, totals[key], "/hotline", api, pick=f"total.{key}")
           for key in ("received", "replied", "on_time", "late")]
    overdue = _total(hotline_queries.list_tickets(session, actor=actor, due="overdue", per_page=TOTAL_ONLY))
    complaints = _total(hotline_queries.list_tickets(session, actor=actor, over_enforcement=True,
                                                     per_page=TOTAL_ONLY))
    for key, total, query in (("overdue_open", overdue, "due=overdue"),
                              ("over_enforcement", complaints, "over_enforcement=true")):
        out.append(Figure(key, total, f"/hotline/tickets?{query}", f"/api/v1/hotline/tickets?{query}"))
    days = trends.window(on, TREND_DAYS)
    return Part(out, {key: [by_day.get(day, {}).get(key, 0) for day in days] for key in ("received", "replied")})


def inspection_figures(session: Session, actor, on: date) -> Part:
    _, total, by_source = inspection.list_items(session, scope=actor.jurisdiction, state="open", per_page=TOTAL_ONLY)
    out = [Figure("open_items", total, "/inspection", link("/api/v1/inspection/items", state="open"))]
    for source, count in sorted(by_source.items()):
        out.append(Figure(f"open_{source}", count, link("/inspection", source=source),
                          link("/api/v1/inspection/items", state="open", source=source)))
    found = trends.items_found_per_day(session, actor.jurisdiction, trends.window(on, TREND_DAYS))
    return Part(out, {"found": found})


def over_enforcement_figures(session: Session, actor, on: date) -> Part:
    iso = on.isoformat()
    local_overrides = overrides.list_overrides(session, scope=actor.jurisdiction)
    live = managed_counts_once(session, scope=actor.jurisdiction, day=on).live_by_plan
    stricter = overrides.stricter_plan_people(session, live, on=on)
    zone_items = zones.over_enforcement_items(session, scope=actor.jurisdiction, on=on)
    people_api = link("/api/v1/reports/over-enforcement", on=iso)
    zones_api = link("/api/v1/reports/over-enforcement/zones", on=iso)
    page = "/zones/over-enforcement"
    return Part([Figure("overrides", len(local_overrides), page, people_api, pick="overrides"),
                 Figure("stricter_plans", stricter, page, people_api, pick="plans"),
                 Figure("zone_overrides", len(zone_items["overrides"]), page, zones_api, pick="overrides"),
                 Figure("zones_overdue", len(zone_items["overdue"]), page, zones_api, pick="overdue"),
                 Figure("zones_wider", len(zone_items["wider"]), page, zones_api, pick="wider")], {})


def headline_part(headline) -> Callable[[Session, object, date], Part]:
    """A section from a module's `figures.headline(session, on=, scope=)` (the modules above people)."""
    def build(session: Session, actor, on: date) -> Part:
        return Part([Figure(**{"pick": "total", **row}) for row in headline(session, on=on, scope=actor.jurisdiction)],
                    {})
    return build


SECTIONS: tuple[Section, ...] = (
    Section("cases", p.RESIDENTS_READ, case_figures),
    Section("zones", p.ZONES_VIEW, zone_figures),
    Section("managed", p.MANAGED_READ, managed_figures),
    Section("quarantine", p.QUARANTINE_VIEW, quarantine_figures),
    Section("supplies", p.SUPPLIES_VIEW, headline_part(supplies_figures.headline)),
    Section("enterprises", p.ENTERPRISES_VIEW, headline_part(enterprises_figures.headline)),
    Section("lab", p.LAB_VIEW, lab_figures),
    Section("hotline", p.HOTLINE_READ, hotline_figures_of),
    Section("inspection", p.INSPECTION_READ, inspection_figures),
    Section("over_enforcement", p.REPORTS_OVER_ENFORCEMENT, over_enforcement_figures),
)
