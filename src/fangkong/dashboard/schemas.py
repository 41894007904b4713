"""Response models of the dashboard API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from fangkong.core.fields import LocalMoment


class FigureOut(BaseModel):
    key: str
    value: int
    href: str = Field(description="the page listing exactly these rows")
    api: str = Field(description="a GET API answer holding the same count")
    pick: str = Field(description="where the count is in that answer: a dotted path, a list counts its items; "
                                  "empty: the answer itself is the list")


class SectionOut(BaseModel):
    key: str
    figures: list[FigureOut]
    rates: dict[str, float | None]
    trends: dict[str, list[int]]


class PackOut(BaseModel):
    id: str
    zh: str
    en: str
    since: date


class DashboardOut(BaseModel):
    on: date
    days: list[date]
    jurisdiction: str
    jurisdiction_name: str
    pack: PackOut = Field(description="the policy pack in force on the day, and since when")
    own_view: bool
    role: str | None
    sections: list[SectionOut]
    computed_at: LocalMoment
    milliseconds: int = Field(description="how long computing it took")
    cached: bool = Field(description="kept from an earlier request (see computed_at)")
