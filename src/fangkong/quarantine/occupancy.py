"""Occupancy from the plans: per site and city-wide, per day for the next 14 days, and the same under another pack.

People are read as groups sharing (site, plan, district) — everyone by (plan, district), the placed
ones from their stays — and each stored plan once; a day counts a place for every person whose plan has a
centralized day then (policy.centralized_days), placed in a site or still waiting ("unassigned").
The forecast under another pack recomputes each group's plan exactly as the policy switch's dry
run does (policy.switch_plan from the effective day, the district's overrides in force re-applied),
over the same people (in the caller's jurisdiction, not a case, not released by the first day), so
the city's current curve minus the other curve is, day by day, the dry run's "places freed".
A row per site the caller may read (quarantine.scope: "own" or "hosting"); a hosting site's row counts
only the caller's people, and the totals of beds, occupied beds and tomorrow's turnover are the own sites'.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.errors import DomainError
from fangkong.people import plans as stored
from fangkong.people.managed_models import ManagedPerson as MP
from fangkong.people.overrides import apply_overrides, overrides_in_force
from fangkong.policy import Plan, centralized_days, get_pack, newest_first, switch_plan
from fangkong.quarantine.models import LIVE_STATES, QuarantineRoom, QuarantineSite, QuarantineStay
from fangkong.quarantine.scope import OWN, SiteScope, accesses, hosted_counts

WINDOW_DAYS = 14
Site, Room, Stay = QuarantineSite, QuarantineRoom, QuarantineStay


@dataclass(frozen=True)
class Group:
    site_id: int | None
    plan_id: int
    district_id: int | None
    count: int


def window(start: date) -> list[date]:
    return [start + timedelta(days=i) for i in range(WINDOW_DAYS)]


class LiveStay(NamedTuple):  # thousands per read: a tuple is built ~5× faster than a frozen dataclass
    site_id: int
    room_id: int
    plan_id: int
    district_id: int | None
    counted: bool  # the person is live on the first day (not a case, not released) and in the caller's reach
    site_shown: bool  # the site is one of the caller's own (its turnover is shown)
    ours: bool  # the person is in the caller's reach (at a hosting site, only these are shown)


def live_stays(session: Session, scope: SiteScope, start: date) -> list[LiveStay]:
    """The live stays a caller's figures need, with their people's plans: one join of the small stays
    table with the people, shared by the groups and tomorrow's turnover."""
    if scope.staff:
        if scope.site_id is None:
            return []
        reach = Stay.site_id == scope.site_id
    else:
        reach = scope.ours()
    counted = and_(reach, MP.status != "case", MP.release_on > start)
    shown = Stay.site_id.in_(scope.site_ids())
    rows = session.execute(
        select(Stay.site_id, Stay.room_id, MP.plan_id, MP.district_id, case((counted, True), else_=False),
               case((shown, True), else_=False), case((reach, True), else_=False))
        .select_from(Stay).join(MP, MP.id == Stay.person_id)
        .where(Stay.state.in_(LIVE_STATES), or_(reach, shown))
    ).all()
    return [LiveStay(*row) for row in rows]


def groups(session: Session, scope: SiteScope, start: date,
           everyone: Mapping[tuple[int, int | None], int] | None = None,
           stays: list[LiveStay] | None = None) -> list[Group]:
    """Live people (not a case, release after `start`) by (site of their live stay or None, plan, district).

    Two cheap reads instead of one join over everyone: all people by (plan, district) — the index
    ix_managed_person_plan_district_status, as the policy switch reads them — and the placed ones from
    the small stays table (`live_stays`); the difference is who is not placed.
    """
    stays = live_stays(session, scope, start) if stays is None else stays
    counts: dict[tuple[int, int, int | None], int] = defaultdict(int)
    for stay in stays:
        if stay.counted:
            counts[(stay.site_id, stay.plan_id, stay.district_id)] += 1
    placed = [Group(*key, count) for key, count in counts.items()]
    if scope.staff:
        return placed
    if everyone is None:  # a caller that counted the live people already passes them (the dashboard)
        everyone = {(plan_id, district_id): count for plan_id, district_id, count in session.execute(
            select(MP.plan_id, MP.district_id, func.count())
            .where(scope.ours(), MP.status != "case", MP.release_on > start)
            .group_by(MP.plan_id, MP.district_id))}
    in_sites: dict[tuple[int, int | None], int] = defaultdict(int)
    for g in placed:
        in_sites[(g.plan_id, g.district_id)] += g.count
    waiting = [Group(None, plan_id, district_id, count - in_sites[(plan_id, district_id)])
               for (plan_id, district_id), count in everyone.items() if count > in_sites[(plan_id, district_id)]]
    return placed + waiting


