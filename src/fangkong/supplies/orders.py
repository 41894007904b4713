"""Placing orders for sealed households and assigning them to supply points within their daily capacity.

A household is "sealed" on a day when its unit lies in a place of a zone in force at tier high that day
(zones.queries.units_at_tier: the zones' own history). A bulk order for buildings creates one order per
sealed household of those buildings and pack, none for a household outside the zone; re-sending it
creates nothing new (one order per household, pack, day and round). A single order (a resident's, or
from a hotline ticket) is refused for a household outside the zone.

Assignment: the orders of special-needs households and medicine go first; each goes to the first open
point that serves its compound (then its community) and still has room that day; the overflow goes to
the next point, and what no point can take stays unassigned and is reported. The points' loads are
raised by one conditional UPDATE each (`used + n <= capacity`), so a point never takes on more than
its capacity, even with two workers ordering at once (the second gets 409 `capacity_changed`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fangkong.config import get_settings
from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.core.jurisdiction import Jurisdiction
from fangkong.people import service as people_service
from fangkong.people.models import Household
from fangkong.places.models import Building, Compound, Unit
from fangkong.supplies import bulk
from fangkong.supplies.models import (
    SpecialNeeds, SupplyOrder, SupplyPackage, SupplyPoint, SupplyPointArea, SupplyPointDay,
)
from fangkong.supplies.scope import in_reach, who
from fangkong.zones.queries import units_at_tier

Order = SupplyOrder
MAX_ROUND = 9
MAX_QUANTITY = 10


@dataclass
class OrderReport:
    day: date
    round: int
    households: int = 0  # sealed households the order covered
    outside_zone: int = 0  # households of the buildings outside any sealed zone: no order for them
    created: int = 0
    already: int = 0  # orders of the same household, pack, day and round placed before
    priority: int = 0
    by_point: dict[int, int] = field(default_factory=dict)
    unassigned: int = 0  # no serving point had room: reported, to assign later
    order_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"day": self.day, "round": self.round, "households": self.households,
                "outside_zone": self.outside_zone, "created": self.created, "already": self.already,
                "priority": self.priority, "unassigned": self.unassigned,
                "by_point": [{"point_id": p, "orders": n} for p, n in sorted(self.by_point.items())]}


def sealed_households_query(day: date):
    """Households whose unit is sealed on `day`, with their place (unit → district)."""
    return (select(Household.id, Household.unit_id, Unit.building_id, Building.compound_id, Compound.community_id,
                   Compound.district_id)
            .join(Unit, Unit.id == Household.unit_id).join(Building, Building.id == Unit.building_id)
            .join(Compound, Compound.id == Building.compound_id)
            .where(Household.unit_id.in_(units_at_tier(day))))


def sealed_household_ids(day: date):
    """A subquery of the ids of the households sealed on `day`."""
    return select(Household.id).where(Household.unit_id.in_(units_at_tier(day)))


def order_buildings(session: Session, *, actor, building_ids: list[int], day: date, package_ids: list[int],
                    round: int = 1, quantity: int = 1) -> OrderReport:
    """One order per sealed household of the buildings and pack (a community worker's bulk order)."""
    _check_round(round, quantity)
    building_ids = list(dict.fromkeys(building_ids))
    found = set(session.scalars(
        select(Building.id).join(Compound, Compound.id == Building.compound_id)
        .where(Building.id.in_(building_ids), in_reach(Compound.community_id, actor.jurisdiction))))
    if missing := [b for b in building_ids if b not in found]:
        raise NotFound("building", details={"building_ids": missing[:20]})
    packages = _packages(session, package_ids)
    report = OrderReport(day=day, round=round)
    households = session.execute(sealed_households_query(day).where(Unit.building_id.in_(building_ids))
                                 .order_by(Unit.building_id, Household.unit_id, Household.id)).all()
    report.households = len(households)
    report.outside_zone = session.scalar(
        select(func.count()).select_from(Household).join(Unit, Unit.id == Household.unit_id)
        .where(Unit.building_id.in_(building_ids))) - len(households)
    taken = set(session.execute(
        select(Order.household_id, Order.package_id)
        .where(Order.building_id.in_(building_ids), Order.delivery_day == day, Order.round == round,
               Order.package_id.in_([p.id for p in packages]))).all())
    wanted = [(h, p) for h in households for p in packages if (h.id, p.id) not in taken]
    report.already = len(households) * len(packages) - len(wanted)
    _place(session, wanted, report, actor=actor, quantity=quantity, source="building")
    audit.record(session, actor=actor, action="supplies.order_buildings", object_type="building",
                 object_id=building_ids[0] if len(building_ids) == 1 else None,
                 after={"buildings": len(building_ids), **{k: v for k, v in report.to_dict().items()
                                                            if k not in ("by_point", "day")}, "day": day.isoformat()})
    return report


def order_household(session: Session, *, actor, day: date, package_id: int, round: int = 1, quantity: int = 1,
                    resident_id: int | None = None, household_id: int | None = None,
                    ticket_id: int | None = None) -> SupplyOrder:
    """One order for one sealed household, named by a resident of it or by its id (from a hotline ticket
    when `ticket_id` is given); 409 `not_sealed` for a household outside the zone."""
    _check_round(round, quantity)
    scope: Jurisdiction = actor.jurisdiction
    if resident_id is not None:
        resident = people_service.get_resident(session, resident_id, scope=scope)
        if resident.household_id is None:
            raise DomainError("no_household", "this resident belongs to no household", status=409,
                              details={"field": "resident_id"})
        household_id = resident.household_id
    if household_id is None:
        raise InvalidInput("one_household", "give resident_id or household_id", details={"field": "household_id"})
    located = session.execute(
        select(Household.id, Compound.community_id).join(Unit, Unit.id == Household.unit_id)
        .join(Building, Building.id == Unit.building_id).join(Compound, Compound.id == Building.compound_id)
        .where(Household.id == household_id, in_reach(Compound.community_id, scope))).first()
    if located is None:
        raise NotFound("household", details={"household_id": household_id})
    if ticket_id is not None:
        _check_ticket(session, ticket_id)
    [package] = _packages(session, [package_id])
    row = session.execute(sealed_households_query(day).where(Household.id == household_id)).first()
    if row is None:
        raise DomainError("not_sealed", "this household is not in a sealed zone that day", status=409,
                          details={"household_id": household_id, "day": day.isoformat()})
    if session.scalar(select(Order.id).where(Order.household_id == household_id, Order.package_id == package.id,
                                             Order.delivery_day == day, Order.round == round)) is not None:
        raise DomainError("order_exists", "this household has this pack ordered for that day and round", status=409,
                          details={"household_id": household_id})
    report = OrderReport(day=day, round=round, households=1)
    _place(session, [(row, package)], report, actor=actor, quantity=quantity,
           source="hotline" if ticket_id is not None else "resident", resident_id=resident_id, ticket_id=ticket_id)
    order = session.get(Order, report.order_ids[0])
    audit.record(session, actor=actor, action="supplies.order", object_type="supply_order", object_id=order.id,
                 after={"household_id": household_id, "package": package.code, "day": day.isoformat(),
                        "round": round, "point_id": order.point_id, "ticket_id": ticket_id})
    return order


def _place(session: Session, wanted: list[tuple], report: OrderReport, *, actor, quantity: int, source: str,
           resident_id: int | None = None, ticket_id: int | None = None) -> None:
    """Insert the orders of (household row, pack) pairs, assigned to points, in one executemany."""
    if not wanted:
        return
    special = _special_households(session, {h.id for h, _ in wanted})
    now, name = clock.now(), who(actor)
    deadline = now + timedelta(hours=get_settings().supplies_priority_hours)
    encode = bulk.encoder(session)  # shared values converted once for the driver
    day, at, due, yes, no = encode(report.day), encode(now), encode(deadline), encode(True), encode(False)
    rows = []
    for h, package in wanted:
        priority = h.id in special or package.kind == "medicine"
        rows.append({
            "household_id": h.id, "unit_id": h.unit_id, "building_id": h.building_id, "compound_id": h.compound_id,
            "community_id": h.community_id, "district_id": h.district_id, "package_id": package.id,
            "quantity": quantity, "price_fen": package.price_fen, "delivery_day": day, "round": report.round,
            "point_id": None, "source": source, "ticket_id": ticket_id, "resident_id": resident_id,
            "priority": yes if priority else no, "deadline_at": due if priority else None, "state": "placed",
            "placed_at": at, "placed_by": name,
        })
    rows.sort(key=lambda r: not r["priority"])  # stable: priority first, then the buildings' order
    assign_rows(session, rows, report.day)
    bulk.insert_orders(session, rows)
    if len(rows) == 1:
        h, package = wanted[0]
        report.order_ids = [session.scalar(select(Order.id).where(
            Order.household_id == h.id, Order.package_id == package.id, Order.delivery_day == report.day,
            Order.round == report.round))]
    report.created = len(rows)
    report.priority = sum(1 for r in rows if r["priority"])
    report.unassigned = sum(1 for r in rows if r["point_id"] is None)
    for r in rows:
        if r["point_id"] is not None:
            report.by_point[r["point_id"]] = report.by_point.get(r["point_id"], 0) + r["quantity"]


def assign_rows(session: Session, rows: list[dict], day: date) -> None:
    """Set `point_id` on each row (in order) to the first serving open point with room; raise the loads."""
    compounds = {r["compound_id"] for r in rows}
    communities = {r["community_id"] for r in rows}
    by_compound: dict[int, list[int]] = defaultdict(list)
    by_community: dict[int, list[int]] = defaultdict(list)
    for point_id, community_id, compound_id in session.execute(
        select(SupplyPointArea.point_id, SupplyPointArea.community_id, SupplyPointArea.compound_id)
        .join(SupplyPoint, SupplyPoint.id == SupplyPointArea.point_id)
        .where(SupplyPoint.status == "open", SupplyPointArea.community_id.in_(communities))
        .order_by(SupplyPointArea.point_id)
    ):
        if compound_id is None:
            by_community[community_id].append(point_id)
        elif compound_id in compounds:
            by_compound[compound_id].append(point_id)
    candidates: dict[tuple[int, int], list[int]] = {}
    points = {p for ids in (*by_compound.values(), *by_community.values()) for p in ids}
    free = _free(session, points, day)
    taken: dict[int, int] = defaultdict(int)
    for r in rows:
        key = (r["compound_id"], r["community_id"])
        if key not in candidates:
            candidates[key] = list(dict.fromkeys(by_compound.get(key[0], []) + by_community.get(key[1], [])))
        for point_id in candidates[key]:
            if free[point_id] >= r["quantity"]:
                free[point_id] -= r["quantity"]
                taken[point_id] += r["quantity"]
                r["point_id"] = point_id
                break
    for point_id, n in taken.items():
        done = session.execute(
            update(SupplyPointDay).where(SupplyPointDay.point_id == point_id, SupplyPointDay.day == day,
                                         SupplyPointDay.used + n <= SupplyPointDay.capacity)
            .values(used=SupplyPointDay.used + n).execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise DomainError("capacity_changed", "a supply point's room was taken meanwhile: order again",
                              status=409, details={"point_id": point_id})


def _free(session: Session, point_ids: set[int], day: date) -> dict[int, int]:
    """Packs each point can still take on `day` (its day row is created at its capacity when missing)."""
    if not point_ids:
        return {}
    have = {p: (cap, used) for p, cap, used in session.execute(
        select(SupplyPointDay.point_id, SupplyPointDay.capacity, SupplyPointDay.used)
        .where(SupplyPointDay.point_id.in_(point_ids), SupplyPointDay.day == day))}
    missing = point_ids - set(have)
    if missing:
        capacity = dict(session.execute(select(SupplyPoint.id, SupplyPoint.daily_capacity)
                                        .where(SupplyPoint.id.in_(missing))).all())
        rows = [{"point_id": p, "day": day, "capacity": capacity[p], "used": 0} for p in sorted(missing)]
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as upsert
        else:
            from sqlalchemy.dialects.sqlite import insert as upsert
        session.execute(upsert(SupplyPointDay).on_conflict_do_nothing(), rows)
        return _free(session, point_ids, day)  # read again: a concurrent order may have made a row first
    return {p: cap - used for p, (cap, used) in have.items()}


def assign_pending(session: Session, *, actor, day: date, scope: Jurisdiction) -> dict:
    """Give a point to the orders of `day` that had none (room freed or a point opened since)."""
    pending = session.scalars(select(Order).where(Order.delivery_day == day, Order.point_id.is_(None),
                                                  Order.state == "placed", in_reach(Order.community_id, scope))
                              .order_by(Order.priority.desc(), Order.building_id, Order.id)).all()
    rows = [{"id": o.id, "compound_id": o.compound_id, "community_id": o.community_id, "quantity": o.quantity,
             "point_id": None} for o in pending]
    assign_rows(session, rows, day)
    placed = [r for r in rows if r["point_id"] is not None]
    if placed:
        session.execute(update(Order), [{"id": r["id"], "point_id": r["point_id"]} for r in placed])
    audit.record(session, actor=actor, action="supplies.assign_pending", object_type="supply_order",
                 after={"day": day.isoformat(), "pending": len(rows), "assigned": len(placed)})
    return {"day": day, "pending": len(rows), "assigned": len(placed), "unassigned": len(rows) - len(placed)}


def _special_households(session: Session, household_ids: set[int]) -> set[int]:
    if not household_ids:
        return set()
    query = select(SpecialNeeds.household_id).where(SpecialNeeds.active.is_(True))
    if len(household_ids) <= 1000:
        query = query.where(SpecialNeeds.household_id.in_(household_ids))
    return set(session.scalars(query)) & household_ids


def _packages(session: Session, package_ids: list[int]) -> list[SupplyPackage]:
    package_ids = list(dict.fromkeys(package_ids))
    if not package_ids:
        raise InvalidInput("no_package", "package_ids: at least one pack", details={"field": "package_ids"})
    found = {p.id: p for p in session.scalars(select(SupplyPackage).where(SupplyPackage.id.in_(package_ids),
                                                                          SupplyPackage.active.is_(True)))}
    if missing := [p for p in package_ids if p not in found]:
        raise NotFound("pack", details={"package_ids": missing})
    return [found[p] for p in package_ids]


def _check_ticket(session: Session, ticket_id: int) -> None:
    from fangkong.hotline.models import Ticket

    if session.get(Ticket, ticket_id) is None:
        raise NotFound("ticket", details={"ticket_id": ticket_id})


def _check_round(round: int, quantity: int) -> None:
    if not 1 <= round <= MAX_ROUND:
        raise InvalidInput("invalid_round", f"round: 1 to {MAX_ROUND}", details={"field": "round"})
    if not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidInput("invalid_quantity", f"quantity: 1 to {MAX_QUANTITY}", details={"field": "quantity"})


__all__ = ["OrderReport", "assign_pending", "assign_rows", "order_buildings", "order_household",
           "sealed_household_ids", "sealed_households_query"]
