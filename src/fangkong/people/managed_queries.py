"""Reading people under management: jurisdiction filter, filtered lists, the detail with its timeline.

Status and current phase kind are computed from the stored dates for the day asked (today by
default), so a list is right even on a day no job has run; `advance_statuses` writes them back
(with history) for the stored columns and their indexes.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select, true, update
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.errors import InvalidInput, NotFound
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.pagination import PageRequest
from fangkong.core.pii import get_cipher, mask_id_number
from fangkong.people import plans as stored
from fangkong.people.managed_models import (
    STATUSES, ManagedEvent, ManagedPerson, ManagedPlan, ManagedPlanPhase, TestResult,
)
from fangkong.people.models import Resident
from fangkong.places import service as places_service
from fangkong.places.models import Community, District

MP = ManagedPerson
PP = ManagedPlanPhase


def within(scope: Jurisdiction):
    """The condition that keeps people under management inside `scope` (where they live or stay)."""
    if scope.is_city:
        return true()
    if scope.level == "district":
        return MP.district_id.in_(places_service.district_ids_within(scope))
    return MP.community_id.in_(places_service.community_ids_within(scope))


def status_condition(status: str, day: date):
    """SQL for "status on `day`", the same rule as plans.status_for."""
    if status == "case":
        return MP.status == "case"
    live = MP.status != "case"
    if status == "released":
        return and_(live, MP.release_on <= day)
    if status == "pending":
        return and_(live, MP.starts_on > day)
    if status == "in_phase":
        return and_(live, MP.starts_on <= day, MP.release_on > day)
    raise InvalidInput("invalid_status", f"status: must be one of {', '.join(STATUSES)}", details={"field": "status"})


def in_phase_kind(kind: str, day: date):
    """People whose phase on `day` is of this kind (and who are not a case).

    The plans in such a phase come from the small plan-phase table, so the condition on people is a
    plain `plan_id IN (…)`, cheap with or without planner statistics.
    """
    return and_(MP.status != "case", MP.plan_id.in_(plans_in_phase(kind, day)))


def plans_in_phase(kind: str, day: date):
    """A select of the ids of the stored plans in a phase of `kind` on `day`."""
    return select(PP.plan_id).where(PP.kind == kind, PP.starts_on <= day, PP.ends_on >= day)


def kind_of_plan_on(day: date):
    """A scalar subquery: the phase kind of a person's plan on `day` (None outside every phase)."""
    return (
        select(PP.kind).where(PP.plan_id == MP.plan_id, PP.starts_on <= day, PP.ends_on >= day)
        .limit(1).scalar_subquery()
    )


def get_person(session: Session, person_id: int, *, scope: Jurisdiction) -> ManagedPerson:
    """One person under management, or "not found" — also when outside the caller's jurisdiction."""
    person = session.scalar(select(MP).where(MP.id == person_id, within(scope)))
    if person is None:
        raise NotFound("person under management")
    return person


def list_managed(
    session: Session,
    *,
    scope: Jurisdiction,
    category: str | None = None,
    status: str | None = None,
    phase_kind: str | None = None,
    district_code: str | None = None,
    release_from: date | None = None,
    release_to: date | None = None,
    on: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[dict], int]:
    """A page of people (masked) in id order, filtered; `on` is the day status and phase refer to."""
    request = PageRequest(page=page, per_page=per_page)
    day = on or clock.today()
    conditions = filter_conditions(
        session, scope=scope, category=category, status=status, phase_kind=phase_kind, district_code=district_code,
        release_from=release_from, release_to=release_to, day=day,
    )
    total = session.scalar(select(func.count()).select_from(MP).where(*conditions)) or 0
    ids = select(MP.id).where(*conditions).order_by(MP.id).offset(request.offset).limit(request.per_page)
    rows = session.execute(
        select(MP, Resident.id_number_enc, District.name, Community.name)
        .outerjoin(Resident, MP.resident_id == Resident.id)
        .outerjoin(District, MP.district_id == District.id)
        .outerjoin(Community, MP.community_id == Community.id)
        .where(MP.id.in_(ids))
        .order_by(MP.id)
    ).all()
    plans = _plan_facts(session, {row[0].plan_id for row in rows}, day)
    return [_summary(p, enc, d, c, day, *plans[p.plan_id]) for p, enc, d, c in rows], total


def filter_conditions(
    session: Session,
    *,
    scope: Jurisdiction,
    day: date,
    category: str | None = None,
    status: str | None = None,
    phase_kind: str | None = None,
    district_code: str | None = None,
    release_from: date | None = None,
    release_to: date | None = None,
) -> list:
    """The WHERE conditions of a filtered list (shared by the list, its pages and its export)."""
    conditions = [within(scope)]
    if category or release_from or release_to:
        conditions.append(MP.plan_id.in_(plans_with(category=category, release_from=release_from,
                                                    release_to=release_to)))
    if status:
        conditions.append(status_condition(status, day))
    if phase_kind:
        conditions.append(in_phase_kind(phase_kind, day))
    if district_code:
        conditions.append(MP.district_id == places_service.get_district_by_code(session, district_code, scope=scope).id)
    return conditions


