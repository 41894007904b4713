"""Putting people under management (管控): one person or many, with the plan of the pack in force.

The plan comes from the policy engine (pack, category, anchor, identified date); local overrides
in force where the person lives are applied and shown. Lists, detail and status live in
people/managed_queries.py; the policy switch in people/switch.py; overrides in people/overrides.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.pii import get_cipher
from fangkong.people import plans as stored
from fangkong.people import service as residents
from fangkong.people.managed_models import DOCUMENT_KINDS, SOURCES, ManagedPerson, ManagedPlanTest, TestResult
from fangkong.people.managed_queries import get_person, mask_document
from fangkong.people.overrides import overrides_for_plan
from fangkong.places import service as places_service
from fangkong.places.models import Community
from fangkong.policy import compute_plan, get_pack, pack_in_force

RESULTS = ("negative", "positive")


@dataclass(frozen=True)
class Location:
    district_id: int | None
    community_id: int | None


def put_under_management(
    session: Session,
    *,
    actor,
    category: str,
    anchor: date,
    source: str = "manual",
    resident_id: int | None = None,
    name: str | None = None,
    document_kind: str | None = None,
    document_number: str | None = None,
    unit_id: int | None = None,
    district: str | None = None,
    identified: date | None = None,
    pack: str | None = None,
    option: str | None = None,
) -> ManagedPerson:
    """Put a resident (inside the actor's jurisdiction) or a non-resident with a document under management.

    The pack is the one in force on the anchor date unless given; `identified` defaults to today
    (test days before it are not owed); `option` picks one of the pack's alternative plans for the
    category (ed9 high_risk_job). Overrides in force on the identified date for the
    person's district and category are applied. Refused with 409 when the same person is
    already under management, or was already registered with this category and anchor.
    """
    scope: Jurisdiction = actor.jurisdiction
    today = clock.today()
    identified = identified or today
    if source not in SOURCES:
        raise InvalidInput(
            "invalid_source", f"source: must be one of {', '.join(SOURCES)}", details={"field": "source"}
        )
    if anchor > identified:
        raise InvalidInput(
            "anchor_after_identified", "anchor: the anchor date cannot be after the identified date",
            details={"field": "anchor"},
        )
    if identified > today:
        raise InvalidInput(
            "identified_in_future", "identified: cannot be in the future", details={"field": "identified"}
        )

    if resident_id is not None:
        if any(v is not None for v in (name, document_kind, document_number)):
            raise InvalidInput(
                "resident_or_document",
                "resident_id: give either a resident or a non-resident's name and document, not both",
                details={"field": "resident_id"},
            )
        resident = residents.get_resident(session, resident_id, scope=scope)
        identity = ManagedPerson.resident_id == resident.id
        person_name, where = resident.name, Location(resident.district_id, resident.community_id)
        document = {"resident_id": resident.id}
        enc = mac = kind = None
    else:
        person_name, kind, number = _non_resident(name, document_kind, document_number)
        where = _location(session, scope, unit_id=unit_id, district=district)
        cipher = get_cipher()
        enc, mac = cipher.encrypt(number), cipher.lookup_mac(f"{kind}:{number}")
        identity = ManagedPerson.document_mac == mac
        document = {"document_kind": kind, "document": mask_document(number)}

    _refuse_duplicate(session, identity, category=category, anchor=anchor, today=today)

    pack_obj = get_pack(pack) if pack else pack_in_force(anchor)
    plan = compute_plan(pack_obj, category, anchor, identified, option=option)
    plan = overrides_for_plan(session, plan, district_id=where.district_id, on=identified)
    now = clock.now()
    [plan_id] = stored.store_plans(session.connection(), [plan])
    person = ManagedPerson(
        resident_id=resident_id,
        name=person_name,
        document_kind=kind,
        document_enc=enc,
        document_mac=mac,
        category=category,
        anchor=anchor,
        identified_on=identified,
        source=source,
        district_id=where.district_id,
        community_id=where.community_id,
        created_at=now,
        updated_at=now,
        plan_id=plan_id,
        **stored.plan_columns(plan, today),
    )
    session.add(person)
    session.flush()
    summary = stored.plan_summary(plan)
    stored.insert_events(session, stored.event_rows([person.id], kind="created", at=now, actor=actor, after=[summary]))
    audit.record(
        session, actor=actor, action="managed.create", object_type="managed_person", object_id=person.id,
        after={"category": category, "anchor": anchor.isoformat(), "source": source, **document, **summary},
    )
    return person


@dataclass(frozen=True)
class RowOutcome:
    """What happened to one row of a bulk request: created, exists (nothing changed) or refused."""

    index: int
    status: str
    person_id: int | None = None
    code: str | None = None
    message: str | None = None
    field: str | None = None


def put_many_under_management(session: Session, rows: Iterable[dict], *, actor) -> list[RowOutcome]:
    """Each row (put_under_management's keyword arguments) in a savepoint of its own.

    A refused row does not stop the others and is reported with its code, message and field;
    a row already registered (same person, category and anchor) is "exists", so re-running the
    same list changes nothing.
    """
    outcomes = []
    for index, row in enumerate(rows):
        savepoint = session.begin_nested()
        try:
            person = put_under_management(session, actor=actor, **row)
        except DomainError as exc:
            savepoint.rollback()
            field = exc.details.get("field") if isinstance(exc.details, dict) else None
            status = "exists" if exc.code == "already_registered" else "refused"
            existing = exc.details.get("person_id") if isinstance(exc.details, dict) else None
            outcomes.append(RowOutcome(index, status, existing, exc.code, exc.message, field))
        except TypeError as exc:
            savepoint.rollback()
            outcomes.append(RowOutcome(index, "refused", None, "invalid_row", str(exc)))
        else:
            savepoint.commit()
            outcomes.append(RowOutcome(index, "created", person.id))
    return outcomes


def record_result(session: Session, person_id: int, *, day: date, result: str, actor) -> ManagedPerson:
    """The result of a test on one of the plan's test days (or a correction of one recorded); a positive
    one escalates the person to a case."""
    if result not in RESULTS:
        raise InvalidInput("invalid_result", "result: negative or positive", details={"field": "result"})
    person = get_person(session, person_id, scope=actor.jurisdiction)
    now = clock.now()
    corrected = session.execute(
        update(TestResult).where(TestResult.person_id == person.id, TestResult.day == day)
        .values(result=result, recorded_at=now)
    ).rowcount
    if not corrected:
        planned = session.scalar(
            select(ManagedPlanTest.day).where(ManagedPlanTest.plan_id == person.plan_id, ManagedPlanTest.day == day)
        )
        if planned is None:
            raise NotFound("test appointment", details={"day": day.isoformat()})
        session.execute(insert(TestResult).values(person_id=person.id, day=day, result=result, recorded_at=now))
    audit.record(
        session, actor=actor, action="managed.result", object_type="managed_person", object_id=person.id,
        after={"day": day.isoformat(), "result": result},
    )
    if result == "positive":
        escalate_to_case(session, person.id, actor=actor, reason=f"positive test on {day.isoformat()}")
    return person


def escalate_to_case(session: Session, person_id: int, *, actor, reason: str = "positive test") -> ManagedPerson:
    """Status → case (terminal): the person leaves the quarantine plan for treatment or isolation."""
    person = get_person(session, person_id, scope=actor.jurisdiction)
    today = clock.today()
    before = stored.status_on(person, today)
    if before == "case":
        return person
    now = clock.now()
    person.status, person.phase_kind, person.updated_at = "case", None, now
    session.flush()
    stored.insert_events(
        session,
        stored.event_rows(
            [person.id], kind="status", at=now, actor=actor, before=[{"status": before}],
            after=[{"status": "case", "reason": reason}],
        ),
    )
    audit.record(
        session, actor=actor, action="managed.case", object_type="managed_person", object_id=person.id,
        reason=reason, before={"status": before}, after={"status": "case"},
    )
    return person


def _non_resident(name, kind, number) -> tuple[str, str, str]:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(
            "name_required", "name: a non-resident needs a name (or give resident_id)", details={"field": "name"}
        )
    if kind not in DOCUMENT_KINDS:
        raise InvalidInput(
            "invalid_document_kind", f"document_kind: must be one of {', '.join(DOCUMENT_KINDS)}",
            details={"field": "document_kind"},
        )
    number = "".join((number or "").split()).upper()
    if not 3 <= len(number) <= 40:
        raise InvalidInput(
            "invalid_document_number", "document_number: must have 3 to 40 characters",
            details={"field": "document_number"},
        )
    return name, kind, number


def _location(session: Session, scope: Jurisdiction, *, unit_id: int | None, district: str | None) -> Location:
    """Where a non-resident stays: a unit (district and community) or only a district, inside the scope."""
    if unit_id is not None:
        place = places_service.locate_unit(session, unit_id)
        if not scope.is_city:
            inside = places_service.community_ids_within(scope).where(Community.id == place.community_id)
            if session.scalar(inside) is None:
                raise NotFound("unit", details={"unit_id": unit_id})
        return Location(place.district_id, place.community_id)
    if district:
        if scope.level in ("subdistrict", "community"):
            raise InvalidInput(
                "unit_required", "unit_id: say in which unit of your community the person stays",
                details={"field": "unit_id"},
            )
        return Location(places_service.get_district_by_code(session, district, scope=scope).id, None)
    if not scope.is_city:
        raise InvalidInput(
            "location_required", "unit_id: say where the person stays (unit_id or district)",
            details={"field": "unit_id"},
        )
    return Location(None, None)


def _refuse_duplicate(session: Session, identity, *, category: str, anchor: date, today: date) -> None:
    same = session.execute(
        select(ManagedPerson.id, ManagedPerson.category, ManagedPerson.anchor).where(
            identity,
            or_(
                (ManagedPerson.category == category) & (ManagedPerson.anchor == anchor),
                (ManagedPerson.status != "case") & (ManagedPerson.release_on > today),
            ),
        )
    ).first()
    if same is None:
        return
    if same.category == category and same.anchor == anchor:
        raise DomainError(
            "already_registered", "this person is already registered with this category and anchor date",
            status=409, details={"person_id": same.id},
        )
    raise DomainError(
        "already_under_management", "this person is already under management", status=409,
        details={"person_id": same.id},
    )
