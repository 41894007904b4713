"""Departments and routing rules as data: a TOML file loaded (and re-loaded) into the tables.

Loading is an upsert by department code and by (topic, district): re-loading the same file
changes nothing; a rule naming an unknown topic, department or district is refused with its place.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.models import User
from fangkong.hotline.intake import department_by_code, district_by_code
from fangkong.hotline.models import Department, DepartmentMember, Route
from fangkong.hotline.topics import get_topic

BUILT_IN = Path(__file__).parent / "data" / "routing.toml"


class _Department(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z_0-9]+$", max_length=32)
    name: str = Field(min_length=1, max_length=100)
    district: str | None = None


class _Route(BaseModel):
    model_config = ConfigDict(extra="forbid")
    topic: str
    department: str
    district: str | None = None


class _RoutingFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    department: list[_Department] = []
    route: list[_Route] = []


def load_routing(session: Session, path: Path = BUILT_IN) -> dict:
    try:
        data = _RoutingFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise DomainError("bad_routing", f"routing {path}: {exc}".splitlines()[0]) from None
    added = {"departments": 0, "routes": 0}
    for i, dep in enumerate(data.department):
        district_id = district_by_code(session, dep.district, f"department[{i}].district")
        row = session.scalar(select(Department).where(Department.code == dep.code))
        if row is None:
            session.add(Department(code=dep.code, name=dep.name, district_id=district_id))
            added["departments"] += 1
        else:
            row.name, row.district_id = dep.name, district_id
    session.flush()
    for i, rule in enumerate(data.route):
        get_topic(rule.topic, f"route[{i}].topic")
        district_id = district_by_code(session, rule.district, f"route[{i}].district")
        try:
            department = department_by_code(session, rule.department)
        except NotFound:
            raise InvalidInput("unknown_department", f"route[{i}].department: {rule.department!r} is not a department",
                               details={"field": f"route[{i}].department"}) from None
        row = session.scalar(select(Route).where(Route.topic == rule.topic, Route.district_id.is_(district_id)
                                                 if district_id is None else Route.district_id == district_id))
        if row is None:
            session.add(Route(topic=rule.topic, district_id=district_id, department_id=department.id))
            added["routes"] += 1
        else:
            row.department_id = department.id
    session.flush()
    return added


def assign_handler(session: Session, *, username: str, department: str) -> None:
    """Make a department_handler user a handler of a department (one department each)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("user", details={"username": username})
    if user.role != "department_handler":
        raise InvalidInput("wrong_role", f"user {username!r} is a {user.role}, not a department_handler",
                           details={"field": "username"})
    dep = department_by_code(session, department)
    row = session.get(DepartmentMember, user.id)
    if row is None:
        session.add(DepartmentMember(user_id=user.id, department_id=dep.id))
    else:
        row.department_id = dep.id
    session.flush()
