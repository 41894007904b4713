"""Residents and households. ID numbers and phones are stored only encrypted, with lookup MACs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.core.db import Base


class Household(Base):
    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    size: Mapped[int] = mapped_column(Integer)


class Resident(Base):
    __tablename__ = "resident"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    id_number_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_mac: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_mac: Mapped[bytes | None] = mapped_column(LargeBinary(16), index=True)
    sex: Mapped[str] = mapped_column(String(6))
    birth_date: Mapped[date] = mapped_column(Date)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    home_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    # denormalized from the home unit so that jurisdiction filters need no five-table join
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)


class RetentionStat(Base):
    """What a retention purge deleted, kept as de-identified counts (no person, no record id)."""

    __tablename__ = "retention_stat"

    id: Mapped[int] = mapped_column(primary_key=True)
    purged_on: Mapped[date] = mapped_column(Date, index=True)
    release_on: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(32))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    people: Mapped[int] = mapped_column(Integer)
