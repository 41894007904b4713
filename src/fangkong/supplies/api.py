"""API of supplies: supply points, packs and prices, price alerts, orders (bulk by building, one household,
from a hotline ticket), delivery moves and lists, special-needs residents, late and not-served lists.

Mounted under /api/v1. Orders and special-needs residents are seen within the caller's communities
(a community worker: their own), supply points within their district; the catalogue is the city's.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.fields import Day
from fangkong.core.pagination import PageNumber, PageRequest, PageSize
from fangkong.core.permissions import SUPPLIES_DELIVER, SUPPLIES_MANAGE, SUPPLIES_ORDER, SUPPLIES_VIEW, Actor, require
from fangkong.supplies import service
from fangkong.supplies.schemas import (
    AlertPage, AssignIn, AssignOut, BulkOrderIn, DeliveryListOut, HouseholdPage, Moved, MoveIn, OrderIn, OrderOut,
    OrderPage, OrderReportOut, PackageIn, PackageOut, PointIn, PointOut, PointUpdate, PriceIn, PriceOut,
    SpecialNeedsIn, SpecialNeedsOut, SpecialNeedsPage,
)

router = APIRouter(tags=["supplies"])
OrderState = Query(None, pattern=r"^(placed|prepared|out_for_delivery|delivered|failed)$")


def _point(session: Session, actor: Actor, point_id: int) -> dict:
    service.get_point(session, point_id, scope=actor.jurisdiction)
    return next(p for p in service.list_points(session, scope=actor.jurisdiction) if p["id"] == point_id)


def _package(session: Session, package_id: int) -> dict:
    return next(p for p in service.list_packages(session) if p["id"] == package_id)


@router.get("/supplies/points", response_model=list[PointOut])
def list_points(day: Day | None = Query(None, description="the day of the loads; default today"),
                actor: Actor = Depends(require(SUPPLIES_VIEW)), session: Session = SESSION):
    """Supply points of your district with what they serve, their capacity and their load of the day."""
    return service.list_points(session, scope=actor.jurisdiction, day=day)


@router.post("/supplies/points", response_model=PointOut, status_code=201)
def create_point(body: PointIn, actor: Actor = Depends(require(SUPPLIES_MANAGE)),
                 session: Session = SESSION):
    point = service.create_point(session, actor=actor, **body.model_dump())
    return _point(session, actor, point.id)


@router.post("/supplies/points/{point_id}", response_model=PointOut)
def update_point(point_id: RowId, body: PointUpdate, actor: Actor = Depends(require(SUPPLIES_MANAGE)),
                 session: Session = SESSION):
    """A point's status or daily capacity."""
    service.update_point(session, point_id, actor=actor, **body.model_dump())
    return _point(session, actor, point_id)


@router.get("/supplies/packages", response_model=list[PackageOut])
def list_packages(actor: Actor = Depends(require(SUPPLIES_VIEW)), session: Session = SESSION):
    """The catalogue: contents, source, price and reference price (fen), how far above the reference."""
    return service.list_packages(session)


@router.post("/supplies/packages", response_model=PriceOut, status_code=201)
def create_package(body: PackageIn, actor: Actor = Depends(require(SUPPLIES_MANAGE)),
                   session: Session = SESSION):
    package, alert = service.create_package(session, actor=actor, **body.model_dump())
    return {"package": _package(session, package.id), "alert_raised": alert is not None}


@router.post("/supplies/packages/{package_id}/price", response_model=PriceOut)
def set_price(package_id: RowId, body: PriceIn, actor: Actor = Depends(require(SUPPLIES_MANAGE)),
              session: Session = SESSION):
    """A new price (and reference price), recorded; above the reference by more than the margin it raises
    one price alert (none while one is open)."""
    package, alert = service.set_price(session, package_id, actor=actor, **body.model_dump())
    return {"package": _package(session, package.id), "alert_raised": alert is not None}


@router.get("/supplies/price-alerts", response_model=AlertPage)
def price_alerts(actor: Actor = Depends(require(SUPPLIES_VIEW)), session: Session = SESSION):
    """Open price alerts."""
    items = service.alerts(session, open_only=True)
    return {"items": items, "total": len(items)}


@router.post("/supplies/orders:bulk", response_model=OrderReportOut, status_code=201)
def order_buildings(body: BulkOrderIn, actor: Actor = Depends(require(SUPPLIES_ORDER)),
                    session: Session = SESSION):
    """One order per sealed household of the buildings and pack, assigned to supply points within capacity;
    none for households outside the zone; what no point can take is reported as unassigned."""
    return service.order_buildings(session, actor=actor, **body.model_dump()).to_dict()


