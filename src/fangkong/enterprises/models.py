"""Work resumption (复工复产): enterprises, their status changes, closed-loop rosters, construction sites, the
problems raised to the task forces (一企一策) and the hotline tickets linked to an enterprise.

Statuses are stored as *changes*: one `enterprise_status` row per (enterprise, first day of a status), with
`until_day` the first day of the next change (or FOREVER). "Status on day D" is the row with
from_day <= D < until_day: one index range, no per-enterprise lookup (enterprises.figures). Each row carries a
copy of its enterprise's district, above-scale flag and park, so the board groups one covering index alone.
Roster members are residents (their ID numbers stay encrypted in `resident`); a site's testing rounds are
lab sampling rounds linked to it; a site's gate is a places venue whose entry checks live in tracing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.core.db import Base

STATUSES = ("stopped", "partial", "resumed")  # 停工 / 部分复工 (share of staff) / 全面复工
WORKING = ("partial", "resumed")  # counted as resumed (复工) in the resumption rate
FOREVER = date(9999, 12, 31)  # until_day of a status still in force
CLOSURES = ("fully_closed", "partly_closed", "open")
PROBLEM_KINDS = ("logistics", "raw_material", "energy", "staff", "living_supplies", "other")
URGENCIES = ("normal", "urgent", "critical")
PROBLEM_STATES = ("raised", "assigned", "handled", "closed")
OPEN_PROBLEM_STATES = ("raised", "assigned", "handled")
LATE_STATES = ("raised", "assigned")  # past the deadline in these: overdue (handled ones await confirmation)


class Enterprise(Base):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)  # 统一社会信用代码 (GB 32100)
    industry: Mapped[str] = mapped_column(String(50))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    park: Mapped[str | None] = mapped_column(String(100))  # 园区, free text under the district
    above_scale: Mapped[bool] = mapped_column(Boolean)  # 规上企业
    staff: Mapped[int] = mapped_column(Integer)
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    closed_loop: Mapped[bool] = mapped_column(Boolean, default=False)  # 闭环管理
    living: Mapped[str | None] = mapped_column(String(200))  # living arrangements of the closed loop
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EnterpriseStatus(Base):
    __tablename__ = "enterprise_status"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "from_day", name="uq_enterprise_status_day"),
        # the figures' range scan over one period: covering, no table reads and no join
        Index("ix_enterprise_status_period", "until_day", "from_day", "status", "district_id", "above_scale", "park"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    from_day: Mapped[date] = mapped_column(Date)
    until_day: Mapped[date] = mapped_column(Date)  # exclusive; FOREVER while in force
    status: Mapped[str] = mapped_column(String(8))  # STATUSES
    staff_share: Mapped[int] = mapped_column(Integer)  # % of staff at work
    # copied from the enterprise (registry.set_status, bulk.status_rows) so the figures read no other table
    district_id: Mapped[int] = mapped_column(Integer)
    above_scale: Mapped[bool] = mapped_column(Boolean)
    park: Mapped[str | None] = mapped_column(String(100))
    output_value: Mapped[float | None] = mapped_column(Float)  # reported output, 万元
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(64))


class ConstructionSite(Base):
    __tablename__ = "construction_site"

    id: Mapped[int] = mapped_column(primary_key=True)
    project: Mapped[str] = mapped_column(String(100))
    builder: Mapped[str] = mapped_column(String(100))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    location: Mapped[str] = mapped_column(String(200))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"))  # the gate (a construction_site venue)
    closure: Mapped[str] = mapped_column(String(16))  # CLOSURES
    # the linked round that starts last (kept by sites.link_round): compliance joins it without a window query
    latest_round_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RosterMember(Base):
    """A resident on the closed-loop roster of an enterprise or the workers' roster of a site (one of the two)."""

    __tablename__ = "enterprise_roster"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "resident_id", name="uq_enterprise_roster_enterprise"),
        UniqueConstraint("site_id", "resident_id", name="uq_enterprise_roster_site"),
        Index("ix_enterprise_roster_site", "site_id", "person_mac"),  # the compliance scan, no table reads
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("construction_site.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    person_mac: Mapped[bytes] = mapped_column(LargeBinary(16))  # the resident's ID-number MAC, as lab keys samples
    living: Mapped[str | None] = mapped_column(String(100))  # e.g. 厂区宿舍
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SiteRound(Base):
    """A lab sampling round that tests a site's workers (全员核酸)."""

    __tablename__ = "construction_site_round"

    site_id: Mapped[int] = mapped_column(ForeignKey("construction_site.id"), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("sampling_round.id"), primary_key=True)


class Problem(Base):
    """一企一策: a problem an enterprise or a site raises, handled by a task force and closed on confirmation."""

    __tablename__ = "enterprise_problem"
    __table_args__ = (Index("ix_enterprise_problem_state_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("construction_site.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # PROBLEM_KINDS
    urgency: Mapped[str] = mapped_column(String(8))  # URGENCIES
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(8))  # PROBLEM_STATES
    task_force: Mapped[str | None] = mapped_column(String(24))
    owner: Mapped[str | None] = mapped_column(String(64))
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    raised_on: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handling: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_by: Mapped[str | None] = mapped_column(String(50))  # the enterprise's contact who confirmed
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_to: Mapped[str | None] = mapped_column(String(64))


class EnterpriseTicket(Base):
    """A 12345 ticket from (or about) an enterprise."""

    __tablename__ = "enterprise_ticket"

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("hotline_ticket.id"), primary_key=True)
