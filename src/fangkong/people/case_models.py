"""The case register (确诊病例/无症状感染者): one row per infected person, with where they live and go.

A case is a resident or a non-resident with a passport or other document (stored only
encrypted, with a lookup MAC, like people under management). Its home unit and frequent
places (units and venues) are what the zones domain designates risk zones from.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.core.db import Base

CASE_KINDS = ("confirmed", "asymptomatic")
CASE_SOURCES = ("lab", "clinic", "screening", "managed", "other")


class Case(Base):
    __tablename__ = "case_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))  # a resident's name is copied for lists
    document_kind: Mapped[str | None] = mapped_column(String(10))  # non-residents: passport | other
    document_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    document_mac: Mapped[bytes | None] = mapped_column(LargeBinary(16), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # confirmed | asymptomatic
    source: Mapped[str] = mapped_column(String(12))  # lab | clinic | screening | managed | other
    reported_on: Mapped[date] = mapped_column(Date, index=True)
    home_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    # denormalized from the home unit for jurisdiction filters
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    managed_person_id: Mapped[int | None] = mapped_column(ForeignKey("managed_person.id"))  # escalated to case
    note: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)


class CasePlace(Base):
    """A frequent place of a case: a unit (a relative's home, a dormitory) or a venue (workplace, market)."""

    __tablename__ = "case_place"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"))
