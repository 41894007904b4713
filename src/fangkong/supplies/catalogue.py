"""The catalogue of packs and their prices: every price change recorded, price alerts for the task force.

A pack priced above its reference by more than the configured margin (`FANGKONG_SUPPLIES_PRICE_MARGIN_PCT`,
10 % by default) raises one price alert; while it stays open, further changes above the margin raise no
other (one open alert per pack, a partial unique index); a price back within the margin closes it.
Prices are integers in fen, compared exactly: price × 100 > reference × (100 + margin).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fangkong.config import get_settings
from fangkong.core import audit, clock
from fangkong.core.errors import DomainError, InvalidInput, NotFound
from fangkong.supplies.scope import who
from fangkong.supplies.models import PACKAGE_KINDS, SupplyPackage, SupplyPriceAlert, SupplyPriceChange

Package, Alert, Change = SupplyPackage, SupplyPriceAlert, SupplyPriceChange


def over_margin(price_fen: int, reference_fen: int, margin_pct: int) -> bool:
    return price_fen * 100 > reference_fen * (100 + margin_pct)


def create_package(session: Session, *, actor, code: str, kind: str, name: str, contents: str, price_fen: int,
                   reference_fen: int, source: str = "") -> tuple[SupplyPackage, SupplyPriceAlert | None]:
    if kind not in PACKAGE_KINDS:
        raise InvalidInput("invalid_kind", f"kind: one of {', '.join(PACKAGE_KINDS)}", details={"field": "kind"})
    _check_prices(price_fen, reference_fen)
    if session.scalar(select(Package.id).where(Package.code == code)) is not None:
        raise DomainError("package_exists", f"a pack with code {code!r} exists already", status=409,
                          details={"field": "code"})
    package = Package(code=code, kind=kind, name=name, contents=contents, source=source, price_fen=price_fen,
                      reference_fen=reference_fen, active=True, updated_at=clock.now())
    session.add(package)
    session.flush()
    audit.record(session, actor=actor, action="supplies.package_create", object_type="supply_package",
                 object_id=package.id, after={"code": code, "price_fen": price_fen, "reference_fen": reference_fen})
    return package, _record(session, package, None, actor=actor, reason="上架")


def set_price(session: Session, package_id: int, *, actor, price_fen: int, reference_fen: int | None = None,
              reason: str = "") -> tuple[SupplyPackage, SupplyPriceAlert | None]:
    """A new price (and reference price), recorded; returns the alert it raised, if any."""
    package = get_package(session, package_id)
    reference_fen = package.reference_fen if reference_fen is None else reference_fen
    _check_prices(price_fen, reference_fen)
    old = package.price_fen
    package.price_fen, package.reference_fen, package.updated_at = price_fen, reference_fen, clock.now()
    session.flush()
    audit.record(session, actor=actor, action="supplies.price_change", object_type="supply_package",
                 object_id=package.id, reason=reason or None, before={"price_fen": old},
                 after={"price_fen": price_fen, "reference_fen": reference_fen})
    return package, _record(session, package, old, actor=actor, reason=reason)


def _record(session: Session, package: SupplyPackage, old: int | None, *, actor, reason: str) -> SupplyPriceAlert | None:
    now = clock.now()
    change = Change(package_id=package.id, old_price_fen=old, price_fen=package.price_fen,
                    reference_fen=package.reference_fen, reason=reason[:200], at=now,
                    actor_name=who(actor))
    session.add(change)
    session.flush()
    margin = get_settings().supplies_price_margin_pct
    open_alert = session.scalar(select(Alert).where(Alert.package_id == package.id, Alert.is_open.is_(True)))
    if over_margin(package.price_fen, package.reference_fen, margin):
        if open_alert is not None:
            return None
        alert = Alert(package_id=package.id, change_id=change.id, price_fen=package.price_fen,
                      reference_fen=package.reference_fen, margin_pct=margin, raised_at=now, is_open=True)
        try:
            with session.begin_nested():
                session.add(alert)
        except IntegrityError:  # a concurrent change raised the pack's one open alert first: none more
            return None
        return alert
    if open_alert is not None:  # back within the margin: the alert is over
        open_alert.is_open, open_alert.closed_at = False, now
        session.flush()
    return None


def get_package(session: Session, package_id: int) -> SupplyPackage:
    package = session.get(Package, package_id)
    if package is None:
        raise NotFound("pack", details={"package_id": package_id})
    return package


def list_packages(session: Session, *, active_only: bool = False) -> list[dict]:
    margin = get_settings().supplies_price_margin_pct
    query = select(Package).order_by(Package.id)
    if active_only:
        query = query.where(Package.active.is_(True))
    return [package_view(p, margin) for p in session.scalars(query)]


def package_view(package: SupplyPackage, margin: int) -> dict:
    return {
        "id": package.id, "code": package.code, "kind": package.kind, "name": package.name,
        "contents": package.contents, "source": package.source, "price_fen": package.price_fen,
        "reference_fen": package.reference_fen, "active": package.active,
        "over_reference_pct": round((package.price_fen - package.reference_fen) * 100 / package.reference_fen, 1),
        "over_margin": over_margin(package.price_fen, package.reference_fen, margin),
    }


def price_history(session: Session, package_id: int) -> list[dict]:
    get_package(session, package_id)
    return [{"at": c.at, "old_price_fen": c.old_price_fen, "price_fen": c.price_fen, "reference_fen": c.reference_fen,
             "reason": c.reason, "actor": c.actor_name}
            for c in session.scalars(select(Change).where(Change.package_id == package_id).order_by(Change.id))]


def alerts(session: Session, *, open_only: bool = True) -> list[dict]:
    query = select(Alert, Package.code, Package.name).join(Package, Package.id == Alert.package_id)
    if open_only:
        query = query.where(Alert.is_open.is_(True))
    return [{"id": a.id, "package_id": a.package_id, "package_code": code, "package_name": name,
             "price_fen": a.price_fen, "reference_fen": a.reference_fen, "margin_pct": a.margin_pct,
             "over_reference_pct": round((a.price_fen - a.reference_fen) * 100 / a.reference_fen, 1),
             "raised_at": a.raised_at, "open": a.is_open, "closed_at": a.closed_at}
            for a, code, name in session.execute(query.order_by(Alert.id.desc()))]


def _check_prices(price_fen: int, reference_fen: int) -> None:
    if price_fen < 0:
        raise InvalidInput("invalid_price", "price_fen: 0 or more", details={"field": "price_fen"})
    if reference_fen <= 0:
        raise InvalidInput("invalid_reference", "reference_fen: more than 0", details={"field": "reference_fen"})
