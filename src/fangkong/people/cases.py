"""The case register: registering a case (escalating a person under management to `case`), reading cases.

Registering only records the case; the zones it causes are proposed by zones/flows.py (a
higher floor), which calls `register_case` and then the zones service in one unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from datetime import date

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import CITY, Jurisdiction
from fangkong.core.pagination import TOTAL_ONLY, PageRequest
from fangkong.core.pii import get_cipher, mask_id_number
from fangkong.people import service as residents
from fangkong.people.case_models import CASE_KINDS, CASE_SOURCES, Case, CasePlace
from fangkong.people.managed import escalate_to_case
from fangkong.people.managed_models import DOCUMENT_KINDS, ManagedPerson
from fangkong.people.managed_queries import mask_document
from fangkong.people.models import Resident
from fangkong.places import service as places_service
from fangkong.places.models import Community, District, Unit, Venue

MAX_PLACES = 20


def within(scope: Jurisdiction):
    """Cases whose home lies inside `scope` (cases without a home are seen only city-wide)."""
    if scope.is_city:
        return true()
    if scope.level == "district":
        return Case.district_id.in_(places_service.district_ids_within(scope))
    return Case.community_id.in_(places_service.community_ids_within(scope))


@dataclass(frozen=True)
class CasePlaces:
    home_unit_id: int | None
    units: tuple[int, ...]
    venues: tuple[int, ...]


def register_case(
    session: Session,
    *,
    actor,
    reported_on: date,
    kind: str = "confirmed",
    source: str = "lab",
    resident_id: int | None = None,
    name: str | None = None,
    document_kind: str | None = None,
    document_number: str | None = None,
    home_unit_id: int | None = None,
    frequent_units: Sequence[int] = (),
    frequent_venues: Sequence[int] = (),
    note: str = "",
) -> Case:
    """Record a case: a resident (home unit by default theirs) or a non-resident with a document and a unit.

    The home must lie inside the actor's jurisdiction (else 404); frequent places may lie anywhere
    in the city. A person under management is escalated to `case` (people.managed.escalate_to_case).
    Refused with 409 when the same person is already in the register.
    """
    if kind not in CASE_KINDS:
        raise InvalidInput("invalid_case_kind", f"kind: one of {', '.join(CASE_KINDS)}", details={"field": "kind"})
    if source not in CASE_SOURCES:
        raise InvalidInput(
            "invalid_case_source", f"source: one of {', '.join(CASE_SOURCES)}", details={"field": "source"}
        )
    if reported_on > clock.today():
        raise InvalidInput("reported_in_future", "reported_on: cannot be in the future",
                           details={"field": "reported_on"})
    if len(frequent_units) + len(frequent_venues) > MAX_PLACES:
        raise InvalidInput("too_many_places", f"frequent_units: at most {MAX_PLACES} frequent places",
                           details={"field": "frequent_units"})
    scope: Jurisdiction = actor.jurisdiction
    cipher = get_cipher()
    enc = mac = None
    if resident_id is not None:
        if any(v is not None for v in (name, document_kind, document_number)):
            raise InvalidInput(
                "resident_or_document",
                "resident_id: give either a resident or a non-resident's name and document, not both",
                details={"field": "resident_id"},
            )
        resident = residents.get_resident(session, resident_id, scope=scope)
        person_name, home_unit_id = resident.name, home_unit_id or resident.home_unit_id
        identity = Case.resident_id == resident.id
        managed_identity = ManagedPerson.resident_id == resident.id
        shown = {"resident_id": resident.id}
    else:
        person_name, document_kind, number = _non_resident(name, document_kind, document_number)
        enc, mac = cipher.encrypt(number), cipher.lookup_mac(f"{document_kind}:{number}")
        identity = Case.document_mac == mac
        managed_identity = ManagedPerson.document_mac == mac
        shown = {"document_kind": document_kind, "document": mask_document(number)}
    if home_unit_id is None:
        raise InvalidInput("home_required", "home_unit_id: the unit where the case lives or stays",
                           details={"field": "home_unit_id"})
    home = _unit_inside(session, scope, home_unit_id)
    units = tuple(dict.fromkeys(u for u in frequent_units if u != home_unit_id))
    venues = tuple(dict.fromkeys(frequent_venues))
    _check_exist(session, Unit, units, "frequent_units")
    _check_exist(session, Venue, venues, "frequent_venues")
    existing = session.scalar(select(Case.id).where(identity))
    if existing is not None:
        raise DomainError("case_exists", "this person is already in the case register", status=409,
                          details={"case_id": existing})

    who = getattr(actor, "user", None)
    case = Case(
        resident_id=resident_id, name=person_name, document_kind=document_kind if resident_id is None else None,
        document_enc=enc, document_mac=mac, kind=kind, source=source, reported_on=reported_on,
        home_unit_id=home_unit_id, district_id=home.district_id, community_id=home.community_id,
        note=(note or "").strip()[:500], created_at=clock.now(),
        created_by=getattr(who, "username", None) or _via(actor), created_by_user_id=getattr(who, "id", None),
    )
    session.add(case)
    session.flush()
    session.add_all([CasePlace(case_id=case.id, unit_id=u) for u in units]
                    + [CasePlace(case_id=case.id, venue_id=v) for v in venues])
    managed_id = session.scalar(
        select(ManagedPerson.id).where(managed_identity, ManagedPerson.status != "case")
        .order_by(ManagedPerson.release_on.desc()).limit(1)
    )
    if managed_id is not None:
        escalate_to_case(session, managed_id, actor=_citywide(actor), reason=f"case registered ({kind})")
        case.managed_person_id = managed_id
    session.flush()
    audit.record(
        session, actor=actor, action="case.create", object_type="case", object_id=case.id,
        after={**shown, "kind": kind, "source": source, "reported_on": reported_on.isoformat(),
               "home_unit_id": home_unit_id, "frequent_units": list(units), "frequent_venues": list(venues),
               "managed_person_id": managed_id},
    )
    return case


def case_places(session: Session, case: Case) -> CasePlaces:
    rows = session.execute(select(CasePlace.unit_id, CasePlace.venue_id).where(CasePlace.case_id == case.id)
                           .order_by(CasePlace.id)).all()
    return CasePlaces(
        home_unit_id=case.home_unit_id,
        units=tuple(u for u, _ in rows if u is not None),
        venues=tuple(v for _, v in rows if v is not None),
    )


def get_case(session: Session, case_id: int, *, scope: Jurisdiction) -> Case:
    case = session.scalar(select(Case).where(Case.id == case_id, within(scope)))
    if case is None:
        raise NotFound("case")
    return case


def list_cases(
    session: Session, *, scope: Jurisdiction, reported_from: date | None = None, reported_to: date | None = None,
    source: str | None = None, page: int = 1, per_page: int = 50,
) -> tuple[list[dict], int]:
    request = PageRequest(page=page, per_page=per_page)
    conditions = [within(scope)]
    if source:
        conditions.append(Case.source == source)
    if reported_from:
        conditions.append(Case.reported_on >= reported_from)
    if reported_to:
        conditions.append(Case.reported_on <= reported_to)
    total = session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0
    if request.per_page == TOTAL_ONLY:
        return [], total
    rows = session.execute(
        select(Case, Resident.id_number_enc, District.name, Community.name)
        .outerjoin(Resident, Case.resident_id == Resident.id)
        .outerjoin(District, Case.district_id == District.id)
        .outerjoin(Community, Case.community_id == Community.id)
        .where(*conditions).order_by(Case.id).offset(request.offset).limit(request.per_page)
    ).all()
    return [case_view(session, c, enc, d, k) for c, enc, d, k in rows], total


def case_detail(session: Session, case: Case) -> dict:
    enc = session.scalar(select(Resident.id_number_enc).where(Resident.id == case.resident_id)) \
        if case.resident_id else None
    district = session.get(District, case.district_id) if case.district_id else None
    community = session.get(Community, case.community_id) if case.community_id else None
    return case_view(session, case, enc, district.name if district else None, community.name if community else None)


def case_view(session: Session, case: Case, resident_enc, district_name, community_name) -> dict:
    """A case as lists and the API show it: the document masked, the places by id."""
    cipher = get_cipher()
    if resident_enc is not None:
        document, document_kind = mask_id_number(cipher.decrypt(resident_enc)), "id_card"
    elif case.document_enc is not None:
        document, document_kind = mask_document(cipher.decrypt(case.document_enc)), case.document_kind
    else:
        document, document_kind = "", case.document_kind
    places = case_places(session, case)
    return {
        "id": case.id, "resident_id": case.resident_id, "name": case.name, "document_kind": document_kind,
        "document_masked": document, "kind": case.kind, "source": case.source, "reported_on": case.reported_on,
        "home_unit_id": case.home_unit_id, "frequent_units": list(places.units),
        "frequent_venues": list(places.venues), "managed_person_id": case.managed_person_id,
        "district_name": district_name, "community_name": community_name, "note": case.note,
    }


def _non_resident(name, kind, number) -> tuple[str, str, str]:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("name_required", "name: a non-resident needs a name (or give resident_id)",
                           details={"field": "name"})
    if kind not in DOCUMENT_KINDS:
        raise InvalidInput("invalid_document_kind", f"document_kind: must be one of {', '.join(DOCUMENT_KINDS)}",
                           details={"field": "document_kind"})
    number = "".join((number or "").split()).upper()
    if not 3 <= len(number) <= 40:
        raise InvalidInput("invalid_document_number", "document_number: must have 3 to 40 characters",
                           details={"field": "document_number"})
    return name, kind, number


def _unit_inside(session: Session, scope: Jurisdiction, unit_id: int) -> places_service.UnitLocation:
    location = places_service.locate_unit(session, unit_id)
    if not scope.is_city:
        inside = places_service.community_ids_within(scope).where(Community.id == location.community_id)
        if session.scalar(inside) is None:
            raise NotFound("unit", details={"unit_id": unit_id})
    return location


def _check_exist(session: Session, model, ids: tuple[int, ...], field: str) -> None:
    if not ids:
        return
    found = set(session.scalars(select(model.id).where(model.id.in_(ids))))
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(model.__tablename__, details={"field": field, "id": missing[0]})


def _via(actor) -> str:
    return getattr(getattr(actor, "principal", None), "via", None) or "system"


def _citywide(actor):
    """The register escalates whoever the person is under management, wherever their plan is kept."""
    return SimpleNamespace(jurisdiction=CITY, user=getattr(actor, "user", None),
                           principal=getattr(actor, "principal", None))

