"""Request and response models of people under management, the policy switch and local overrides."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from fangkong.core.db import RowId
from fangkong.core.fields import Day, LocalMoment, StrictBool

Category = Literal[
    "close_contact", "secondary_contact", "inbound", "from_high_risk_zone", "from_medium_risk_zone",
    "from_low_risk_zone", "high_risk_job",
]
PhaseKind = Literal["centralized_quarantine", "home_quarantine", "home_monitoring", "testing_only"]
Status = Literal["pending", "in_phase", "released", "case"]
Source = Literal["tracing", "inbound", "zone", "job", "manual"]
DistrictCode = Field(pattern=r"^[0-9]{6}$", description="GB/T 2260 district code")
PackId = Field(min_length=1, max_length=20, pattern=r"^[a-z][a-z0-9_]*$")


class ManagedIn(BaseModel):
    """A resident (resident_id) or a non-resident (name, document_kind, document_number, where they stay)."""

    category: Category
    anchor: Day = Field(description="day 0 of the plan: last exposure, arrival, leaving the zone or closed loop")
    source: Source = "manual"
    identified: Day | None = Field(None, description="default today; test days before it are not owed")
    pack: str | None = Field(None, min_length=1, max_length=20, description="default: the pack in force on the anchor")
    option: str | None = Field(None, max_length=40, description="an alternative plan of the pack for the category")
    resident_id: RowId | None = None
    name: str | None = Field(None, min_length=1, max_length=50)
    document_kind: Literal["passport", "other"] | None = None
    document_number: str | None = Field(None, min_length=1, max_length=40)
    unit_id: RowId | None = Field(None, description="non-residents: the unit where they stay")
    district: str | None = Field(None, pattern=r"^[0-9]{6}$", description="non-residents: district, if no unit")


class ManagedOut(BaseModel):
    id: int
    resident_id: int | None
    name: str
    document_kind: str | None
    document_masked: str
    category: str
    source: str
    anchor: date
    pack: str
    status: Status
    phase_kind: str | None
    release_on: date
    overrides: list[str]
    district_name: str | None
    community_name: str | None


class ManagedPage(BaseModel):
    items: list[ManagedOut]
    total: int
    page: int
    per_page: int


class PhaseOut(BaseModel):
    seq: int
    kind: str
    start: date
    end: date
    test_days: list[date]
    pack: str
    current: bool


class AppointmentOut(BaseModel):
    """A test day of the plan (owed from the identified date on), or a day with a result the plan no longer tests."""

    day: date
    phase_seq: int | None  # None: a result of a day outside every phase of the current plan
    owed: bool
    result: str | None


class EventOut(BaseModel):
    at: LocalMoment
    kind: str
    actor: str
    before: dict | None
    after: dict | None


class ManagedDetail(ManagedOut):
    identified_on: date
    owed_from: date
    phases: list[PhaseOut]
    appointments: list[AppointmentOut]
    history: list[EventOut]


class SwitchIn(BaseModel):
    to: str = PackId
    effective: Day
    dry_run: StrictBool = Field(True, description="only report (the default); false applies it, city-level users only")


class FreedDay(BaseModel):
    day: date
    places: int


class CategoryCounts(BaseModel):
    total: int
    changed: int
    released_at_once: int
    phase_kind_changed: int


class SwitchOut(BaseModel):
    to: str
    effective: date
    dry_run: bool
    total: int
    changed: int
    released_at_once: int
    phase_kind_changed: int
    freed_centralized: list[FreedDay]
    by_category: dict[str, CategoryCounts]


class OverrideIn(BaseModel):
    scope_kind: Literal["district", "site"] = "district"
    district: str = DistrictCode
    site: str | None = Field(None, min_length=1, max_length=32, description="site code when scope_kind is site")
    category: Category
    phase_kind: PhaseKind
    extra_days: int = Field(0, ge=0, le=60)
    extra_test_days: list[int] = Field(default_factory=list, max_length=30)
    reason: str = Field(min_length=1, max_length=500)
    starts_on: Day
    ends_on: Day


class OverrideOut(BaseModel):
    id: int
    scope_kind: str
    scope_code: str
    district: str
    category: str
    phase_kind: str
    extra_days: int
    extra_test_days: list[int]
    reason: str
    pack: str
    approver: str
    starts_on: date
    ends_on: date
    active: bool


class StricterPlanOut(BaseModel):
    person_id: int
    name: str
    category: str
    pack: str
    release_on: date
    overrides: list[str]
    reasons: list[str]


class OverEnforcementOut(BaseModel):
    on: date
    pack_in_force: str
    overrides: list[OverrideOut]
    plans: list[StricterPlanOut]


class RefusedRowOut(BaseModel):
    row: int = Field(description="the row number as Excel shows it (the heading is row 1)")
    field: str | None
    code: str
    message: str


class ImportWarningOut(BaseModel):
    code: str = Field(description="ignored_columns")
    columns: list[str] = Field(description="the headings of the file's columns that the import does not read")
    message: str


class ImportReportOut(BaseModel):
    created: int
    existing: int
    refused: list[RefusedRowOut]
    warnings: list[ImportWarningOut] = Field(default_factory=list)
