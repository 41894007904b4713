"""Pages of supplies: the board of a day (ECharts, Excel), orders (bulk by building, moves along the delivery),
the light order page for one household (a resident's call, a hotline ticket), a building's printable
delivery list (and its Excel), the catalogue with prices and alerts, the special-needs register with the
day's "not yet served" list, and the late list.

Actions are plain form posts answered with a page; a refusal shows the error page with its status.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fangkong.core import audit, clock, i18n
from fangkong.core.dates import parse_day
from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.errors import InvalidInput, NotFound
from fangkong.core.pagination import PageRequest
from fangkong.core.permissions import SUPPLIES_DELIVER, SUPPLIES_MANAGE, SUPPLIES_ORDER, SUPPLIES_VIEW, Actor, require
from fangkong.people import service as people_service
from fangkong.people.export import xlsx_download
from fangkong.supplies import service
from fangkong.supplies.models import NEED_KINDS, ORDER_STATES
from fangkong.web.templating import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, actor: Actor, name: str, context: dict, tab: str, status: int = 200) -> Response:
    context = {"tab": tab, "may_order": actor.may(SUPPLIES_ORDER), "may_deliver": actor.may(SUPPLIES_DELIVER),
               "may_manage": actor.may(SUPPLIES_MANAGE), "may_view": actor.may(SUPPLIES_VIEW), **context}
    return render(request, f"supplies/{name}.html", context, user=actor.user, active="supplies", status=status)


def _ids(text: str, field: str) -> list[int]:
    parts = [p for p in text.replace("，", ",").replace(" ", ",").split(",") if p]
    if not parts or not all(p.isascii() and p.isdigit() and 0 < len(p) < 10 for p in parts):
        raise InvalidInput(f"invalid_{field}", f"{field}: ids separated by commas", details={"field": field})
    return [int(p) for p in parts]


@router.get("/supplies")
def board_page(request: Request, day: str = "", actor: Actor = Depends(require(SUPPLIES_VIEW)),
               session: Session = SESSION) -> Response:
    on = parse_day(day, "day") or clock.today()
    found = service.board(session, scope=actor.jurisdiction, day=on)
    chart = {"districts": [r["district"] for r in found["by_district"]],
             "series": [{"state": s, "values": [r[s] for r in found["by_district"]]} for s in ORDER_STATES]}
    return _page(request, actor, "board", {"b": found, "chart": chart, "states": ORDER_STATES}, "board")


@router.get("/supplies/board.xlsx")
def board_xlsx(request: Request, day: str = "", actor: Actor = Depends(require(SUPPLIES_VIEW)),
               session: Session = SESSION) -> Response:
    on = parse_day(day, "day") or clock.today()
    found = service.board(session, scope=actor.jurisdiction, day=on)
    t = i18n.translator(i18n.request_language(request))
    return xlsx_download(lambda out: service.write_board_xlsx(out, found, t), f"supplies-board-{on:%Y%m%d}.xlsx")


def _orders_page(request: Request, session: Session, actor: Actor, *, day: str = "", state: str = "",
                 building: str = "", page: int = 1, report: dict | None = None, moved: int | None = None) -> Response:
    on = parse_day(day, "day") or clock.today()
    building_id = _ids(building, "building")[0] if building else None
    items, total = service.list_orders(session, scope=actor.jurisdiction, page=PageRequest(max(page, 1), 100),
                                       day=on, state=state or None, building_id=building_id)
    packages = service.list_packages(session, active_only=True)
    context = {"items": items, "total": total, "day": on, "state": state, "building": building, "page": page,
               "packages": packages, "states": ORDER_STATES, "report": report, "moved": moved}
    return _page(request, actor, "orders", context, "orders")


@router.get("/supplies/orders")
def orders_page(request: Request, day: str = "", state: str = "", building: str = "", page: int = 1,
                actor: Actor = Depends(require(SUPPLIES_VIEW)), session: Session = SESSION) -> Response:
    if state and state not in ORDER_STATES:
        raise InvalidInput("invalid_state", f"state: one of {', '.join(ORDER_STATES)}", details={"field": "state"})
    return _orders_page(request, session, actor, day=day, state=state, building=building, page=page)


@router.post("/supplies/orders/bulk")
def bulk_order_page(request: Request, buildings: str = Form(..., max_length=20000),
                    package_id: RowId = Form(...), day: str = Form(""), round: int = Form(1, ge=1, le=9),
                    actor: Actor = Depends(require(SUPPLIES_ORDER)), session: Session = SESSION) -> Response:
    """A community worker's order for every sealed household of the buildings."""
    on = parse_day(day, "day") or clock.today()
    report = service.order_buildings(session, actor=actor, building_ids=_ids(buildings, "buildings"),
                                     package_ids=[package_id], day=on, round=round).to_dict()
    if not actor.may(SUPPLIES_VIEW):
        return _page(request, actor, "order", {"done": None, "report": report, "ticket": "",
                                               "packages": service.list_packages(session, active_only=True)}, "order")
    return _orders_page(request, session, actor, day=on.isoformat(), report=report)


