"""Centralized quarantine sites (隔离点): the site, its rooms, its staff, the stays of people and their moves.

A room counts its occupied beds (`occupied`), kept by the same statement that places people in it:
`UPDATE quarantine_room SET occupied = occupied + n WHERE id = … AND occupied + n <= capacity`
(quarantine.assignment). Two operators assigning the last bed at once cannot both succeed: the
second update finds the bed taken (row lock on PostgreSQL, serialized writes on SQLite) and
changes nothing. The CHECK constraints hold the same rule a second time, in the database.

A stay (`quarantine_stay`) is one person's time in one room: assigned → checked in → ended by a
transfer (a new stay elsewhere), an early exit (the person became a case) or a check-out home.
A person has at most one live stay (partial unique index). Every move is a `quarantine_move` row
and an audit row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.core.db import Base

SITE_STATUSES = ("open", "closed", "cleaning")
STAY_STATES = ("assigned", "checked_in", "transferred", "exited", "checked_out")
LIVE_STATES = ("assigned", "checked_in")
MOVE_KINDS = ("assigned", "checked_in", "transferred", "exited", "checked_out")
MAX_CAPACITY = 4


class QuarantineSite(Base):
    __tablename__ = "quarantine_site"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    address: Mapped[str] = mapped_column(String(200))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted (core.pii), masked on screen
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class QuarantineRoom(Base):
    __tablename__ = "quarantine_room"
    __table_args__ = (
        UniqueConstraint("site_id", "number"),
        CheckConstraint("capacity BETWEEN 1 AND 4", name="capacity"),
        CheckConstraint("occupied >= 0 AND occupied <= capacity", name="occupied"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("quarantine_site.id"), index=True)
    number: Mapped[str] = mapped_column(String(12))
    floor: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    occupied: Mapped[int] = mapped_column(Integer, default=0)
    accessible: Mapped[bool] = mapped_column(Boolean, default=False)
    family: Mapped[bool] = mapped_column(Boolean, default=False)


class QuarantineStaff(Base):
    """A user of role quarantine_site_staff and the one site they work at (and see)."""

    __tablename__ = "quarantine_staff"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("quarantine_site.id"), index=True)


class QuarantineStay(Base):
    __tablename__ = "quarantine_stay"
    __table_args__ = (
        Index("ix_quarantine_stay_site_state", "site_id", "state"),
        Index(
            "uq_quarantine_stay_live_person", "person_id", unique=True,
            sqlite_where=text("state IN ('assigned', 'checked_in')"),
            postgresql_where=text("state IN ('assigned', 'checked_in')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("managed_person.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("quarantine_site.id"))
    room_id: Mapped[int] = mapped_column(ForeignKey("quarantine_room.id"), index=True)
    state: Mapped[str] = mapped_column(String(12))
    group_key: Mapped[str | None] = mapped_column(String(40))  # people placed together (a household)
    special_needs: Mapped[bool] = mapped_column(Boolean, default=False)
    assigned_on: Mapped[date] = mapped_column(Date)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_note: Mapped[str | None] = mapped_column(String(200))  # transport home, hospital, reason
    created_by: Mapped[str] = mapped_column(String(64))


class QuarantineMove(Base):
    """History of stays, append-only by convention of this domain."""

    __tablename__ = "quarantine_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("quarantine_stay.id"), index=True)
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(12))
    from_room_id: Mapped[int | None] = mapped_column(Integer)
    to_room_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(String(200))
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(64))