@router.post("/supplies/orders", response_model=OrderOut, status_code=201)
def order_household(body: OrderIn, actor: Actor = Depends(require(SUPPLIES_ORDER)),
                    session: Session = SESSION):
    """One household's order (by a resident of it or its id; `ticket_id` for one from the hotline);
    409 `not_sealed` outside a sealed zone."""
    order = service.order_household(session, actor=actor, **body.model_dump())
    return service.order_detail(session, order.id, scope=actor.jurisdiction)


@router.get("/supplies/orders", response_model=OrderPage)
def list_orders(day: Day | None = None, state: str | None = OrderState, building_id: RowId | None = None,
                point_id: RowId | None = None, page: PageNumber = 1, per_page: PageSize = 50,
                actor: Actor = Depends(require(SUPPLIES_VIEW)), session: Session = SESSION):
    """Orders in your communities, priority first; `total` counts them all."""
    items, total = service.list_orders(session, scope=actor.jurisdiction, page=PageRequest(page, per_page),
                                       day=day, state=state, building_id=building_id, point_id=point_id)
    return {"items": items, "total": total}


@router.post("/supplies/orders/move", response_model=Moved)
def move(body: MoveIn, actor: Actor = Depends(require(SUPPLIES_DELIVER)), session: Session = SESSION):
    """Move orders to prepared, out for delivery, delivered, or failed (with a reason): all or none."""
    return {"moved": service.advance(session, actor=actor, **body.model_dump())}


@router.post("/supplies/orders/assign", response_model=AssignOut)
def assign_pending(body: AssignIn, actor: Actor = Depends(require(SUPPLIES_ORDER)),
                   session: Session = SESSION):
    """Give a supply point to the day's orders that had none, within capacity."""
    return service.assign_pending(session, actor=actor, day=body.day, scope=actor.jurisdiction)


@router.get("/supplies/buildings/{building_id}/delivery-list", response_model=DeliveryListOut)
def delivery_list(building_id: RowId, day: Day | None = Query(None, description="default today"),
                  round: int | None = Query(None, ge=1, le=9), actor: Actor = Depends(require(SUPPLIES_VIEW)),
                  session: Session = SESSION):
    """A building's orders of a day (and round), by unit and household."""
    return service.delivery_list(session, scope=actor.jurisdiction, building_id=building_id,
                                 day=day or clock.today(), round=round)


@router.post("/supplies/special-needs", response_model=SpecialNeedsOut, status_code=201)
def register(body: SpecialNeedsIn, actor: Actor = Depends(require(SUPPLIES_ORDER)),
             session: Session = SESSION):
    """Put a resident of your communities on the special-needs register."""
    entry = service.register(session, actor=actor, **body.model_dump())
    return service.entry_view(session, entry.id, scope=actor.jurisdiction)


@router.get("/supplies/special-needs", response_model=SpecialNeedsPage)
def special_needs(actor: Actor = Depends(require(SUPPLIES_VIEW)), session: Session = SESSION):
    """The special-needs residents of your communities (masked), at most 2,000; `total` counts them all."""
    items, total = service.list_register(session, scope=actor.jurisdiction)
    return {"items": items, "total": total}


@router.get("/supplies/late", response_model=OrderPage)
def late(actor: Actor = Depends(require(SUPPLIES_VIEW)), session: Session = SESSION):
    """Priority orders (special needs, medicine) of your communities still open past their deadline."""
    items, total = service.late_orders(session, scope=actor.jurisdiction)
    return {"items": items, "total": total}


@router.get("/supplies/not-served", response_model=SpecialNeedsPage)
def not_served(day: Day | None = Query(None, description="default today"),
               actor: Actor = Depends(require(SUPPLIES_VIEW)), session: Session = SESSION):
    """Special-needs residents of sealed households with nothing delivered that day, by community."""
    items, total = service.not_served(session, scope=actor.jurisdiction, day=day or clock.today())
    return {"items": items, "total": total}


@router.get("/supplies/households", response_model=HouseholdPage)
def households(day: Day | None = Query(None, description="default today"), served: bool | None = None,
               page: PageNumber = 1, per_page: PageSize = 50,
               actor: Actor = Depends(require(SUPPLIES_VIEW)), session: Session = SESSION):
    """Households sealed that day in your communities; `served`: with an order delivered that day (or not)."""
    items, total = service.households(session, scope=actor.jurisdiction, day=day or clock.today(), served=served,
                                      page=PageRequest(page, per_page))
    return {"items": items, "total": total}