def curve(plan: Plan, days: list[date]) -> list[int]:
    """1 on each day of `days` the plan holds a centralized place, else 0."""
    held = set(centralized_days(plan))
    return [1 if day in held else 0 for day in days]


def occupancy(session: Session, *, scope: SiteScope, start: date | None = None,
              everyone: Mapping[tuple[int, int | None], int] | None = None) -> dict:
    """Per site and city-wide: beds and occupied beds now, places needed per day for 14 days, tomorrow's turnover."""
    start = start or clock.today()
    days = window(start)
    stays = live_stays(session, scope, start)
    found = groups(session, scope, start, everyone, stays)
    plans = stored.load_plans(session, {g.plan_id for g in found} | {stay.plan_id for stay in stays})
    curves: dict[int | None, list[int]] = defaultdict(lambda: [0] * WINDOW_DAYS)
    ones = {plan_id: curve(plan, days) for plan_id, plan in plans.items()}
    for g in found:
        _add(curves[g.site_id], ones[g.plan_id], g.count)
    tomorrow = start + timedelta(days=1)
    spans = {plan_id: _centralized_span(plan) for plan_id, plan in plans.items()}
    arriving = sum(g.count for g in found if g.site_id is None and spans[g.plan_id][0] == tomorrow)
    turnover = _turnover([stay for stay in stays if stay.site_shown], spans, tomorrow)
    turnover.update(_departing([stay for stay in stays if stay.ours and not stay.site_shown], spans, tomorrow))
    return _result(session, scope, start, days, {"current": curves}, turnover=turnover, tomorrow=tomorrow,
                   arriving=arriving)


def forecast(session: Session, *, scope: SiteScope, pack_id: str | None = None, effective: date | None = None,
             start: date | None = None) -> dict:
    """Occupancy under the plans of now and under `pack_id` applied from `effective`, side by side, by site."""
    start = start or clock.today()
    effective = effective or start
    pack = get_pack(pack_id) if pack_id else newest_first()[0]
    if not pack.in_force(effective):
        raise DomainError("pack_not_in_force", f"pack {pack.id} is not in force on {effective.isoformat()}",
                          status=409, details={"pack": pack.id, "effective": effective.isoformat()})
    days = window(start)
    found = groups(session, scope, start)
    plans = stored.load_plans(session, {g.plan_id for g in found})
    overrides = overrides_in_force(session, effective)
    current: dict[int | None, list[int]] = defaultdict(lambda: [0] * WINDOW_DAYS)
    other: dict[int | None, list[int]] = defaultdict(lambda: [0] * WINDOW_DAYS)
    ones = {plan_id: curve(plan, days) for plan_id, plan in plans.items()}
    switched: dict[tuple[int, int | None], list[int]] = {}  # the other curve of each (plan, district)
    for g in found:
        plan = plans[g.plan_id]
        key = (g.plan_id, g.district_id)
        if key not in switched:
            new = switch_plan(plan, pack, effective)
            local = overrides.get((g.district_id, plan.category), [])
            switched[key] = curve(apply_overrides(new, local, not_before=effective) if local else new, days)
        _add(current[g.site_id], ones[g.plan_id], g.count)
        _add(other[g.site_id], switched[key], g.count)
    result = _result(session, scope, start, days, {"current": current, "other": other})
    result.update(pack=pack.id, effective=effective)
    return result


