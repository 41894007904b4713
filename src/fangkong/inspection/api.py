"""API of supervision (督查): inspection items, findings with a photo, closure. Mounted under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fangkong.core.db import RowId
from fangkong.core.deps import SESSION
from fangkong.core.errors import NotFound
from fangkong.core.pagination import PageNumber, PageRequest, PageSize
from fangkong.core.permissions import INSPECTION_READ, INSPECTION_WRITE, Actor, require
from fangkong.inspection import service
from fangkong.inspection.schemas import CloseIn, CollectedOut, CollectIn, FindingIn, ItemOut, ItemPage, Source, State
from fangkong.places.models import District

router = APIRouter(tags=["inspection"])


def _out(session: Session, item) -> dict:
    session.flush()
    names = {item.district_id: session.get(District, item.district_id).name} if item.district_id else {}
    return service.view(item, names)


@router.get("/inspection/items", response_model=ItemPage)
def list_items(state: State | None = None, source: Source | None = None, page: PageNumber = 1,
               per_page: PageSize = 50, actor: Actor = Depends(require(INSPECTION_READ)),
               session: Session = SESSION):
    request = PageRequest(page, per_page)
    items, total, open_by_source = service.list_items(session, scope=actor.jurisdiction, state=state, source=source,
                                                      page=request.page, per_page=request.per_page)
    return {"items": items, "total": total, "page": request.page, "per_page": request.per_page,
            "open_by_source": open_by_source}


@router.post("/inspection/collect", response_model=CollectedOut)
def collect(body: CollectIn | None = None, actor: Actor = Depends(require(INSPECTION_WRITE)),
            session: Session = SESSION):
    """New items from over-enforcement complaints, overdue zone liftings and overrides (once each)."""
    return service.collect(session, on=body.on if body else None, actor=actor)


@router.post("/inspection/items", response_model=ItemOut, status_code=201)
def record_finding(body: FindingIn, actor: Actor = Depends(require(INSPECTION_WRITE)),
                   session: Session = SESSION):
    """A supervision group's finding: place, problem, responsible unit, rectification deadline."""
    return _out(session, service.record_finding(session, actor=actor, **body.model_dump()))


@router.get("/inspection/items/{item_id}", response_model=ItemOut)
def get_item(item_id: RowId, actor: Actor = Depends(require(INSPECTION_READ)),
             session: Session = SESSION):
    return _out(session, service.get_item(session, item_id, scope=actor.jurisdiction))


@router.post("/inspection/items/{item_id}/close", response_model=ItemOut)
def close_item(item_id: RowId, body: CloseIn, actor: Actor = Depends(require(INSPECTION_WRITE)),
               session: Session = SESSION):
    return _out(session, service.close_item(session, item_id, note=body.note, actor=actor))


@router.post("/inspection/items/{item_id}/photo", response_model=ItemOut)
def attach_photo(item_id: RowId, photo: UploadFile = File(...), actor: Actor = Depends(require(INSPECTION_WRITE)),
                 session: Session = SESSION):
    data = photo.file.read(service.MAX_PHOTO_BYTES + 1)
    return _out(session, service.attach_photo(session, item_id, data=data, content_type=photo.content_type or "",
                                              actor=actor))


@router.get("/inspection/items/{item_id}/photo", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}})
def get_photo(item_id: RowId, actor: Actor = Depends(require(INSPECTION_READ)),
              session: Session = SESSION):
    item = service.get_item(session, item_id, scope=actor.jurisdiction)
    if item.photo is None:
        raise NotFound("photo", details={"item_id": item_id})
    return Response(item.photo, media_type=item.photo_type)