def plans_with(*, category: str | None = None, release_from: date | None = None, release_to: date | None = None):
    """A select of the ids of the stored plans of a category and/or releasing within dates.

    People copy their plan's category and release day, but are filtered through their plan: the
    (plan, district, status) index serves it, and people need no index of their own on either column —
    two indexes fewer for a policy switch to rewrite for every person it moves.
    """
    query = select(ManagedPlan.id)
    if category:
        query = query.where(ManagedPlan.category == category)
    if release_from:
        query = query.where(ManagedPlan.release_on >= release_from)
    if release_to:
        query = query.where(ManagedPlan.release_on <= release_to)
    return query


def person_detail(session: Session, person: ManagedPerson, *, on: date | None = None) -> dict:
    """The person (masked), the plan as a timeline of phases, the test appointments and the history."""
    day = on or clock.today()
    plan = stored.load_plan(session, person)
    enc = None
    if person.resident_id:
        enc = session.scalar(select(Resident.id_number_enc).where(Resident.id == person.resident_id))
    district = session.get(District, person.district_id) if person.district_id else None
    community = session.get(Community, person.community_id) if person.community_id else None
    view = _summary(
        person, enc, district.name if district else None, community.name if community else None, day,
        stored.kind_on(plan, day) if person.status != "case" else None, plan.overrides,
    )
    results = session.execute(select(TestResult.day, TestResult.result).where(TestResult.person_id == person.id))
    events = session.execute(
        select(ManagedEvent).where(ManagedEvent.person_id == person.id).order_by(ManagedEvent.id)
    ).scalars()
    view.update(
        identified_on=person.identified_on,
        owed_from=plan.owed_from,
        phases=[
            {"seq": seq, "kind": p.kind, "start": p.start, "end": p.end, "test_days": list(p.test_days),
             "pack": p.pack, "current": p.start <= day <= p.end}
            for seq, p in enumerate(plan.phases, start=1)
        ],
        appointments=stored.appointments(plan, dict(results.all())),
        history=[
            {"at": clock.aware(e.at), "kind": e.kind, "actor": e.actor_name, "before": e.before, "after": e.after}
            for e in events
        ],
    )
    return view


def advance_statuses(session: Session, *, on: date | None = None, actor=None) -> int:
    """Write each live person's status and phase kind as of `on` (default today); history for every change.

    The daily job: pending → in_phase → released, set-wise per group of people sharing a plan.
    Returns how many people changed.
    """
    day = on or clock.today()
    now = clock.now()
    live = [MP.status != "case", or_(MP.status != "released", MP.release_on > day)]
    changed = 0
    for group in stored.plan_groups(session, live):
        status = stored.status_for("", stored.first_day(group.plan), group.plan.release_on, day)
        kind = stored.kind_on(group.plan, day)
        stale = group.members(*live, or_(MP.status != status, MP.phase_kind.is_distinct_from(kind)))
        befores = session.execute(stale.with_only_columns(MP.status, MP.phase_kind).distinct()).all()
        for old_status, old_kind in befores:
            members = stale.where(MP.status == old_status, MP.phase_kind.is_not_distinct_from(old_kind))
            stored.insert_group_events(
                session, members, kind="status", at=now, actor=actor or "system",
                before={"status": old_status, "phase_kind": old_kind}, after={"status": status, "phase_kind": kind},
            )
            changed += session.execute(
                update(MP).where(MP.id.in_(members)).values(status=status, phase_kind=kind, updated_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
    if changed:
        session.expire_all()
    return changed


def mask_document(number: str) -> str:
    """A passport or other document number with only its ends shown."""
    if len(number) == 18:
        return mask_id_number(number)
    keep = 2 if len(number) > 4 else 0
    return number[:keep] + "*" * (len(number) - 2 * keep) + (number[-keep:] if keep else "")


def _plan_facts(session: Session, plan_ids: set[int], day: date) -> dict[int, tuple[str | None, list]]:
    """(phase kind on `day`, overrides) of each of these stored plans."""
    if not plan_ids:
        return {}
    kinds = dict(session.execute(
        select(PP.plan_id, PP.kind).where(PP.plan_id.in_(plan_ids), PP.starts_on <= day, PP.ends_on >= day)
    ).all())
    overrides = session.execute(select(ManagedPlan.id, ManagedPlan.overrides).where(ManagedPlan.id.in_(plan_ids)))
    return {plan_id: (kinds.get(plan_id), list(applied or ())) for plan_id, applied in overrides}


def _summary(
    person: ManagedPerson, resident_enc, district_name, community_name, day: date, kind, overrides
) -> dict:
    cipher = get_cipher()
    if resident_enc is not None:
        document, document_kind = mask_id_number(cipher.decrypt(resident_enc)), "id_card"
    elif person.document_enc is not None:
        document, document_kind = mask_document(cipher.decrypt(person.document_enc)), person.document_kind
    else:
        document, document_kind = "", person.document_kind
    status = stored.status_on(person, day)
    return {
        "id": person.id,
        "resident_id": person.resident_id,
        "name": person.name,
        "document_kind": document_kind,
        "document_masked": document,
        "category": person.category,
        "source": person.source,
        "anchor": person.anchor,
        "pack": person.pack,
        "status": status,
        "phase_kind": kind if status == "in_phase" else None,
        "release_on": person.release_on,
        "overrides": list(overrides),
        "district_name": district_name,
        "community_name": community_name,
    }
