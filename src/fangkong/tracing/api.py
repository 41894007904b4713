"""API of contact tracing: scans in batches, entry checks, fever alerts, candidates of a case. Under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.one_trip import in_one_trip
from fangkong.core.permissions import (
    TRACING_ALERTS, TRACING_CHAINS, TRACING_INVESTIGATE, TRACING_SCAN, Actor, checked_in_trip, require,
)
from fangkong.tracing import chains as chain_service
from fangkong.tracing import checks, flows, scans, service
from fangkong.tracing.schemas import (
    AlertOut, CandidateOut, ChainsOut, ClusterGraphOut, ConfirmIn, DismissIn, EntryCheckIn, EntryCheckOut, GeneralIn, ProposeIn, ScanBatchIn,
    ScanBatchOut,
)
from fangkong.tracing.views import candidate_views

router = APIRouter(tags=["tracing"])


@router.post("/tracing/scans:batch", response_model=ScanBatchOut)
async def scan_batch(request: Request, body: ScanBatchIn, _: None = Depends(checked_in_trip(TRACING_SCAN))):
    """Store a batch of venue scans: each malformed record is refused with its line (1-based) and reason;
    a repeat of a stored scan (same person, venue and minute) is counted as a duplicate. Idempotent.

    Every gate scan of the city comes here, often one a request: the app's writer thread checks the
    caller and stores the scans with the other requests waiting, in one commit (core.one_trip)."""
    records = [scan.model_dump() for scan in body.scans]
    return await in_one_trip(request, TRACING_SCAN, scans.ScanWork(records, body.source))


@router.post("/tracing/entry-checks", response_model=EntryCheckOut, status_code=201)
def entry_check(body: EntryCheckIn, actor: Actor = Depends(require(TRACING_SCAN)),
                session: Session = SESSION):
    """A gate check: scan, temperature, registration. A fever raises one alert to the site's task force."""
    check, alert = checks.record_check(session, actor=actor, **body.model_dump())
    return {"id": check.id, "venue_id": check.venue_id, "temperature": check.temperature,
            "fever": alert is not None, "alert_id": alert.id if alert else None}


@router.get("/tracing/alerts", response_model=list[AlertOut])
def alerts(actor: Actor = Depends(require(TRACING_ALERTS)), session: Session = SESSION):
    """Fever alerts addressed to the caller's task force in their jurisdiction."""
    return checks.alerts_for(session, actor=actor)


@router.get("/tracing/cases/{case_id}/candidates", response_model=list[CandidateOut])
def list_candidates(case_id: RowId, actor: Actor = Depends(require(TRACING_INVESTIGATE)),
                    session: Session = SESSION):
    return candidate_views(session, service.list_candidates(session, case_id, scope=actor.jurisdiction))


@router.post("/tracing/cases/{case_id}/candidates", response_model=list[CandidateOut])
def propose(case_id: RowId, body: ProposeIn | None = None, actor: Actor = Depends(require(TRACING_INVESTIGATE)),
            session: Session = SESSION):
    """Compute the case's candidates with the pack in force and store the new ones (decided ones are kept)."""
    stored = service.propose(session, case_id, actor=actor, onset=body.onset if body else None)
    return candidate_views(session, stored)


@router.post("/tracing/candidates/{candidate_id}/confirm", response_model=CandidateOut)
def confirm(candidate_id: RowId, body: ConfirmIn | None = None, actor: Actor = Depends(require(TRACING_INVESTIGATE)),
            session: Session = SESSION):
    """Confirm: the person goes under management (close or secondary contact, anchored on the last exposure)."""
    body = body or ConfirmIn()
    candidate = flows.confirm(session, candidate_id, actor=actor, name=body.name, reason=body.reason)
    return candidate_views(session, [candidate])[0]


@router.post("/tracing/candidates/{candidate_id}/general", response_model=CandidateOut)
def general(candidate_id: RowId, body: GeneralIn | None = None, actor: Actor = Depends(require(TRACING_INVESTIGATE)),
            session: Session = SESSION):
    candidate = service.mark_general(session, candidate_id, actor=actor, reason=body.reason if body else None)
    return candidate_views(session, [candidate])[0]


@router.post("/tracing/candidates/{candidate_id}/dismiss", response_model=CandidateOut)
def dismiss(candidate_id: RowId, body: DismissIn, actor: Actor = Depends(require(TRACING_INVESTIGATE)),
            session: Session = SESSION):
    candidate = service.dismiss(session, candidate_id, actor=actor, reason=body.reason)
    return candidate_views(session, [candidate])[0]


@router.get("/tracing/chains", response_model=ChainsOut)
def chains(actor: Actor = Depends(require(TRACING_CHAINS)), session: Session = SESSION):
    """Clusters of cases linked by confirmed contacts who became cases, largest first, with their statistics."""
    return chain_service.overview(session, scope=actor.jurisdiction)


@router.get("/tracing/chains/{cluster_id}", response_model=ClusterGraphOut)
def chain(cluster_id: RowId, actor: Actor = Depends(require(TRACING_CHAINS)), session: Session = SESSION):
    """One cluster's graph: its cases, their confirmed contacts, and who infected whom."""
    return chain_service.cluster_graph(session, cluster_id, scope=actor.jurisdiction)
