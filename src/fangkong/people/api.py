from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from fangkong.core.auth import current_user
from fangkong.core.deps import get_session
from fangkong.core.errors import NotFound
from fangkong.people import service
from fangkong.people.schemas import ResidentIn, ResidentLookup, ResidentOut, ResidentPage

router = APIRouter(prefix="/residents", tags=["people"], dependencies=[Depends(current_user)])


@router.get("", response_model=ResidentPage)
def list_residents(
    district: str | None = Query(None, description="GB/T 2260 district code"),
    page: int = Query(1),
    per_page: int = Query(50),
    session: Session = Depends(get_session),
):
    items, total = service.list_residents(session, district_code=district, page=page, per_page=per_page)
    return ResidentPage(items=items, total=total, page=page, per_page=per_page)


@router.post("", response_model=ResidentOut, status_code=201)
def add_resident(body: ResidentIn, session: Session = Depends(get_session)):
    resident = service.add_resident(session, **body.model_dump())
    return service.resident_view(session, resident)


@router.post("/lookup", response_model=ResidentOut)
def lookup_by_id_number(body: ResidentLookup, session: Session = Depends(get_session)):
    """Find a resident by ID number (sent in the body, so it never lands in access logs)."""
    resident = service.find_by_id_number(session, body.id_number)
    if resident is None:
        raise NotFound("resident")
    return service.resident_view(session, resident)


@router.get("/{resident_id}", response_model=ResidentOut)
def get_resident(resident_id: int, session: Session = Depends(get_session)):
    return service.resident_view(session, service.get_resident(session, resident_id))
