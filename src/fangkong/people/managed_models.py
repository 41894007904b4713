"""People under management (管控人员): the person, the stored plan, test appointments, history, overrides.

A plan is stored twice on purpose: `managed_phase` rows are the plan as computed (kind, dates,
test days numbered within the phase, pack), so a policy switch can rebuild it without reading
appointments; `test_appointment` rows are the operational side (one per test day: owed, result).
Non-residents' document numbers are stored only encrypted, with a lookup MAC (core.pii).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.core.db import Base

CATEGORIES = (
    "close_contact", "secondary_contact", "inbound", "from_high_risk_zone", "from_medium_risk_zone",
    "from_low_risk_zone", "high_risk_job",
)
SOURCES = ("tracing", "inbound", "zone", "job", "manual")
STATUSES = ("pending", "in_phase", "released", "case")
DOCUMENT_KINDS = ("passport", "other")
EVENT_KINDS = ("created", "switched", "overridden", "status")


class ManagedPerson(Base):
    __tablename__ = "managed_person"
    __table_args__ = (
        Index("ix_managed_person_district_status_release", "district_id", "status", "release_on"),
        Index("ix_managed_person_resident_category_anchor", "resident_id", "category", "anchor"),
        Index("ix_managed_person_plan_key_district", "plan_key", "district_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    name: Mapped[str] = mapped_column(String(50))  # a resident's name is copied for lists
    document_kind: Mapped[str | None] = mapped_column(String(10))  # non-residents: passport | other
    document_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    document_mac: Mapped[bytes | None] = mapped_column(LargeBinary(16), index=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    anchor: Mapped[date] = mapped_column(Date)  # day 0 of the plan
    identified_on: Mapped[date] = mapped_column(Date)  # days before it are not owed
    source: Mapped[str] = mapped_column(String(16))
    pack: Mapped[str] = mapped_column(String(20))  # pack of the plan's latest recomputation
    # status and phase_kind as of the last write or `advance_statuses`; lists compute them from dates
    status: Mapped[str] = mapped_column(String(12))  # indexed by ix_managed_person_district_status_release
    phase_kind: Mapped[str | None] = mapped_column(String(32))
    starts_on: Mapped[date] = mapped_column(Date)  # first phase day (release_on for a plan without phases)
    release_on: Mapped[date] = mapped_column(Date, index=True)
    overrides: Mapped[list] = mapped_column(JSON)  # ids of the local overrides applied to the plan
    # fingerprint of the whole stored plan (people.plans.plan_key): people with the same plan are
    # recomputed once and rewritten set-wise by a policy switch
    plan_key: Mapped[str] = mapped_column(String(32))
    # denormalized from the home unit (or the stay place of a non-resident) for jurisdiction filters;
    # district_id is indexed by ix_managed_person_district_status_release
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ManagedPhase(Base):
    __tablename__ = "managed_phase"
    __table_args__ = (Index("ix_managed_phase_kind_dates", "kind", "starts_on", "ends_on"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("managed_person.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1, 2, … in date order
    kind: Mapped[str] = mapped_column(String(32))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # inclusive
    test_days: Mapped[list] = mapped_column(JSON)  # day numbers within the phase (1 = starts_on)
    pack: Mapped[str] = mapped_column(String(20))


class TestAppointment(Base):
    __test__ = False  # not a pytest test class
    __tablename__ = "test_appointment"
    __table_args__ = (Index("ix_test_appointment_day", "day"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("managed_person.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    phase_seq: Mapped[int] = mapped_column(Integer)
    owed: Mapped[bool] = mapped_column(Boolean)  # False before the identified date
    result: Mapped[str | None] = mapped_column(String(10))  # None (not done) | negative | positive


class ManagedEvent(Base):
    """History of a person under management: append-only by convention of this domain."""

    __tablename__ = "managed_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("managed_person.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(12))  # created | switched | overridden | status
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(64))


class Override(Base):
    """A local measure stricter than the pack (层层加码 only with scope, reason, approver, end date)."""

    __tablename__ = "local_override"
    __table_args__ = (Index("ix_local_override_scope_dates", "district_id", "starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_kind: Mapped[str] = mapped_column(String(10))  # district | site
    scope_code: Mapped[str] = mapped_column(String(32))  # the district code or the site code
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"))  # where it applies (a site's district)
    category: Mapped[str] = mapped_column(String(32))
    phase_kind: Mapped[str] = mapped_column(String(32))
    extra_days: Mapped[int] = mapped_column(Integer)
    extra_test_days: Mapped[list] = mapped_column(JSON)  # day numbers within the (lengthened) phase
    reason: Mapped[str] = mapped_column(String(500))
    pack: Mapped[str] = mapped_column(String(20))  # the pack it was judged stricter than
    approver_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approver_name: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
