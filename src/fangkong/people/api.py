from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from fangkong.core.deps import get_session
from fangkong.core.errors import NotFound
from fangkong.core.permissions import RESIDENTS_READ, RESIDENTS_REVEAL, RESIDENTS_WRITE, Actor, require
from fangkong.people import service
from fangkong.people.schemas import (
    ResidentIn,
    ResidentLookup,
    ResidentOut,
    ResidentPage,
    ResidentRevealed,
    RevealRequest,
)

router = APIRouter(prefix="/residents", tags=["people"])


@router.get("", response_model=ResidentPage)
def list_residents(
    district: str | None = Query(None, description="GB/T 2260 district code"),
    page: int = Query(1),
    per_page: int = Query(50),
    actor: Actor = Depends(require(RESIDENTS_READ)),
    session: Session = Depends(get_session),
):
    items, total = service.list_residents(
        session, scope=actor.jurisdiction, district_code=district, page=page, per_page=per_page
    )
    return ResidentPage(items=items, total=total, page=page, per_page=per_page)


@router.post("", response_model=ResidentOut, status_code=201)
def add_resident(
    body: ResidentIn, actor: Actor = Depends(require(RESIDENTS_WRITE)), session: Session = Depends(get_session)
):
    resident = service.add_resident(session, actor=actor, **body.model_dump())
    return service.resident_view(session, resident)


@router.post("/lookup", response_model=ResidentOut)
def lookup_by_id_number(
    body: ResidentLookup, actor: Actor = Depends(require(RESIDENTS_READ)), session: Session = Depends(get_session)
):
    """Find a resident by ID number (sent in the body, so it never lands in access logs)."""
    resident = service.find_by_id_number(session, body.id_number, scope=actor.jurisdiction)
    if resident is None:
        raise NotFound("resident")
    return service.resident_view(session, resident)


@router.get("/{resident_id}", response_model=ResidentOut)
def get_resident(
    resident_id: int, actor: Actor = Depends(require(RESIDENTS_READ)), session: Session = Depends(get_session)
):
    return service.resident_view(session, service.get_resident(session, resident_id, scope=actor.jurisdiction))


@router.post("/{resident_id}/reveal", response_model=ResidentRevealed)
def reveal_resident(
    resident_id: int,
    body: RevealRequest,
    actor: Actor = Depends(require(RESIDENTS_REVEAL)),
    session: Session = Depends(get_session),
):
    """The full ID number and phone, for a stated reason; written to the audit log."""
    return service.reveal(session, resident_id, actor=actor, reason=body.reason)