def _result(session: Session, scope: SiteScope, start: date, days: list[date], curves: dict, *,
            turnover: dict[int, dict] | None = None, tomorrow: date | None = None, arriving: int = 0) -> dict:
    """One row per site the caller may read (scope.accesses), each with its access; the totals (beds,
    occupied, tomorrow's departures and rooms freed) are the caller's own sites' only."""
    names = _sites(session, scope)
    rows = []
    for site_id in sorted(names, key=lambda s: names[s]["name"]):
        rows.append({**names[site_id], **{k: list(c.get(site_id, [0] * WINDOW_DAYS)) for k, c in curves.items()}})
    own = [row for row in rows if row["access"] == OWN]
    unassigned = {k: list(c.get(None, [0] * WINDOW_DAYS)) for k, c in curves.items()}
    city = {k: [sum(c[s][i] for s in c) for i in range(WINDOW_DAYS)] for k, c in curves.items()}
    result = {"start": start, "days": days, "sites": rows, "unassigned": unassigned, "city": city,
              "beds": sum(r["beds"] for r in own), "occupied": sum(r["occupied"] for r in own)}
    if "other" in curves:
        result["freed"] = [a - b for a, b in zip(city["current"], city["other"])]
    if turnover is not None:
        for row in rows:
            none = {"departing": 0, "rooms_freed": 0 if row["access"] == OWN else None}
            row.update(turnover.get(row["site_id"], none))
        result["tomorrow"] = {"day": tomorrow, "arriving": arriving,
                              "departing": sum(r["departing"] for r in own),
                              "rooms_freed": sum(r["rooms_freed"] for r in own)}
    return result


def _turnover(stays: list[LiveStay], spans: Mapping[int, tuple], tomorrow: date) -> dict[int, dict]:
    """By site: people whose centralized phase is over by tomorrow, and rooms all of whose people leave then."""
    leaving: dict[int, int] = defaultdict(int)
    staying_rooms, rooms = set(), defaultdict(set)
    for stay in stays:
        rooms[stay.site_id].add(stay.room_id)
        last = spans[stay.plan_id][1]
        if last is None or last < tomorrow:
            leaving[stay.site_id] += 1
        else:
            staying_rooms.add(stay.room_id)
    return {site_id: {"departing": leaving[site_id], "rooms_freed": len(ids - staying_rooms)}
            for site_id, ids in rooms.items()}


def _departing(stays: list[LiveStay], spans: Mapping[int, tuple], tomorrow: date) -> dict[int, dict]:
    """At hosting sites: the caller's people whose centralized phase is over by tomorrow (rooms are not theirs)."""
    leaving: dict[int, int] = defaultdict(int)
    for stay in stays:
        last = spans[stay.plan_id][1]
        leaving[stay.site_id] += 1 if last is None or last < tomorrow else 0
    return {site_id: {"departing": n, "rooms_freed": None} for site_id, n in leaving.items()}


def _sites(session: Session, scope: SiteScope) -> dict[int, dict]:
    """The sites the caller may read: beds, and occupied beds (at a hosting site: the caller's people)."""
    hosted = hosted_counts(session, scope)
    access = accesses(session, scope, hosted=hosted)
    if not access:
        return {}
    ids = list(access)
    beds = dict(session.execute(
        select(Room.site_id, func.sum(Room.capacity)).where(Room.site_id.in_(ids)).group_by(Room.site_id)).all())
    used = dict(session.execute(
        select(Room.site_id, func.sum(Room.occupied)).where(Room.site_id.in_(ids)).group_by(Room.site_id)).all())
    used.update(hosted)
    return {
        site_id: {"site_id": site_id, "name": name, "status": status, "access": access[site_id],
                  "beds": beds.get(site_id) or 0, "occupied": used.get(site_id) or 0}
        for site_id, name, status in session.execute(select(Site.id, Site.name, Site.status).where(Site.id.in_(ids)))
    }


def _centralized_span(plan: Plan) -> tuple[date | None, date | None]:
    """The first and last day the plan holds a centralized place (None, None without one)."""
    days = centralized_days(plan)
    return (min(days), max(days)) if days else (None, None)


def _add(target: list[int], ones: list[int], count: int) -> None:
    for i, hit in enumerate(ones):
        if hit:
            target[i] += count
