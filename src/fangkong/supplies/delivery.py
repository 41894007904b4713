"""Delivery: orders move placed → prepared → out for delivery → delivered (with time), or fail with a reason;
the list of one building's orders for a day and round, to print and to export to Excel; the order list.

A move is one conditional UPDATE over the orders named (`WHERE state = <the state before>`): an order in
another state is refused with 409 `wrong_state` and nothing moves; an order outside the caller's
communities is "not found".
"""

from __future__ import annotations

from datetime import date
from typing import IO

import xlsxwriter
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.pagination import TOTAL_ONLY, PageRequest
from fangkong.people.models import Household
from fangkong.places.models import Building, Community, Compound, District, Unit
from fangkong.supplies.models import NEXT_STATE, OPEN_STATES, ORDER_STATES, SupplyOrder, SupplyPackage, SupplyPoint
from fangkong.supplies.scope import in_reach

Order = SupplyOrder
MOVES = ("prepared", "out_for_delivery", "delivered", "failed")
BEFORE = {after: before for before, after in NEXT_STATE.items()}
TIME_COLUMN = {"prepared": "prepared_at", "out_for_delivery": "out_at", "delivered": "delivered_at",
               "failed": "failed_at"}
MAX_MOVE = 5000


def advance(session: Session, *, actor, order_ids: list[int], to: str, reason: str | None = None,
            courier: str | None = None) -> int:
    """Move the orders to `to`; all of them or none. Failing needs a reason; out for delivery may name the courier."""
    if to not in MOVES:
        raise InvalidInput("invalid_state", f"to: one of {', '.join(MOVES)}", details={"field": "to"})
    order_ids = list(dict.fromkeys(order_ids))
    if not 1 <= len(order_ids) <= MAX_MOVE:
        raise InvalidInput("invalid_orders", f"order_ids: 1 to {MAX_MOVE}", details={"field": "order_ids"})
    reason = (reason or "").strip()
    if to == "failed" and not reason:
        raise InvalidInput("reason_required", "reason: say why the delivery failed", details={"field": "reason"})
    scope = actor.jurisdiction
    states = dict(session.execute(select(Order.id, Order.state).where(Order.id.in_(order_ids),
                                                                      in_reach(Order.community_id, scope))).all())
    if missing := [i for i in order_ids if i not in states]:
        raise NotFound("order", details={"order_ids": missing[:20]})
    allowed = OPEN_STATES if to == "failed" else (BEFORE[to],)
    if wrong := sorted(i for i, state in states.items() if state not in allowed):
        raise DomainError("wrong_state", f"only orders {' or '.join(allowed)} can become {to}", status=409,
                          details={"order_ids": wrong[:20], "to": to})
    if to == "prepared" and (unassigned := list(session.scalars(
            select(Order.id).where(Order.id.in_(order_ids), Order.point_id.is_(None))))):
        raise DomainError("not_assigned", "an order without a supply point cannot be prepared", status=409,
                          details={"order_ids": unassigned[:20]})
    values = {"state": to, TIME_COLUMN[to]: clock.now()}
    if to == "failed":
        values["failed_reason"] = reason[:200]
    if to == "out_for_delivery" and courier:
        values["courier"] = courier.strip()[:50]
    moved = session.execute(update(Order).where(Order.id.in_(order_ids), Order.state.in_(allowed))
                            .values(**values).execution_options(synchronize_session=False)).rowcount
    if moved != len(order_ids):
        raise DomainError("wrong_state", "some orders moved meanwhile: reload and try again", status=409)
    session.expire_all()
    audit.record(session, actor=actor, action=f"supplies.order_{to}", object_type="supply_order",
                 object_id=order_ids[0] if len(order_ids) == 1 else None, reason=reason or None,
                 after={"orders": len(order_ids), "order_ids": order_ids[:50], "courier": courier or None})
    return moved


def _rows_query():
    return (select(Order, SupplyPackage.name.label("package"), SupplyPoint.name.label("point"),
                   Unit.number.label("unit_no"), Building.number.label("building_no"),
                   Compound.name.label("compound"), Community.name.label("community"),
                   Household.size.label("size"))
            .join(SupplyPackage, SupplyPackage.id == Order.package_id)
            .outerjoin(SupplyPoint, SupplyPoint.id == Order.point_id)
            .join(Unit, Unit.id == Order.unit_id).join(Building, Building.id == Order.building_id)
            .join(Compound, Compound.id == Order.compound_id).join(Community, Community.id == Order.community_id)
            .join(Household, Household.id == Order.household_id))


