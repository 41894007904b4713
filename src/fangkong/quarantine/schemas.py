"""Request and response models of quarantine sites, rooms, the queue, stays and occupancy."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from fangkong.core.db import RowId
from fangkong.core.fields import Day, LocalMoment, StrictBool

SiteStatus = Literal["open", "closed", "cleaning"]
Access = Literal["own", "hosting"]
ACCESS_HELP = ("own: a site of the caller's jurisdiction; hosting: another district's site holding the caller's "
               "people now, read-only, its counts of people only theirs")
Note = Field(min_length=1, max_length=200)


class SiteIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    address: str = Field(min_length=1, max_length=200)
    district: str = Field(pattern=r"^\d{6}$", description="GB/T 2260 district code")
    contact_name: str = Field(min_length=1, max_length=50)
    contact_phone: str | None = Field(None, max_length=20, description="11-digit mobile; stored encrypted")
    status: SiteStatus = "open"


class SiteOut(BaseModel):
    id: int
    name: str
    address: str
    district: str
    district_name: str
    contact_name: str
    contact_phone_masked: str
    status: str
    rooms: int
    beds: int
    occupied: int = Field(description="at a hosting site: the caller's people only")
    free: int = Field(description="0 at a hosting site (not the caller's to assign)")
    access: Access = Field(description=ACCESS_HELP)


class StatusIn(BaseModel):
    status: SiteStatus


class RoomIn(BaseModel):
    number: str = Field(min_length=1, max_length=12)
    floor: int = Field(ge=-5, le=200)
    capacity: int = Field(ge=1, le=4)
    accessible: StrictBool = False
    family: StrictBool = False


class RoomsIn(BaseModel):
    rooms: list[RoomIn] = Field(min_length=1, max_length=2000)


class RoomsAdded(BaseModel):
    added: int


class StaffIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)


class OccupantOut(BaseModel):
    stay_id: int
    person_id: int
    name: str
    state: str


class RoomOut(BaseModel):
    id: int
    number: str
    floor: int
    capacity: int
    occupied: int
    accessible: bool
    family: bool
    state: str = Field(description="free | partial | full | closed | cleaning")
    occupants: list[OccupantOut]


class FloorOut(BaseModel):
    floor: int
    rooms: list[RoomOut]


class BoardOut(BaseModel):
    site: SiteOut
    floors: list[FloorOut]


class QueueGroupOut(BaseModel):
    district: str | None
    district_name: str | None
    starts_on: date
    people: int


class QueuedOut(BaseModel):
    person_id: int
    name: str
    district: str | None
    category: str
    document_masked: str
    household_id: int | None
    special_needs: bool
    starts_on: date
    ends_on: date


class QueueOut(BaseModel):
    day: date
    total: int
    groups: list[QueueGroupOut]
    people: list[QueuedOut]


class AssignIn(BaseModel):
    person_ids: list[RowId] = Field(min_length=1, max_length=4, description="placed together (a household)")
    room_id: RowId
    special_needs: StrictBool | None = Field(None, description="default: residents aged 70 or more")


class AutoAssignIn(BaseModel):
    date: Day | None = None
    site_ids: list[RowId] | None = Field(None, max_length=500)
    district: str | None = Field(None, pattern=r"^\d{6}$")
    keep_households: StrictBool = True


class SiteCount(BaseModel):
    site_id: int
    placed: int


class AutoAssignOut(BaseModel):
    day: date
    queued: int
    placed: int
    left: int
    rooms_used: int
    by_site: list[SiteCount]


class StayOut(BaseModel):
    id: int
    person_id: int
    name: str
    document_masked: str
    site_id: int
    room_id: int
    room: str
    state: str
    special_needs: bool
    assigned_on: date
    checked_in_at: LocalMoment | None
    ended_at: LocalMoment | None
    end_note: str | None
    departure: date | None = Field(description="the day after the plan's last centralized day")


class TransferIn(BaseModel):
    to_room_id: RowId
    reason: str | None = Field(None, max_length=200)


class CheckOutIn(BaseModel):
    transport: str = Note


class ExitIn(BaseModel):
    reason: str = Note


class DayListOut(BaseModel):
    day: date
    arrivals: list[StayOut]
    departures: list[StayOut]


class SiteCurveOut(BaseModel):
    site_id: int
    name: str
    status: str
    access: Access = Field(description=ACCESS_HELP)
    beds: int
    occupied: int = Field(description="at a hosting site: the caller's people only")
    current: list[int]
    other: list[int] | None = None
    departing: int | None = None
    rooms_freed: int | None = Field(None, description="none at a hosting site")


class Curves(BaseModel):
    current: list[int]
    other: list[int] | None = None


class TomorrowOut(BaseModel):
    day: date
    arriving: int
    departing: int
    rooms_freed: int


class OccupancyOut(BaseModel):
    start: date
    days: list[date]
    beds: int
    occupied: int
    sites: list[SiteCurveOut]
    unassigned: Curves
    city: Curves
    tomorrow: TomorrowOut | None = None
    pack: str | None = None
    effective: date | None = None
    freed: list[int] | None = None
