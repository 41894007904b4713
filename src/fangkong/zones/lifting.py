"""Lifting: when each zone in force may come down a tier, the daily job, and the commander's decision.

For a zone in force on day P at tier T, with its last infection reported on day L, the lifting
rule of the pack in force on P for T says how many clean days (L+1 … L+n) and which full test
round are needed; the rule is due on L+n+1. Rules marked `downgraded_only` apply to a zone
that reached T by a downgrade and count their clean days after those of the downgrade (ed9:
7 + 3). A tier the pack in force no longer has (medium under measures20) is lifted at once.
The proposal's `since` is the first day from the due day on which the round condition holds:

- none:              the due day itself;
- on_last_day:       a negative full round sampled on the day before (the last clean day);
- within_24h_before: a negative full round sampled in the 24 h before the day starts, or on it.

A positive round in that window blocks the proposal. Everything is read from the history as of
day P, so `evaluate` answers for past days too; `run_daily` stores the proposals (set-wise) and
flags those not acted on by the end of their day as overdue (over-enforcement).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from fangkong.config import get_settings
from fangkong.core import clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import CITY, Jurisdiction
from fangkong.policy import Pack, pack_in_force
from fangkong.zones.coverage import span_on, zone_within
from fangkong.zones.events import add_event, add_events, audit_row, who
from fangkong.zones.models import Zone, ZoneInfection, ZoneOverride, ZoneProposal, ZoneSpan, ZoneTestRound

ONE_DAY = timedelta(days=1)
CHUNK = 500


@dataclass(frozen=True)
class Due:
    zone_id: int
    action: str  # lift | downgrade
    from_tier: str
    to_tier: str
    since: date
    last_infection_on: date | None
    pack: str
    reason: str
    basis: dict = field(default_factory=dict)  # the reason's facts, for pages in either language


@dataclass
class DailyReport:
    on: date
    pack: str
    in_force: int = 0
    proposed: list[Due] = field(default_factory=list)
    kept: int = 0
    overdue: int = 0
    superseded: int = 0
    applied: int = 0

    def to_dict(self) -> dict:
        return {"on": self.on.isoformat(), "pack": self.pack, "in_force": self.in_force,
                "proposed": len(self.proposed), "kept": self.kept, "overdue": self.overdue,
                "superseded": self.superseded, "applied": self.applied}


def _start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.zone())


def _round_ok(kind: str, rounds: list[tuple[datetime, date, str]], day: date) -> tuple[bool, datetime | None]:
    """Whether the round condition of a rule holds on `day`, and the negative round that satisfies it."""
    if kind == "none":
        return True, None
    if kind == "on_last_day":
        window = [r for r in rounds if r[1] == day - ONE_DAY]
    else:  # within_24h_before
        low, high = _start(day) - timedelta(hours=24), _start(day + ONE_DAY)
        window = [r for r in rounds if low <= r[0] < high]
    negatives = [r[0] for r in window if r[2] == "negative"]
    if not negatives or any(r[2] == "positive" for r in window):
        return False, None
    return True, max(negatives)


def _rule_for(pack: Pack, tier: str, reached_by: str, previous: str | None):
    """(rule, clean days needed) of the pack for a zone at `tier`, or (None, 0)."""
    rules = [r for r in pack.zones.lifting if r.from_tier == tier]
    if reached_by == "downgrade":
        for rule in (r for r in rules if r.downgraded_only):
            prior = next((r for r in pack.zones.lifting if r.from_tier == previous and r.to_tier == tier
                          and not r.downgraded_only), None)
            return rule, rule.clean_days + (prior.clean_days if prior else 0)
    rule = next((r for r in rules if not r.downgraded_only), None)
    return rule, rule.clean_days if rule else 0


def evaluate(session: Session, *, on: date, zone_ids: list[int] | None = None) -> list[Due]:
    """The lift and downgrade proposals due on day `on` (computed from the history, nothing written)."""
    pack = pack_in_force(on)
    in_force = select(ZoneSpan.zone_id).where(span_on(on))
    if zone_ids is not None:
        in_force = in_force.where(ZoneSpan.zone_id.in_(zone_ids))
    spans = session.execute(
        select(ZoneSpan.zone_id, ZoneSpan.tier, ZoneSpan.starts_on, ZoneSpan.reached_by, ZoneSpan.previous_tier,
               Zone.designated_on)
        .join(Zone, Zone.id == ZoneSpan.zone_id).where(ZoneSpan.zone_id.in_(in_force))
        .where(span_on(on)).order_by(ZoneSpan.zone_id)
    ).all()
    if not spans:
        return []
    last = dict(session.execute(
        select(ZoneInfection.zone_id, func.max(ZoneInfection.reported_on))
        .where(ZoneInfection.zone_id.in_(in_force), ZoneInfection.reported_on <= on).group_by(ZoneInfection.zone_id)
    ).all())
    kept_until = dict(session.execute(
        select(ZoneOverride.zone_id, func.max(ZoneOverride.ends_on))
        .where(ZoneOverride.zone_id.in_(in_force), ZoneOverride.kind == "keep_sealed", ZoneOverride.starts_on <= on)
        .group_by(ZoneOverride.zone_id)
    ).all())
    plans = {}
    for zone_id, tier, starts_on, reached_by, previous, designated_on in spans:
        if tier not in pack.zones.tiers:
            base = max(starts_on, pack.effective_from)
            plans[zone_id] = (base, "none", pack.zones.tiers[-1], tier, {"kind": "abolished"})
            continue
        rule, needed = _rule_for(pack, tier, reached_by, previous)
        if rule is None:
            continue
        clean_from = last.get(zone_id) or designated_on or starts_on
        # a rule counts from the day its pack took effect: an ed9 zone is not "overdue" under measures20 before 11-11
        base = max(clean_from + timedelta(days=needed + 1), starts_on, pack.effective_from)
        basis = {"kind": "infection" if zone_id in last else "designation", "n": needed, "day": clean_from.isoformat()}
        plans[zone_id] = (base, rule.full_round, rule.to_tier, tier, basis)
    for zone_id, until in kept_until.items():
        if zone_id in plans and until is not None:
            base, *rest = plans[zone_id]
            plans[zone_id] = (max(base, until + ONE_DAY), *rest)
    due_zones = [z for z, plan in plans.items() if plan[0] <= on]
    if not due_zones:
        return []
    earliest = min(plans[z][0] for z in due_zones) - ONE_DAY
    rounds: dict[int, list] = defaultdict(list)
    for zone_id, sampled_at, sampled_on, result in session.execute(
        select(ZoneTestRound.zone_id, ZoneTestRound.sampled_at, ZoneTestRound.sampled_on, ZoneTestRound.result)
        .where(ZoneTestRound.zone_id.in_(in_force), ZoneTestRound.sampled_on >= earliest,
               ZoneTestRound.sampled_on <= on, ZoneTestRound.result != "pending")
    ):
        rounds[zone_id].append((clock.aware(sampled_at), sampled_on, result))
    found = []
    for zone_id in due_zones:
        base, full_round, to_tier, tier, basis = plans[zone_id]
        mine = rounds.get(zone_id, [])
        for day in _candidate_days(full_round, mine, base, on):
            ok, sampled = _round_ok(full_round, mine, day)
            if ok:
                basis = {**basis, "pack": pack.id, "from": tier, "to": to_tier,
                         "round": sampled.astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M") if sampled else None}
                action = "lift" if to_tier == pack.zones.tiers[-1] else "downgrade"
                found.append(Due(zone_id, action, tier, to_tier, day, last.get(zone_id), pack.id,
                                 reason_text(basis), basis))
                break
    return found


def _candidate_days(full_round: str, rounds: list[tuple[datetime, date, str]], base: date, on: date) -> list[date]:
    """The days from `base` to `on` on which the round condition could hold, in order: only days next to a
    negative round (so a far `on` costs no more than the rounds there are)."""
    if full_round == "none":
        return [base]
    days = set()
    for _, sampled_on, result in rounds:
        if result == "negative":
            days.add(sampled_on + ONE_DAY)
            if full_round == "within_24h_before":
                days.add(sampled_on)
    return sorted(d for d in days if base <= d <= on)


def reason_text(basis: dict) -> str:
    """The English reason of a proposal (CLI, API); pages render `basis` in their language."""
    if basis["kind"] == "abolished":
        text = f"the {basis['from']} tier does not exist under {basis['pack']}"
    else:
        after = "the last infection reported" if basis["kind"] == "infection" else "designation on"
        text = f"{basis['n']} clean days after {after} {basis['day']}"
        if basis.get("round"):
            text += f"; negative full round sampled {basis['round']}"
    return f"{text} ({basis['pack']}: {basis['from']} → {basis['to']})"[:500]


def run_daily(session: Session, *, on: date | None = None, actor="system",
              zone_ids: list[int] | None = None) -> DailyReport:
    """The daily job: store the proposals due on `on` (default today), flag those left open past their day.

    An open proposal that still holds is kept (flagged overdue once its day has passed); one that
    no longer holds is superseded. Without `lift_needs_approval` in the pack, due proposals are
    applied at once. Set-wise: a few SELECTs, one executemany per kind of write.
    """
    day = on or clock.today()
    pack = pack_in_force(day)
    due = {d.zone_id: d for d in evaluate(session, on=day, zone_ids=zone_ids)}
    report = DailyReport(on=day, pack=pack.id)
    in_force = select(func.count()).select_from(ZoneSpan).where(span_on(day))
    if zone_ids is not None:
        in_force = in_force.where(ZoneSpan.zone_id.in_(zone_ids))
    report.in_force = session.scalar(in_force) or 0
    query = select(ZoneProposal.id, ZoneProposal.zone_id, ZoneProposal.action, ZoneProposal.to_tier,
                   ZoneProposal.since, ZoneProposal.overdue).where(ZoneProposal.state == "open")
    if zone_ids is not None:
        query = query.where(ZoneProposal.zone_id.in_(zone_ids))
    overdue, superseded, covered = [], [], set()
    for pid, zone_id, action, to_tier, since, flagged in session.execute(query):
        wanted = due.get(zone_id)
        if wanted is not None and (wanted.action, wanted.to_tier) == (action, to_tier):
            covered.add(zone_id)
            report.kept += 1
            if since < day and not flagged:
                overdue.append((pid, zone_id, since))
        elif since <= day:
            superseded.append((pid, zone_id))
        else:
            covered.add(zone_id)
    user_id, name = who(actor)
    now = clock.now()
    for chunk in _chunks([p for p, _ in superseded]):
        session.execute(update(ZoneProposal).where(ZoneProposal.id.in_(chunk)).values(
            state="superseded", decided_on=day, decided_by=name, decision_reason="the condition no longer holds"
        ).execution_options(synchronize_session=False))
    for chunk in _chunks([p for p, _, _ in overdue]):
        session.execute(update(ZoneProposal).where(ZoneProposal.id.in_(chunk)).values(overdue=True)
                        .execution_options(synchronize_session=False))
    new = [d for zone_id, d in due.items() if zone_id not in covered]
    if new:
        session.execute(insert(ZoneProposal), [
            {"zone_id": d.zone_id, "action": d.action, "from_tier": d.from_tier, "to_tier": d.to_tier,
             "since": d.since, "last_infection_on": d.last_infection_on, "pack": d.pack, "reason": d.reason,
             "basis": d.basis, "state": "open", "overdue": d.since < day, "created_at": now} for d in new
        ])
    add_events(session, [(d.zone_id, {"action": d.action, "to": d.to_tier, "since": d.since, "reason": d.reason})
                         for d in new], "change_proposed", actor)
    add_events(session, [(z, {"proposal_id": p, "since": s}) for p, z, s in overdue], "overdue", actor)
    add_events(session, [(z, {"proposal_id": p}) for p, z in superseded], "superseded", actor)
    report.proposed, report.overdue, report.superseded = new, len(overdue) + sum(d.since < day for d in new), \
        len(superseded)
    if new and not pack.zones.lift_needs_approval:
        ids = session.scalars(select(ZoneProposal.id).where(ZoneProposal.state == "open",
                                                            ZoneProposal.zone_id.in_([d.zone_id for d in new])))
        for pid in list(ids):
            _decide(session, session.get(ZoneProposal, pid), actor=actor, day=day)
            report.applied += 1
    if new or overdue or superseded or zone_ids is None:
        audit_row(session, actor, action="zones.daily", object_id=day.isoformat(), object_type="zones_daily",
                  after={**report.to_dict(), "by": name, "user_id": user_id})
    session.flush()
    return report


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def proposals_on(session: Session, *, on: date, scope: Jurisdiction = CITY) -> list[dict]:
    """The lift/downgrade proposals due on day `on`: the stored ones open that day, and those the
    history says were due although no job stored them. Sorted by zone."""
    P = ZoneProposal
    stored = session.execute(
        select(P).where(P.since <= on, or_(P.state == "open", P.decided_on > on,
                                           and_(P.decided_on == on, P.state != "superseded")))
        .where(P.zone_id.in_(select(Zone.id).where(zone_within(scope)))).order_by(P.zone_id, P.id)
    ).scalars().all()
    found = {}
    for row in stored:
        found.setdefault(row.zone_id, {
            "zone_id": row.zone_id, "action": row.action, "since": row.since, "reason": row.reason,
            "proposal_id": row.id, "from_tier": row.from_tier, "to_tier": row.to_tier, "state": row.state,
            "overdue": row.overdue or (row.state == "open" and row.since < on), "basis": row.basis or {},
        })
    visible = set(session.scalars(select(Zone.id).where(zone_within(scope)))) if not scope.is_city else None
    for d in evaluate(session, on=on):
        if d.zone_id not in found and (visible is None or d.zone_id in visible):
            found[d.zone_id] = {"zone_id": d.zone_id, "action": d.action, "since": d.since, "reason": d.reason,
                                "proposal_id": None, "from_tier": d.from_tier, "to_tier": d.to_tier,
                                "state": "due", "overdue": d.since < on, "basis": d.basis}
    return [found[z] for z in sorted(found)]


def get_proposal(session: Session, proposal_id: int, *, scope: Jurisdiction) -> ZoneProposal:
    row = session.scalar(select(ZoneProposal).where(
        ZoneProposal.id == proposal_id, ZoneProposal.zone_id.in_(select(Zone.id).where(zone_within(scope)))))
    if row is None:
        raise NotFound("proposal")
    return row


def approve_proposal(session: Session, proposal_id: int, *, actor) -> ZoneProposal:
    """Lift (or downgrade) the zone today as proposed; audited as zone.lift / zone.downgrade."""
    row = get_proposal(session, proposal_id, scope=actor.jurisdiction)
    if row.state != "open":
        raise DomainError("proposal_closed", f"proposal {row.id} is {row.state}", status=409)
    return _decide(session, row, actor=actor, day=clock.today())


def _decide(session: Session, row: ZoneProposal, *, actor, day: date) -> ZoneProposal:
    zone = session.get(Zone, row.zone_id)
    if day < row.since:
        raise DomainError("not_due", f"proposal {row.id} is due from {row.since}", status=409)
    _, name = who(actor)
    session.execute(update(ZoneSpan).where(ZoneSpan.zone_id == zone.id, ZoneSpan.ends_on.is_(None))
                    .values(ends_on=day).execution_options(synchronize_session=False))
    if row.action == "lift":
        zone.state, zone.closed_on = "lifted", day
        session.execute(update(ZoneOverride).where(ZoneOverride.zone_id == zone.id, ZoneOverride.kind == "widen",
                                                   ZoneOverride.ends_on.is_(None))
                        .values(ends_on=day).execution_options(synchronize_session=False))
    else:
        session.add(ZoneSpan(zone_id=zone.id, tier=row.to_tier, starts_on=day, reached_by="downgrade",
                             previous_tier=row.from_tier))
        zone.tier = row.to_tier
    zone.updated_at = clock.now()
    row.state, row.decided_on, row.decided_by = "approved", day, name
    row.overdue = row.overdue or day > row.since
    session.flush()
    add_event(session, zone.id, "lifted" if row.action == "lift" else "downgraded", actor, proposal_id=row.id,
              to=row.to_tier, since=row.since)
    audit_row(session, actor, action=f"zone.{row.action}", object_id=zone.id,
              before={"tier": row.from_tier}, after={"tier": row.to_tier, "state": zone.state, "on": day,
                                                     "proposal_id": row.id, "since": row.since})
    return row


def reject_proposal(session: Session, proposal_id: int, *, actor, reason: str, keep_until: date) -> ZoneOverride:
    """Keep the zone as it is until `keep_until`: only as an override with a reason (over-enforcement report)."""
    row = get_proposal(session, proposal_id, scope=actor.jurisdiction)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason_required", "reason: say why the zone stays as it is", details={"field": "reason"})
    if row.state != "open":
        raise DomainError("proposal_closed", f"proposal {row.id} is {row.state}", status=409)
    today = clock.today()
    longest = get_settings().zone_keep_sealed_max_days
    if not today <= keep_until <= today + timedelta(days=longest):
        raise InvalidInput("invalid_keep_until", f"keep_until: from today to {longest} days ahead",
                           details={"field": "keep_until"})
    user_id, name = who(actor)
    row.state, row.decided_on, row.decided_by, row.decision_reason = "rejected", today, name, reason[:500]
    override = ZoneOverride(
        zone_id=row.zone_id, kind="keep_sealed", reason=reason[:500], pack=row.pack, approver_name=name,
        approver_user_id=user_id, starts_on=today, ends_on=keep_until, created_at=clock.now(),
        detail={"proposal_id": row.id, "action": row.action, "since": row.since.isoformat(), "to": row.to_tier},
    )
    session.add(override)
    session.flush()
    add_event(session, row.zone_id, "kept_sealed", actor, proposal_id=row.id, until=keep_until, reason=reason)
    audit_row(session, actor, action="zone.keep_sealed", object_id=row.zone_id, reason=reason,
              after={"proposal_id": row.id, "until": keep_until, "override_id": override.id})
    return override


def record_round(session: Session, zone_id: int, *, sampled_at: datetime, result: str, actor) -> ZoneTestRound:
    """A full test round of a zone in force (one per sampling time: a second call updates its result).

    A negative round re-evaluates the zone at once, so a lift due on its condition is proposed
    without waiting for the next daily job.
    """
    from fangkong.zones.designation import get_zone

    if result not in ("pending", "negative", "positive"):
        raise InvalidInput("invalid_result", "result: pending, negative or positive", details={"field": "result"})
    zone = get_zone(session, zone_id, scope=actor.jurisdiction)
    if zone.state != "in_force":
        raise DomainError("not_in_force", f"zone {zone.id} is {zone.state}: rounds are for zones in force", status=409)
    if sampled_at.tzinfo is None:
        sampled_at = sampled_at.replace(tzinfo=clock.zone())
    sampled_at = sampled_at.astimezone(clock.zone())
    if sampled_at > clock.now():
        raise InvalidInput("sampled_in_future", "sampled_at: cannot be in the future", details={"field": "sampled_at"})
    _, name = who(actor)
    row = session.scalar(select(ZoneTestRound).where(ZoneTestRound.zone_id == zone.id,
                                                     ZoneTestRound.sampled_at == sampled_at))
    before = row.result if row else None
    if row is None:
        row = ZoneTestRound(zone_id=zone.id, sampled_at=sampled_at, sampled_on=sampled_at.date(), result=result,
                            recorded_at=clock.now(), recorded_by=name)
        session.add(row)
    else:
        row.result, row.recorded_at, row.recorded_by = result, clock.now(), name
    session.flush()
    add_event(session, zone.id, "round", actor, sampled_at=sampled_at, result=result, before=before)
    audit_row(session, actor, action="zone.round", object_id=zone.id,
              after={"sampled_at": sampled_at, "result": result, "before": before})
    if result == "negative":
        run_daily(session, on=clock.today(), actor=actor, zone_ids=[zone.id])
    return row