def order_view(row, now=None) -> dict:
    o = row[0]
    now = now or clock.now()
    late = o.priority and o.state in OPEN_STATES and o.deadline_at is not None and _aware(o.deadline_at) < now
    return {
        "id": o.id, "household_id": o.household_id, "household_size": row.size, "unit_id": o.unit_id,
        "building_id": o.building_id, "place": f"{row.community}{row.compound}{row.building_no}号楼{row.unit_no}单元",
        "package_id": o.package_id, "package": row.package, "quantity": o.quantity, "price_fen": o.price_fen,
        "delivery_day": o.delivery_day, "round": o.round, "point_id": o.point_id, "point": row.point,
        "source": o.source, "ticket_id": o.ticket_id, "priority": o.priority, "deadline_at": o.deadline_at,
        "late": bool(late), "state": o.state, "placed_at": o.placed_at, "delivered_at": o.delivered_at,
        "failed_reason": o.failed_reason, "courier": o.courier,
        "deadline_text": _local(o.deadline_at), "delivered_text": _local(o.delivered_at),
    }


def _local(moment) -> str:
    return _aware(moment).astimezone(clock.zone()).strftime("%m-%d %H:%M") if moment else ""


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.zone())


def list_orders(session: Session, *, scope: Jurisdiction, page: PageRequest, day: date | None = None,
                state: str | None = None, building_id: int | None = None, point_id: int | None = None,
                district_id: int | None = None) -> tuple[list[dict], int]:
    if state is not None and state not in ORDER_STATES:
        raise InvalidInput("invalid_state", f"state: one of {', '.join(ORDER_STATES)}", details={"field": "state"})
    conditions = [in_reach(Order.community_id, scope)]
    for column, value in ((Order.delivery_day, day), (Order.state, state), (Order.building_id, building_id),
                          (Order.point_id, point_id), (Order.district_id, district_id)):
        if value is not None:
            conditions.append(column == value)
    total = session.scalar(select(func.count()).select_from(Order).where(*conditions))
    if page.per_page == TOTAL_ONLY:
        return [], total
    rows = session.execute(_rows_query().where(*conditions)
                           .order_by(Order.priority.desc(), Order.building_id, Order.unit_id, Order.id)
                           .offset(page.offset).limit(page.per_page)).all()
    now = clock.now()
    return [order_view(r, now) for r in rows], total


def delivery_list(session: Session, *, scope: Jurisdiction, building_id: int, day: date,
                  round: int | None = None) -> dict:
    """One building's orders of a day (and round), by unit and household, priority ones marked first in each unit."""
    head = session.execute(
        select(Building.number, Compound.name, Community.name, District.name)
        .join(Compound, Compound.id == Building.compound_id).join(Community, Community.id == Compound.community_id)
        .join(District, District.id == Compound.district_id)
        .where(Building.id == building_id, in_reach(Compound.community_id, scope))).first()
    if head is None:
        raise NotFound("building", details={"building_id": building_id})
    conditions = [Order.building_id == building_id, Order.delivery_day == day]
    if round is not None:
        conditions.append(Order.round == round)
    rows = session.execute(_rows_query().where(*conditions)
                           .order_by(Order.unit_id, Order.priority.desc(), Order.household_id, Order.id)).all()
    now = clock.now()
    items = [order_view(r, now) for r in rows]
    return {"building_id": building_id, "title": f"{head[3]}{head[2]}{head[1]}{head[0]}号楼", "day": day,
            "round": round, "items": items, "households": len({i["household_id"] for i in items}),
            "packs": sum(i["quantity"] for i in items)}


LIST_COLUMNS = ("place", "household_id", "household_size", "package", "quantity", "priority", "point", "state",
                "courier", "delivered_at", "signature")


def write_delivery_xlsx(out: IO[bytes], found: dict, t) -> None:
    with xlsxwriter.Workbook(out, {"constant_memory": True}) as workbook:
        bold = workbook.add_format({"bold": True})
        sheet = workbook.add_worksheet(t("supplies.list.sheet"))
        round_text = "" if found["round"] is None else f" {t('supplies.round')} {found['round']}"
        sheet.write_row(0, 0, [f"{found['title']} {found['day'].isoformat()}{round_text}"], bold)
        sheet.write_row(1, 0, [t(f"supplies.list.columns.{c}") for c in LIST_COLUMNS], bold)
        for n, item in enumerate(found["items"], start=2):
            sheet.write_row(n, 0, [
                item["place"], item["household_id"], item["household_size"], item["package"], item["quantity"],
                t("supplies.yes") if item["priority"] else "", item["point"] or t("supplies.unassigned"),
                t(f"supplies.states.{item['state']}"), item["courier"] or "",
                item["delivered_text"],
                "",
            ])


def order_detail(session: Session, order_id: int, *, scope: Jurisdiction) -> dict:
    row = session.execute(_rows_query().where(Order.id == order_id, in_reach(Order.community_id, scope))).first()
    if row is None:
        raise NotFound("order", details={"order_id": order_id})
    return order_view(row)
