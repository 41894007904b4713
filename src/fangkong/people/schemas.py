from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class ResidentOut(BaseModel):
    """A resident as the API shows it: ID number and phone masked."""

    id: int
    name: str
    id_number_masked: str
    phone_masked: str
    sex: str
    birth_date: date
    age: int
    district_name: str | None
    community_name: str | None


class ResidentPage(BaseModel):
    items: list[ResidentOut]
    total: int
    page: int
    per_page: int


class ResidentLookup(BaseModel):
    id_number: str = Field(min_length=1, max_length=40, description="18-character resident ID number")


class ResidentIn(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(min_length=1, max_length=40)
    phone: str | None = Field(None, max_length=20)
    home_unit_id: int | None = None


class RevealRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=500, description="why the full number is needed (audited)")


class ResidentRevealed(BaseModel):
    id: int
    name: str
    id_number: str
    phone: str
