"""The supplies use cases, in one place for callers (pages, API, CLI, the demo, a scheduler).

Split by use case: points.py (supply points and what they serve), catalogue.py (packs, prices, price
alerts), orders.py (placing orders for sealed households, assignment within capacity), delivery.py
(moving orders along, delivery lists), special_needs.py (the register, late and not-served lists),
board.py (the day's board). Services never commit.
"""

from fangkong.supplies.board import board, households, write_board_xlsx
from fangkong.supplies.catalogue import alerts, create_package, get_package, list_packages, price_history, set_price
from fangkong.supplies.delivery import advance, delivery_list, list_orders, order_detail, write_delivery_xlsx
from fangkong.supplies.orders import OrderReport, assign_pending, order_buildings, order_household
from fangkong.supplies.points import create_point, get_point, list_points, update_point
from fangkong.supplies.special_needs import entry_view, late_orders, list_register, not_served, register

__all__ = [
    "OrderReport", "advance", "alerts", "assign_pending", "board", "create_package", "create_point", "delivery_list", "entry_view",
    "get_package", "get_point", "households", "late_orders", "list_orders", "list_packages", "list_points",
    "list_register", "not_served", "order_buildings", "order_detail", "order_household", "price_history", "register", "set_price",
    "update_point", "write_board_xlsx", "write_delivery_xlsx",
]
