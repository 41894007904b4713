"""Request and response models of the work-resumption API."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from fangkong.core.db import RowId
from fangkong.core.fields import Day, LocalMoment, Moment, StrictBool

Status = Literal["stopped", "partial", "resumed"]
Closure = Literal["fully_closed", "partly_closed", "open"]
ProblemKind = Literal["logistics", "raw_material", "energy", "staff", "living_supplies", "other"]
Urgency = Literal["normal", "urgent", "critical"]
TaskForce = Literal["coordination", "supplies", "prevention", "construction_sites", "public_areas"]
Name = Field(min_length=1, max_length=100)


class EnterpriseIn(BaseModel):
    name: str = Name
    credit_code: str = Field(max_length=40, description="统一社会信用代码 (GB 32100), checked")
    industry: str = Field("", max_length=50)
    district: str = Field(max_length=6, description="GB/T 2260 district code, e.g. 140271 大同经开区")
    park: str | None = Field(None, max_length=100)
    above_scale: StrictBool = False
    staff: int = Field(0, ge=0, le=1_000_000)
    contact_name: str = Field("", max_length=50)
    contact_phone: str | None = Field(None, max_length=20)
    status: Status = "stopped"
    staff_share: int | None = Field(None, ge=0, le=100)
    since: Day | None = None


class StatusIn(BaseModel):
    status: Status
    since: Day
    staff_share: int | None = Field(None, ge=0, le=100, description="% of staff at work (partly resumed: 1–99)")
    output_value: float | None = Field(None, ge=0, le=1e12, description="output value reported, 万元")


class ClosedLoopIn(BaseModel):
    closed_loop: StrictBool
    living: str | None = Field(None, max_length=200)


class RosterIn(BaseModel):
    id_numbers: list[str] = Field(min_length=1, max_length=500)
    living: str | None = Field(None, max_length=100)


class RosterOut(BaseModel):
    added: int
    unknown: int


class TicketLinkIn(BaseModel):
    ticket_id: RowId


class StatusOut(BaseModel):
    from_day: date
    until_day: date | None
    status: str
    staff_share: int
    output_value: float | None


class MemberOut(BaseModel):
    id: int
    name: str
    id_number_masked: str
    living: str | None = None


class TicketOut(BaseModel):
    id: int
    kind: str
    topic: str
    state: str
    received_at: LocalMoment
    text: str


class ProblemOut(BaseModel):
    id: int
    enterprise_id: int | None
    site_id: int | None
    kind: str
    urgency: str
    text: str
    state: str
    task_force: str | None
    owner: str | None
    raised_at: LocalMoment
    due_at: LocalMoment
    overdue: bool
    handling: str | None
    handled_at: LocalMoment | None
    closed_at: LocalMoment | None
    confirmed_by: str | None
    escalated_at: LocalMoment | None
    escalated_to: str | None


class EnterpriseOut(BaseModel):
    id: int
    name: str
    credit_code: str
    industry: str
    district: str
    district_name: str
    park: str | None
    above_scale: bool
    staff: int
    contact_name: str
    contact_phone: str = Field(description="masked")
    closed_loop: bool
    living: str | None
    status: str | None = Field(description="on the day asked")
    staff_share: int | None
    status_since: date | None
    output_value: float | None


class EnterpriseDetail(EnterpriseOut):
    history: list[StatusOut]
    roster: list[MemberOut]
    tickets: list[TicketOut]
    problems: list[ProblemOut]


class EnterprisePage(BaseModel):
    items: list[EnterpriseOut]
    total: int
    page: int
    per_page: int


class SiteIn(BaseModel):
    project: str = Name
    builder: str = Name
    district: str = Field(max_length=6)
    location: str = Field("", max_length=200)
    venue_code: str | None = Field(None, max_length=20, description="the gate: a venue of kind construction_site")
    closure: Closure = "fully_closed"


class RoundLinkIn(BaseModel):
    round_id: RowId


class SiteOut(BaseModel):
    id: int
    project: str
    builder: str
    district_name: str
    location: str
    closure: str


class RoundOut(BaseModel):
    id: int
    name: str
    starts_at: LocalMoment


class ComplianceOut(BaseModel):
    site_id: int
    round: RoundOut | None
    workers: int
    sampled: int
    items: list[MemberOut] = Field(description="workers of the roster not sampled in the latest round")
    total: int


class CheckOut(BaseModel):
    at: LocalMoment
    name: str
    temperature: float
    registered: bool


class AlertOut(BaseModel):
    at: LocalMoment
    temperature: float
    threshold: float
    task_force: str


class VenueOut(BaseModel):
    id: int
    code: str
    name: str


class GateOut(BaseModel):
    venue: VenueOut | None
    checks: list[CheckOut]
    alerts: list[AlertOut]
    checks_total: int


class SiteDetail(BaseModel):
    id: int
    project: str
    builder: str
    district: str
    district_name: str
    location: str
    closure: str
    roster: list[MemberOut]
    compliance: ComplianceOut
    gate: GateOut


class NotSampledOut(BaseModel):
    site_id: int
    project: str
    resident_id: int
    name: str
    id_number_masked: str


class NotSampledPage(BaseModel):
    items: list[NotSampledOut]
    total: int
    page: int
    per_page: int


class ProblemIn(BaseModel):
    kind: ProblemKind
    urgency: Urgency = "normal"
    text: str = Field(min_length=1, max_length=4000)
    enterprise_id: RowId | None = None
    site_id: RowId | None = None


class AssignIn(BaseModel):
    task_force: TaskForce
    owner: str = Field(min_length=1, max_length=64)
    due_at: Moment | None = None


class HandleIn(BaseModel):
    handling: str = Field(min_length=1, max_length=4000)


class CloseIn(BaseModel):
    confirmed_by: str = Field(min_length=1, max_length=50, description="the enterprise's contact who confirmed")


class ProblemPage(BaseModel):
    items: list[ProblemOut]
    total: int
    page: int
    per_page: int


class SweepOut(BaseModel):
    escalated: int


class Counts(BaseModel):
    total: int
    resumed: int
    partial: int
    stopped: int
    above_scale_total: int
    above_scale_resumed: int
    rate: float | None
    above_scale_rate: float | None


class AreaCounts(Counts):
    district: str
    name: str


class TrendDay(BaseModel):
    day: date
    total: int
    resumed: int
    rate: float | None
    above_scale_total: int
    above_scale_resumed: int
    above_scale_rate: float | None


class ResumptionOut(BaseModel):
    on: date
    total: Counts
    by_district: list[AreaCounts]
    by_park: list[AreaCounts]
    trend: list[TrendDay]


class KindAges(BaseModel):
    kind: str
    total: int
    age_0_1: int
    age_2_3: int
    age_4_7: int
    age_8_plus: int


class ProblemsOut(BaseModel):
    total: int
    overdue: int
    ages: list[str]
    by_kind: list[KindAges]


class SiteCompliance(BaseModel):
    site_id: int
    project: str
    workers: int
    not_sampled: int
    sampled: int
    rate: float | None


class SitesOut(BaseModel):
    sites: int
    workers: int
    not_sampled: int
    rate: float | None
    worst: list[SiteCompliance]


class BoardOut(BaseModel):
    resumption: ResumptionOut
    problems: ProblemsOut
    sites: SitesOut
