"""People under management (管控人员): the person, the stored plans, test results, history, overrides.

Each distinct plan is stored once (`managed_plan`, unique by `plan_key`, a fingerprint of the whole
plan: people.plans.plan_key) with its phases (`managed_plan_phase`) and its test days
(`managed_plan_test`); a stored plan never changes. Most people share a plan with many others (same
category, anchor, identified date, pack, overrides), so a person only points at one (`plan_id`) and
a policy switch stores the few new plans and moves people to them. The person keeps copies of what
lists filter on (pack, starts_on, release_on, status, phase_kind). A person owes a test on each of
the plan's test days from `owed_from` (the identified date) on, unless a case; `test_result` holds
a row only where a result was recorded. Non-residents' document numbers are stored only
encrypted, with a lookup MAC (core.pii).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, text
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
        Index("ix_managed_person_plan_district_status", "plan_id", "district_id", "status"),
        # only non-residents have a document: residents cost the index nothing, also when a switch moves them
        Index(
            "ix_managed_person_document_mac", "document_mac",
            sqlite_where=text("document_mac IS NOT NULL"), postgresql_where=text("document_mac IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    name: Mapped[str] = mapped_column(String(50))  # a resident's name is copied for lists
    document_kind: Mapped[str | None] = mapped_column(String(10))  # non-residents: passport | other
    document_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    document_mac: Mapped[bytes | None] = mapped_column(LargeBinary(16))  # ix_managed_person_document_mac
    category: Mapped[str] = mapped_column(String(32))  # the plan's: filtered through it (managed_queries.plans_with)
    anchor: Mapped[date] = mapped_column(Date)  # day 0 of the plan
    identified_on: Mapped[date] = mapped_column(Date)  # days before it are not owed
    source: Mapped[str] = mapped_column(String(16))
    plan_id: Mapped[int] = mapped_column(ForeignKey("managed_plan.id"))  # indexed by ix_managed_person_plan_district_status
    # copied from the plan for lists and their indexes
    pack: Mapped[str] = mapped_column(String(20))  # pack of the plan's latest recomputation
    # status and phase_kind as of the last write or `advance_statuses`; lists compute them from dates
    status: Mapped[str] = mapped_column(String(12))  # indexed by ix_managed_person_district_status_release
    phase_kind: Mapped[str | None] = mapped_column(String(32))
    starts_on: Mapped[date] = mapped_column(Date)  # first phase day (release_on for a plan without phases)
    release_on: Mapped[date] = mapped_column(Date)  # the plan's: filtered through it, like category
    # denormalized from the home unit (or the stay place of a non-resident) for jurisdiction filters;
    # district_id is indexed by ix_managed_person_district_status_release
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ManagedPlan(Base):
    """A plan as computed (policy.Plan), stored once for everyone who has it; never updated."""

    __tablename__ = "managed_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_key: Mapped[str] = mapped_column(String(32), unique=True)  # people.plans.plan_key
    pack: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(32))
    anchor: Mapped[date] = mapped_column(Date)
    owed_from: Mapped[date] = mapped_column(Date)  # test days before it are not owed
    starts_on: Mapped[date] = mapped_column(Date)  # first phase day (release_on for a plan without phases)
    release_on: Mapped[date] = mapped_column(Date)
    overrides: Mapped[list] = mapped_column(JSON)  # ids of the local overrides applied to the plan


class ManagedPlanPhase(Base):
    __tablename__ = "managed_plan_phase"
    __table_args__ = (Index("ix_managed_plan_phase_kind_dates", "kind", "starts_on", "ends_on"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("managed_plan.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1, 2, … in date order
    kind: Mapped[str] = mapped_column(String(32))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # inclusive
    pack: Mapped[str] = mapped_column(String(20))


class ManagedPlanTest(Base):
    """A test day of a plan, in its phase `phase_seq`."""

    __test__ = False  # not a pytest test class
    __tablename__ = "managed_plan_test"
    __table_args__ = (Index("ix_managed_plan_test_day", "day"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("managed_plan.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    phase_seq: Mapped[int] = mapped_column(Integer)


class TestResult(Base):
    """A recorded test result; a result stays even when a later plan no longer has that test day."""

    __test__ = False  # not a pytest test class
    __tablename__ = "test_result"

    person_id: Mapped[int] = mapped_column(ForeignKey("managed_person.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    result: Mapped[str] = mapped_column(String(10))  # negative | positive
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: migrated, not known


class ManagedEvent(Base):
    """History of a person under management: append-only by convention of this domain.

    Like the audit log, a log without a foreign key: every event is written in the transaction that
    writes its person, and retention deletes a person's events before the person. The key's check
    would cost a policy switch one look-up and lock of the person per event (0.6 s of 5.5 s at
    157,000 moved people on PostgreSQL: bench/README.md, policy_switch).
    """

    __tablename__ = "managed_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer, index=True)  # managed_person.id
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
