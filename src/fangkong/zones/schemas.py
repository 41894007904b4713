"""Request and response models of cases, zones, proposals, the map and the public list."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from fangkong.core.db import RowId
from fangkong.core.fields import Day, LocalMoment, Moment
from fangkong.people.case_schemas import CaseOut
from fangkong.people.managed_schemas import ManagedDetail
Tier = Literal["high", "medium", "low"]
State = Literal["proposed", "in_force", "lifted", "rejected"]
Reason = Field(min_length=1, max_length=500)


class ZoneLinkOut(BaseModel):
    zone_id: int
    tier: str
    state: str
    created: bool = Field(description="true: a new proposal; false: the infection was linked to a live zone")


class CaseRegistered(BaseModel):
    case: CaseOut
    zones: list[ZoneLinkOut]


class PlaceOut(BaseModel):
    id: int
    kind: str
    district: str
    subdistrict: str
    community: str
    compound: str = Field(description="the compound, the village (community) or the venue")
    place: str = Field(description="building and unit, e.g. 3号楼2单元")
    added_on: date
    removed_on: date | None
    unit_id: int | None
    building_id: int | None
    compound_id: int | None
    community_id: int | None
    venue_id: int | None


class ProposalOut(BaseModel):
    id: int
    zone_id: int
    action: str
    from_tier: str
    to_tier: str
    since: date
    reason: str
    basis: dict = Field(description="the reason's facts: kind (infection, designation, abolished), n, day, round")
    state: str
    pack: str
    overdue: bool
    decided_on: date | None
    decided_by: str | None
    decision_reason: str | None


class ZoneOut(BaseModel):
    id: int
    tier: str
    state: str
    pack: str
    granularity: str
    district: str
    places: list[PlaceOut]
    designated_on: date | None
    closed_on: date | None
    approved_by: str | None
    reason: str
    infections: int
    last_infection_on: date | None
    open_proposal: ProposalOut | None


class ZonePage(BaseModel):
    items: list[ZoneOut]
    total: int
    page: int
    per_page: int


class SpanOut(BaseModel):
    tier: str
    starts_on: date
    ends_on: date | None
    reached_by: str


class InfectionOut(BaseModel):
    case_id: int
    reported_on: date


class RoundOut(BaseModel):
    id: int
    sampled_at: LocalMoment
    result: str
    recorded_by: str


class ZoneOverrideOut(BaseModel):
    id: int
    zone_id: int
    kind: str
    reason: str
    pack: str
    approver: str
    starts_on: date
    ends_on: date | None
    active: bool
    detail: dict


class ZoneEventOut(BaseModel):
    at: LocalMoment
    kind: str
    actor: str
    data: dict


class ZoneDetail(ZoneOut):
    all_places: list[PlaceOut]
    designated_at: LocalMoment | None
    proposed_at: LocalMoment
    proposed_by: str
    spans: list[SpanOut]
    cases: list[InfectionOut]
    rounds: list[RoundOut]
    proposals: list[ProposalOut]
    overrides: list[ZoneOverrideOut]
    history: list[ZoneEventOut]


class RejectIn(BaseModel):
    reason: str = Reason


class WidenIn(BaseModel):
    to: Literal["building", "compound", "village"] = Field(description="village: the whole community (社区/村)")
    reason: str = Reason


class RoundIn(BaseModel):
    sampled_at: Moment = Field(description="when the round was sampled (Asia/Shanghai unless an offset is given)")
    result: Literal["pending", "negative", "positive"]


class DepartureIn(BaseModel):
    resident_id: RowId
    left_on: Day


class DepartureOut(BaseModel):
    created: bool = Field(description="false: this departure was already reported")
    person: ManagedDetail


class DueOut(BaseModel):
    zone_id: int
    action: Literal["lift", "downgrade"]
    since: date
    reason: str
    basis: dict
    proposal_id: int | None = Field(description="null: due by the history, not yet stored by the daily job")
    from_tier: str
    to_tier: str
    state: str
    overdue: bool


class KeepIn(BaseModel):
    reason: str = Reason
    keep_until: Day = Field(description="the zone stays as it is up to this day (at most FANGKONG_ZONE_KEEP_SEALED_MAX_DAYS, default 30, days ahead)")


class DailyIn(BaseModel):
    date: Day | None = Field(None, description="default today")


class DailyOut(BaseModel):
    on: date
    pack: str
    in_force: int
    proposed: int
    kept: int
    overdue: int
    superseded: int
    applied: int


class TierOut(BaseModel):
    on: date
    tier: Literal["high", "medium", "low", "none"]
    zone_ids: list[int]


class MapDistrict(BaseModel):
    code: str
    name: str
    lat: float
    lon: float
    zones: int


class MapOut(BaseModel):
    on: date
    districts: list[MapDistrict]
    compounds: list[float] = Field(description="lat, lon, lat, lon, … of every compound")
    zones: list[list[int | float | str]] = Field(description="[zone_id, tier, kind, lat, lon, label] per place")


class PublicRowOut(BaseModel):
    zone_id: int
    tier: str
    district: str
    subdistrict: str
    compound: str
    place: str
    since: date


class OverdueOut(BaseModel):
    proposal_id: int
    zone_id: int
    action: str
    since: date
    state: str
    decided_on: date | None
    days_late: int
    reason: str
    basis: dict


class WiderOut(BaseModel):
    zone_id: int
    granularity: str
    pack: str
    designated_on: date | None
    allowed: list[str]


class ZoneOverEnforcementOut(BaseModel):
    on: date
    pack_in_force: str
    overrides: list[ZoneOverrideOut]
    overdue: list[OverdueOut]
    wider: list[WiderOut]
