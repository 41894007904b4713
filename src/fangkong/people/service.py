"""Residents: lookup by ID number through the MAC index, masked views, lists by district."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.pagination import PageRequest
from fangkong.core.pii import get_cipher, mask_id_number, mask_phone, normalize_phone, parse_id_number
from fangkong.people.models import Resident
from fangkong.places import service as places_service
from fangkong.places.models import Community, District


def within(scope: Jurisdiction):
    """The condition that keeps residents inside `scope` (their home community or district)."""
    if scope.is_city:
        return true()
    if scope.level == "district":
        return Resident.district_id.in_(places_service.district_ids_within(scope))
    return Resident.community_id.in_(places_service.community_ids_within(scope))


def find_by_id_number(session: Session, id_number: str, *, scope: Jurisdiction) -> Resident | None:
    """Exact lookup inside the caller's jurisdiction; a malformed number is refused with its reason."""
    facts = parse_id_number(id_number)
    mac = get_cipher().lookup_mac(facts.id_number)
    return session.scalar(select(Resident).where(Resident.id_number_mac == mac, within(scope)))


def add_resident(
    session: Session,
    *,
    name: str,
    id_number: str,
    phone: str | None = None,
    actor,
    home_unit_id: int | None = None,
    household_id: int | None = None,
) -> Resident:
    """Register one resident in a home unit inside the caller's jurisdiction; the ID number must be new."""
    facts = parse_id_number(id_number)
    cipher = get_cipher()
    mac = cipher.lookup_mac(facts.id_number)
    if session.scalar(select(Resident.id).where(Resident.id_number_mac == mac)) is not None:
        raise DomainError(
            "duplicate_id_number",
            "id_number: a resident with this ID number is already registered",
            status=409,
            details={"field": "id_number"},
        )
    phone_number = normalize_phone(phone) if phone else None
    location = places_service.locate_unit(session, home_unit_id) if home_unit_id else None
    if not _place_within(session, actor.jurisdiction, location):
        raise NotFound("unit", details={"unit_id": home_unit_id})
    resident = Resident(
        name=name.strip(),
        id_number_enc=cipher.encrypt(facts.id_number),
        id_number_mac=mac,
        phone_enc=cipher.encrypt(phone_number) if phone_number else None,
        phone_mac=cipher.lookup_mac(phone_number) if phone_number else None,
        sex=facts.sex,
        birth_date=facts.birth_date,
        household_id=household_id,
        home_unit_id=home_unit_id,
        community_id=location.community_id if location else None,
        district_id=location.district_id if location else None,
    )
    session.add(resident)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="resident.create",
        object_type="resident",
        object_id=resident.id,
        after={
            "name": resident.name,
            "id_number": mask_id_number(facts.id_number),
            "phone": mask_phone(phone_number) if phone_number else None,
            "home_unit_id": home_unit_id,
        },
    )
    return resident


def reveal(session: Session, resident_id: int, *, actor, reason: str) -> dict:
    """The full ID number and phone of one resident, for a stated reason; every call is audited."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "reason_required", "reason: say why the full number is needed", details={"field": "reason"}
        )
    resident = get_resident(session, resident_id, scope=actor.jurisdiction)
    cipher = get_cipher()
    audit.record(
        session, actor=actor, action="resident.reveal", object_type="resident", object_id=resident.id, reason=reason
    )
    return {
        "id": resident.id,
        "name": resident.name,
        "id_number": cipher.decrypt(resident.id_number_enc),
        "phone": cipher.decrypt(resident.phone_enc) if resident.phone_enc else "",
    }


def _place_within(session: Session, scope: Jurisdiction, location) -> bool:
    if scope.is_city:
        return True
    if location is None:
        return False
    community_ids = places_service.community_ids_within(scope).where(Community.id == location.community_id)
    return session.scalar(community_ids) is not None


def get_resident(session: Session, resident_id: int, *, scope: Jurisdiction) -> Resident:
    """One resident, or "not found" — also when it lies outside the caller's jurisdiction."""
    resident = session.scalar(select(Resident).where(Resident.id == resident_id, within(scope)))
    if resident is None:
        raise NotFound("resident")
    return resident


def age_on(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def masked_view(
    resident: Resident, *, district_name: str | None = None, community_name: str | None = None
) -> dict:
    cipher = get_cipher()
    phone = cipher.decrypt(resident.phone_enc) if resident.phone_enc else ""
    return {
        "id": resident.id,
        "name": resident.name,
        "id_number_masked": mask_id_number(cipher.decrypt(resident.id_number_enc)),
        "phone_masked": mask_phone(phone) if phone else "",
        "sex": resident.sex,
        "birth_date": resident.birth_date,
        "age": age_on(resident.birth_date, clock.today()),
        "district_name": district_name,
        "community_name": community_name,
    }


def resident_view(session: Session, resident: Resident) -> dict:
    district = session.get(District, resident.district_id) if resident.district_id else None
    community = session.get(Community, resident.community_id) if resident.community_id else None
    return masked_view(
        resident,
        district_name=district.name if district else None,
        community_name=community.name if community else None,
    )


def residents_query(
    session: Session, *, scope: Jurisdiction, district_code: str | None = None, home_unit_ids=None
):
    """(rows, count) selects of the residents inside `scope`, optionally of one district in it.

    Rows are (Resident, district name, community name) in id order: the shape the list pages
    and the export share. A district outside the scope is "not found". `home_unit_ids` (a
    subquery of unit ids) keeps the residents living there (the residents of a risk zone).
    """
    conditions = [within(scope)]
    if home_unit_ids is not None:
        conditions.append(Resident.home_unit_id.in_(home_unit_ids))
    if district_code:
        district_id = places_service.get_district_by_code(session, district_code, scope=scope).id
        conditions.append(Resident.district_id == district_id)
    rows = (
        select(Resident, District.name, Community.name)
        .outerjoin(District, Resident.district_id == District.id)
        .outerjoin(Community, Resident.community_id == Community.id)
        .where(*conditions)
        .order_by(Resident.id)
    )
    count = select(func.count()).select_from(Resident).where(*conditions)
    return rows, count


def list_residents(
    session: Session, *, scope: Jurisdiction, district_code: str | None = None, page: int = 1, per_page: int = 50,
    home_unit_ids=None,
) -> tuple[list[dict], int]:
    request = PageRequest(page=page, per_page=per_page)
    query, count = residents_query(session, scope=scope, district_code=district_code, home_unit_ids=home_unit_ids)
    rows = session.execute(query.offset(request.offset).limit(request.per_page))
    views = [masked_view(r, district_name=d, community_name=c) for r, d, c in rows]
    return views, session.scalar(count) or 0

