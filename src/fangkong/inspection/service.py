"""Inspection items: collect them from the over-enforcement signals, record findings, close them, list them.

Collecting reads the hotline, the zones' and the people's over-enforcement reports (a cross-domain
read, so this domain sits above them) and is idempotent: an item exists once per source object.
The rectification deadline is `inspection_rectify_days` after the item was found.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from fangkong.config import get_settings
from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import CITY, Jurisdiction
from fangkong.core.pagination import TOTAL_ONLY
from fangkong.hotline.events import actor_name
from fangkong.hotline.models import Department, Ticket
from fangkong.inspection.models import GROUPS, PHOTO_TYPES, SOURCES, InspectionItem
from fangkong.people.overrides import list_overrides
from fangkong.places import service as places_service
from fangkong.places.models import District
from fangkong.zones.models import Zone
from fangkong.zones.public import over_enforcement_items

MAX_PHOTO_BYTES = 2 * 1024 * 1024


def within(scope: Jurisdiction):
    if scope.is_city:
        return true()
    return InspectionItem.district_id.in_(places_service.district_ids_within(scope))


def collect(session: Session, *, on: date | None = None, actor) -> dict[str, int]:
    """New inspection items from every over-enforcement signal of the city up to `on`; counts by source."""
    day = on or clock.today()
    existing = {(s, r) for s, r in session.execute(select(InspectionItem.source, InspectionItem.ref))}
    added = dict.fromkeys(SOURCES[:-1], 0)
    for source, ref, district_id, place, problem, unit in _signals(session, day):
        if (source, ref) in existing:
            continue
        existing.add((source, ref))
        session.add(_item(source, ref, district_id, day, place, problem, unit, actor))
        added[source] += 1
    session.flush()
    return added


def _signals(session: Session, day: date):
    departments = dict(session.execute(select(Department.id, Department.name)).all())
    for ticket in session.scalars(select(Ticket).where(Ticket.over_enforcement.is_(True), Ticket.state != "refused",
                                                       Ticket.received_on <= day).order_by(Ticket.id)):
        yield ("hotline", str(ticket.id), ticket.district_id, ticket.address or "—",
               f"12345工单 #{ticket.id}：{ticket.text}", departments.get(ticket.owner_department_id, "—"))
    zones = over_enforcement_items(session, scope=CITY, on=day)
    district_of = dict(session.execute(select(Zone.id, Zone.district_id)).all())
    for row in zones["overdue"]:
        yield ("zone_overdue", str(row["proposal_id"]), district_of.get(row["zone_id"]), f"风险区 #{row['zone_id']}",
               f"解封/降级建议自 {row['since']} 起逾期 {row['days_late']} 天未处理：{row['reason']}", "属地防控指挥部")
    for row in zones["overrides"]:
        yield ("zone_override", str(row["id"]), district_of.get(row["zone_id"]), f"风险区 #{row['zone_id']}",
               f"风险区加码（{row['kind']}）：{row['reason']}；批准人 {row['approver']}", "属地防控指挥部")
    districts = dict(session.execute(select(District.code, District.id)).all())
    for row in list_overrides(session, scope=CITY):
        if row["starts_on"] <= day:
            yield ("people_override", str(row["id"]), districts.get(row["district"]), row["scope_code"],
                   f"管控措施加码（{row['category']} {row['phase_kind']} +{row['extra_days']} 天）：{row['reason']}；"
                   f"批准人 {row['approver']}", "属地防控指挥部")


def _item(source, ref, district_id, day, place, problem, unit, actor, group_no=None) -> InspectionItem:
    return InspectionItem(
        source=source, ref=ref, district_id=district_id, group_no=group_no, found_on=day, place=place[:200],
        problem=problem, responsible_unit=unit[:100], state="open",
        deadline=day + timedelta(days=get_settings().inspection_rectify_days),
        created_by=actor_name(actor), created_at=clock.now(),
    )


def record_finding(session: Session, *, group_no: int, place: str, problem: str, responsible_unit: str,
                   deadline: date | None = None, district: str | None = None, actor) -> InspectionItem:
    """A supervision group's finding on its daily round."""
    if group_no not in GROUPS:
        raise InvalidInput("invalid_value", f"group_no: {group_no} is not one of the supervision groups 1, 2, 3",
                           details={"field": "group_no"})
    for field, value in (("place", place), ("problem", problem), ("responsible_unit", responsible_unit)):
        if not value or not value.strip():
            raise InvalidInput("missing_text", f"{field}: cannot be empty", details={"field": field})
    today = clock.today()
    if deadline is not None and deadline < today:
        raise InvalidInput("invalid_deadline", f"deadline: {deadline} is before today ({today})",
                           details={"field": "deadline"})
    district_id = _district_inside(session, district, actor.jurisdiction)
    item = _item("finding", uuid4().hex, district_id, today, place.strip(), problem.strip(),
                 responsible_unit.strip(), actor, group_no=group_no)
    if deadline is not None:
        item.deadline = deadline
    session.add(item)
    session.flush()
    audit.record(session, actor=actor, action="inspection.finding", object_type="inspection_item", object_id=item.id)
    return item


