from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from fangkong.core.deps import SESSION
from fangkong.core.pagination import PageNumber, PageRequest, PageSize
from fangkong.core.permissions import PLACES_READ, Actor, require
from fangkong.places import service
from fangkong.places.schemas import DistrictOut, VenueOut, VenuePage

router = APIRouter(tags=["places"])


@router.get("/districts", response_model=list[DistrictOut])
def list_districts(actor: Actor = Depends(require(PLACES_READ)), session: Session = SESSION):
    return service.list_districts(session, scope=actor.jurisdiction)


@router.get("/venues", response_model=VenuePage)
def list_venues(
    district: str | None = Query(None, description="GB/T 2260 district code"),
    kind: str | None = Query(None),
    page: PageNumber = 1,
    per_page: PageSize = 50,
    actor: Actor = Depends(require(PLACES_READ)),
    session: Session = SESSION,
):
    items, total = service.list_venues(
        session,
        scope=actor.jurisdiction,
        page=PageRequest(page=page, per_page=per_page),
        district_code=district,
        kind=kind,
    )
    return VenuePage(items=[VenueOut.model_validate(v) for v in items], total=total, page=page, per_page=per_page)
