"""Request and response models of the supervision API."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from fangkong.core.fields import Day

Source = Literal["hotline", "zone_overdue", "people_override", "zone_override", "finding"]
State = Literal["open", "closed"]


class FindingIn(BaseModel):
    group_no: int = Field(ge=1, le=3, description="the supervision group (1–3)")
    place: str = Field(min_length=1, max_length=200)
    problem: str = Field(min_length=1, max_length=4000)
    responsible_unit: str = Field(min_length=1, max_length=100)
    deadline: Day | None = Field(None, description="rectification deadline (default: settings)")
    district: str | None = Field(None, max_length=6, description="GB/T 2260 district code")


class CloseIn(BaseModel):
    note: str = Field(min_length=1, max_length=2000)


class CollectIn(BaseModel):
    on: Day | None = None


class ItemOut(BaseModel):
    id: int
    source: str
    ref: str
    district: str | None
    group_no: int | None
    found_on: date
    place: str
    problem: str
    responsible_unit: str
    deadline: date
    state: str
    overdue: bool
    closed_on: date | None
    closure_note: str | None
    has_photo: bool


class ItemPage(BaseModel):
    items: list[ItemOut]
    total: int
    page: int
    per_page: int
    open_by_source: dict[str, int]


class CollectedOut(BaseModel):
    hotline: int
    zone_overdue: int
    people_override: int
    zone_override: int
