"""Request and response models of scans, entry checks, fever alerts and contact candidates."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from fangkong.core.db import RowId
from fangkong.core.fields import Day, LocalMoment, Moment, StrictBool
from fangkong.tracing.scans import MAX_BATCH

Source = Literal["app", "gate", "import"]
DocumentKind = Literal["passport", "other"]


class ScanIn(BaseModel):
    """One scan. Fields are checked record by record: a bad record is refused with its line, not the batch."""

    venue_code: str = Field(max_length=40)
    scanned_at: str = Field(max_length=40, description="ISO time; without offset it is Asia/Shanghai")
    left_at: str | None = Field(None, max_length=40, description="exit scan, if the gate records one")
    resident_id: int | None = Field(None, ge=1, le=2**31 - 1)
    document_kind: str | None = Field(None, max_length=10)
    document_number: str | None = Field(None, max_length=60)
    source: Source | None = None


class ScanBatchIn(BaseModel):
    scans: list[ScanIn] = Field(min_length=1, max_length=MAX_BATCH)
    source: Source = "app"


class RefusedLine(BaseModel):
    line: int
    code: str
    reason: str


class ScanBatchOut(BaseModel):
    received: int
    inserted: int
    duplicates: int = Field(description="valid scans already stored, or repeated within the same minute")
    refused: list[RefusedLine]


class EntryCheckIn(BaseModel):
    venue_code: str = Field(max_length=40)
    checked_at: Moment
    temperature: float = Field(ge=30.0, le=45.0)
    registered: StrictBool = True
    resident_id: RowId | None = None
    document_kind: DocumentKind | None = None
    document_number: str | None = Field(None, max_length=60)


class EntryCheckOut(BaseModel):
    id: int
    venue_id: int
    temperature: float
    fever: bool
    alert_id: int | None


class AlertOut(BaseModel):
    id: int
    venue_id: int
    venue_name: str
    venue_code: str
    district_name: str
    temperature: float
    threshold: float
    raised_at: LocalMoment
    task_force: str


class ProposeIn(BaseModel):
    onset: Day | None = Field(None, description="symptom onset, or sampling of an asymptomatic infection "
                                                "(default: the report day)")


class CandidateOut(BaseModel):
    id: int
    case_id: int
    category: str
    via_candidate_id: int | None
    rank: int
    state: str
    reason: str | None
    resident_id: int | None
    name: str | None
    document_masked: str
    household: bool
    venue_id: int | None
    venue_name: str | None
    first_at: LocalMoment | None
    last_at: LocalMoment | None
    overlap_minutes: int
    gap_minutes: int | None
    evidence: list[dict]
    managed_person_id: int | None
    pack: str


class ConfirmIn(BaseModel):
    name: str | None = Field(None, max_length=50, description="needed for a person known only by a document")
    reason: str | None = Field(None, max_length=500)


class GeneralIn(BaseModel):
    reason: str | None = Field(None, max_length=500)


class DismissIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class ClusterOut(BaseModel):
    id: int = Field(description="the cluster's smallest case id")
    cases: int
    contacts: int
    generations: int
    first_reported_on: str


class ChainsOut(BaseModel):
    cases: int
    contacts: int
    largest_generations: int
    clusters: list[ClusterOut]


class GraphNode(BaseModel):
    id: str
    kind: str = Field(description="case | close_contact | secondary_contact")
    case_id: int | None = None
    managed_person_id: int | None = None
    reported_on: str | None = None


class GraphEdge(BaseModel):
    source: str
    target: str
    kind: str = Field(description="infected | close_contact | secondary_contact")


class ClusterGraphOut(BaseModel):
    id: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]