def _district_inside(session: Session, code: str | None, scope: Jurisdiction) -> int | None:
    if not code:
        return None
    district = session.scalar(select(District).where(District.code == code))
    if district is None or not scope.covers_code(code):
        raise NotFound("district", details={"district": code})
    return district.id


def get_item(session: Session, item_id: int, *, scope: Jurisdiction) -> InspectionItem:
    item = session.scalar(select(InspectionItem).where(InspectionItem.id == item_id, within(scope)))
    if item is None:
        raise NotFound("inspection item", details={"item_id": item_id})
    return item


def attach_photo(session: Session, item_id: int, *, data: bytes, content_type: str, actor) -> InspectionItem:
    item = get_item(session, item_id, scope=actor.jurisdiction)
    if content_type not in PHOTO_TYPES:
        raise InvalidInput("invalid_photo", f"photo: {content_type!r} is not a JPEG or PNG image",
                           details={"field": "photo"})
    if not data or len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput("invalid_photo", f"photo: must be between 1 byte and {MAX_PHOTO_BYTES // 1024 // 1024} MB",
                           details={"field": "photo"})
    item.photo, item.photo_type = data, content_type
    return item


def close_item(session: Session, item_id: int, *, note: str, actor) -> InspectionItem:
    item = get_item(session, item_id, scope=actor.jurisdiction)
    if item.state == "closed":
        raise DomainError("already_closed", f"inspection item {item.id} is already closed", status=409)
    if not note or not note.strip():
        raise InvalidInput("missing_text", "note: say how it was put right", details={"field": "note"})
    item.state, item.closed_on, item.closure_note = "closed", clock.today(), note.strip()
    audit.record(session, actor=actor, action="inspection.close", object_type="inspection_item", object_id=item.id,
                 reason=item.closure_note)
    return item


def view(item: InspectionItem, districts: dict[int, str]) -> dict:
    today = clock.today()
    return {
        "id": item.id, "source": item.source, "ref": item.ref, "district": districts.get(item.district_id),
        "group_no": item.group_no, "found_on": item.found_on, "place": item.place, "problem": item.problem,
        "responsible_unit": item.responsible_unit, "deadline": item.deadline, "state": item.state,
        "overdue": item.state == "open" and item.deadline < today, "closed_on": item.closed_on,
        "closure_note": item.closure_note, "has_photo": item.photo_type is not None,
    }


def list_items(session: Session, *, scope: Jurisdiction, state: str | None = None, source: str | None = None,
               page: int = 1, per_page: int = 50) -> tuple[list[dict], int, dict]:
    conditions = [within(scope)]
    if state:
        conditions.append(InspectionItem.state == state)
    if source:
        conditions.append(InspectionItem.source == source)
    total = session.scalar(select(func.count()).select_from(InspectionItem).where(*conditions))
    rows = [] if per_page == TOTAL_ONLY else session.scalars(
        select(InspectionItem).where(*conditions)
        .order_by(InspectionItem.state.desc(), InspectionItem.deadline, InspectionItem.id)
        .offset((page - 1) * per_page).limit(per_page)).all()
    districts = dict(session.execute(select(District.id, District.name)).all()) if rows else {}
    open_by_source = dict(session.execute(
        select(InspectionItem.source, func.count()).where(within(scope), InspectionItem.state == "open")
        .group_by(InspectionItem.source)).all())
    return [view(r, districts) for r in rows], total, open_by_source
