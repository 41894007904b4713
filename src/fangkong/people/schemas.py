from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from fangkong.core.db import RowId
from fangkong.core.fields import StrictBool


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
    home_unit_id: RowId | None = None


class RevealRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=500, description="why the full number is needed (audited)")


class ResidentExportRequest(BaseModel):
    district: str | None = Field(
        None, pattern=r"^[0-9]{6}$", description="GB/T 2260 district code; omit for the whole jurisdiction"
    )
    unmasked: StrictBool = Field(
        False, description="full ID numbers and phones: needs residents.export_unmasked and a reason"
    )
    reason: str | None = Field(None, max_length=500, description="why the export is needed (audited)")
    language: Literal["zh", "en"] = Field("zh", description="language of the column headings")


class ResidentRevealed(BaseModel):
    id: int
    name: str
    id_number: str
    phone: str
