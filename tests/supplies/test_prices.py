"""Issue 10 acceptance: a price 12 % above reference raises exactly one alert; 8 % raises none."""

from __future__ import annotations

from sqlalchemy import func, select

import supplies_factories as sf
from fangkong.supplies import service
from fangkong.supplies.catalogue import over_margin
from fangkong.supplies.models import SupplyPriceAlert, SupplyPriceChange


def _alerts(session, package_id):
    return session.scalar(select(func.count()).select_from(SupplyPriceAlert)
                          .where(SupplyPriceAlert.package_id == package_id))


def test_twelve_percent_raises_exactly_one_alert(session):
    package = sf.catalogue(session)["vegetable"]  # reference 30.00
    _, alert = service.set_price(session, package, actor=sf.SYSTEM, price_fen=3360, reason="进价上涨")  # +12 %
    assert alert is not None and _alerts(session, package) == 1
    _, again = service.set_price(session, package, actor=sf.SYSTEM, price_fen=3400)  # still above: no second
    assert again is None and _alerts(session, package) == 1
    assert [a["package_id"] for a in service.alerts(session)] == [package]


def test_eight_percent_raises_none(session):
    package = sf.catalogue(session)["fruit"]  # reference 40.00
    _, alert = service.set_price(session, package, actor=sf.SYSTEM, price_fen=4320)  # +8 %
    assert alert is None and _alerts(session, package) == 0


def test_every_change_is_recorded_and_a_price_back_within_the_margin_closes_the_alert(session):
    package = sf.catalogue(session)["vegetable"]
    service.set_price(session, package, actor=sf.SYSTEM, price_fen=3360)
    service.set_price(session, package, actor=sf.SYSTEM, price_fen=3000, reason="回落")
    assert service.alerts(session) == [] and _alerts(session, package) == 1
    history = service.price_history(session, package)
    assert [(h["old_price_fen"], h["price_fen"]) for h in history] == [(None, 3000), (3000, 3360), (3360, 3000)]
    assert session.scalar(select(func.count()).select_from(SupplyPriceChange)) >= 3


def test_the_margin_is_exact_and_configurable(monkeypatch):
    assert not over_margin(3300, 3000, 10) and over_margin(3301, 3000, 10)
    assert over_margin(3300, 3000, 5) and not over_margin(3360, 3000, 12)
