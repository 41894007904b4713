"""Small factories with memorable names from the seed page, built through the real services."""

from __future__ import annotations

from itertools import count

from sqlalchemy.orm import Session

from fangkong.core.auth import Principal, create_user
from fangkong.core.jurisdiction import parse_jurisdiction
from fangkong.core.permissions import Actor
from fangkong.people import service as people_service
from fangkong.places.models import Building, Community, Compound, District, Subdistrict, Unit

_serial = count(1)
ADMIN_PASSWORD = "correct-horse-battery"
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(area: str = "140212", birth: str = "19900307", seq: int | None = None) -> str:
    """A valid resident ID number (GB 11643 check digit computed here, not by the code under test)."""
    first17 = f"{area}{birth}{(seq if seq is not None else next(_serial)) % 1000:03d}"
    remainder = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11
    return first17 + "10X98765432"[remainder]


def place_chain(session: Session, *, district_code: str = "140213", district_name: str = "平城区") -> Unit:
    """平城区 → 开源街道 → 民谐社区 → 魏都新城C区 → 1号楼 → 1单元 (the district is reused)."""
    district = session.query(District).filter_by(code=district_code).one_or_none()
    if district is None:
        district = District(
            code=district_code, name=district_name, name_en="Pingcheng", kind="district", lat=40.08, lon=113.30
        )
        session.add(district)
        session.flush()
    serial = next(_serial)
    subdistrict = Subdistrict(code=f"{district_code}{serial % 1000:03d}", district_id=district.id, name="开源街道")
    session.add(subdistrict)
    session.flush()
    community = Community(
        code=f"{subdistrict.code}001", subdistrict_id=subdistrict.id, district_id=district.id, name="民谐社区"
    )
    session.add(community)
    session.flush()
    compound = Compound(community_id=community.id, district_id=district.id, name="魏都新城C区", lat=40.08, lon=113.3)
    session.add(compound)
    session.flush()
    building = Building(compound_id=compound.id, number=1, lat=40.08, lon=113.3)
    session.add(building)
    session.flush()
    unit = Unit(building_id=building.id, number=1)
    session.add(unit)
    session.flush()
    return unit


def user(session: Session, *, role: str = "commander", jurisdiction: str = "140200", username: str | None = None):
    return create_user(
        session,
        username=username or f"{role}-{next(_serial)}",
        password=ADMIN_PASSWORD,
        role=role,
        jurisdiction_code=jurisdiction,
    )


def actor(session: Session, *, jurisdiction: str = "140200", role: str = "commander", username: str | None = None):
    """A user of `role` in `jurisdiction`, as the permission check would hand it to a service."""
    user = globals()["user"](session, role=role, jurisdiction=jurisdiction, username=username)
    return Actor(principal=Principal(user=user, via="session"), jurisdiction=parse_jurisdiction(jurisdiction))


def resident(session: Session, *, name: str = "王秀英", unit: Unit | None = None, by=None, **kwargs):
    kwargs.setdefault("id_number", id_number())
    kwargs.setdefault("phone", "13812345678")
    return people_service.add_resident(
        session, actor=by or actor(session), name=name, home_unit_id=unit.id if unit else None, **kwargs
    )


def admin(session: Session, username: str = "commander-li"):
    return create_user(session, username=username, password=ADMIN_PASSWORD, role="admin")


def managed(session: Session, *, category: str = "close_contact", anchor: str = "2022-11-06", by=None, **kwargs):
    """A person under management (a new resident unless `resident_id` or a document is given)."""
    from datetime import date

    from fangkong.people import managed as managed_service

    by = by or actor(session, role="prevention")
    if "resident_id" not in kwargs and "document_number" not in kwargs:
        kwargs["resident_id"] = resident(session, unit=kwargs.pop("unit", None) or place_chain(session), by=by).id
    return managed_service.put_under_management(
        session, actor=by, category=category, anchor=date.fromisoformat(anchor), **kwargs
    )
