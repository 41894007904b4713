"""Request and response models of supplies: points, packs and prices, orders, delivery, special needs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from fangkong.core.db import RowId
from fangkong.core.fields import Day, LocalMoment

PointKind = Literal["supermarket", "convenience_store", "wholesale_market"]
PointStatus = Literal["open", "suspended", "closed"]
PackageKind = Literal["vegetable", "fruit", "meat_egg", "grain_oil", "medicine"]
Move = Literal["prepared", "out_for_delivery", "delivered", "failed"]
NeedKind = Literal["elderly_alone", "disabled", "chronic_medicine", "pregnant", "dialysis"]
CommunityCode = Annotated[str, Field(pattern=r"^\d{12}$", description="12-digit community code")]
Fen = Field(ge=0, le=10_000_000, description="in fen (分)")
Round = Field(1, ge=1, le=9)
Quantity = Field(1, ge=1, le=10)


class PointIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    kind: PointKind
    address: str = Field(min_length=1, max_length=200)
    daily_capacity: int = Field(ge=0, le=1_000_000, description="packs a day")
    contact_name: str = Field(min_length=1, max_length=50)
    contact_phone: str | None = Field(None, max_length=20, description="11-digit mobile; stored encrypted")
    communities: list[CommunityCode] = Field([], max_length=200, description="community codes it serves whole")
    compounds: list[RowId] = Field([], max_length=500, description="compound ids it serves")
    status: PointStatus = "open"


class PointUpdate(BaseModel):
    status: PointStatus | None = None
    daily_capacity: int | None = Field(None, ge=0, le=1_000_000)


class PointOut(BaseModel):
    id: int
    name: str
    kind: str
    address: str
    district: str
    district_name: str
    serves: list[str]
    contact_name: str
    contact_phone_masked: str
    status: str
    daily_capacity: int
    day: date
    used: int
    free: int
    orders: int


class PackageIn(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_\-]+$")
    kind: PackageKind
    name: str = Field(min_length=1, max_length=50)
    contents: str = Field(min_length=1, max_length=500)
    source: str = Field("", max_length=200)
    price_fen: int = Fen
    reference_fen: int = Field(ge=1, le=10_000_000, description="in fen (分)")


class PriceIn(BaseModel):
    price_fen: int = Fen
    reference_fen: int | None = Field(None, ge=1, le=10_000_000)
    reason: str = Field("", max_length=200)


class PackageOut(BaseModel):
    id: int
    code: str
    kind: str
    name: str
    contents: str
    source: str
    price_fen: int
    reference_fen: int
    active: bool
    over_reference_pct: float
    over_margin: bool


class PriceOut(BaseModel):
    package: PackageOut
    alert_raised: bool


class AlertOut(BaseModel):
    id: int
    package_id: int
    package_code: str
    package_name: str
    price_fen: int
    reference_fen: int
    margin_pct: int
    over_reference_pct: float
    raised_at: LocalMoment
    open: bool
    closed_at: LocalMoment | None


class AlertPage(BaseModel):
    items: list[AlertOut]
    total: int


class BulkOrderIn(BaseModel):
    building_ids: list[RowId] = Field(min_length=1, max_length=2000)
    package_ids: list[RowId] = Field(min_length=1, max_length=5)
    day: Day
    round: int = Round
    quantity: int = Quantity


class PointCount(BaseModel):
    point_id: int
    orders: int


class OrderReportOut(BaseModel):
    day: date
    round: int
    households: int
    outside_zone: int
    created: int
    already: int
    priority: int
    unassigned: int
    by_point: list[PointCount]


class OrderIn(BaseModel):
    package_id: RowId
    day: Day
    round: int = Round
    quantity: int = Quantity
    resident_id: RowId | None = None
    household_id: RowId | None = None
    ticket_id: RowId | None = Field(None, description="the hotline ticket the order comes from")


class OrderOut(BaseModel):
    id: int
    household_id: int
    household_size: int
    unit_id: int
    building_id: int
    place: str
    package_id: int
    package: str
    quantity: int
    price_fen: int
    delivery_day: date
    round: int
    point_id: int | None
    point: str | None
    source: str
    ticket_id: int | None
    priority: bool
    deadline_at: LocalMoment | None
    late: bool
    state: str
    placed_at: LocalMoment
    delivered_at: LocalMoment | None
    failed_reason: str | None
    courier: str | None


class OrderPage(BaseModel):
    items: list[OrderOut]
    total: int


class MoveIn(BaseModel):
    order_ids: list[RowId] = Field(min_length=1, max_length=5000)
    to: Move
    reason: str | None = Field(None, max_length=200, description="required to fail")
    courier: str | None = Field(None, max_length=50)


class Moved(BaseModel):
    moved: int


class AssignIn(BaseModel):
    day: Day


class AssignOut(BaseModel):
    day: date
    pending: int
    assigned: int
    unassigned: int


class DeliveryListOut(BaseModel):
    building_id: int
    title: str
    day: date
    round: int | None
    items: list[OrderOut]
    households: int
    packs: int


class SpecialNeedsIn(BaseModel):
    resident_id: RowId
    kinds: list[NeedKind] = Field(min_length=1, max_length=5)
    needs: str = Field("", max_length=500)
    medicine: str = Field("", max_length=200)


class SpecialNeedsOut(BaseModel):
    id: int
    resident_id: int
    name: str
    id_number_masked: str
    age: int
    household_id: int | None
    community_id: int
    community: str
    kinds: list[str]
    needs: str
    medicine: str
    active: bool


class SpecialNeedsPage(BaseModel):
    items: list[SpecialNeedsOut]
    total: int


class HouseholdOut(BaseModel):
    household_id: int
    unit_id: int
    building_id: int
    size: int
    place: str
    served: bool


class HouseholdPage(BaseModel):
    items: list[HouseholdOut]
    total: int
