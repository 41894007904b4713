"""The supplies board of a day: orders by state and district, households of sealed buildings served or not,
late priority orders, open price alerts, the points' loads; as an Excel workbook too.

A sealed household is "served" on a day when one of its orders of that day was delivered.
"""

from __future__ import annotations

from datetime import date
from typing import IO

import xlsxwriter
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.pagination import TOTAL_ONLY, PageRequest
from fangkong.people.models import Household
from fangkong.places.models import Building, Community, Compound, District, Unit
from fangkong.supplies import catalogue, points, special_needs
from fangkong.supplies.models import ORDER_STATES, SupplyOrder
from fangkong.supplies.orders import sealed_households_query
from fangkong.supplies.scope import in_reach

Order = SupplyOrder


def _served(day: date):
    return exists().where(Order.household_id == Household.id, Order.delivery_day == day, Order.state == "delivered")


def households(session: Session, *, scope: Jurisdiction, day: date, served: bool | None = None,
               page: PageRequest = PageRequest()) -> tuple[list[dict], int]:
    """Households sealed on `day` in the caller's communities (served or not, or both), by place."""
    query = sealed_households_query(day).where(in_reach(Compound.community_id, scope))
    if served is not None:
        query = query.where(_served(day) if served else ~_served(day))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    if page.per_page == TOTAL_ONLY:
        return [], total
    rows = session.execute(
        query.add_columns(Household.size, Community.name, Compound.name, Building.number, Unit.number,
                          _served(day).label("served"))
        .join(Community, Community.id == Compound.community_id)
        .order_by(Unit.building_id, Household.unit_id, Household.id).offset(page.offset).limit(page.per_page)).all()
    return [{"household_id": r[0], "unit_id": r[1], "building_id": r[2], "size": r[6],
             "place": f"{r[7]}{r[8]}{r[9]}号楼{r[10]}单元", "served": bool(r[11])} for r in rows], total


def board(session: Session, *, scope: Jurisdiction, day: date) -> dict:
    names = dict(session.execute(select(District.id, District.name)).all())
    grid: dict[int, dict[str, int]] = {}
    for district_id, state, count in session.execute(
        select(Order.district_id, Order.state, func.count())
        .where(Order.delivery_day == day, in_reach(Order.community_id, scope))
        .group_by(Order.district_id, Order.state)
    ):
        grid.setdefault(district_id, dict.fromkeys(ORDER_STATES, 0))[state] = count
    by_district = [{"district": names.get(d, str(d)), **counts, "total": sum(counts.values())}
                   for d, counts in sorted(grid.items(), key=lambda kv: names.get(kv[0], ""))]
    totals = {s: sum(row[s] for row in by_district) for s in ORDER_STATES}
    unassigned = session.scalar(select(func.count()).select_from(Order).where(
        Order.delivery_day == day, Order.point_id.is_(None), Order.state == "placed",
        in_reach(Order.community_id, scope)))
    sealed = sealed_households_query(day).where(in_reach(Compound.community_id, scope)).subquery()
    sealed_count = session.scalar(select(func.count()).select_from(sealed))
    served_count = session.scalar(select(func.count()).select_from(Household).where(
        Household.id.in_(select(sealed.c.id)), _served(day)))
    late, late_total = special_needs.late_orders(session, scope=scope, limit=50)
    _, not_served_total = special_needs.not_served(session, scope=scope, day=day, limit=1)
    return {
        "day": day, "by_district": by_district, "totals": {**totals, "total": sum(totals.values())},
        "unassigned": unassigned, "households": {"sealed": sealed_count, "served": served_count,
                                                 "not_served": sealed_count - served_count},
        "late": late, "late_total": late_total, "special_not_served": not_served_total,
        "alerts": catalogue.alerts(session, open_only=True), "points": points.list_points(session, scope=scope, day=day),
    }


def write_board_xlsx(out: IO[bytes], found: dict, t) -> None:
    with xlsxwriter.Workbook(out) as workbook:
        bold = workbook.add_format({"bold": True})
        sheet = workbook.add_worksheet(t("supplies.board.sheets.orders"))
        sheet.write_row(0, 0, [t("supplies.district"), *(t(f"supplies.states.{s}") for s in ORDER_STATES),
                               t("supplies.total")], bold)
        for n, row in enumerate(found["by_district"], start=1):
            sheet.write_row(n, 0, [row["district"], *(row[s] for s in ORDER_STATES), row["total"]])
        sheet = workbook.add_worksheet(t("supplies.board.sheets.households"))
        h = found["households"]
        for n, key in enumerate(("sealed", "served", "not_served")):
            sheet.write_row(n, 0, [t(f"supplies.board.{key}"), h[key]])
        sheet.write_row(3, 0, [t("supplies.board.unassigned"), found["unassigned"]])
        sheet.write_row(4, 0, [t("supplies.board.special_not_served"), found["special_not_served"]])
        sheet = workbook.add_worksheet(t("supplies.board.sheets.late"))
        sheet.write_row(0, 0, [t("supplies.list.columns.place"), t("supplies.list.columns.package"),
                               t("supplies.state"), t("supplies.deadline")], bold)
        for n, item in enumerate(found["late"], start=1):
            sheet.write_row(n, 0, [item["place"], item["package"], t(f"supplies.states.{item['state']}"),
                                   item["deadline_text"]])
        sheet = workbook.add_worksheet(t("supplies.board.sheets.alerts"))
        sheet.write_row(0, 0, [t("supplies.package"), t("supplies.price"), t("supplies.reference"),
                               t("supplies.over_pct")], bold)
        for n, alert in enumerate(found["alerts"], start=1):
            sheet.write_row(n, 0, [alert["package_name"], alert["price_fen"] / 100, alert["reference_fen"] / 100,
                                   alert["over_reference_pct"]])
        sheet = workbook.add_worksheet(t("supplies.board.sheets.points"))
        sheet.write_row(0, 0, [t("supplies.point"), t("supplies.capacity"), t("supplies.used"),
                               t("supplies.orders")], bold)
        for n, p in enumerate(found["points"], start=1):
            sheet.write_row(n, 0, [p["name"], p["daily_capacity"], p["used"], p["orders"]])


__all__ = ["board", "households", "write_board_xlsx"]
