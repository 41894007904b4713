"""The supplies figures of the command dashboard (issue 12's contract): counts whose `api` answers the
same `total` for the same user, and the rows behind them for the daily report."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from fangkong.core.jurisdiction import Jurisdiction
from fangkong.core.pagination import TOTAL_ONLY, PageRequest
from fangkong.supplies import board, catalogue, delivery, special_needs

REPORT_LIMIT = 500


def headline(session: Session, *, on: date, scope: Jurisdiction) -> list[dict]:
    day = on.isoformat()
    one = PageRequest(page=1, per_page=TOTAL_ONLY)
    _, orders = delivery.list_orders(session, scope=scope, page=one, day=on)
    _, delivered = delivery.list_orders(session, scope=scope, page=one, day=on, state="delivered")
    _, sealed = board.households(session, scope=scope, day=on, page=one)
    _, served = board.households(session, scope=scope, day=on, served=True, page=one)
    _, late = special_needs.late_orders(session, scope=scope, limit=TOTAL_ONLY)
    _, waiting = special_needs.not_served(session, scope=scope, day=on, limit=TOTAL_ONLY)
    alerts = len(catalogue.alerts(session, open_only=True))
    return [
        {"key": "orders", "value": orders, "href": f"/supplies/orders?day={day}",
         "api": f"/api/v1/supplies/orders?day={day}"},
        {"key": "orders_delivered", "value": delivered, "href": f"/supplies/orders?day={day}&state=delivered",
         "api": f"/api/v1/supplies/orders?day={day}&state=delivered"},
        {"key": "households_sealed", "value": sealed, "href": f"/supplies?day={day}",
         "api": f"/api/v1/supplies/households?day={day}"},
        {"key": "households_served", "value": served, "href": f"/supplies?day={day}",
         "api": f"/api/v1/supplies/households?day={day}&served=true"},
        {"key": "late", "value": late, "href": "/supplies/late", "api": "/api/v1/supplies/late"},
        {"key": "special_not_served", "value": waiting, "href": f"/supplies/special-needs?day={day}",
         "api": f"/api/v1/supplies/not-served?day={day}"},
        {"key": "price_alerts", "value": alerts, "href": "/supplies/catalogue", "api": "/api/v1/supplies/price-alerts"},
    ]


def report_rows(session: Session, *, on: date, scope: Jurisdiction) -> tuple[list[str], list[list]]:
    """The late priority orders, then the special-needs residents not yet served on `on`, then open price alerts."""
    headers = ["类别", "社区/商品", "地点/姓名", "状态", "时限/说明"]
    rows: list[list] = []
    late, _ = special_needs.late_orders(session, scope=scope, limit=REPORT_LIMIT)
    for item in late:
        rows.append(["超时配送", item["package"], item["place"], item["state"],
                     item["deadline_text"]])
    waiting, _ = special_needs.not_served(session, scope=scope, day=on, limit=REPORT_LIMIT)
    for person in waiting:
        rows.append(["重点人群未送达", person["community"], person["name"], "未送达", "、".join(person["kinds"])])
    for alert in catalogue.alerts(session, open_only=True):
        rows.append(["价格预警", alert["package_name"], "", f"{alert['price_fen'] / 100:.2f} 元",
                     f"高于参考价 {alert['over_reference_pct']} %"])
    return headers, rows
