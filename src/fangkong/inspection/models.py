"""Inspection items: what the supervision task force must look into, and whether it was put right.

An item comes from a source — an over-enforcement complaint of the hotline, a zone lifting left
overdue, a local override stricter than the pack (people or zones), or a finding a supervision
group recorded on its daily round — and carries the place, the problem, the responsible unit and
the rectification deadline; it is closed with a note once rectified. Collected items are unique
by (source, ref), so collecting again adds only what is new.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.core.db import Base

SOURCES = ("hotline", "zone_overdue", "people_override", "zone_override", "finding")
STATES = ("open", "closed")
GROUPS = (1, 2, 3)  # the city's three supervision groups (督查组)
PHOTO_TYPES = ("image/jpeg", "image/png")


class InspectionItem(Base):
    __tablename__ = "inspection_item"
    __table_args__ = (
        UniqueConstraint("source", "ref", name="uq_inspection_item_source_ref"),
        Index("ix_inspection_item_state_deadline", "state", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(40))  # the source object's id (a finding: a random uuid hex)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    group_no: Mapped[int | None] = mapped_column(Integer)  # the supervision group that found or took it
    found_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text)
    responsible_unit: Mapped[str] = mapped_column(String(100))
    deadline: Mapped[date] = mapped_column(Date)  # rectification deadline
    state: Mapped[str] = mapped_column(String(8))
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure_note: Mapped[str | None] = mapped_column(Text)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    photo_type: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
