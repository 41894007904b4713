"""Local overrides (层层加码 under control) and the over-enforcement report for the inspection task force.

A district (or a quarantine site, by its district) may make a plan stricter than the pack only
through a recorded override: scope, category, phase kind, extra days and/or extra test days,
reason, approver (the acting user), start and end date. Nothing laxer can be recorded.
New plans of the category in the scope, identified while the override is in force, get it
applied; the report lists every override and every stored plan stricter than the pack in force.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta

from pydantic import ValidationError
from sqlalchemy import select, true
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.people import plans as stored
from fangkong.people.managed_models import ManagedPerson, Override
from fangkong.people.managed_queries import within as people_within
from fangkong.places import service as places_service
from fangkong.places.models import District
from fangkong.policy import LocalOverride, Plan, apply_override, compute_plan, pack_in_force, stricter_than
from fangkong.policy.errors import PolicyError

SCOPE_KINDS = ("district", "site")
ONE_DAY = timedelta(days=1)


def within(scope: Jurisdiction):
    return true() if scope.is_city else Override.district_id.in_(places_service.district_ids_within(scope))


def engine_override(row: Override) -> LocalOverride:
    """The engine's view of a stored override; its id in plans is the row id."""
    return LocalOverride(
        id=str(row.id),
        label=f"{row.scope_code} {row.category} {row.phase_kind} +{row.extra_days}d",
        phase_kind=row.phase_kind,
        extra_days=row.extra_days,
        extra_test_days=tuple(row.extra_test_days or ()),
        reason=row.reason,
    )


