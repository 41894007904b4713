"""API of nucleic acid testing: rounds, sampling batches, result batches, capacity. Under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from fangkong.core import clock
from fangkong.core.deps import SESSION
from fangkong.core.fields import Day
from fangkong.core.gcpause import CollectorPausedRoute
from fangkong.core.permissions import LAB_RESULTS, LAB_ROUNDS, LAB_SAMPLE, LAB_VIEW, Actor, require
from fangkong.lab import queries, results, rounds, sampling
from fangkong.lab.schemas import BatchOut, CapacityOut, ResultBatchIn, RoundIn, RoundOut, SampleBatchIn

router = APIRouter(tags=["lab"])
batches = APIRouter(route_class=CollectorPausedRoute)  # 10,000 records a request (core.gcpause)


@router.post("/lab/rounds", response_model=RoundOut, status_code=201)
def create_round(body: RoundIn, actor: Actor = Depends(require(LAB_ROUNDS)), session: Session = SESSION):
    """Start a sampling round. A whole area (city, districts) only for the pack's mass-testing reasons,
    otherwise with an override (reason and approver)."""
    return rounds.create_round(session, actor=actor, **body.model_dump())


@batches.post("/lab/samples:batch", response_model=BatchOut)
def sample_batch(body: SampleBatchIn, actor: Actor = Depends(require(LAB_SAMPLE)),
                 session: Session = SESSION):
    """Up to 10,000 sampling records (one person in one tube each): each refused one comes back with its
    line (1-based) and reason; the same barcode and person again is a duplicate. Idempotent."""
    round_ = rounds.get_round(session, body.round_id, actor.jurisdiction)
    ctx = sampling.context(session, round_, actor=actor)
    records = [s.model_dump() for s in body.samples]
    return sampling.ingest(session, records, ctx=ctx, actor=actor).to_dict()


@batches.post("/lab/results:batch", response_model=BatchOut)
def result_batch(body: ResultBatchIn, actor: Actor = Depends(require(LAB_RESULTS)),
                 session: Session = SESSION):
    """Up to 10,000 tube receptions (`received_at` only) or results (`result`, `tested_at`, Ct values).
    A positive pool flags its people and opens their re-sampling tasks in the same transaction."""
    round_ = rounds.get_round(session, body.round_id, actor.jurisdiction)
    records = [r.model_dump() for r in body.results]
    return results.ingest(session, records, round_=round_, actor=actor).to_dict()


@router.get("/lab/capacity", response_model=CapacityOut)
def capacity(on: Day | None = Query(None, description="the day of `on_day` (default today)"),
             actor: Actor = Depends(require(LAB_VIEW)), session: Session = SESSION):
    """Tubes received, tested and pending per lab and day against capacity; turnaround; positive pools;
    `on_day`: the city's totals of one day (pending = what the labs still hold at its end)."""
    days, pools = queries.capacity(session), queries.positive_pools(session, actor.jurisdiction)
    day = on or clock.today()
    on_day = {**queries.day_totals(days, day), **queries.results_on(session, day), "pools_open": queries.open_pools(pools)}
    return {"days": days, "turnaround": queries.turnaround(session), "positive_pools": pools, "on_day": on_day}


router.include_router(batches)
