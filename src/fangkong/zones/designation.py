"""Designating zones: proposals from a case, approval, rejection, widening; infections restart streaks.

A case's home unit and frequent units are proposed at the first granularity of the pack in
force on its report day (measures20: the unit; ed9: the compound), at the pack's highest tier;
its frequent venues at the pack's `venue_tier`. A place already covered by a live zone of that
tier or higher gets no new proposal: the infection is linked to the zone, which restarts its
clean streak and withdraws its open lifting proposal. Widening beyond the granularities the
pack in force lists is recorded as an override (over-enforcement report).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.people.case_models import Case
from fangkong.people.cases import case_places
from fangkong.policy import pack_in_force
from fangkong.zones.coverage import SEVERITY, PlaceRef, covering, place_ref, unit_ref, widened, zone_within
from fangkong.zones.events import add_event, audit_row, who
from fangkong.zones.models import (
    WIDENING, Zone, ZoneInfection, ZoneOverride, ZonePlace, ZoneProposal, ZoneSpan,
)

LIVE = ("proposed", "in_force")


@dataclass(frozen=True)
class ZoneLink:
    """What a case did to one place: a new proposed zone, or an infection linked to a live one."""

    zone_id: int
    tier: str
    state: str
    created: bool


def get_zone(session: Session, zone_id: int, *, scope: Jurisdiction) -> Zone:
    zone = session.scalar(select(Zone).where(Zone.id == zone_id, zone_within(scope)))
    if zone is None:
        raise NotFound("zone")
    return zone


def propose_for_case(session: Session, case: Case, *, actor) -> list[ZoneLink]:
    """The zones a case causes: proposals for new places, infections linked to live zones."""
    pack = pack_in_force(case.reported_on)
    rules = pack.zones
    places = case_places(session, case)
    wanted: dict[tuple, tuple[PlaceRef, str]] = {}
    unit_ids = ([places.home_unit_id] if places.home_unit_id else []) + list(places.units)
    refs = [(widened(unit_ref(session, u), rules.granularity[0]), rules.tiers[0]) for u in unit_ids]
    refs += [(place_ref(session, "venue", v), rules.venue_tier) for v in places.venues]
    for ref, tier in refs:
        known = wanted.get(ref.key)
        if known is None or SEVERITY[tier] > SEVERITY[known[1]]:
            wanted[ref.key] = (ref, tier)
    links = []
    for ref, tier in wanted.values():
        live = session.scalars(
            select(Zone).where(Zone.state.in_(LIVE), Zone.id.in_(
                select(ZonePlace.zone_id).where(covering(ref), ZonePlace.removed_on.is_(None))
            )).order_by(Zone.id)
        ).all()
        for zone in live:
            link_infection(session, zone, case, actor=actor)
            links.append(ZoneLink(zone.id, zone.tier, zone.state, created=False))
        if not any(SEVERITY[zone.tier] >= SEVERITY[tier] for zone in live):
            zone = _new_zone(session, ref, tier, pack.id, case, actor=actor)
            links.append(ZoneLink(zone.id, zone.tier, zone.state, created=True))
    return links


def _new_zone(session: Session, ref: PlaceRef, tier: str, pack_id: str, case: Case, *, actor) -> Zone:
    now = clock.now()
    _, name = who(actor)
    zone = Zone(
        tier=tier, state="proposed", pack=pack_id, granularity=ref.kind, district_id=ref.district_id,
        reason=f"case {case.id} ({case.kind}) reported {case.reported_on.isoformat()}",
        proposed_at=now, proposed_by=name, updated_at=now,
    )
    session.add(zone)
    session.flush()
    session.add(ZonePlace(zone_id=zone.id, added_on=now.date(), **ref.columns()))
    session.add(ZoneInfection(zone_id=zone.id, case_id=case.id, reported_on=case.reported_on))
    session.flush()
    add_event(session, zone.id, "proposed", actor, tier=tier, pack=pack_id, place=ref.kind, case_id=case.id)
    return zone


def link_infection(session: Session, zone: Zone, case: Case, *, actor) -> bool:
    """Link a case to a live zone: its clean streak restarts; an open lifting proposal is withdrawn."""
    if session.get(ZoneInfection, (zone.id, case.id)) is not None:
        return False
    session.add(ZoneInfection(zone_id=zone.id, case_id=case.id, reported_on=case.reported_on))
    withdrawn = session.execute(
        update(ZoneProposal).where(ZoneProposal.zone_id == zone.id, ZoneProposal.state == "open")
        .values(state="superseded", decided_on=clock.today(), decided_by=who(actor)[1],
                decision_reason=f"new infection reported {case.reported_on.isoformat()} (case {case.id})")
        .execution_options(synchronize_session=False)
    ).rowcount
    zone.updated_at = clock.now()
    session.flush()
    add_event(session, zone.id, "infection", actor, case_id=case.id, reported_on=case.reported_on,
              proposals_withdrawn=withdrawn)
    return True


def approve(session: Session, zone_id: int, *, actor) -> Zone:
    """A proposed zone comes into force today at its tier; audited."""
    zone = get_zone(session, zone_id, scope=actor.jurisdiction)
    if zone.state != "proposed":
        raise DomainError("not_proposed", f"zone {zone.id} is {zone.state}, not a proposal", status=409)
    today, now = clock.today(), clock.now()
    user_id, name = who(actor)
    zone.state, zone.designated_at, zone.designated_on = "in_force", now, today
    zone.approved_by, zone.approved_by_user_id, zone.updated_at = name, user_id, now
    session.add(ZoneSpan(zone_id=zone.id, tier=zone.tier, starts_on=today, reached_by="designation"))
    session.flush()
    add_event(session, zone.id, "designated", actor, tier=zone.tier)
    audit_row(session, actor, action="zone.approve", object_id=zone.id,
              after={"state": "in_force", "tier": zone.tier, "granularity": zone.granularity, "on": today})
    return zone


def reject(session: Session, zone_id: int, *, actor, reason: str) -> Zone:
    zone = get_zone(session, zone_id, scope=actor.jurisdiction)
    reason = _reason(reason)
    if zone.state != "proposed":
        raise DomainError("not_proposed", f"zone {zone.id} is {zone.state}, not a proposal", status=409)
    zone.state, zone.closed_on, zone.updated_at = "rejected", clock.today(), clock.now()
    session.flush()
    add_event(session, zone.id, "rejected", actor, reason=reason)
    audit_row(session, actor, action="zone.reject", object_id=zone.id, reason=reason,
              before={"state": "proposed"}, after={"state": "rejected"})
    return zone


def widen(session: Session, zone_id: int, *, actor, to: str, reason: str) -> Zone:
    """Draw a live zone at a wider granularity (unit → building → compound → whole community), with a reason.

    Wider than every granularity the pack in force lists needs the pack to allow widening where
    spread is unclear, and is recorded as an override (listed in the over-enforcement report).
    """
    zone = get_zone(session, zone_id, scope=actor.jurisdiction)
    reason = _reason(reason)
    if zone.state not in LIVE:
        raise DomainError("not_live", f"zone {zone.id} is {zone.state}: only live zones are widened", status=409)
    if zone.granularity not in WIDENING or to not in WIDENING or WIDENING.index(to) <= WIDENING.index(zone.granularity):
        raise InvalidInput("invalid_widening", f"to: a zone drawn by {zone.granularity} cannot be widened to {to}",
                           details={"field": "to"})
    today = clock.today()
    pack = pack_in_force(today)
    beyond = WIDENING.index(to) > max(WIDENING.index(g) for g in pack.zones.granularity)
    if beyond and not pack.zones.may_widen_when_spread_unclear:
        raise DomainError("widening_refused", f"{pack.id} does not allow zones wider than "
                          f"{' or '.join(pack.zones.granularity)}", status=409)
    rows = session.scalars(select(ZonePlace).where(ZonePlace.zone_id == zone.id, ZonePlace.removed_on.is_(None))
                           .order_by(ZonePlace.id)).all()
    new = {}
    for row in rows:
        ref = widened(_ref_of(row), to)
        new.setdefault(ref.key, ref)
        row.removed_on = today
    session.add_all([ZonePlace(zone_id=zone.id, added_on=today, **ref.columns()) for ref in new.values()])
    before = zone.granularity
    zone.granularity, zone.updated_at = to, clock.now()
    override_id = None
    if beyond:
        user_id, name = who(actor)
        override = ZoneOverride(
            zone_id=zone.id, kind="widen", reason=reason, pack=pack.id, approver_name=name,
            approver_user_id=user_id, starts_on=today, ends_on=None, created_at=clock.now(),
            detail={"from": before, "to": to, "pack_granularity": list(pack.zones.granularity)},
        )
        session.add(override)
        session.flush()
        override_id = override.id
    session.flush()
    add_event(session, zone.id, "widened", actor, before=before, to=to, reason=reason, override_id=override_id)
    audit_row(session, actor, action="zone.widen", object_id=zone.id, reason=reason,
              before={"granularity": before, "places": len(rows)},
              after={"granularity": to, "places": len(new), "override_id": override_id, "pack": pack.id})
    return zone


def _ref_of(row: ZonePlace) -> PlaceRef:
    return PlaceRef(kind=row.kind, district_id=row.district_id, community_id=row.community_id,
                    compound_id=row.compound_id, building_id=row.building_id, unit_id=row.unit_id,
                    venue_id=row.venue_id)


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason_required", "reason: say why", details={"field": "reason"})
    return reason[:500]

