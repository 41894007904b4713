"""Supplies to sealed buildings (物资保供): supply points, the catalogue of packs and its prices, orders and
their delivery, special-needs residents (老弱病残).

A supply point's daily capacity (in packs) is kept per day in `supply_point_day.used`, raised by the
same conditional statement that assigns orders to it:
`UPDATE supply_point_day SET used = used + n WHERE … AND used + n <= capacity` (supplies.orders).
Two workers ordering the last packs of a point at once cannot both succeed; the CHECK holds the same
rule a second time, in the database.

An order is one pack (or a few) for one household on one delivery day and round, placed by a
community worker for a whole building, one by one for a resident, or from a hotline ticket. Its
place (unit → building → compound → community → district) is copied at placing, so that every list
filters by an indexed column. States: placed → prepared → out_for_delivery → delivered (with time)
or failed (with a reason). Priority orders (special-needs households, medicine) carry a deadline.
Prices are integers in fen (分).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String,
    UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.core.db import Base

POINT_KINDS = ("supermarket", "convenience_store", "wholesale_market")
POINT_STATUSES = ("open", "suspended", "closed")
PACKAGE_KINDS = ("vegetable", "fruit", "meat_egg", "grain_oil", "medicine")
ORDER_STATES = ("placed", "prepared", "out_for_delivery", "delivered", "failed")
OPEN_STATES = ("placed", "prepared", "out_for_delivery")
# the next state of each state an order may move to (failed: from any open state, with a reason)
NEXT_STATE = {"placed": "prepared", "prepared": "out_for_delivery", "out_for_delivery": "delivered"}
ORDER_SOURCES = ("building", "resident", "hotline")
# rules.md §1 key groups
NEED_KINDS = ("elderly_alone", "disabled", "chronic_medicine", "pregnant", "dialysis")


class SupplyPoint(Base):
    __tablename__ = "supply_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))  # where it stands
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted (core.pii), masked on screen
    status: Mapped[str] = mapped_column(String(10))
    daily_capacity: Mapped[int] = mapped_column(Integer)  # packs a day
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SupplyPointArea(Base):
    """A community or one compound a point serves (a compound-specific point is tried before a community's)."""

    __tablename__ = "supply_point_area"
    __table_args__ = (UniqueConstraint("point_id", "community_id", "compound_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("supply_point.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compound.id"), index=True)  # null: the community


class SupplyPointDay(Base):
    """Packs a point has taken on for one day, against its capacity that day."""

    __tablename__ = "supply_point_day"
    __table_args__ = (CheckConstraint("used >= 0 AND used <= capacity", name="used"),)

    point_id: Mapped[int] = mapped_column(ForeignKey("supply_point.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)


class SupplyPackage(Base):
    """A pack of the catalogue (蔬菜包, 水果包 …): contents, price and the reference price, in fen."""

    __tablename__ = "supply_package"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(50))
    contents: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(200), default="")  # where the goods come from
    price_fen: Mapped[int] = mapped_column(Integer)
    reference_fen: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SupplyPriceChange(Base):
    """Every price (or reference price) a pack had, append-only by convention of this domain."""

    __tablename__ = "supply_price_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("supply_package.id"), index=True)
    old_price_fen: Mapped[int | None] = mapped_column(Integer)
    price_fen: Mapped[int] = mapped_column(Integer)
    reference_fen: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_name: Mapped[str] = mapped_column(String(64))


class SupplyPriceAlert(Base):
    """A pack priced above its reference by more than the margin: one open alert per pack at a time."""

    __tablename__ = "supply_price_alert"
    __table_args__ = (
        Index("uq_supply_price_alert_open_package", "package_id", unique=True,
              sqlite_where=text("is_open"), postgresql_where=text("is_open")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("supply_package.id"))
    change_id: Mapped[int] = mapped_column(ForeignKey("supply_price_change.id"))
    price_fen: Mapped[int] = mapped_column(Integer)
    reference_fen: Mapped[int] = mapped_column(Integer)
    margin_pct: Mapped[int] = mapped_column(Integer)
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SupplyOrder(Base):
    __tablename__ = "supply_order"
    __table_args__ = (
        UniqueConstraint("household_id", "package_id", "delivery_day", "round", name="uq_supply_order_household"),
        Index("ix_supply_order_day_state", "delivery_day", "state", "district_id"),
        Index("ix_supply_order_building_day", "building_id", "delivery_day", "round"),
        Index("ix_supply_order_community_day", "community_id", "delivery_day"),
        Index("ix_supply_order_point_day", "point_id", "delivery_day"),
        Index("ix_supply_order_priority_due", "priority", "state", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    unit_id: Mapped[int] = mapped_column(Integer)
    building_id: Mapped[int] = mapped_column(Integer)
    compound_id: Mapped[int] = mapped_column(Integer)
    community_id: Mapped[int] = mapped_column(Integer)
    district_id: Mapped[int] = mapped_column(Integer)
    package_id: Mapped[int] = mapped_column(ForeignKey("supply_package.id"))
    quantity: Mapped[int] = mapped_column(SmallInteger)
    price_fen: Mapped[int] = mapped_column(Integer)  # the unit price when placed
    delivery_day: Mapped[date] = mapped_column(Date)
    round: Mapped[int] = mapped_column(SmallInteger)
    point_id: Mapped[int | None] = mapped_column(ForeignKey("supply_point.id"))  # null: no point had room
    source: Mapped[str] = mapped_column(String(10))
    ticket_id: Mapped[int | None] = mapped_column(Integer)  # the hotline ticket it came from
    resident_id: Mapped[int | None] = mapped_column(Integer)  # who asked (one-by-one orders)
    priority: Mapped[bool] = mapped_column(Boolean, default=False)  # special-needs household or medicine
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(18))
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    placed_by: Mapped[str] = mapped_column(String(64))
    prepared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_reason: Mapped[str | None] = mapped_column(String(200))
    courier: Mapped[str | None] = mapped_column(String(50))  # the volunteer or staff member delivering


class SpecialNeeds(Base):
    """A special-needs resident (老弱病残) and what they need; their orders go first."""

    __tablename__ = "supply_special_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), unique=True)
    household_id: Mapped[int | None] = mapped_column(Integer, index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    district_id: Mapped[int] = mapped_column(Integer)
    kinds: Mapped[list] = mapped_column(JSON)  # NEED_KINDS
    needs: Mapped[str] = mapped_column(String(500), default="")
    medicine: Mapped[str] = mapped_column(String(200), default="")  # regular medicine to deliver
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registered_by: Mapped[str] = mapped_column(String(64))