def create_override(
    session: Session,
    *,
    actor,
    district: str,
    category: str,
    phase_kind: str,
    reason: str,
    starts_on: date,
    ends_on: date,
    extra_days: int = 0,
    extra_test_days: list[int] | tuple[int, ...] = (),
    scope_kind: str = "district",
    site: str | None = None,
) -> Override:
    """Record an override approved by `actor`; refused unless it is stricter than the pack in force on its start."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "reason_required", "reason: say why the local measure is needed", details={"field": "reason"}
        )
    if ends_on < starts_on:
        raise InvalidInput("invalid_period", "ends_on: must be on or after starts_on", details={"field": "ends_on"})
    if scope_kind not in SCOPE_KINDS:
        raise InvalidInput("invalid_scope", "scope_kind: district or site", details={"field": "scope_kind"})
    if scope_kind == "site" and not (site or "").strip():
        raise InvalidInput("site_required", "site: the code of the quarantine site", details={"field": "site"})
    place = places_service.get_district_by_code(session, district, scope=actor.jurisdiction)
    try:
        candidate = LocalOverride(
            id="new", label="new", phase_kind=phase_kind, extra_days=extra_days,
            extra_test_days=tuple(extra_test_days), reason=reason,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "extra_days"
        raise InvalidInput(
            "override_not_stricter", f"{field}: {str(first['msg']).removeprefix('Value error, ')}",
            details={"field": field},
        ) from None
    pack = pack_in_force(starts_on)
    sample = compute_plan(pack, category, starts_on)
    reasons = stricter_than(apply_override(sample, candidate), pack)
    if not reasons:
        raise DomainError(
            "override_not_stricter",
            f"this override changes nothing in the {pack.id} plan for {category}: the pack already prescribes it",
            status=409,
        )
    approver_id, approver_name = stored.actor_identity(actor)
    row = Override(
        scope_kind=scope_kind,
        scope_code=site.strip() if scope_kind == "site" else place.code,
        district_id=place.id,
        category=category,
        phase_kind=phase_kind,
        extra_days=extra_days,
        extra_test_days=list(extra_test_days),
        reason=reason,
        pack=pack.id,
        approver_user_id=approver_id,
        approver_name=approver_name,
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session, actor=actor, action="override.create", object_type="local_override", object_id=row.id, reason=reason,
        after={**_json_ready(override_view(row, place.code)), "stricter": reasons},
    )
    return row


def _json_ready(view: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in view.items()}


def list_overrides(session: Session, *, scope: Jurisdiction, active_on: date | None = None) -> list[dict]:
    query = (
        select(Override, District.code).join(District, Override.district_id == District.id).where(within(scope))
    )
    if active_on is not None:
        query = query.where(Override.starts_on <= active_on, Override.ends_on >= active_on)
    return [override_view(row, code) for row, code in session.execute(query.order_by(Override.id))]


def override_view(row: Override, district_code: str) -> dict:
    today = clock.today()
    return {
        "id": row.id,
        "scope_kind": row.scope_kind,
        "scope_code": row.scope_code,
        "district": district_code,
        "category": row.category,
        "phase_kind": row.phase_kind,
        "extra_days": row.extra_days,
        "extra_test_days": list(row.extra_test_days or ()),
        "reason": row.reason,
        "pack": row.pack,
        "approver": row.approver_name,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "active": row.starts_on <= today <= row.ends_on,
    }


def overrides_in_force(session: Session, on: date) -> dict[tuple[int, str], list[LocalOverride]]:
    """District-scoped overrides in force on `on`, by (district id, category), oldest first.

    Site overrides apply to the people assigned to the site: that assignment belongs to the
    quarantine domain, so they are recorded and reported here but not yet applied.
    """
    found: dict[tuple[int, str], list[LocalOverride]] = defaultdict(list)
    rows = session.scalars(
        select(Override)
        .where(Override.scope_kind == "district", Override.starts_on <= on, Override.ends_on >= on)
        .order_by(Override.id)
    )
    for row in rows:
        found[(row.district_id, row.category)].append(engine_override(row))
    return found


def apply_overrides(plan: Plan, overrides: list[LocalOverride], *, not_before: date | None = None) -> Plan:
    """Apply the overrides that fit the plan; with `not_before`, only where no served day would move.

    An override whose phase kind the plan lacks (or whose extra test day falls outside) is
    skipped: it was recorded for another plan shape.
    """
    for override in overrides:
        runs = [p for p in plan.phases if p.kind == override.phase_kind]
        if not runs or (not_before is not None and runs[-1].end < not_before - ONE_DAY):
            continue
        try:
            plan = apply_override(plan, override)
        except PolicyError:
            continue
    return plan


def overrides_for_plan(session: Session, plan: Plan, *, district_id: int | None, on: date) -> Plan:
    """`plan` with the overrides in force on `on` for its district and category applied."""
    if district_id is None:
        return plan
    return apply_overrides(plan, overrides_in_force(session, on).get((district_id, plan.category), []))


def stricter_groups(session: Session, *, scope: Jurisdiction, day: date):
    """The pack in force on `day`, the conditions on live people in `scope`, and their (plan, district)
    groups whose stored plan is stricter than that pack, each with its reasons."""
    pack = pack_in_force(day)
    conditions = [people_within(scope), ManagedPerson.status != "case", ManagedPerson.release_on > day]
    reasons_by_plan: dict[int, list[str]] = {}
    stricter = []
    for group in stored.plan_groups(session, conditions):
        reasons = reasons_by_plan.get(group.plan_id)
        if reasons is None:
            reasons = reasons_by_plan[group.plan_id] = stricter_than(group.plan, pack)
        if reasons:
            stricter.append((group, reasons))
    return pack, conditions, stricter


def stricter_plan_people(session: Session, live_by_plan: Mapping[int, int], *, on: date) -> int:
    """How many people `over_enforcement_report` lists under "plans", from the live people per plan
    (people.managed_counts): the plans stricter than the pack in force on `on`, counted, not listed."""
    pack = pack_in_force(on)
    plans = stored.load_plans(session, live_by_plan)
    return sum(count for plan_id, count in live_by_plan.items() if stricter_than(plans[plan_id], pack))


def over_enforcement_report(session: Session, *, scope: Jurisdiction, on: date | None = None) -> dict:
    """Every override in the scope, and every live stored plan stricter than the pack in force on `on`."""
    day = on or clock.today()
    pack, conditions, stricter = stricter_groups(session, scope=scope, day=day)
    plans = []
    for group, reasons in stricter:
        people = session.execute(
            group.members(*conditions).with_only_columns(ManagedPerson.id, ManagedPerson.name)
        ).all()
        plans.extend((person_id, name, group.plan, reasons) for person_id, name in people)
    plans.sort(key=lambda row: row[0])
    return {
        "on": day,
        "pack_in_force": pack.id,
        "overrides": list_overrides(session, scope=scope),
        "plans": [
            {
                "person_id": person_id,
                "name": name,
                "category": plan.category,
                "pack": plan.pack,
                "release_on": plan.release_on,
                "overrides": list(plan.overrides),
                "reasons": reasons,
            }
            for person_id, name, plan, reasons in plans
        ],
    }
