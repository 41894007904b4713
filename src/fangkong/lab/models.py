"""Nucleic acid testing: labs, sampling points, rounds, tubes, the people in them, results, re-sampling tasks.

A person in a tube is keyed by `person_mac`: the lookup MAC of the normalized ID number (the same
value as `resident.id_number_mac`) or of "kind:NUMBER" for another document (as the case register
and people under management key non-residents); the document itself is stored only encrypted.
Samples and tubes are joined on (round_id, barcode), so a bulk load writes both without reading
back generated ids. Results and lab receptions are insert-only (`tube_result`, `tube_receipt`);
the capacity page reads the per-lab-day counters (`lab_day`) that each batch increments once.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.core.db import Base

POINT_KINDS = ("community", "fever_clinic", "hospital", "mobile")
SCOPE_KINDS = ("city", "districts", "zones", "list")
AREA_SCOPES = ("city", "districts")  # mass testing of a whole administrative area (rules §3)
DOCUMENT_KINDS = ("id_card", "passport", "other")
OUTCOMES = ("negative", "positive", "invalid")
TASK_REASONS = ("positive_pool", "invalid")
TASK_STATES = ("pending", "sampled", "cleared", "positive")
OPEN_TASK_STATES = ("pending", "sampled")


class Lab(Base):
    __tablename__ = "lab"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    daily_capacity: Mapped[int] = mapped_column(Integer)  # tubes a day


class SamplingPoint(Base):
    __tablename__ = "sampling_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # POINT_KINDS
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))


class SamplingRound(Base):
    __tablename__ = "sampling_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    scope_kind: Mapped[str] = mapped_column(String(10))  # SCOPE_KINDS
    scope_ids: Mapped[list] = mapped_column(JSON)  # district, zone or resident ids; [] for the city
    reason: Mapped[str] = mapped_column(String(32))
    override_reason: Mapped[str | None] = mapped_column(String(500))  # area testing for a reason the pack lacks
    override_approver: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(20))  # a key of the pack's turnaround_hours
    pack: Mapped[str] = mapped_column(String(20))
    point_ids: Mapped[list] = mapped_column(JSON)  # the round's sampling points ([] = any)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    target_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # fully sampled by
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))


class Tube(Base):
    __tablename__ = "tube"
    __table_args__ = (UniqueConstraint("round_id", "barcode", name="uq_tube_round_barcode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(Integer)  # no FK: 310 k rows a round load without per-row checks
    barcode: Mapped[str] = mapped_column(String(32))
    pool_size: Mapped[int] = mapped_column(SmallInteger)
    point_id: Mapped[int] = mapped_column(Integer)
    district_id: Mapped[int] = mapped_column(Integer)  # of the point, for jurisdiction filters
    sampled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # its first swab


class Sample(Base):
    """One person swabbed into one tube; `attempt` 0 in the round, 1, 2… for single-tube re-samples."""

    __tablename__ = "sample"
    __table_args__ = (
        # person first: the same index finds a person's samples of every round (test history) and keeps
        # them unique within a round; a round's 3.1 M MACs arrive in random order, so each index led by
        # them costs an import one random insert per record
        UniqueConstraint("person_mac", "round_id", "attempt", name="uq_sample_person_round_attempt"),
        Index("ix_sample_round_barcode", "round_id", "barcode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(Integer)
    barcode: Mapped[str] = mapped_column(String(32))
    person_mac: Mapped[bytes] = mapped_column(LargeBinary(16))
    document_kind: Mapped[str] = mapped_column(String(10))  # DOCUMENT_KINDS
    document_enc: Mapped[bytes] = mapped_column(LargeBinary)
    sampled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempt: Mapped[int] = mapped_column(SmallInteger)


class TubeReceipt(Base):
    """The scan of a tube arriving at a lab."""

    __tablename__ = "tube_receipt"
    __table_args__ = (UniqueConstraint("round_id", "barcode", name="uq_tube_receipt_round_barcode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(Integer)
    barcode: Mapped[str] = mapped_column(String(32))
    lab_id: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TubeResult(Base):
    __tablename__ = "tube_result"
    __table_args__ = (
        UniqueConstraint("round_id", "barcode", name="uq_tube_result_round_barcode"),
        Index("ix_tube_result_lab_day", "lab_id", "tested_on", "round_id", "turnaround_minutes"),  # covers day totals
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(Integer)
    barcode: Mapped[str] = mapped_column(String(32))
    lab_id: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(10))  # OUTCOMES
    ct_orf: Mapped[float | None] = mapped_column(Float)  # ORF1ab gene
    ct_n: Mapped[float | None] = mapped_column(Float)  # N gene
    tested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    tested_on: Mapped[date] = mapped_column(Date)  # the lab's day, in the city's zone
    turnaround_minutes: Mapped[int] = mapped_column(Integer)  # sampled → result
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LabDay(Base):
    """Per lab and day: tubes received, tested and positive (incremented once per batch)."""

    __tablename__ = "lab_day"

    lab_id: Mapped[int] = mapped_column(ForeignKey("lab.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    received: Mapped[int] = mapped_column(Integer)
    tested: Mapped[int] = mapped_column(Integer)
    positive: Mapped[int] = mapped_column(Integer)


class ResampleTask(Base):
    """A person of a positive pool (stay in place, single tube at home) or of an invalid tube (re-sample)."""

    __tablename__ = "resample_task"
    __table_args__ = (
        UniqueConstraint("round_id", "person_mac", "source_barcode", name="uq_resample_task_person_source"),
        Index("ix_resample_task_state", "state", "community_id"),
        Index("ix_resample_task_round_person", "round_id", "person_mac"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("sampling_round.id"))
    source_barcode: Mapped[str] = mapped_column(String(32))  # the positive or invalid tube
    reason: Mapped[str] = mapped_column(String(16))  # TASK_REASONS
    person_mac: Mapped[bytes] = mapped_column(LargeBinary(16))
    document_kind: Mapped[str] = mapped_column(String(10))
    document_enc: Mapped[bytes] = mapped_column(LargeBinary)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    state: Mapped[str] = mapped_column(String(10))  # TASK_STATES
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # the source result's arrival
    resampled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resample_barcode: Mapped[str | None] = mapped_column(String(32))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"))
