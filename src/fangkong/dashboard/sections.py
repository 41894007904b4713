"""Each module's figures for the dashboard, read through the module's own list functions.

Every figure is counted by the very function behind the list it links to (page size 1: only the
total is wanted), so the number on the dashboard is the number of rows the link shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from sqlalchemy.orm import Session

from fangkong.core import permissions as p
from fangkong.dashboard import trends
from fangkong.dashboard.figures import Figure, link
from fangkong.hotline import figures as hotline_figures
from fangkong.hotline import queries as hotline_queries
from fangkong.inspection import service as inspection
from fangkong.lab import queries as lab_queries
from fangkong.people import cases, managed_queries, overrides
from fangkong.quarantine import service as quarantine
from fangkong.zones import service as zones

TREND_DAYS = 14
MANAGED_CATEGORIES = ("close_contact", "inbound", "from_high_risk_zone", "from_low_risk_zone", "high_risk_job",
                      "secondary_contact", "from_medium_risk_zone")
PHASE_KINDS = ("centralized_quarantine", "home_quarantine", "home_monitoring")
CASE_SOURCES = ("lab", "clinic", "screening", "managed", "other")


@dataclass(frozen=True)
class Part:
    figures: list[Figure]
    trends: dict[str, list[int]]  # series over the 14 days up to the day (quarantine: the 14 days from it)


@dataclass(frozen=True)
class Section:
    key: str  # translation key dashboard.<key>.title
    action: str  # the role must be allowed this to see the section (and the lists it links to)
    build: Callable[[Session, object, date], Part]


def _total(pair) -> int:
    return pair[1]


def case_figures(session: Session, actor, on: date) -> list[Figure]:
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
                                    reported_to=date.fromisoformat(end), source=source, per_page=1))
    params = {"reported_from": start, "reported_to": end, "source": source}
    return Figure(key, total, link("/tracing/cases", **params), link("/api/v1/cases", **params))


def zone_figures(session: Session, actor, on: date) -> list[Figure]:
    scope = actor.jurisdiction
    out = []
    for key, state, tier in (("high_in_force", "in_force", "high"), ("low_in_force", "in_force", "low"),
                             ("lifted", "lifted", None)):
        total = _total(zones.list_zones(session, scope=scope, state=state, tier=tier, per_page=1))
        out.append(Figure(key, total, link("/zones", state=state, tier=tier),
                          link("/api/v1/zones", state=state, tier=tier)))
    due = zones.proposals_on(session, on=on, scope=scope)
    out.append(Figure("lift_due", len(due), link("/zones", on=on.isoformat()),
                      link("/api/v1/zones/proposals", on=on.isoformat()), pick=""))
    days = trends.window(on, TREND_DAYS)
    return Part(out, {f"{tier}_in_force": trends.zones_in_force_per_day(session, scope, days, tier)
                      for tier in ("high", "low")})


def managed_figures(session: Session, actor, on: date) -> list[Figure]:
    scope = actor.jurisdiction

    def count(key, **filters) -> Figure:
        total = _total(managed_queries.list_managed(session, scope=scope, on=on, per_page=1, **filters))
        params = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items()}
        return Figure(key, total, link("/people/managed", **params), link("/api/v1/managed", **params))

    out = [count("in_phase", status="in_phase"), count("pending", status="pending")]
    out += [count(f"phase_{kind}", status="in_phase", phase_kind=kind) for kind in PHASE_KINDS]
    by_category = [count(f"category_{c}", status="in_phase", category=c) for c in MANAGED_CATEGORIES]
    out += [f for f in by_category if f.value]
    out.append(count("releasing_today", release_from=on, release_to=on))
    return Part(out, {"identified": trends.managed_identified_per_day(session, scope,
                                                                      trends.window(on, TREND_DAYS))})


def quarantine_figures(session: Session, actor, on: date) -> list[Figure]:
    answer = quarantine.occupancy(session, scope=quarantine.scope_of(session, actor), start=on)
    api = link("/api/v1/quarantine/occupancy", start=on.isoformat())
    href = link("/quarantine/occupancy", start=on.isoformat())
    tomorrow = answer.get("tomorrow") or {"arriving": 0, "departing": 0, "rooms_freed": 0}
    figures = [Figure("beds", answer["beds"], href, api, pick="beds"),
            Figure("occupied", answer["occupied"], href, api, pick="occupied"),
            Figure("arriving_tomorrow", tomorrow["arriving"], href, api, pick="tomorrow.arriving"),
            Figure("departing_tomorrow", tomorrow["departing"], href, api, pick="tomorrow.departing"),
            Figure("rooms_freed_tomorrow", tomorrow["rooms_freed"], href, api, pick="tomorrow.rooms_freed")]
    return Part(figures, {"places_needed": list(answer["city"]["current"])})


def lab_figures(session: Session, actor, on: date) -> list[Figure]:
    day = lab_queries.day_totals(lab_queries.capacity(session), on)
    pools = lab_queries.positive_pools(session, actor.jurisdiction)
    times = lab_queries.turnaround(session)
    api = link("/api/v1/lab/capacity", on=on.isoformat())
    figures = [Figure("received", day["received"], "/lab", api, pick="on_day.received"),
            Figure("tested", day["tested"], "/lab", api, pick="on_day.tested"),
            Figure("pending", day["pending"], "/lab", api, pick="on_day.pending"),
            Figure("capacity", day["capacity"], "/lab", api, pick="on_day.capacity"),
            Figure("positive_pools", len(pools), "/lab#pools", api, pick="positive_pools"),
            Figure("pools_open", lab_queries.open_pools(pools), "/lab#pools", api,
                   pick="on_day.pools_open"),
            Figure("turnaround_total", times["total"], "/lab#turnaround", api, pick="turnaround.total"),
            Figure("turnaround_within", times["within_target"], "/lab#turnaround", api,
                   pick="turnaround.within_target")]
    return Part(figures, {"tested": trends.lab_tested_per_day(session, trends.window(on, TREND_DAYS))})


def hotline_figures_of(session: Session, actor, on: date) -> list[Figure]:
    start = on - timedelta(days=TREND_DAYS - 1)
    answer = hotline_figures.figures(session, actor=actor, start=start, end=on)
    totals = answer["total"]
    api = link("/api/v1/hotline/figures", start=start.isoformat(), end=on.isoformat())
    href = link("/hotline", start=start.isoformat(), end=on.isoformat())
    out = [Figure(key, totals[key], href, api, pick=f"total.{key}")
           for key in ("received", "replied", "on_time", "late")]
    for key, filters in (("overdue_open", {"due": "overdue"}), ("over_enforcement", {"over_enforcement": "true"})):
        total = _total(hotline_queries.list_tickets(session, actor=actor, per_page=1, **{
            k: (v == "true" if k == "over_enforcement" else v) for k, v in filters.items()}))
        out.append(Figure(key, total, link("/hotline", **filters), link("/api/v1/hotline/tickets", **filters)))
    days = trends.window(on, TREND_DAYS)
    by_day = {row["key"]: row for row in answer["by_day"]}
    return Part(out, {key: [by_day.get(day.isoformat(), {}).get(key, 0) for day in days]
                      for key in ("received", "replied")})


def inspection_figures(session: Session, actor, on: date) -> list[Figure]:
    items, total, by_source = inspection.list_items(session, scope=actor.jurisdiction, state="open", per_page=1)
    out = [Figure("open_items", total, "/inspection", link("/api/v1/inspection/items", state="open"))]
    for source, count in sorted(by_source.items()):
        out.append(Figure(f"open_{source}", count, link("/inspection", source=source),
                          link("/api/v1/inspection/items", state="open", source=source)))
    found = trends.items_found_per_day(session, actor.jurisdiction, trends.window(on, TREND_DAYS))
    return Part(out, {"found": found})


def over_enforcement_figures(session: Session, actor, on: date) -> list[Figure]:
    iso = on.isoformat()
    people = overrides.over_enforcement_report(session, scope=actor.jurisdiction, on=on)
    zone_items = zones.over_enforcement_items(session, scope=actor.jurisdiction, on=on)
    people_api = link("/api/v1/reports/over-enforcement", on=iso)
    zones_api = link("/api/v1/reports/over-enforcement/zones", on=iso)
    return Part([Figure("overrides", len(people["overrides"]), "/zones/over-enforcement", people_api,
                   pick="overrides"),
            Figure("stricter_plans", len(people["plans"]), "/zones/over-enforcement", people_api,
                   pick="plans"),
            Figure("zone_overrides", len(zone_items["overrides"]), "/zones/over-enforcement", zones_api,
                   pick="overrides"),
            Figure("zones_overdue", len(zone_items["overdue"]), "/zones/over-enforcement", zones_api,
                   pick="overdue"),
            Figure("zones_wider", len(zone_items["wider"]), "/zones/over-enforcement", zones_api,
                   pick="wider")], {})


SECTIONS: tuple[Section, ...] = (
    Section("cases", p.RESIDENTS_READ, case_figures),
    Section("zones", p.ZONES_VIEW, zone_figures),
    Section("managed", p.MANAGED_READ, managed_figures),
    Section("quarantine", p.QUARANTINE_VIEW, quarantine_figures),
    Section("lab", p.LAB_VIEW, lab_figures),
    Section("hotline", p.HOTLINE_READ, hotline_figures_of),
    Section("inspection", p.INSPECTION_READ, inspection_figures),
    Section("over_enforcement", p.REPORTS_OVER_ENFORCEMENT, over_enforcement_figures),
)
