"""Sampling rounds, labs and sampling points: creating and reading them.

Mass testing of a whole area (the city, whole districts) is allowed only for the reasons of the
pack in force (rules §3: source or chain unclear, long-running spread, unknown extent); any other
reason needs a recorded local override with its approver, audited like every override. Rounds of
zones or lists of people name one of the pack's targeted reasons. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import CITY
from fangkong.lab.models import AREA_SCOPES, POINT_KINDS, SCOPE_KINDS, Lab, SamplingPoint, SamplingRound
from fangkong.places import service as places_service
from fangkong.places.models import Community, District
from fangkong.policy.registry import get_pack, pack_in_force
from fangkong.policy.schemas import Pack, TurnaroundHours

PRIORITIES = tuple(TurnaroundHours.model_fields)


def _who(actor) -> str:
    user = getattr(actor, "user", None)
    return getattr(user, "username", None) or "cli"


def pack_of(round_: SamplingRound) -> Pack:
    return get_pack(round_.pack)


def create_round(
    session: Session, *, actor, name: str, scope_kind: str, reason: str, starts_at: datetime,
    scope_ids: Sequence[int] = (), priority: str = "voluntary", point_ids: Sequence[int] = (),
    override_reason: str | None = None, override_approver: str | None = None,
) -> SamplingRound:
    if scope_kind not in SCOPE_KINDS:
        raise InvalidInput("invalid_scope", f"scope_kind: one of {', '.join(SCOPE_KINDS)}",
                           details={"field": "scope_kind"})
    if priority not in PRIORITIES:
        raise InvalidInput("invalid_priority", f"priority: one of {', '.join(PRIORITIES)}",
                           details={"field": "priority"})
    starts_at = clock.aware(starts_at)
    pack = pack_in_force(starts_at.astimezone(clock.zone()).date())
    _check_scope(session, actor.jurisdiction, scope_kind, list(scope_ids))
    _check_reason(pack, scope_kind, reason, override_reason, override_approver)
    points = set(point_ids)
    if points and len(points) != len(session.scalars(select(SamplingPoint.id).where(SamplingPoint.id.in_(points))).all()):
        raise InvalidInput("unknown_point", "point_ids: not every id is a sampling point", details={"field": "point_ids"})
    row = SamplingRound(
        name=name.strip()[:100] or "round", scope_kind=scope_kind, scope_ids=sorted(set(scope_ids)), reason=reason,
        override_reason=override_reason, override_approver=override_approver, priority=priority, pack=pack.id,
        point_ids=sorted(points), starts_at=starts_at,
        target_at=starts_at + timedelta(hours=pack.testing.area_sampling_hours),
        created_at=clock.now(), created_by=_who(actor),
    )
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="lab.round", object_type="sampling_round", object_id=row.id,
                 reason=override_reason,
                 after={"scope_kind": scope_kind, "scope_ids": row.scope_ids, "reason": reason, "pack": pack.id,
                        "override_approver": override_approver})
    return row


def _check_scope(session: Session, scope, scope_kind: str, ids: list[int]) -> None:
    if scope_kind == "city":
        if ids:
            raise InvalidInput("invalid_scope", "scope_ids: a city round names no ids", details={"field": "scope_ids"})
        if not scope.is_city:
            raise DomainError("forbidden_scope", "only a city-wide user may start a city round", status=403)
        return
    if not ids:
        raise InvalidInput("invalid_scope", f"scope_ids: name the {scope_kind} of the round",
                           details={"field": "scope_ids"})
    if scope_kind == "districts":
        query = select(District.id).where(District.id.in_(ids))
        if not scope.is_city:
            query = query.where(District.id.in_(places_service.district_ids_within(scope)))
        if len(set(session.scalars(query))) != len(set(ids)):
            raise NotFound("district", details={"scope_ids": ids})


def _check_reason(pack: Pack, scope_kind: str, reason: str, override_reason, override_approver) -> None:
    testing = pack.testing
    if scope_kind in AREA_SCOPES:
        if reason in testing.mass_testing_reasons:
            return
        if not (override_reason or "").strip() or not (override_approver or "").strip():
            raise DomainError(
                "mass_testing_not_allowed",
                f"reason: testing a whole area under {pack.id} needs one of "
                f"{', '.join(testing.mass_testing_reasons)}; otherwise record an override with a reason and approver",
                status=409, details={"field": "reason", "allowed": list(testing.mass_testing_reasons)})
        return
    if reason not in (*testing.targeted_testing_reasons, *testing.mass_testing_reasons):
        raise InvalidInput("invalid_reason", f"reason: one of {', '.join(testing.targeted_testing_reasons)}",
                           details={"field": "reason"})


def get_round(session: Session, round_id: int, scope=CITY) -> SamplingRound:
    """A round; one of districts wholly outside `scope` is "not found" (city, zone and list rounds are shared)."""
    row = session.get(SamplingRound, round_id)
    if row is not None and row.scope_kind == "districts" and not scope.is_city:
        inside = set(session.scalars(places_service.district_ids_within(scope)))
        if not inside.intersection(row.scope_ids):
            row = None
    if row is None:
        raise NotFound("sampling round", details={"round_id": round_id})
    return row


def add_lab(session: Session, *, code: str, name: str, daily_capacity: int, district_id: int | None = None) -> Lab:
    if daily_capacity < 1:
        raise InvalidInput("invalid_capacity", "daily_capacity: at least 1 tube a day", details={"field": "daily_capacity"})
    row = Lab(code=code.strip(), name=name.strip(), daily_capacity=daily_capacity, district_id=district_id)
    session.add(row)
    session.flush()
    return row


def add_point(session: Session, *, code: str, name: str, kind: str, community_id: int) -> SamplingPoint:
    if kind not in POINT_KINDS:
        raise InvalidInput("invalid_point_kind", f"kind: one of {', '.join(POINT_KINDS)}", details={"field": "kind"})
    community = session.get(Community, community_id)
    if community is None:
        raise NotFound("community", details={"community_id": community_id})
    row = SamplingPoint(code=code.strip(), name=name.strip(), kind=kind, district_id=community.district_id,
                        community_id=community.id)
    session.add(row)
    session.flush()
    return row


def labs_by_code(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Lab.code, Lab.id)).all())
