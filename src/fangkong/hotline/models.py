"""Hotline tickets (工单), the departments they are dispatched to, routing rules and every step of the loop.

A ticket keeps the state of its loop and the deadlines that drive the board: `reply_due_at` (the
SLA of its kind and urgency, in working days or hours) and, once closed, `visit_due_at`.
`owner_department_id` is the first department that received it (首接负责): it stays the owner
even if the ticket is sent back and dispatched elsewhere. Every step is a `hotline_event` row.
The caller's phone is stored only encrypted, with a lookup MAC.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.core.db import Base

KINDS = ("enquiry", "help", "complaint", "report", "suggestion")
CHANNELS = ("phone", "web", "app", "open311")
URGENCIES = ("normal", "emergency")
# received: in the agents' queue; refused: out of scope (terminal)
STATES = ("received", "dispatched", "accepted", "replied", "closed", "visited", "refused")
OPEN_STATES = ("received", "dispatched", "accepted")  # still owe the citizen a reply
SATISFACTION = ("satisfied", "basically", "not")
OUT_OF_SCOPE = ("litigation", "petition", "secrets")  # rules.md §6
EVENT_KINDS = (
    "intake", "refused", "dispatched", "accepted", "sent_back", "note", "replied", "closed", "visited", "reopened",
    "reminded", "escalated",
)


class Department(Base):
    __tablename__ = "hotline_department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))  # null: a city department


class DepartmentMember(Base):
    """A department handler's department (one each)."""

    __tablename__ = "hotline_department_member"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("hotline_department.id"), index=True)


class Route(Base):
    """Tickets of a topic (and its subtopics) from a district — or from anywhere when null — go to a department."""

    __tablename__ = "hotline_route"
    __table_args__ = (UniqueConstraint("topic", "district_id", name="uq_hotline_route_topic_district"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(64))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("hotline_department.id"))


class Ticket(Base):
    __tablename__ = "hotline_ticket"
    __table_args__ = (
        # the open tickets past their deadline, and (covering) the dashboard's count of them by day of receipt
        Index("ix_hotline_ticket_state_due", "state", "reply_due_at", "received_on", "district_id", "department_id"),
        Index("ix_hotline_ticket_department_state", "department_id", "state"),
        Index("ix_hotline_ticket_district_state", "district_id", "state"),
        Index("ix_hotline_ticket_state_visit_due", "state", "visit_due_at"),
        Index("ix_hotline_ticket_over_enforcement", "over_enforcement"),  # the dashboard's count of them
        # covers the figures' grouped scan of a period (no table reads): hotline.figures
        Index("ix_hotline_ticket_figures", "received_on", "owner_department_id", "topic", "state", "satisfaction",
              "replied_at", "reply_due_at", "district_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(8))
    urgency: Mapped[str] = mapped_column(String(10))
    topic: Mapped[str] = mapped_column(String(64))
    over_enforcement: Mapped[bool] = mapped_column(Boolean, default=False)  # 层层加码 / 一刀切
    caller_name: Mapped[str] = mapped_column(String(50))
    caller_phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    caller_phone_mac: Mapped[bytes | None] = mapped_column(LargeBinary(16), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    lat: Mapped[str | None] = mapped_column(String(16))
    lon: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10))
    refused_reason: Mapped[str | None] = mapped_column(String(12))  # OUT_OF_SCOPE
    department_id: Mapped[int | None] = mapped_column(ForeignKey("hotline_department.id"))
    owner_department_id: Mapped[int | None] = mapped_column(ForeignKey("hotline_department.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_on: Mapped[date] = mapped_column(Date)  # the local day of receipt (figures by day)
    reply_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    visit_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    visited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    satisfaction: Mapped[str | None] = mapped_column(String(10))
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))


class TicketEvent(Base):
    __tablename__ = "hotline_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("hotline_ticket.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(12))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("hotline_department.id"))
    actor_name: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)


class TicketDayCount(Base):
    """The tickets received on a day under one district and one department, counted by what they reached
    (hotline.day_counts keeps them with every write). 0 stands for no district / not yet dispatched."""

    __tablename__ = "hotline_day_count"

    received_on: Mapped[date] = mapped_column(Date, primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received: Mapped[int] = mapped_column(Integer)
    responded: Mapped[int] = mapped_column(Integer)
    replied: Mapped[int] = mapped_column(Integer)
    on_time: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[int] = mapped_column(Integer)
    visited: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)


from fangkong.hotline import day_counts  # noqa: E402,F401  (its flush hook keeps TicketDayCount with every write)
