"""Request and response models of the case register."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from fangkong.core.db import RowId
from fangkong.core.fields import Day


CaseSource = Literal["lab", "clinic", "screening", "managed", "other"]  # case_models.CASE_SOURCES

class CaseIn(BaseModel):
    """A resident (resident_id; the home unit defaults to theirs) or a non-resident with a document and a unit."""

    reported_on: Day
    kind: Literal["confirmed", "asymptomatic"] = "confirmed"
    source: CaseSource = "lab"
    resident_id: RowId | None = None
    name: str | None = Field(None, min_length=1, max_length=50)
    document_kind: Literal["passport", "other"] | None = None
    document_number: str | None = Field(None, min_length=1, max_length=40)
    home_unit_id: RowId | None = Field(None, description="where the case lives or stays")
    frequent_units: list[RowId] = Field(default_factory=list, max_length=20)
    frequent_venues: list[RowId] = Field(default_factory=list, max_length=20)
    note: str = Field("", max_length=500)


class CaseOut(BaseModel):
    id: int
    resident_id: int | None
    name: str
    document_kind: str | None
    document_masked: str
    kind: str
    source: str
    reported_on: date
    home_unit_id: int | None
    frequent_units: list[int]
    frequent_venues: list[int]
    managed_person_id: int | None
    district_name: str | None
    community_name: str | None
    note: str


class CasePage(BaseModel):
    items: list[CaseOut]
    total: int
    page: int
    per_page: int