@router.post("/supplies/orders/move")
def move_page(request: Request, order_ids: str = Form(..., max_length=60000), to: str = Form(...),
              reason: str = Form("", max_length=200), courier: str = Form("", max_length=50), day: str = Form(""),
              actor: Actor = Depends(require(SUPPLIES_DELIVER)), session: Session = SESSION) -> Response:
    moved = service.advance(session, actor=actor, order_ids=_ids(order_ids, "order_ids"), to=to, reason=reason,
                            courier=courier or None)
    return _orders_page(request, session, actor, day=day, moved=moved)


@router.get("/supplies/order")
def order_form(request: Request, ticket: str = "", actor: Actor = Depends(require(SUPPLIES_ORDER)),
               session: Session = SESSION) -> Response:
    """The light page: one household's order, found by a resident's ID number (or from a hotline ticket)."""
    packages = service.list_packages(session, active_only=True)
    return _page(request, actor, "order", {"packages": packages, "done": None, "report": None, "ticket": ticket},
                 "order")


@router.post("/supplies/order")
def order_submit(request: Request, id_number: str = Form(..., max_length=20), package_id: RowId = Form(...),
                 quantity: int = Form(1, ge=1, le=10), day: str = Form(""), ticket: str = Form("", max_length=10),
                 actor: Actor = Depends(require(SUPPLIES_ORDER)), session: Session = SESSION) -> Response:
    resident = people_service.find_by_id_number(session, id_number, scope=actor.jurisdiction)
    if resident is None:
        raise NotFound("resident")
    order = service.order_household(
        session, actor=actor, resident_id=resident.id, package_id=package_id, quantity=quantity,
        day=parse_day(day, "day") or clock.today(), ticket_id=_ids(ticket, "ticket")[0] if ticket else None)
    done = service.order_detail(session, order.id, scope=actor.jurisdiction)
    packages = service.list_packages(session, active_only=True)
    return _page(request, actor, "order", {"packages": packages, "done": done, "report": None, "ticket": ""}, "order")


@router.get("/supplies/buildings/{building_id}/list")
def delivery_list_page(request: Request, building_id: RowId, day: str = "", round: str = "",
                       actor: Actor = Depends(require(SUPPLIES_VIEW)), session: Session = SESSION):
    """A building's delivery list of a day and round, to print (the page has a print layout)."""
    found = _delivery_list(session, actor, building_id, day, round)
    return _page(request, actor, "delivery_list", {"l": found}, "orders")


@router.get("/supplies/buildings/{building_id}/list.xlsx")
def delivery_list_xlsx(request: Request, building_id: RowId, day: str = "", round: str = "",
                       actor: Actor = Depends(require(SUPPLIES_VIEW)), session: Session = SESSION):
    found = _delivery_list(session, actor, building_id, day, round)
    audit.record(session, actor=actor, action="supplies.list_export", object_type="building", object_id=building_id,
                 after={"day": found["day"].isoformat(), "round": found["round"], "orders": len(found["items"])})
    t = i18n.translator(i18n.request_language(request))
    return xlsx_download(lambda out: service.write_delivery_xlsx(out, found, t),
                         f"supplies-list-{building_id}-{found['day']:%Y%m%d}.xlsx")


