"""Venue scans, entry checks, fever alerts and contact candidates.

A person is keyed by `person_key`: ``r<resident id>`` for a resident, ``d<hex lookup MAC of
"kind:NUMBER">`` for anyone else (the same MAC the case register and people under management use);
the document itself is stored only encrypted. Times are kept twice: the aware timestamp for people,
and whole minutes since the Unix epoch (`at_minute`, `until_minute`) for the index-driven interval
queries of tracing and the one-minute collapse of duplicate scans.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.core.db import Base

SCAN_SOURCES = ("app", "gate", "import")
CANDIDATE_STATES = ("proposed", "confirmed", "general", "dismissed")
CANDIDATE_CATEGORIES = ("close_contact", "secondary_contact")
MAX_STAY_MINUTES = 720  # a stay (entry to exit scan) longer than 12 h is refused: it bounds the interval query
# which task force hears about a fever at the gate of a venue of this kind (organization, not policy)
ALERT_TASK_FORCE = {"construction_site": "construction_sites"}
DEFAULT_ALERT_TASK_FORCE = "public_areas"


class VenueScan(Base):
    __tablename__ = "venue_scan"
    __table_args__ = (
        UniqueConstraint("person_key", "venue_id", "at_minute", name="uq_venue_scan_person_venue_minute"),
        Index("ix_venue_scan_venue_minute", "venue_id", "at_minute"),
        Index("ix_venue_scan_person_minute", "person_key", "at_minute"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_key: Mapped[str] = mapped_column(String(40))
    resident_id: Mapped[int | None] = mapped_column(Integer)  # no FK: 15 M rows load without per-row checks
    document_kind: Mapped[str | None] = mapped_column(String(10))
    document_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    venue_id: Mapped[int] = mapped_column(Integer)
    scanned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    at_minute: Mapped[int] = mapped_column(Integer)
    until_minute: Mapped[int] = mapped_column(Integer)  # exit scan, or at_minute
    source: Mapped[str] = mapped_column(String(8))


class EntryCheck(Base):
    """扫码、测体温、登记 at the gate of a site or enterprise."""

    __tablename__ = "entry_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_key: Mapped[str] = mapped_column(String(40), index=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    document_kind: Mapped[str | None] = mapped_column(String(10))
    document_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id"), index=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    temperature: Mapped[float] = mapped_column(Float)
    registered: Mapped[bool] = mapped_column(Boolean)
    recorded_by: Mapped[str] = mapped_column(String(64))


class FeverAlert(Base):
    __tablename__ = "fever_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_check_id: Mapped[int] = mapped_column(ForeignKey("entry_check.id"), unique=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id"))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    task_force: Mapped[str] = mapped_column(String(24))
    temperature: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ContactCandidate(Base):
    """A person proposed by co-presence or household for an investigator to confirm or dismiss."""

    __tablename__ = "contact_candidate"
    __table_args__ = (UniqueConstraint("case_id", "person_key", "category", name="uq_contact_candidate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))  # close_contact | secondary_contact
    via_candidate_id: Mapped[int | None] = mapped_column(ForeignKey("contact_candidate.id"))  # secondary: whose
    person_key: Mapped[str] = mapped_column(String(40))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    document_kind: Mapped[str | None] = mapped_column(String(10))
    document_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    household: Mapped[bool] = mapped_column(Boolean)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"))  # the strongest venue evidence
    first_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # last exposure
    overlap_minutes: Mapped[int] = mapped_column(Integer)
    gap_minutes: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[list] = mapped_column(JSON)
    rank: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(500))
    managed_person_id: Mapped[int | None] = mapped_column(ForeignKey("managed_person.id"))
    pack: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(64))
