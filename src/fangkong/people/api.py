from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.errors import NotFound
from fangkong.core.pagination import PageNumber, PageSize
from fangkong.core.permissions import (
    RESIDENTS_EXPORT,
    RESIDENTS_READ,
    RESIDENTS_REVEAL,
    RESIDENTS_WRITE,
    Actor,
    require,
)
from fangkong.people import export, service
from fangkong.people.schemas import (
    ResidentExportRequest,
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
    page: PageNumber = 1,
    per_page: PageSize = 50,
    actor: Actor = Depends(require(RESIDENTS_READ)),
    session: Session = SESSION,
):
    items, total = service.list_residents(
        session, scope=actor.jurisdiction, district_code=district, page=page, per_page=per_page
    )
    return ResidentPage(items=items, total=total, page=page, per_page=per_page)


@router.post("", response_model=ResidentOut, status_code=201)
def add_resident(
    body: ResidentIn, actor: Actor = Depends(require(RESIDENTS_WRITE)), session: Session = SESSION
):
    resident = service.add_resident(session, actor=actor, **body.model_dump())
    return service.resident_view(session, resident)


@router.post(
    "/export",
    response_class=Response,
    responses={200: {"content": {export.XLSX_MEDIA_TYPE: {}}, "description": "the .xlsx file, as an attachment"}},
)
def export_residents(
    body: ResidentExportRequest | None = None,
    actor: Actor = Depends(require(RESIDENTS_EXPORT)),
    session: Session = SESSION,
):
    """The residents of your jurisdiction (or one district of it) as an .xlsx file; audited.

    A POST for every variant, masked or not, so that the reason never lands in URLs or access
    logs. ID numbers and phones are masked unless `unmasked` is true, which needs the
    `residents.export_unmasked` right (else 403) and a `reason` (else 422). An empty body
    exports the whole jurisdiction, masked, with Chinese headings.
    """
    body = body or ResidentExportRequest()
    return export.download(
        session, actor=actor, district_code=body.district, unmasked=body.unmasked, reason=body.reason,
        language=body.language,
    )


@router.post("/lookup", response_model=ResidentOut)
def lookup_by_id_number(
    body: ResidentLookup, actor: Actor = Depends(require(RESIDENTS_READ)), session: Session = SESSION
):
    """Find a resident by ID number (sent in the body, so it never lands in access logs)."""
    resident = service.find_by_id_number(session, body.id_number, scope=actor.jurisdiction)
    if resident is None:
        raise NotFound("resident")
    return service.resident_view(session, resident)


@router.get("/{resident_id}", response_model=ResidentOut)
def get_resident(
    resident_id: RowId, actor: Actor = Depends(require(RESIDENTS_READ)), session: Session = SESSION
):
    return service.resident_view(session, service.get_resident(session, resident_id, scope=actor.jurisdiction))


@router.post("/{resident_id}/reveal", response_model=ResidentRevealed)
def reveal_resident(
    resident_id: RowId,
    body: RevealRequest,
    actor: Actor = Depends(require(RESIDENTS_REVEAL)),
    session: Session = SESSION,
):
    """The full ID number and phone, for a stated reason; written to the audit log."""
    return service.reveal(session, resident_id, actor=actor, reason=body.reason)
