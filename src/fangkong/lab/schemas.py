"""Request and response models of the lab API. Records are checked one by one (a bad one is refused
with its line, not the batch), so their fields are loose strings here."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from fangkong.core.db import RowId
from fangkong.core.fields import LocalMoment, Moment
from fangkong.lab.results import MAX_BATCH as MAX_RESULTS
from fangkong.lab.sampling import MAX_BATCH as MAX_SAMPLES

Text = str | int | float | None


class SampleIn(BaseModel):
    tube_barcode: Text = None
    pool_size: Text = None
    point_code: Text = None
    sampled_at: Text = None
    id_number: Text = None
    document_kind: Text = None
    document_number: Text = None


class SampleBatchIn(BaseModel):
    round_id: RowId
    samples: list[SampleIn] = Field(min_length=1, max_length=MAX_SAMPLES)


class ResultIn(BaseModel):
    tube_barcode: Text = None
    lab_code: Text = None
    received_at: Text = None
    result: Text = None
    ct_orf: Text = None
    ct_n: Text = None
    tested_at: Text = None


class ResultBatchIn(BaseModel):
    round_id: RowId
    results: list[ResultIn] = Field(min_length=1, max_length=MAX_RESULTS)


class RefusedLine(BaseModel):
    line: int
    code: str
    reason: str


class BatchOut(BaseModel):
    received: int
    inserted: int
    duplicates: int = Field(description="records already stored (same barcode and person, or the same result)")
    refused: list[RefusedLine]


class RoundIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    scope_kind: Literal["city", "districts", "zones", "list"]
    scope_ids: list[RowId] = Field(default_factory=list, max_length=1000)
    reason: str = Field(min_length=1, max_length=32)
    starts_at: Moment
    priority: Literal["fever_emergency", "in_outpatient", "voluntary"] = "voluntary"
    point_ids: list[RowId] = Field(default_factory=list, max_length=5000)
    override_reason: str | None = Field(None, max_length=500)
    override_approver: str | None = Field(None, max_length=64)


class RoundOut(BaseModel):
    id: int
    name: str
    scope_kind: str
    reason: str
    pack: str
    priority: str
    starts_at: LocalMoment
    target_at: LocalMoment
    override_reason: str | None


class CapacityDay(BaseModel):
    lab_code: str
    lab_name: str
    day: date
    capacity: int
    received: int
    tested: int
    positive: int
    pending: int
    load: float


class Turnaround(BaseModel):
    labels: list[str]
    counts: list[int]
    total: int
    within_target: int
    share_within_target: float | None


class PositivePool(BaseModel):
    round_id: int
    barcode: str
    people: int
    resampled: int
    cleared: int
    positive: int
    opened_at: LocalMoment
    community: str | None
    all_resampled: bool
    minutes_to_all_resampled: int | None


class DayTotals(BaseModel):
    day: date
    received: int
    tested: int
    capacity: int
    pending: int
    pools_open: int
    results: int = Field(description="tube results tested that day")
    within_target: int = Field(description="of them, within their round's turnaround target")


class CapacityOut(BaseModel):
    days: list[CapacityDay]
    turnaround: Turnaround
    positive_pools: list[PositivePool]
    on_day: DayTotals