def _delivery_list(session: Session, actor: Actor, building_id: int, day: str, round: str) -> dict:
    if round and not (round.isascii() and round.isdigit() and 1 <= int(round) <= 9):
        raise InvalidInput("invalid_round", "round: 1 to 9", details={"field": "round"})
    return service.delivery_list(session, scope=actor.jurisdiction, building_id=building_id,
                                 day=parse_day(day, "day") or clock.today(), round=int(round) if round else None)


@router.get("/supplies/catalogue")
def catalogue_page(request: Request, actor: Actor = Depends(require(SUPPLIES_VIEW)),
                   session: Session = SESSION) -> Response:
    return _catalogue(request, session, actor)


def _catalogue(request: Request, session: Session, actor: Actor, raised: bool | None = None) -> Response:
    context = {"packages": service.list_packages(session), "alerts": service.alerts(session, open_only=True),
               "raised": raised}
    return _page(request, actor, "catalogue", context, "catalogue")


@router.post("/supplies/packages/{package_id}/price")
def price_page(request: Request, package_id: RowId, price: str = Form(..., max_length=12),
               reason: str = Form("", max_length=200), actor: Actor = Depends(require(SUPPLIES_MANAGE)),
               session: Session = SESSION) -> Response:
    """A new price in yuan (two decimals), recorded; the page says whether it raised an alert."""
    _, alert = service.set_price(session, package_id, actor=actor, price_fen=_fen(price), reason=reason)
    return _catalogue(request, session, actor, raised=alert is not None)


def _fen(text: str) -> int:
    yuan, _, cents = text.strip().partition(".")
    if not (yuan.isascii() and yuan.isdigit() and len(yuan) <= 6 and (not cents or (cents.isascii()
                                                                                      and cents.isdigit()
                                                                                      and len(cents) <= 2))):
        raise InvalidInput("invalid_price", "price: yuan with at most two decimals, e.g. 29.90",
                           details={"field": "price"})
    return int(yuan) * 100 + int(cents.ljust(2, "0") or 0)


@router.get("/supplies/special-needs")
def special_needs_page(request: Request, day: str = "", actor: Actor = Depends(require(SUPPLIES_VIEW)),
                       session: Session = SESSION) -> Response:
    return _special_needs(request, session, actor, day)


def _special_needs(request: Request, session: Session, actor: Actor, day: str, done: bool = False) -> Response:
    on = parse_day(day, "day") or clock.today()
    people, total = service.list_register(session, scope=actor.jurisdiction)
    waiting, waiting_total = service.not_served(session, scope=actor.jurisdiction, day=on)
    context = {"people": people, "total": total, "waiting": waiting, "waiting_total": waiting_total, "day": on,
               "need_kinds": NEED_KINDS, "done": done}
    return _page(request, actor, "special_needs", context, "special_needs")


@router.post("/supplies/special-needs")
def register_page(request: Request, id_number: str = Form(..., max_length=20), kinds: list[str] = Form(...),
                  needs: str = Form("", max_length=500), medicine: str = Form("", max_length=200),
                  actor: Actor = Depends(require(SUPPLIES_ORDER)), session: Session = SESSION) -> Response:
    resident = people_service.find_by_id_number(session, id_number, scope=actor.jurisdiction)
    if resident is None:
        raise NotFound("resident")
    service.register(session, actor=actor, resident_id=resident.id, kinds=kinds, needs=needs, medicine=medicine)
    if not actor.may(SUPPLIES_VIEW):
        packages = service.list_packages(session, active_only=True)
        return _page(request, actor, "order", {"packages": packages, "done": None, "report": None, "ticket": ""},
                     "order")
    return _special_needs(request, session, actor, "", done=True)


@router.get("/supplies/late")
def late_page(request: Request, actor: Actor = Depends(require(SUPPLIES_VIEW)),
              session: Session = SESSION) -> Response:
    items, total = service.late_orders(session, scope=actor.jurisdiction)
    return _page(request, actor, "late", {"items": items, "total": total}, "late")
