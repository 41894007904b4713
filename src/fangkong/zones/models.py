"""Risk zones: the zone, the places it covers, its tier history, infections, test rounds, proposals,
overrides and events.

History is kept as date ranges so that "the tier of a place on day D" is answered for any day:
`zone_span` holds the tiers a zone was in force at ([starts_on, ends_on), ends_on null while
open), `zone_place` the places it covered ([added_on, removed_on)). A change made on day D counts
from D. Each zone_place row carries the ancestry of its place (unit → building → compound →
community → district), so "is unit U covered" is one indexed test per level, never a walk.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.core.db import Base

TIERS = ("high", "medium", "low")  # glossary order, highest first
STATES = ("proposed", "in_force", "lifted", "rejected")
# a zone's places, from the smallest; "village" is a whole community (社区/村); venues stand alone
PLACE_KINDS = ("unit", "building", "compound", "village", "venue")
WIDENING = ("unit", "building", "compound", "village")
PROPOSAL_ACTIONS = ("lift", "downgrade")
PROPOSAL_STATES = ("open", "approved", "rejected", "superseded")
ROUND_RESULTS = ("pending", "negative", "positive")
OVERRIDE_KINDS = ("widen", "keep_sealed")


class Zone(Base):
    __tablename__ = "zone"
    __table_args__ = (Index("ix_zone_state_district", "state", "district_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tier: Mapped[str] = mapped_column(String(8))  # the tier in force now (or proposed)
    state: Mapped[str] = mapped_column(String(10))
    pack: Mapped[str] = mapped_column(String(20))  # the pack in force when it was proposed
    granularity: Mapped[str] = mapped_column(String(10))  # the kind of its places now
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"))
    reason: Mapped[str] = mapped_column(String(500))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    proposed_by: Mapped[str] = mapped_column(String(64))
    designated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    designated_on: Mapped[date | None] = mapped_column(Date)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_by_user_id: Mapped[int | None] = mapped_column(Integer)
    closed_on: Mapped[date | None] = mapped_column(Date)  # lifted or rejected on
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ZonePlace(Base):
    __tablename__ = "zone_place"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"), index=True)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compound.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"), index=True)
    added_on: Mapped[date] = mapped_column(Date)
    removed_on: Mapped[date | None] = mapped_column(Date)


class ZoneSpan(Base):
    """One tier a zone was in force at, from starts_on up to (not including) ends_on."""

    __tablename__ = "zone_span"
    __table_args__ = (Index("ix_zone_span_zone_starts", "zone_id", "starts_on"),
                      Index("ix_zone_span_dates", "starts_on", "ends_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"))
    tier: Mapped[str] = mapped_column(String(8))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    reached_by: Mapped[str] = mapped_column(String(12))  # designation | downgrade
    previous_tier: Mapped[str | None] = mapped_column(String(8))


class ZoneInfection(Base):
    """A case linked to a zone: its report date restarts the zone's clean streak."""

    __tablename__ = "zone_infection"
    __table_args__ = (Index("ix_zone_infection_zone_reported", "zone_id", "reported_on"),)

    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), primary_key=True)
    reported_on: Mapped[date] = mapped_column(Date)


class ZoneTestRound(Base):
    """A full nucleic acid test round of a zone (the lab domain will write these through the service)."""

    __tablename__ = "zone_test_round"
    __table_args__ = (UniqueConstraint("zone_id", "sampled_at"),
                      Index("ix_zone_test_round_zone_day", "zone_id", "sampled_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"))
    sampled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sampled_on: Mapped[date] = mapped_column(Date)  # the local (Asia/Shanghai) day of sampled_at
    result: Mapped[str] = mapped_column(String(10))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(64))


class ZoneProposal(Base):
    """A lift (to the lowest tier) or downgrade proposal, due from `since`; overdue once a day passes."""

    __tablename__ = "zone_proposal"
    __table_args__ = (Index("ix_zone_proposal_state_zone", "state", "zone_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"))
    action: Mapped[str] = mapped_column(String(10))
    from_tier: Mapped[str] = mapped_column(String(8))
    to_tier: Mapped[str] = mapped_column(String(8))
    since: Mapped[date] = mapped_column(Date)
    last_infection_on: Mapped[date | None] = mapped_column(Date)
    pack: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500))  # in English, for the CLI and the API
    basis: Mapped[dict] = mapped_column(JSON)  # the same facts, for pages in either language
    state: Mapped[str] = mapped_column(String(10))
    overdue: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decision_reason: Mapped[str | None] = mapped_column(String(500))


class ZoneOverride(Base):
    """A zone measure stricter than the pack: widened beyond its granularity, or kept sealed past its lifting."""

    __tablename__ = "zone_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(500))
    pack: Mapped[str] = mapped_column(String(20))  # the pack it is stricter than
    approver_name: Mapped[str] = mapped_column(String(64))
    approver_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)  # widen: until the zone is lifted
    detail: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ZoneEvent(Base):
    """History of a zone, append-only by convention of this domain."""

    __tablename__ = "zone_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20))
    actor_name: Mapped[str] = mapped_column(String(64))
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)
